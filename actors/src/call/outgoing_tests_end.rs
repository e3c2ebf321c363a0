//! [`OutgoingCall`](super::OutgoingCall): CANCEL, the CANCEL/200 race, forks, timers.

use super::testkit::*;
use super::{OutgoingInput as In, OutgoingOutput as Out, OutgoingState as S};
use crate::admission::EndReason;
use crate::sip::auth::DigestServer;
use crate::sip::{HeaderName, Method};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Duration;

#[test]
fn cancel_before_any_provisional_waits_for_one() {
    let (mut call, inv) = started(cfg());
    call.handle(t0(), In::CancelRequested);
    assert!(drain(&mut call).is_empty(), "no CANCEL before a 1xx (§9.1)");
    assert_eq!(call.state(), S::Connecting);
    call.handle(t0(), In::Response(reply(&inv, 100, "", "", false)));
    let outs = drain(&mut call);
    let c = cancel(&outs);
    assert!(events(&outs).is_empty());
    assert_eq!(c.method, Method::Cancel);
    assert_eq!(c.uri, inv.uri);
    assert_eq!(header(&c, HeaderName::CSeq), "1 CANCEL");
    let via = header(&c, HeaderName::Via);
    assert_eq!(
        via,
        header(&inv, HeaderName::Via)
            .replace("branch=z9hG4bK", &format!("branch={}", branch("1 INVITE")))
    );
    for h in [
        HeaderName::From,
        HeaderName::To,
        HeaderName::CallId,
        HeaderName::Route,
    ] {
        assert_eq!(header(&c, h.clone()), header(&inv, h));
    }
    assert_eq!(call.state(), S::Cancelling);
    call.handle(t0(), In::Response(reply(&inv, 487, "b1", "", false)));
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Cancelled, Some(487))]
    );
}

#[test]
fn a_200_crossing_our_cancel_is_acked_then_byed() {
    let (mut call, inv) = started(cfg());
    call.handle(t0(), In::Response(reply(&inv, 180, "b1", "", false)));
    drain(&mut call);
    call.handle(t0(), In::CancelRequested);
    cancel(&drain(&mut call));
    call.handle(t0(), In::Response(reply(&inv, 200, "b1", "", true)));
    let outs = drain(&mut call);
    let (a, b) = (ack(&outs), bye(&outs));
    let pos = |m: Method| {
        outs.iter()
            .position(|o| matches!(o, Out::SendAck(r) | Out::SendBye(r) if r.method == m))
    };
    assert!(pos(Method::Ack) < pos(Method::Bye), "ACK before BYE");
    assert_eq!(header(&a, HeaderName::CSeq), "1 ACK");
    assert_eq!(header(&b, HeaderName::CSeq), "2 BYE");
    assert_eq!(b.uri.to_string(), "sip:bob@b1.biloxi.example.com");
    assert_eq!(b.to().expect("to").tag(), Some("b1"));
    assert!(header(&b, HeaderName::Via).ends_with("branch=z9hG4bK"));
    assert_eq!(events(&outs), vec![ended(EndReason::Cancelled, Some(200))]);
    assert!(call.take_dialog().is_none());
}

#[test]
fn a_losing_forks_2xx_is_acked_then_byed() {
    let (mut call, inv) = started(cfg());
    call.handle(t0(), In::Response(reply(&inv, 180, "a", "", false)));
    call.handle(t0(), In::Response(reply(&inv, 180, "b", "", false)));
    call.handle(t0(), In::Response(reply(&inv, 200, "a", "", true)));
    drain(&mut call);
    assert_eq!(call.state(), S::Confirmed);
    call.handle(t0(), In::Response(reply(&inv, 200, "b", "", true)));
    let outs = drain(&mut call);
    assert_eq!(ack(&outs).to().expect("to").tag(), Some("b"));
    assert_eq!(bye(&outs).uri.to_string(), "sip:bob@b.biloxi.example.com");
    assert!(events(&outs).is_empty());
    assert_eq!(call.take_dialog().expect("dialog").id().remote_tag, "a");
}

#[test]
fn a_late_2xx_to_a_challenged_invite_is_acked_then_byed() {
    let (mut call, inv) = started(cfg());
    let mut server = DigestServer::new("example.com");
    call.handle(t0(), In::Response(challenge_407(&inv, &mut server)));
    drain(&mut call);
    call.handle(t0(), In::Response(reply(&inv, 200, "late", "", true)));
    let outs = drain(&mut call);
    assert_eq!(header(&ack(&outs), HeaderName::CSeq), "1 ACK");
    assert_eq!(bye(&outs).to().expect("to").tag(), Some("late"));
    assert_eq!(call.state(), S::Connecting);
}

#[test]
fn timer_b_transport_errors_and_timers_end_the_call() {
    let (mut call, _) = started(cfg());
    call.handle(t0(), In::Timeout);
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Timeout, None)]
    );
    let (mut call, _) = started(cfg());
    call.handle(t0(), In::TransportError);
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Congestion, None)]
    );
    // A hang-up still waiting for a 1xx ends with Timer B, as cancelled.
    let (mut call, _) = started(cfg());
    call.handle(t0(), In::CancelRequested);
    call.handle(t0(), In::Timeout);
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Cancelled, None)]
    );
    // The CANCEL gets 64·T1 for the INVITE to end.
    let (mut call, inv) = started(cfg());
    let now = t0();
    call.handle(now, In::Response(reply(&inv, 180, "b1", "", false)));
    call.handle(now, In::CancelRequested);
    let deadline = call.poll_timeout().expect("cancel wait");
    assert_eq!(deadline, now + Duration::from_secs(32));
    drain(&mut call);
    call.handle(deadline, In::Timer);
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Cancelled, None)]
    );
}

#[test]
fn the_answer_timer_cancels_as_no_answer() {
    let mut c = cfg();
    c.answer_timeout = Some(Duration::from_secs(30));
    let (mut call, inv) = started(c);
    let deadline = call.poll_timeout().expect("answer timer");
    call.handle(t0(), In::Response(reply(&inv, 180, "b1", "", false)));
    drain(&mut call);
    call.handle(deadline, In::Timer);
    cancel(&drain(&mut call));
    call.handle(deadline, In::Response(reply(&inv, 487, "b1", "", false)));
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::NoAnswer, Some(487))]
    );
}

#[test]
fn cancel_before_start_ends_without_sending() {
    let mut call = super::OutgoingCall::new(t0(), cfg(), ChaCha8Rng::seed_from_u64(1));
    call.handle(t0(), In::CancelRequested);
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Cancelled, None)]
    );
    call.handle(t0(), In::Start);
    assert!(drain(&mut call).is_empty());
}
