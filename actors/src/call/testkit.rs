//! Message texts and helpers for the [`EstablishedCall`] tests: Carol calls us, we
//! answer, she ACKs.

use super::tests::request;
use super::tests_answer::{ack, answer_input, ringing, OFFER};
use super::*;
use crate::sdp::{answer, Direction, LocalMedia, Origin, PayloadFormat, SessionDescription};
use crate::sip::{parse_datagram, HeaderName, Message, ParseLimits, Request, Response};
use bytes::Bytes;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
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

pub(super) fn body(req: &Request) -> String {
    String::from_utf8_lossy(&req.body).into_owned()
}
