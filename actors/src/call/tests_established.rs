//! [`EstablishedCall`], our side: hang-up, hold/resume, glare, DTMF out, failures.

use super::tests::request;
use super::tests_answer::{ack, answer_input, contact, ringing, OFFER};
use super::*;
use crate::admission::{EndReason, Side};
use crate::sdp::{
    answer, Direction, HoldKind, LocalMedia, Origin, PayloadFormat, SessionDescription,
};
use crate::sip::{parse_datagram, HeaderName, Message, Method, ParseLimits, Request, Response};
use crate::transaction::TimerConfig;
use bytes::Bytes;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Duration;
use tokio::time::Instant;

pub(super) fn local_media() -> LocalMedia {
    LocalMedia {
        codecs: vec![
            PayloadFormat::new(0, "PCMU", 8000, None),
            PayloadFormat::new(101, "telephone-event", 8000, None),
        ],
        address: "10.0.0.1".parse().unwrap_or_else(|e| panic!("{e}")),
        port: 5004,
        direction: Direction::SendRecv,
        attributes: Vec::new(),
    }
}

/// An answered and ACKed call from Carol, and our To tag.
pub(super) fn established(now: Instant) -> (EstablishedCall, String) {
    let mut inc = ringing(now);
    let offer = SessionDescription::parse(OFFER.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let local = local_media();
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let origin = Origin::new_session(&mut rng, "alice", local.address);
    let ans = answer(&origin, &offer, &local, None);
    let sdp = String::from_utf8(ans.sdp.to_bytes()).unwrap_or_default();
    inc.handle(now, answer_input(&sdp));
    let tag = inc.to_tag().to_owned();
    inc.handle(now, Input::Ack(ack(&tag)));
    let dialog = inc.take_dialog().unwrap_or_else(|| panic!("not confirmed"));
    let cfg = EstablishedConfig::new(local);
    let call = EstablishedCall::new(
        dialog,
        ans.sdp,
        ans.negotiated,
        cfg,
        ChaCha8Rng::seed_from_u64(7),
    );
    let _ = contact();
    (call, tag)
}

/// Carol's SDP with direction `dir` (session version `v`).
pub(super) fn carol_sdp(dir: &str, v: u32) -> String {
    format!(
        "v=0\r\no=carol 1 {v} IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n\
         m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na={dir}\r\n"
    )
}

/// A request from Carol in the dialog (our tag `tag`), with an optional typed body.
pub(super) fn from_carol(tag: &str, method: &str, seq: u32, body: Option<(&str, &str)>) -> Request {
    let (ct, body) = match body {
        Some((ct, b)) => (format!("Content-Type: {ct}\n"), b.replace("\r\n", "\n")),
        None => (String::new(), String::new()),
    };
    request(&format!(
        "{method} sip:alice@10.0.0.1:5060 SIP/2.0\n\
         Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKc{method}{seq}\n\
         Max-Forwards: 70\n\
         From: \"Carol C\" <sip:carol@example.com>;tag=c1\n\
         To: <sip:alice@example.com>;tag={tag}\n\
         Call-ID: call-1@198.51.100.7\n\
         CSeq: {seq} {method}\n\
         Contact: <sip:carol@198.51.100.7:5060>\n\
         {ct}Content-Length: {}\n\n{body}",
        body.replace('\n', "\r\n").len()
    ))
}

/// Carol's response `status` to our `req`, with an optional SDP body.
pub(super) fn reply(req: &Request, status: u16, sdp: Option<&str>) -> Response {
    let h = |n: HeaderName| {
        req.headers
            .get(&n)
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default()
    };
    let (ct, body) = match sdp {
        Some(b) => ("Content-Type: application/sdp\r\n", b),
        None => ("", ""),
    };
    let text = format!(
        "SIP/2.0 {status} Whatever\r\nVia: {}\r\nFrom: {}\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: {}\r\n\
         Contact: <sip:carol@198.51.100.7:5060>\r\n{ct}Content-Length: {}\r\n\r\n{body}",
        h(HeaderName::Via).replace("branch=z9hG4bK", "branch=z9hG4bKtx"),
        h(HeaderName::From),
        h(HeaderName::To),
        h(HeaderName::CallId),
        h(HeaderName::CSeq),
        body.len()
    );
    match parse_datagram(Bytes::from(text), &ParseLimits::default()) {
        Ok(Message::Response(r)) => r,
        other => panic!("not a response: {other:?}"),
    }
}

pub(super) fn drain(call: &mut EstablishedCall) -> Vec<EstablishedOutput> {
    std::iter::from_fn(|| call.poll_output()).collect()
}

/// The one request sent in `out`.
pub(super) fn sent(out: &[EstablishedOutput]) -> Request {
    let reqs: Vec<&Request> = out
        .iter()
        .filter_map(|o| match o {
            EstablishedOutput::SendRequest(r) => Some(r),
            _ => None,
        })
        .collect();
    match reqs[..] {
        [r] => r.clone(),
        _ => panic!("expected one request in {out:?}"),
    }
}

pub(super) fn events(out: &[EstablishedOutput]) -> Vec<InCallEvent> {
    out.iter()
        .filter_map(|o| match o {
            EstablishedOutput::Event(e) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

fn body(req: &Request) -> String {
    String::from_utf8_lossy(&req.body).into_owned()
}

#[test]
fn hangup_sends_bye_and_ends_on_its_answer_or_timer_f() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::Hangup);
    let bye = sent(&drain(&mut call));
    assert_eq!(bye.method, Method::Bye);
    assert_eq!(bye.cseq().map(|c| c.seq), Ok(1));
    assert_eq!(bye.uri.to_string(), "sip:carol@198.51.100.7:5060");
    assert_eq!(
        bye.headers
            .get(&HeaderName::ContentLength)
            .map(|v| v.as_str()),
        Some("0")
    );
    assert_eq!(call.phase(), CallPhase::HangingUp);
    call.handle(now, EstablishedInput::Response(reply(&bye, 200, None)));
    let ended = InCallEvent::Ended {
        reason: EndReason::Normal { by: Side::Local },
        status: Some(200),
    };
    assert_eq!(events(&drain(&mut call)), vec![ended]);
    assert_eq!(call.phase(), CallPhase::Ended);
    assert_eq!(call.poll_timeout(), None);

    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::Hangup);
    drain(&mut call);
    let timer_f = now + TimerConfig::default().t1 * 64;
    assert_eq!(call.poll_timeout(), Some(timer_f));
    call.handle(timer_f, EstablishedInput::Timer);
    let ended = InCallEvent::Ended {
        reason: EndReason::Normal { by: Side::Local },
        status: None,
    };
    assert_eq!(events(&drain(&mut call)), vec![ended]);
}

#[test]
fn hold_sends_a_sendonly_reinvite_acks_the_200_then_resume() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::Hold(HoldKind::SendOnly));
    let inv = sent(&drain(&mut call));
    assert_eq!(inv.method, Method::Invite);
    assert_eq!(
        inv.headers
            .get(&HeaderName::ContentType)
            .map(|v| v.as_str()),
        Some("application/sdp")
    );
    assert!(inv.headers.get(&HeaderName::Contact).is_some());
    assert!(body(&inv).contains("a=sendonly"), "{}", body(&inv));
    assert!(call.reinvite_pending());
    assert!(!call.is_on_hold());
    call.handle(now, EstablishedInput::Response(reply(&inv, 100, None)));
    assert!(drain(&mut call).is_empty());
    let ok = reply(&inv, 200, Some(&carol_sdp("recvonly", 2)));
    call.handle(now, EstablishedInput::Response(ok.clone()));
    let out = drain(&mut call);
    let EstablishedOutput::SendAck(ack) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!(ack.cseq().map(|c| (c.seq, c.method)), Ok((1, Method::Ack)));
    assert!(ack
        .top_via()
        .is_ok_and(|v| v.branch.is_some_and(|b| b.len() > 7)));
    assert_eq!(events(&out)[0], InCallEvent::Held(HoldKind::SendOnly));
    assert!(call.is_on_hold());
    assert!(!call.remote_hold(), "our own hold is not the peer's");
    // A retransmitted 200 gets the same ACK.
    call.handle(now, EstablishedInput::Response(ok));
    assert_eq!(
        drain(&mut call),
        vec![EstablishedOutput::SendAck(ack.clone())]
    );

    call.handle(now, EstablishedInput::Resume);
    let inv2 = sent(&drain(&mut call));
    assert_eq!(inv2.cseq().map(|c| c.seq), Ok(2));
    assert!(body(&inv2).contains("a=sendrecv"));
    call.handle(
        now,
        EstablishedInput::Response(reply(&inv2, 200, Some(&carol_sdp("sendrecv", 3)))),
    );
    assert!(events(&drain(&mut call)).contains(&InCallEvent::Resumed));
    assert!(!call.is_on_hold());
}

#[test]
fn glare_gets_491_and_ours_is_retried_after_the_back_off() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, tag) = established(now);
    call.handle(now, EstablishedInput::Hold(HoldKind::Inactive));
    let inv = sent(&drain(&mut call));
    let theirs = from_carol(
        &tag,
        "INVITE",
        2,
        Some(("application/sdp", &carol_sdp("sendrecv", 2))),
    );
    call.handle(now, EstablishedInput::Request(theirs));
    let out = drain(&mut call);
    assert!(
        matches!(&out[..], [EstablishedOutput::SendResponse { response, .. }] if response.status.as_u16() == 491)
    );
    call.handle(now, EstablishedInput::Response(reply(&inv, 491, None)));
    assert!(drain(&mut call).is_empty(), "nothing before the back-off");
    assert!(!call.reinvite_pending());
    let at = call.poll_timeout().unwrap_or_else(|| panic!("no back-off"));
    assert!(at <= now + Duration::from_secs(2), "UAS back-off is 0–2 s");
    call.handle(at, EstablishedInput::Timer);
    let retry = sent(&drain(&mut call));
    assert_eq!(retry.method, Method::Invite);
    assert_eq!(retry.cseq().map(|c| c.seq), Ok(2));
    assert!(body(&retry).contains("a=inactive"));
}

#[test]
fn dtmf_goes_out_one_info_per_digit_in_sequence() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::SendDtmf("1x#".into()));
    let info = sent(&drain(&mut call));
    assert_eq!(info.method, Method::Info);
    assert_eq!(
        info.headers
            .get(&HeaderName::ContentType)
            .map(|v| v.as_str()),
        Some("application/dtmf-relay")
    );
    assert_eq!(body(&info), "Signal=1\r\nDuration=160\r\n");
    call.handle(now, EstablishedInput::SendDtmf("2".into()));
    assert!(drain(&mut call).is_empty(), "one INFO at a time");
    call.handle(now, EstablishedInput::Response(reply(&info, 200, None)));
    let second = sent(&drain(&mut call));
    assert_eq!(body(&second), "Signal=#\r\nDuration=160\r\n");
    call.handle(now, EstablishedInput::Response(reply(&second, 481, None)));
    let ended = InCallEvent::Ended {
        reason: EndReason::Normal { by: Side::Remote },
        status: Some(481),
    };
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended],
        "481 ends the dialog, digit 2 dropped"
    );
}

#[test]
fn a_request_without_response_ends_the_call_with_timeout() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::Hold(HoldKind::SendOnly));
    let inv = sent(&drain(&mut call));
    let seq = inv.cseq().map_or(0, |c| c.seq);
    call.handle(now, EstablishedInput::RequestFailed { cseq: seq });
    let out = drain(&mut call);
    assert_eq!(sent(&out).method, Method::Bye, "a courtesy BYE");
    assert_eq!(
        events(&out),
        vec![InCallEvent::Ended {
            reason: EndReason::Timeout,
            status: Some(408)
        }]
    );
}
