use super::*;
use crate::sip::Method;
use crate::transaction::testkit::*;
use crate::vocab::TransportKind;

fn start(kind: TransportKind) -> (Instant, ClientInvite, Vec<Output>) {
    let t0 = Instant::now(); // clock-ok: test code
    let mut tx = ClientInvite::new(
        t0,
        invite("z9hG4bKc1"),
        target(kind),
        TimerConfig::default(),
    );
    let outs = drain(|| tx.poll_output());
    (t0, tx, outs)
}

#[test]
fn udp_retransmits_at_exact_schedule_then_times_out_at_b() {
    let (t0, mut tx, outs) = start(TransportKind::Udp);
    assert_eq!(transmitted(&outs).len(), 1);
    let (at, last) = schedule(t0, &mut tx);
    assert_eq!(at, [500, 1500, 3500, 7500, 15500, 31500]);
    assert_eq!(
        last,
        [
            Output::ToTu(TxEvent::Timeout),
            Output::ToTu(TxEvent::Terminated)
        ]
    );
    assert!(tx.is_terminated());
}

#[test]
fn timer_b_fires_at_64_t1() {
    let (t0, mut tx, _) = start(TransportKind::Udp);
    for due in [0.5, 1.5, 3.5, 7.5, 15.5, 31.5] {
        assert_eq!(tx.poll_timeout(), Some(t0 + secs(due)));
        fire(&mut tx, t0 + secs(due));
    }
    assert_eq!(tx.poll_timeout(), Some(t0 + secs(32.0)));
    assert!(fire(&mut tx, t0 + secs(31.9)).is_empty());
    assert!(fire(&mut tx, t0 + secs(32.0)).contains(&Output::ToTu(TxEvent::Timeout)));
}

#[test]
fn reliable_never_retransmits() {
    let (t0, mut tx, _) = start(TransportKind::Tcp);
    assert_eq!(tx.poll_timeout(), Some(t0 + secs(32.0)));
    let outs = fire(&mut tx, t0 + secs(32.0));
    assert!(transmitted(&outs).is_empty());
    assert!(tx.is_terminated());
}

#[test]
fn provisional_stops_retransmissions() {
    let (t0, mut tx, _) = start(TransportKind::Udp);
    let inv = tx.request().clone();
    tx.handle(t0 + secs(0.2), Input::RecvResponse(response(&inv, 180)));
    assert_eq!(tx.state(), &ClientInviteState::Proceeding);
    assert_eq!(tx.poll_timeout(), None);
    let outs = drain(|| tx.poll_output());
    assert!(matches!(&outs[..], [Output::ToTu(TxEvent::Response(r))] if r.status.as_u16() == 180));
}

#[test]
fn non_2xx_is_acked_per_17_1_1_3_and_retransmissions_reacked() {
    let (t0, mut tx, _) = start(TransportKind::Udp);
    let inv = tx.request().clone();
    let resp = response(&inv, 486);
    tx.handle(t0 + secs(1.0), Input::RecvResponse(resp.clone()));
    let outs = drain(|| tx.poll_output());
    let acks = transmitted(&outs);
    assert_eq!(acks.len(), 1);
    let Message::Request(ack) = acks[0] else {
        panic!("not a request")
    };
    assert_eq!(ack.method, Method::Ack);
    assert_eq!(ack.uri, inv.uri);
    let h = |r: &Request, n: HeaderName| r.headers.get_all(&n).cloned().collect::<Vec<_>>();
    assert_eq!(h(ack, HeaderName::Via), h(&inv, HeaderName::Via)[..1]);
    assert_eq!(h(ack, HeaderName::Route), h(&inv, HeaderName::Route));
    assert_eq!(h(ack, HeaderName::From), h(&inv, HeaderName::From));
    assert_eq!(h(ack, HeaderName::CallId), h(&inv, HeaderName::CallId));
    assert_eq!(
        ack.headers.get(&HeaderName::To),
        resp.headers.get(&HeaderName::To)
    );
    assert_eq!(
        ack.headers.get(&HeaderName::CSeq).unwrap().as_str(),
        "1 ACK"
    );
    assert!(outs.contains(&Output::ToTu(TxEvent::Response(resp.clone()))));
    assert!(matches!(tx.state(), ClientInviteState::Completed(_)));

    tx.handle(t0 + secs(2.0), Input::RecvResponse(resp.clone()));
    let outs = drain(|| tx.poll_output());
    assert_eq!(outs.len(), 1, "only the ACK again, nothing to the TU");
    assert_eq!(transmitted(&outs)[0], &Message::Request(ack.clone()));

    assert_eq!(tx.poll_timeout(), Some(t0 + secs(33.0)), "Timer D = 32 s");
    assert_eq!(
        fire(&mut tx, t0 + secs(33.0)),
        [Output::ToTu(TxEvent::Terminated)]
    );
}

#[test]
fn reliable_non_2xx_terminates_at_once() {
    let (t0, mut tx, _) = start(TransportKind::Tls);
    let inv = tx.request().clone();
    tx.handle(t0, Input::RecvResponse(response(&inv, 603)));
    let outs = drain(|| tx.poll_output());
    assert_eq!(transmitted(&outs).len(), 1);
    assert_eq!(outs.last(), Some(&Output::ToTu(TxEvent::Terminated)));
}

#[test]
fn accepted_passes_2xx_retransmissions_to_tu_without_ack() {
    let (t0, mut tx, _) = start(TransportKind::Udp);
    let inv = tx.request().clone();
    let ok = response(&inv, 200);
    tx.handle(t0 + secs(1.0), Input::RecvResponse(response(&inv, 180)));
    tx.handle(t0 + secs(2.0), Input::RecvResponse(ok.clone()));
    assert!(matches!(tx.state(), ClientInviteState::Accepted(_)));
    drain(|| tx.poll_output());
    for _ in 0..3 {
        tx.handle(t0 + secs(3.0), Input::RecvResponse(ok.clone()));
        assert_eq!(
            drain(|| tx.poll_output()),
            [Output::ToTu(TxEvent::Response(ok.clone()))]
        );
    }
    tx.handle(t0 + secs(3.0), Input::RecvResponse(response(&inv, 486)));
    assert!(
        drain(|| tx.poll_output()).is_empty(),
        "non-2xx ignored in Accepted"
    );
    assert_eq!(tx.poll_timeout(), Some(t0 + secs(34.0)), "Timer M = 64*T1");
    assert_eq!(
        fire(&mut tx, t0 + secs(34.0)),
        [Output::ToTu(TxEvent::Terminated)]
    );
}

#[test]
fn transport_error_terminates_and_informs_tu() {
    let (t0, mut tx, _) = start(TransportKind::Udp);
    tx.handle(t0, Input::TransportError);
    assert_eq!(
        drain(|| tx.poll_output()),
        [
            Output::ToTu(TxEvent::TransportError),
            Output::ToTu(TxEvent::Terminated)
        ]
    );
    tx.handle(t0, Input::TransportError);
    assert!(drain(|| tx.poll_output()).is_empty());
}
