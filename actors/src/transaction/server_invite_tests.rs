use super::*;
use crate::transaction::testkit::*;
use crate::vocab::TransportKind;

fn start(kind: TransportKind) -> (Instant, ServerInvite, Request) {
    let t0 = Instant::now(); // clock-ok: test code
    let inv = invite("z9hG4bKs1");
    let tx = ServerInvite::new(t0, inv.clone(), target(kind), TimerConfig::default());
    (t0, tx, inv)
}

fn codes(outs: &[Output]) -> Vec<u16> {
    transmitted(outs)
        .into_iter()
        .filter_map(|m| match m {
            Message::Response(r) => Some(r.status.as_u16()),
            Message::Request(_) => None,
        })
        .collect()
}

#[test]
fn sends_100_trying_after_200ms_unless_tu_answers() {
    let (t0, mut tx, inv) = start(TransportKind::Udp);
    assert_eq!(tx.poll_timeout(), Some(t0 + secs(0.2)));
    assert_eq!(codes(&fire(&mut tx, t0 + secs(0.2))), [100]);
    assert_eq!(tx.poll_timeout(), None);
    // A retransmitted INVITE gets the last provisional again.
    tx.handle(t0 + secs(0.5), Input::RecvRequest(inv.clone()));
    assert_eq!(codes(&drain(|| tx.poll_output())), [100]);

    let (t0, mut tx, inv) = start(TransportKind::Udp);
    tx.handle(t0 + secs(0.1), Input::SendResponse(response(&inv, 180)));
    assert_eq!(codes(&drain(|| tx.poll_output())), [180]);
    assert_eq!(
        tx.poll_timeout(),
        None,
        "no 100 once the TU sent a provisional"
    );
    tx.handle(t0 + secs(0.5), Input::RecvRequest(inv));
    assert_eq!(codes(&drain(|| tx.poll_output())), [180]);
}

#[test]
fn timer_g_doubles_to_t2_and_timer_h_times_out() {
    let (t0, mut tx, inv) = start(TransportKind::Udp);
    tx.handle(t0, Input::SendResponse(response(&inv, 486)));
    assert_eq!(codes(&drain(|| tx.poll_output())), [486]);
    let (at, last) = schedule(t0, &mut tx);
    assert_eq!(
        at,
        [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]
    );
    assert_eq!(
        last,
        [
            Output::ToTu(TxEvent::Timeout),
            Output::ToTu(TxEvent::Terminated)
        ]
    );
}

#[test]
fn ack_confirms_then_timer_i() {
    let (t0, mut tx, inv) = start(TransportKind::Udp);
    tx.handle(t0, Input::SendResponse(response(&inv, 404)));
    tx.handle(t0 + secs(0.3), Input::RecvRequest(inv.clone()));
    assert_eq!(codes(&drain(|| tx.poll_output())), [404, 404]);
    let ack = crate::transaction::build_ack(&inv, &response(&inv, 404));
    tx.handle(t0 + secs(1.0), Input::RecvRequest(ack.clone()));
    assert!(matches!(tx.state(), ServerInviteState::Confirmed(_)));
    tx.handle(t0 + secs(1.2), Input::RecvRequest(ack));
    tx.handle(t0 + secs(1.2), Input::RecvRequest(inv));
    assert!(drain(|| tx.poll_output()).is_empty(), "Confirmed absorbs");
    assert_eq!(tx.poll_timeout(), Some(t0 + secs(6.0)), "Timer I = T4");
    assert_eq!(
        fire(&mut tx, t0 + secs(6.0)),
        [Output::ToTu(TxEvent::Terminated)]
    );
}

#[test]
fn reliable_no_timer_g_and_ack_terminates() {
    let (t0, mut tx, inv) = start(TransportKind::Tcp);
    tx.handle(t0, Input::SendResponse(response(&inv, 500)));
    drain(|| tx.poll_output());
    assert_eq!(tx.poll_timeout(), Some(t0 + secs(32.0)), "only Timer H");
    let ack = crate::transaction::build_ack(&inv, &response(&inv, 500));
    tx.handle(t0 + secs(1.0), Input::RecvRequest(ack));
    assert_eq!(
        drain(|| tx.poll_output()),
        [Output::ToTu(TxEvent::Terminated)]
    );
}

#[test]
fn accepted_absorbs_invites_passes_ack_and_tu_2xx_then_timer_l() {
    let (t0, mut tx, inv) = start(TransportKind::Udp);
    let ok = response(&inv, 200);
    tx.handle(t0 + secs(0.1), Input::SendResponse(ok.clone()));
    assert_eq!(codes(&drain(|| tx.poll_output())), [200]);
    assert!(matches!(tx.state(), ServerInviteState::Accepted(_)));
    tx.handle(t0 + secs(0.6), Input::RecvRequest(inv.clone()));
    assert!(
        drain(|| tx.poll_output()).is_empty(),
        "INVITE retransmission absorbed"
    );
    tx.handle(t0 + secs(0.6), Input::SendResponse(ok.clone()));
    assert_eq!(
        codes(&drain(|| tx.poll_output())),
        [200],
        "the TU retransmits its 2xx"
    );
    let mut ack = crate::transaction::build_ack(&inv, &ok);
    ack.method = crate::sip::Method::Ack;
    tx.handle(t0 + secs(1.0), Input::RecvRequest(ack.clone()));
    assert_eq!(
        drain(|| tx.poll_output()),
        [Output::ToTu(TxEvent::Ack(ack))]
    );
    assert_eq!(tx.poll_timeout(), Some(t0 + secs(32.1)), "Timer L = 64*T1");
    assert_eq!(
        fire(&mut tx, t0 + secs(32.1)),
        [Output::ToTu(TxEvent::Terminated)]
    );
}

#[test]
fn transport_error() {
    let (t0, mut tx, inv) = start(TransportKind::Udp);
    tx.handle(t0, Input::SendResponse(response(&inv, 180)));
    tx.handle(t0, Input::TransportError);
    let outs = drain(|| tx.poll_output());
    assert_eq!(
        outs[1..],
        [
            Output::ToTu(TxEvent::TransportError),
            Output::ToTu(TxEvent::Terminated)
        ]
    );
}
