use super::*;
use crate::sip::{Method, Request};
use crate::transaction::testkit::*;
use crate::vocab::TransportKind;

fn start(kind: TransportKind) -> (Instant, ServerNonInvite, Request) {
    let req = request(Method::Bye, "z9hG4bKb1");
    (
        Instant::now(), // clock-ok: test code
        ServerNonInvite::new(target(kind), TimerConfig::default()),
        req,
    )
}

#[test]
fn trying_absorbs_proceeding_and_completed_resend() {
    let (t0, mut tx, req) = start(TransportKind::Udp);
    tx.handle(t0, Input::RecvRequest(req.clone()));
    assert!(drain(|| tx.poll_output()).is_empty(), "Trying absorbs");
    let trying = response(&req, 100);
    tx.handle(t0, Input::SendResponse(trying.clone()));
    tx.handle(t0, Input::RecvRequest(req.clone()));
    assert_eq!(transmitted(&drain(|| tx.poll_output())).len(), 2);
    let ok = response(&req, 200);
    tx.handle(t0 + secs(1.0), Input::SendResponse(ok.clone()));
    tx.handle(t0 + secs(2.0), Input::RecvRequest(req.clone()));
    let outs = drain(|| tx.poll_output());
    assert_eq!(transmitted(&outs), [&Message::Response(ok.clone()); 2]);
    tx.handle(t0 + secs(2.0), Input::SendResponse(response(&req, 500)));
    assert!(
        drain(|| tx.poll_output()).is_empty(),
        "second final ignored"
    );
    assert_eq!(tx.poll_timeout(), Some(t0 + secs(33.0)), "Timer J = 64*T1");
    tx.handle(t0 + secs(32.9), Input::Timer);
    assert!(!tx.is_terminated());
    tx.handle(t0 + secs(33.0), Input::Timer);
    assert_eq!(
        drain(|| tx.poll_output()),
        [Output::ToTu(TxEvent::Terminated)]
    );
}

#[test]
fn reliable_final_terminates_at_once() {
    let (t0, mut tx, req) = start(TransportKind::Tcp);
    tx.handle(t0, Input::SendResponse(response(&req, 200)));
    let outs = drain(|| tx.poll_output());
    assert_eq!(transmitted(&outs).len(), 1);
    assert_eq!(outs.last(), Some(&Output::ToTu(TxEvent::Terminated)));
}

#[test]
fn transport_error() {
    let (t0, mut tx, _) = start(TransportKind::Udp);
    tx.handle(t0, Input::TransportError);
    assert_eq!(
        drain(|| tx.poll_output()),
        [
            Output::ToTu(TxEvent::TransportError),
            Output::ToTu(TxEvent::Terminated)
        ]
    );
}
