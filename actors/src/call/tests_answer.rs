//! Answering an [`IncomingCall`]: 200 with SDP, retransmission until the ACK, no ACK,
//! ignore.

use super::tests::{cancel, drain, request, start};
use super::*;
use crate::dialog::DialogState;
use crate::sip::{HeaderName, Method, StatusCode, Uri};
use crate::transaction::TimerConfig;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Duration;
use tokio::time::Instant;

/// Carol's SDP offer.
pub(super) const OFFER: &str = "v=0\r\no=carol 1 1 IN IP4 198.51.100.7\r\ns=-\r\n\
c=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8 101\r\n\
a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

/// Carol's INVITE with a Contact and the SDP offer.
pub(super) fn invite_with_offer() -> crate::sip::Request {
    request(&format!(
        "INVITE sip:alice@10.0.0.1 SIP/2.0\n\
         Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKinv1\n\
         Max-Forwards: 70\n\
         From: \"Carol C\" <sip:carol@example.com>;tag=c1\n\
         To: <sip:alice@example.com>\n\
         Call-ID: call-1@198.51.100.7\n\
         CSeq: 1 INVITE\n\
         Contact: <sip:carol@198.51.100.7:5060>\n\
         Content-Type: application/sdp\n\
         Content-Length: {}\n\n{}",
        OFFER.len(),
        OFFER.replace("\r\n", "\n")
    ))
}

/// Carol's ACK for our 2xx (our To tag `tag`).
pub(super) fn ack(tag: &str) -> crate::sip::Request {
    request(&format!(
        "ACK sip:alice@10.0.0.1:5060 SIP/2.0\n\
         Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKack1\n\
         Max-Forwards: 70\n\
         From: \"Carol C\" <sip:carol@example.com>;tag=c1\n\
         To: <sip:alice@example.com>;tag={tag}\n\
         Call-ID: call-1@198.51.100.7\n\
         CSeq: 1 ACK\n\
         Content-Length: 0\n\n"
    ))
}

/// Our Contact.
pub(super) fn contact() -> crate::sip::NameAddr {
    let uri = Uri::parse("sip:alice@10.0.0.1:5060").unwrap_or_else(|e| panic!("{e:?}"));
    crate::sip::NameAddr::new(uri)
}

pub(super) const ANSWER_SDP: &str = "v=0\r\no=alice 5 5 IN IP4 10.0.0.1\r\ns=-\r\n\
c=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0 101\r\n\
a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

pub(super) fn ringing(now: Instant) -> IncomingCall {
    let cfg = IncomingConfig::default();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut call = IncomingCall::new(now, invite_with_offer(), cfg, &mut rng);
    while call.poll_output().is_some() {}
    call
}

pub(super) fn answer_input(sdp: &str) -> Input {
    Input::Answer {
        sdp_answer: bytes::Bytes::from(sdp.to_owned()),
        local_contact: contact(),
    }
}

#[test]
fn answer_sends_200_with_sdp_and_contact_then_the_ack_confirms() {
    let now = Instant::now(); // clock-ok: test code
    let mut call = ringing(now);
    call.handle(now, answer_input(ANSWER_SDP));
    let out = drain(&mut call);
    let [Output::Respond(ok), Output::Event(CallEvent::Answered)] = &out[..] else {
        panic!("unexpected outputs {out:?}");
    };
    assert_eq!(ok.status, StatusCode::OK);
    let header = |n: HeaderName| ok.headers.get(&n).map(|v| v.as_str().to_owned());
    assert_eq!(
        header(HeaderName::ContentType).as_deref(),
        Some("application/sdp")
    );
    assert_eq!(
        header(HeaderName::Contact).as_deref(),
        Some("<sip:alice@10.0.0.1:5060>")
    );
    assert_eq!(
        header(HeaderName::ContentLength),
        Some(ANSWER_SDP.len().to_string())
    );
    assert_eq!(&ok.body[..], ANSWER_SDP.as_bytes());
    assert_eq!(
        ok.to()
            .ok()
            .and_then(|t| t.tag().map(str::to_owned))
            .as_deref(),
        Some(call.to_tag())
    );
    assert_eq!(call.state(), IncomingState::Answered);
    assert!(!call.state().is_final());
    let t1 = TimerConfig::default().t1;
    assert_eq!(call.poll_timeout(), Some(now + t1));

    // Retransmitted at T1, then 2·T1 later, until the ACK.
    call.handle(now + t1, Input::Timer);
    assert!(matches!(&drain(&mut call)[..], [Output::Respond(r)] if r == ok));
    assert_eq!(call.poll_timeout(), Some(now + t1 * 3));
    call.handle(now + t1 * 3, Input::Timer);
    assert!(matches!(&drain(&mut call)[..], [Output::Respond(r)] if r == ok));
    assert_eq!(call.take_dialog(), None, "not before the ACK");
    let tag = call.to_tag().to_owned();
    call.handle(now + t1 * 4, Input::Ack(ack("someone-else")));
    assert_eq!(
        call.state(),
        IncomingState::Answered,
        "an ACK of another dialog"
    );
    call.handle(now + t1 * 4, Input::Ack(ack(&tag)));
    assert_eq!(drain(&mut call), vec![Output::Event(CallEvent::Confirmed)]);
    assert_eq!(call.state(), IncomingState::Confirmed);
    assert_eq!(call.poll_timeout(), None);
    let dialog = call.take_dialog().unwrap_or_else(|| panic!("no dialog"));
    assert_eq!(dialog.state(), DialogState::Confirmed);
    assert_eq!(
        dialog.remote_target().to_string(),
        "sip:carol@198.51.100.7:5060"
    );
    assert!(call.take_dialog().is_none(), "handed over once");
}

#[test]
fn no_ack_in_64_t1_sends_bye_and_ends_with_timeout() {
    let now = Instant::now(); // clock-ok: test code
    let mut call = ringing(now);
    call.handle(now, answer_input(ANSWER_SDP));
    drain(&mut call);
    let mut retransmits = 0;
    let mut t = now;
    while let Some(at) = call.poll_timeout() {
        t = at;
        call.handle(t, Input::Timer);
        for o in drain(&mut call) {
            match o {
                Output::Respond(r) if r.status == StatusCode::OK => retransmits += 1,
                Output::SendRequest(bye) => {
                    assert_eq!(bye.method, Method::Bye);
                    assert_eq!(bye.cseq().map(|c| c.seq), Ok(1));
                    assert_eq!(bye.uri.to_string(), "sip:carol@198.51.100.7:5060");
                    assert_eq!(
                        bye.to()
                            .ok()
                            .and_then(|t| t.tag().map(str::to_owned))
                            .as_deref(),
                        Some("c1")
                    );
                }
                Output::Event(e) => assert_eq!(
                    e,
                    CallEvent::Ended {
                        reason: EndReason::Timeout,
                        status: None
                    }
                ),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(t, now + TimerConfig::default().t1 * 64);
    assert!(retransmits >= 7, "{retransmits} retransmissions");
    assert_eq!(
        call.state(),
        IncomingState::Ended {
            reason: EndReason::Timeout
        }
    );
    assert!(call.state().is_final());
}

#[test]
fn an_invite_without_contact_cannot_be_answered() {
    let now = Instant::now(); // clock-ok: test code
    let mut call = start(now);
    drain(&mut call);
    call.handle(now, answer_input(ANSWER_SDP));
    let out = drain(&mut call);
    assert!(
        matches!(&out[..], [Output::Respond(r), Output::Event(CallEvent::Failed)] if r.status == StatusCode::BAD_REQUEST)
    );
    assert_eq!(call.state(), IncomingState::Failed);
}

#[test]
fn ignore_is_silent_then_missed_as_ignored() {
    let now = Instant::now(); // clock-ok: test code
    let mut call = ringing(now);
    call.handle(now, Input::Ignore);
    assert!(drain(&mut call).is_empty());
    assert_eq!(
        call.state(),
        IncomingState::Ignored {
            deadline: now + DEFAULT_RING_TIMEOUT
        }
    );
    assert_eq!(call.poll_timeout(), Some(now + DEFAULT_RING_TIMEOUT));
    call.handle(now, Input::Cancel(cancel()));
    let out = drain(&mut call);
    assert!(matches!(&out[1], Output::Respond(r) if r.status == StatusCode::REQUEST_TERMINATED));
    assert_eq!(
        out[2],
        Output::Event(CallEvent::Missed(MissReason::Ignored))
    );

    let mut call = ringing(now);
    call.handle(now, Input::Ignore);
    call.handle(now + DEFAULT_RING_TIMEOUT, Input::Timer);
    let out = drain(&mut call);
    assert!(
        matches!(&out[0], Output::Respond(r) if r.status == StatusCode::TEMPORARILY_UNAVAILABLE)
    );
    assert_eq!(
        call.state(),
        IncomingState::Missed {
            reason: MissReason::Ignored
        }
    );

    // The user changes their mind.
    let mut call = ringing(now);
    call.handle(now, Input::Ignore);
    call.handle(now + Duration::from_secs(5), answer_input(ANSWER_SDP));
    assert_eq!(call.state(), IncomingState::Answered);
}

#[test]
fn a_cancel_after_the_answer_gets_200_and_changes_nothing() {
    let now = Instant::now(); // clock-ok: test code
    let mut call = ringing(now);
    call.handle(now, answer_input(ANSWER_SDP));
    drain(&mut call);
    call.handle(now, Input::Cancel(cancel()));
    let out = drain(&mut call);
    assert!(matches!(&out[..], [Output::CancelResponse(r)] if r.status == StatusCode::OK));
    assert_eq!(call.state(), IncomingState::Answered);
    call.handle(now, Input::Reject(486));
    call.handle(now, Input::TransactionFailed);
    assert!(drain(&mut call).is_empty());
    assert_eq!(call.state(), IncomingState::Answered);
}

/// Regression (interop with Kamailio): our 180 and 200 lacked the INVITE's
/// Record-Route, so SIPp sent its ACK and BYE past the proxy (RFC 3261 §12.1.1).
#[test]
fn ringing_and_answer_carry_the_record_route() {
    let now = Instant::now(); // clock-ok: test code
    let text = String::from_utf8(invite_with_offer().to_bytes().to_vec()).unwrap();
    let with_rr = text.replacen(
        "Max-Forwards: 70\r\n",
        "Max-Forwards: 70\r\nRecord-Route: <sip:p2.example.com;lr>\r\n\
         Record-Route: <sip:p1.example.com;lr;ftag=x>\r\n",
        1,
    );
    let invite = request(&with_rr.replace("\r\n", "\n"));
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut call = IncomingCall::new(now, invite, IncomingConfig::default(), &mut rng);
    let rr = |r: &crate::sip::Response| -> Vec<String> {
        r.headers
            .get_all(&HeaderName::RecordRoute)
            .map(|v| v.as_str().to_owned())
            .collect()
    };
    let want = vec![
        "<sip:p2.example.com;lr>".to_owned(),
        "<sip:p1.example.com;lr;ftag=x>".to_owned(),
    ];
    let mut responses = Vec::new();
    while let Some(o) = call.poll_output() {
        if let Output::Respond(r) = o {
            responses.push(r);
        }
    }
    call.handle(now, answer_input(ANSWER_SDP));
    while let Some(o) = call.poll_output() {
        if let Output::Respond(r) = o {
            responses.push(r);
        }
    }
    let statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(statuses, [180, 200]);
    for r in &responses {
        assert_eq!(rr(r), want, "{}", r.status.as_u16());
    }
}
