//! Test helpers for the registrar, proxy and push backend: contexts, hand-written SIP
//! text fed at a simulated time, and the outputs drained and parsed.

use super::{Peer, PeerContext, PeerEvent, PeerInput, PeerOutput};
use bytes::Bytes;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::auth::{DigestChallenge, DigestClient, Password};
use switchboard_actors::sip::{parse_datagram, HeaderName, Message, ParseLimits, Response};
use switchboard_actors::vocab::TransportKind;

/// The element's own address in every test.
pub const PROXY: &str = "10.0.0.1:5060";

pub fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

pub fn ctx(name: &str) -> PeerContext {
    let mut directory = std::collections::BTreeMap::new();
    directory.insert(name.to_owned(), addr(PROXY));
    directory.insert("gw".to_owned(), addr("10.0.0.50:5060"));
    PeerContext {
        name: name.to_owned(),
        local: addr(PROXY),
        transports: vec![TransportKind::Udp, TransportKind::Tcp],
        directory,
        rng: ChaCha8Rng::seed_from_u64(42),
    }
}

/// SIP text written with `\n` line ends and indented, as wire bytes: lines trimmed,
/// blank ones dropped, CRLF line ends, the blank line after the headers added.
pub fn wire(text: &str) -> Bytes {
    let mut s: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("{l}\r\n"))
        .collect();
    s.push_str("\r\n");
    Bytes::from(s)
}

pub fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// Feeds a UDP message from `from` at `at` seconds and drains the outputs.
pub fn feed(p: &mut impl Peer, at: f64, from: &str, text: &str) -> Vec<PeerOutput> {
    feed_bytes(p, at, TransportKind::Udp, from, wire(text))
}

pub fn feed_bytes(
    p: &mut impl Peer,
    at: f64,
    transport: TransportKind,
    from: &str,
    bytes: Bytes,
) -> Vec<PeerOutput> {
    p.handle(
        secs(at),
        PeerInput::Message {
            transport,
            from: addr(from),
            bytes,
        },
    );
    drain(p)
}

pub fn drain(p: &mut impl Peer) -> Vec<PeerOutput> {
    std::iter::from_fn(|| p.poll_output()).collect()
}

/// Every message sent, with its destination, parsed.
pub fn sent(outs: &[PeerOutput]) -> Vec<(SocketAddr, Message)> {
    outs.iter()
        .filter_map(|o| match o {
            PeerOutput::Send { to, bytes, .. } => Some((
                *to,
                parse_datagram(bytes.clone(), &ParseLimits::default()).expect("we send valid SIP"),
            )),
            _ => None,
        })
        .collect()
}

/// The one message sent: its destination and the message.
pub fn only(outs: &[PeerOutput]) -> (SocketAddr, Message) {
    let s = sent(outs);
    assert_eq!(s.len(), 1, "expected one message, got {outs:#?}");
    s.into_iter().next().unwrap()
}

pub fn response(m: Message) -> Response {
    match m {
        Message::Response(r) => r,
        Message::Request(r) => panic!("expected a response, got {r:?}"),
    }
}

/// The status of the one response sent.
pub fn status_of(outs: &[PeerOutput]) -> u16 {
    response(only(outs).1).status.as_u16()
}

pub fn events(outs: &[PeerOutput]) -> Vec<PeerEvent> {
    outs.iter()
        .filter_map(|o| match o {
            PeerOutput::Event(e) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

pub fn header(m: &Message, name: HeaderName) -> Option<String> {
    m.header(&name).map(|v| v.as_str().to_owned())
}

pub fn headers(m: &Message, name: HeaderName) -> Vec<String> {
    m.headers()
        .get_all(&name)
        .map(|v| v.as_str().to_owned())
        .collect()
}

/// A REGISTER for `user` from `host` (a UA at `host:5060`, Via with rport).
pub fn register(user: &str, host: &str, cseq: u32, extra: &str) -> String {
    format!(
        "REGISTER sip:example.com SIP/2.0
        Via: SIP/2.0/UDP {host}:5060;branch=z9hG4bK-{user}-{cseq};rport
        Max-Forwards: 70
        From: <sip:{user}@example.com>;tag=f{user}
        To: <sip:{user}@example.com>
        Call-ID: reg-{user}
        CSeq: {cseq} REGISTER
        {extra}
        Content-Length: 0"
    )
}

/// Credentials for `user`/`password` answering the challenge in `resp`'s `name` header.
pub fn answer(
    resp: &Response,
    name: HeaderName,
    user: &str,
    password: &str,
    method: &str,
    uri: &str,
) -> String {
    let c = DigestChallenge::parse(resp.headers.get(&name).unwrap().as_str()).unwrap();
    let mut client = DigestClient::new(user, Password::new(password));
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    client.respond(&c, method, uri, b"", &mut rng).to_string()
}
