use super::*;
use crate::sip::Method;
use crate::transaction::testkit::*;
use crate::vocab::TransportKind;

fn start(kind: TransportKind) -> (Instant, ClientNonInvite) {
    let t0 = Instant::now(); // clock-ok: test code
    let mut tx = ClientNonInvite::new(
        t0,
        request(Method::Options, "z9hG4bKn1"),
        target(kind),
        TimerConfig::default(),
    );
    assert_eq!(transmitted(&drain(|| tx.poll_output())).len(), 1);
    (t0, tx)
}

#[test]
fn timer_e_doubles_to_t2_then_stays_and_f_times_out() {
    let (t0, mut tx) = start(TransportKind::Udp);
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
fn proceeding_retransmits_every_t2() {
    let (t0, mut tx) = start(TransportKind::Udp);
    let req = tx.request().clone();
    fire(&mut tx, t0 + secs(0.5));
    tx.handle(t0 + secs(1.0), Input::RecvResponse(response(&req, 100)));
    assert!(matches!(tx.state(), ClientNonInviteState::Proceeding(_)));
    drain(|| tx.poll_output());
    let (at, _) = schedule(t0, &mut tx);
    assert_eq!(at, [1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500]);
}

#[test]
fn reliable_no_retransmission_timer_f_only() {
    let (t0, mut tx) = start(TransportKind::Tcp);
    let (at, last) = schedule(t0, &mut tx);
    assert!(at.is_empty());
    assert_eq!(last[0], Output::ToTu(TxEvent::Timeout));
}

#[test]
fn final_then_timer_k_absorbs_retransmissions() {
    let (t0, mut tx) = start(TransportKind::Udp);
    let req = tx.request().clone();
    let ok = response(&req, 200);
    tx.handle(t0 + secs(1.0), Input::RecvResponse(ok.clone()));
    assert_eq!(
        drain(|| tx.poll_output()),
        [Output::ToTu(TxEvent::Response(ok.clone()))]
    );
    tx.handle(t0 + secs(2.0), Input::RecvResponse(ok));
    assert!(drain(|| tx.poll_output()).is_empty());
    assert_eq!(tx.poll_timeout(), Some(t0 + secs(6.0)), "Timer K = T4");
    assert_eq!(
        fire(&mut tx, t0 + secs(6.0)),
        [Output::ToTu(TxEvent::Terminated)]
    );
}

#[test]
fn reliable_final_terminates_at_once() {
    let (t0, mut tx) = start(TransportKind::Tls);
    let req = tx.request().clone();
    tx.handle(t0, Input::RecvResponse(response(&req, 404)));
    assert_eq!(
        drain(|| tx.poll_output()).last(),
        Some(&Output::ToTu(TxEvent::Terminated))
    );
    assert!(tx.is_terminated());
}

#[test]
fn transport_error() {
    let (t0, mut tx) = start(TransportKind::Udp);
    tx.handle(t0, Input::TransportError);
    assert_eq!(
        drain(|| tx.poll_output()),
        [
            Output::ToTu(TxEvent::TransportError),
            Output::ToTu(TxEvent::Terminated)
        ]
    );
}
