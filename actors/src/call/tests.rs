use super::*;
use crate::sip::{parse_datagram, HeaderName, Message, ParseLimits, Request, StatusCode};
use bytes::Bytes;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Duration;
use tokio::time::Instant;

pub(super) fn request(text: &str) -> Request {
    let bytes = Bytes::from(text.replace('\n', "\r\n"));
    match parse_datagram(bytes, &ParseLimits::default()) {
        Ok(Message::Request(r)) => r,
        other => panic!("not a request: {other:?}"),
    }
}

pub(super) fn invite() -> Request {
    request(
        "INVITE sip:alice@10.0.0.1 SIP/2.0\n\
         Via: SIP/2.0/UDP 10.0.0.3:5060;branch=z9hG4bKinv1\n\
         Max-Forwards: 70\n\
         From: \"Carol C\" <sip:carol@example.com>;tag=c1\n\
         To: <sip:alice@example.com>\n\
         Call-ID: call-1@10.0.0.3\n\
         CSeq: 1 INVITE\n\
         P-Asserted-Identity: <sip:+15551230000@example.com>\n\
         Content-Length: 0\n\n",
    )
}

pub(super) fn cancel() -> Request {
    request(
        "CANCEL sip:alice@10.0.0.1 SIP/2.0\n\
         Via: SIP/2.0/UDP 10.0.0.3:5060;branch=z9hG4bKinv1\n\
         Max-Forwards: 70\n\
         From: \"Carol C\" <sip:carol@example.com>;tag=c1\n\
         To: <sip:alice@example.com>\n\
         Call-ID: call-1@10.0.0.3\n\
         CSeq: 1 CANCEL\n\
         Content-Length: 0\n\n",
    )
}

pub(super) fn start(now: Instant) -> IncomingCall {
    let cfg = IncomingConfig {
        server: "sb-test".into(),
        contact: Some("<sip:alice@10.0.0.1:5060;transport=udp>".into()),
        ..IncomingConfig::default()
    };
    IncomingCall::new(now, invite(), cfg, &mut ChaCha8Rng::seed_from_u64(3))
}

pub(super) fn drain(call: &mut IncomingCall) -> Vec<Output> {
    std::iter::from_fn(|| call.poll_output()).collect()
}

fn to_tag(r: &crate::sip::Response) -> Option<String> {
    r.to().ok().and_then(|t| t.tag().map(str::to_owned))
}

#[test]
fn rings_with_a_tag_and_contact_and_reports_the_caller() {
    let now = Instant::now(); // clock-ok: test code
    let mut call = start(now);
    let out = drain(&mut call);
    let [Output::Respond(ringing), Output::Event(CallEvent::Incoming(caller))] = &out[..] else {
        panic!("unexpected outputs {out:?}");
    };
    assert_eq!(ringing.status, StatusCode::RINGING);
    assert_eq!(to_tag(ringing).as_deref(), Some(call.to_tag()));
    assert!(ringing.headers.get(&HeaderName::Contact).is_some());
    assert_eq!(
        ringing.headers.get(&HeaderName::Server).map(|v| v.as_str()),
        Some("sb-test")
    );
    assert_eq!(caller.uri, "sip:carol@example.com");
    assert_eq!(caller.display_name.as_deref(), Some("Carol C"));
    assert_eq!(caller.identity(), "sip:+15551230000@example.com");
    assert_eq!(call.call_id(), "call-1@10.0.0.3");
    assert_eq!(call.poll_timeout(), Some(now + DEFAULT_RING_TIMEOUT));
}

#[test]
fn cancel_gets_200_and_the_invite_487_then_missed() {
    let now = Instant::now(); // clock-ok: test code
    let mut call = start(now);
    drain(&mut call);
    call.handle(now, Input::Cancel(cancel()));
    let out = drain(&mut call);
    let [Output::CancelResponse(ok), Output::Respond(terminated), Output::Event(e)] = &out[..]
    else {
        panic!("unexpected outputs {out:?}");
    };
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.cseq().unwrap().method, crate::sip::Method::Cancel);
    assert_eq!(terminated.status, StatusCode::REQUEST_TERMINATED);
    assert_eq!(to_tag(terminated).as_deref(), Some(call.to_tag()));
    assert!(terminated.headers.get(&HeaderName::Contact).is_none());
    assert_eq!(*e, CallEvent::Missed(MissReason::Cancelled));
    assert_eq!(
        call.state(),
        IncomingState::Missed {
            reason: MissReason::Cancelled
        }
    );
    assert_eq!(call.poll_timeout(), None);
    // A late CANCEL retransmission changes nothing.
    call.handle(now, Input::Cancel(cancel()));
    assert!(drain(&mut call).is_empty());
}

#[test]
fn ring_timer_sends_480_and_reports_no_answer() {
    let now = Instant::now(); // clock-ok: test code
    let mut call = start(now);
    drain(&mut call);
    call.handle(now + Duration::from_secs(59), Input::Timer);
    assert!(drain(&mut call).is_empty(), "early timer is ignored");
    call.handle(now + DEFAULT_RING_TIMEOUT, Input::Timer);
    let out = drain(&mut call);
    assert!(
        matches!(&out[0], Output::Respond(r) if r.status == StatusCode::TEMPORARILY_UNAVAILABLE)
    );
    assert_eq!(
        out[1],
        Output::Event(CallEvent::Missed(MissReason::NoAnswer))
    );
}

#[test]
fn reject_sends_the_code_and_bad_codes_become_603() {
    let now = Instant::now(); // clock-ok: test code
    let mut call = start(now);
    drain(&mut call);
    call.handle(now, Input::Reject(486));
    let out = drain(&mut call);
    assert!(matches!(&out[0], Output::Respond(r) if r.status.as_u16() == 486));
    assert_eq!(out[1], Output::Event(CallEvent::Rejected(486)));
    assert_eq!(call.state(), IncomingState::Rejected { status: 486 });

    let mut call = start(now);
    drain(&mut call);
    call.handle(now, Input::Reject(200));
    assert_eq!(call.state(), IncomingState::Rejected { status: 603 });
}

#[test]
fn transaction_failure_ends_the_call_without_a_response() {
    let now = Instant::now(); // clock-ok: test code
    let mut call = start(now);
    drain(&mut call);
    call.handle(now, Input::TransactionFailed);
    assert_eq!(drain(&mut call), vec![Output::Event(CallEvent::Failed)]);
    assert!(call.state().is_final());
}

#[test]
fn caller_without_display_or_asserted_identity() {
    let req = request(
        "INVITE sip:alice@10.0.0.1 SIP/2.0\n\
         Via: SIP/2.0/UDP 10.0.0.3:5060;branch=z9hG4bKx\n\
         From: <sip:bob@example.com>;tag=b\n\
         To: <sip:alice@example.com>\n\
         Call-ID: c2\n\
         CSeq: 1 INVITE\n\
         Content-Length: 0\n\n",
    );
    let c = Caller::from_invite(&req);
    assert_eq!(c.uri, "sip:bob@example.com");
    assert_eq!(c.display_name, None);
    assert_eq!(c.asserted, None);
    assert_eq!(c.identity(), "sip:bob@example.com");
}
