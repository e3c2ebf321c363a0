//! Test helpers: Alice calls Bob through an outbound proxy; response texts built from
//! the INVITE the machine sent, as a transaction layer would deliver them.

use super::{OutgoingCall, OutgoingConfig, OutgoingEvent, OutgoingInput, OutgoingOutput};
use crate::admission::EndReason;
use crate::sip::auth::Password;
use crate::sip::{parse_datagram, HeaderName, Message, ParseLimits, Request, Response, Uri};
use bytes::Bytes;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tokio::time::Instant;

/// An SDP text usable as offer and answer.
pub const SDP: &str = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n\
m=audio 4000 RTP/AVP 0\n";

pub fn uri(s: &str) -> Uri {
    Uri::parse(s).unwrap_or_else(|e| panic!("bad URI {s}: {e:?}"))
}

pub fn t0() -> Instant {
    Instant::now() // clock-ok: test code
}

/// Alice's call to Bob via p1, with credentials, a token header and an SDP offer.
pub fn cfg() -> OutgoingConfig {
    let mut c = OutgoingConfig::new(
        uri("sip:alice@atlanta.example.com"),
        uri("sip:bob@biloxi.example.com"),
        uri("sip:alice@192.0.2.1:5060"),
    );
    c.display_name = Some("Alice".into());
    c.route_set = vec![uri("sip:p1.example.com;lr")];
    c.credentials = Some(("alice".into(), Password::new("secret")));
    c.extra_headers = vec![(HeaderName::Other("X-Session-Token".into()), "tok".into())];
    c.offer = Bytes::from(SDP);
    c.user_agent = "switchboard-test".into();
    c
}

/// Every output queued.
pub fn drain(call: &mut OutgoingCall) -> Vec<OutgoingOutput> {
    std::iter::from_fn(|| call.poll_output()).collect()
}

/// A started call and the INVITE it sent.
pub fn started(c: OutgoingConfig) -> (OutgoingCall, Request) {
    let now = t0();
    let mut call = OutgoingCall::new(now, c, ChaCha8Rng::seed_from_u64(5));
    call.handle(now, OutgoingInput::Start);
    let outs = drain(&mut call);
    assert_eq!(outs.len(), 1, "{outs:?}");
    (call, invite(&outs))
}

/// The one INVITE among `outs`.
pub fn invite(outs: &[OutgoingOutput]) -> Request {
    one(outs, |o| match o {
        OutgoingOutput::SendInvite(r) => Some(r.clone()),
        _ => None,
    })
}

/// The one request of a kind among `outs`.
pub fn one<T>(outs: &[OutgoingOutput], f: impl Fn(&OutgoingOutput) -> Option<T>) -> T {
    let mut found: Vec<T> = outs.iter().filter_map(f).collect();
    assert_eq!(found.len(), 1, "{outs:?}");
    found.remove(0)
}

/// The events among `outs`.
pub fn events(outs: &[OutgoingOutput]) -> Vec<OutgoingEvent> {
    outs.iter()
        .filter_map(|o| match o {
            OutgoingOutput::Event(e) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

/// The Ended event expected.
pub fn ended(reason: EndReason, status: Option<u16>) -> OutgoingEvent {
    OutgoingEvent::Ended { reason, status }
}

/// The value of header `name`, as text.
pub fn header(req: &Request, name: HeaderName) -> String {
    req.headers
        .get(&name)
        .map(|v| v.as_str().to_owned())
        .unwrap_or_default()
}

/// Parses a response text (`\n` line ends).
pub fn parse_response(text: &str) -> Response {
    let bytes = Bytes::from(text.replace('\n', "\r\n"));
    match parse_datagram(bytes, &ParseLimits::default()) {
        Ok(Message::Response(r)) => r,
        other => panic!("bad test response: {other:?}\n{text}"),
    }
}

/// The branch the transaction layer gave the INVITE with CSeq `cseq` (`1 INVITE`).
pub fn branch(cseq: &str) -> String {
    format!("z9hG4bKtx{}", cseq.split(' ').next().unwrap_or_default())
}

/// A response to `invite`: `status`, Bob's To tag `tag` (none when empty) and then a
/// (below 300) Contact `sip:bob@<tag>.biloxi.example.com` and Record-Route via p2 and p1, `extra`
/// header lines, an SDP body when `sdp`.
pub fn reply(invite: &Request, status: u16, tag: &str, extra: &str, sdp: bool) -> Response {
    let seq = header(invite, HeaderName::CSeq);
    let via = header(invite, HeaderName::Via).replace(
        "branch=z9hG4bK",
        &format!("received=192.0.2.1;branch={}", branch(&seq)),
    );
    let (tag, dialog) = if tag.is_empty() || status >= 300 {
        let tag = if tag.is_empty() {
            String::new()
        } else {
            format!(";tag={tag}")
        };
        (tag, String::new())
    } else if tag.is_empty() {
        (String::new(), String::new())
    } else {
        (
            format!(";tag={tag}"),
            format!(
                "Contact: <sip:bob@{tag}.biloxi.example.com>\n\
                 Record-Route: <sip:p2.example.com;lr>, <sip:p1.example.com;lr>\n"
            ),
        )
    };
    let body = if sdp { SDP } else { "" };
    let ctype = if sdp {
        "Content-Type: application/sdp\n"
    } else {
        ""
    };
    parse_response(&format!(
        "SIP/2.0 {status} Whatever\n\
         Via: {via}\n\
         From: {}\n\
         To: {}{tag}\n\
         Call-ID: {}\n\
         CSeq: {seq}\n\
         {dialog}{extra}{ctype}\
         Content-Length: {}\n\n{body}",
        header(invite, HeaderName::From),
        header(invite, HeaderName::To),
        header(invite, HeaderName::CallId),
        body.len() + body.matches('\n').count(),
    ))
}

pub fn ack(outs: &[OutgoingOutput]) -> Request {
    one(outs, |o| match o {
        OutgoingOutput::SendAck(r) => Some(r.clone()),
        _ => None,
    })
}

pub fn bye(outs: &[OutgoingOutput]) -> Request {
    one(outs, |o| match o {
        OutgoingOutput::SendBye(r) => Some(r.clone()),
        _ => None,
    })
}

pub fn cancel(outs: &[OutgoingOutput]) -> Request {
    one(outs, |o| match o {
        OutgoingOutput::SendCancel(r) => Some(r.clone()),
        _ => None,
    })
}

/// A 407 from p1's realm, a fresh nonce.
pub fn challenge_407(inv: &Request, server: &mut crate::sip::auth::DigestServer) -> Response {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let ch = server.challenge(t0().into_std(), false, &mut rng);
    reply(
        inv,
        407,
        "p1x",
        &format!("Proxy-Authenticate: {ch}\n"),
        false,
    )
}
