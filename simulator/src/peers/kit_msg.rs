//! Building and reading SIP messages for the simulated peers: identifiers drawn from the
//! peer's seeded RNG, requests with every mandatory header (and Content-Length, which the
//! printer never adds), responses copying the request's Via/From/To/Call-ID/CSeq, the
//! ACK for a non-2xx final response and the CANCEL for an INVITE.

use bytes::Bytes;
use rand::RngCore;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::{
    parse_datagram, parse_stream_message, HeaderName, Host, Message, Method, NameAddr, Param,
    ParseError, ParseLimits, Request, Response, SipUri, StatusCode, Uri,
};
use switchboard_actors::vocab::TransportKind;

/// RFC 3261 T1: the round-trip estimate.
pub const T1: Duration = Duration::from_millis(500);
/// RFC 3261 T2: the cap on non-INVITE request and INVITE response retransmission.
pub const T2: Duration = Duration::from_secs(4);
/// RFC 3261 T4: how long a message may stay in the network.
pub const T4: Duration = Duration::from_secs(5);
/// Timers B, F, H: 64·T1.
pub const TIMEOUT: Duration = Duration::from_secs(32);

/// `len` random lowercase hex digits.
pub fn random_hex(rng: &mut impl RngCore, len: usize) -> String {
    let mut s = String::with_capacity(len);
    while s.len() < len {
        let _ = write!(s, "{:08x}", rng.next_u32());
    }
    s.truncate(len);
    s
}

/// A fresh RFC 3261 branch (`z9hG4bK` and 16 hex digits).
pub fn new_branch(rng: &mut impl RngCore) -> String {
    format!("z9hG4bK{}", random_hex(rng, 16))
}

/// A fresh From/To tag.
pub fn new_tag(rng: &mut impl RngCore) -> String {
    random_hex(rng, 10)
}

/// A fresh Call-ID at `host`.
pub fn new_call_id(rng: &mut impl RngCore, host: &str) -> String {
    format!("{}@{host}", random_hex(rng, 20))
}

/// The URI host for a socket address.
pub fn host_of(addr: SocketAddr) -> Host {
    match addr {
        SocketAddr::V4(a) => Host::V4(*a.ip()),
        SocketAddr::V6(a) => Host::V6(*a.ip()),
    }
}

/// `sip:user@ip:port`, with `;transport=tcp` (or tls) for a stream transport.
pub fn sip_uri(user: Option<&str>, addr: SocketAddr, transport: TransportKind) -> SipUri {
    let mut uri = SipUri::new(user, host_of(addr), Some(addr.port()));
    if transport != TransportKind::Udp {
        let t = transport.via_token().to_ascii_lowercase();
        uri.params.push(Param::new("transport", Some(&t)));
    }
    uri
}

/// A Via value: `SIP/2.0/UDP ip:port;branch=…;rport`.
pub fn via_value(transport: TransportKind, local: SocketAddr, branch: &str) -> String {
    format!("SIP/2.0/{transport} {local};branch={branch};rport")
}

/// What an out-of-dialog or in-dialog request is made of.
#[derive(Debug, Clone)]
pub struct RequestParts<'a> {
    /// The method.
    pub method: Method,
    /// The Request-URI.
    pub uri: Uri,
    /// From, with our tag.
    pub from: &'a NameAddr,
    /// To (with the remote tag inside a dialog).
    pub to: &'a NameAddr,
    /// Call-ID.
    pub call_id: &'a str,
    /// CSeq number.
    pub cseq: u32,
    /// Contact, when the method wants one.
    pub contact: Option<&'a NameAddr>,
    /// Route set, in order.
    pub routes: &'a [NameAddr],
}

/// Builds a request with Via (transport, our address, `branch`), Max-Forwards 70, and
/// `Content-Length: 0`; give it a body with [`Request::set_body`].
pub fn build_request(
    p: &RequestParts<'_>,
    transport: TransportKind,
    local: SocketAddr,
    branch: &str,
) -> Request {
    let mut req = Request::new(p.method.clone(), p.uri.clone());
    let h = &mut req.headers;
    h.push(HeaderName::Via, via_value(transport, local, branch));
    h.push(HeaderName::MaxForwards, "70");
    for r in p.routes {
        h.push(HeaderName::Route, r.to_string());
    }
    h.push(HeaderName::From, p.from.to_string());
    h.push(HeaderName::To, p.to.to_string());
    h.push(HeaderName::CallId, p.call_id.to_owned());
    h.push(HeaderName::CSeq, format!("{} {}", p.cseq, p.method));
    if let Some(c) = p.contact {
        h.push(HeaderName::Contact, c.to_string());
    }
    h.push(HeaderName::UserAgent, "switchboard-sim");
    h.push(HeaderName::ContentLength, "0");
    req
}

/// A response to `req` (RFC 3261 §8.2.6): Vias, From, To, Call-ID and CSeq copied, the
/// To tag added when the request's To has none (and the status is not 100), and
/// `Content-Length: 0`.
pub fn build_response(req: &Request, status: StatusCode, to_tag: Option<&str>) -> Response {
    let mut resp = Response::to_request(req, status);
    if let (Some(tag), Ok(mut to)) = (to_tag, req.to()) {
        if to.tag().is_none() && status != StatusCode::TRYING {
            to.set_param("tag", Some(tag));
            resp.headers.set(HeaderName::To, to.to_string());
        }
    }
    resp.headers.push(HeaderName::Server, "switchboard-sim");
    resp.headers.push(HeaderName::ContentLength, "0");
    resp
}

/// The ACK for a non-2xx final response to `invite` (RFC 3261 §17.1.1.3): same
/// Request-URI, top Via, From, Call-ID, CSeq number and Route; To from the response.
pub fn ack_for_failure(invite: &Request, resp: &Response) -> Request {
    let mut ack = Request::new(Method::Ack, invite.uri.clone());
    let h = &mut ack.headers;
    if let Some(v) = invite.headers.get(&HeaderName::Via) {
        h.push(HeaderName::Via, v.clone());
    }
    h.push(HeaderName::MaxForwards, "70");
    copy_all(invite, &mut ack, HeaderName::Route);
    copy_first(invite, &mut ack, HeaderName::From);
    if let Some(to) = resp.headers.get(&HeaderName::To) {
        ack.headers.push(HeaderName::To, to.clone());
    }
    copy_first(invite, &mut ack, HeaderName::CallId);
    let seq = invite.cseq().map(|c| c.seq).unwrap_or(1);
    ack.headers.push(HeaderName::CSeq, format!("{seq} ACK"));
    ack.headers.push(HeaderName::ContentLength, "0");
    ack
}

/// The CANCEL for `invite` (RFC 3261 §9.1): same Request-URI, top Via, From, To,
/// Call-ID, CSeq number and Route.
pub fn cancel_for(invite: &Request) -> Request {
    let mut c = Request::new(Method::Cancel, invite.uri.clone());
    if let Some(v) = invite.headers.get(&HeaderName::Via) {
        c.headers.push(HeaderName::Via, v.clone());
    }
    c.headers.push(HeaderName::MaxForwards, "70");
    copy_all(invite, &mut c, HeaderName::Route);
    for name in [HeaderName::From, HeaderName::To, HeaderName::CallId] {
        copy_first(invite, &mut c, name);
    }
    let seq = invite.cseq().map(|c| c.seq).unwrap_or(1);
    c.headers.push(HeaderName::CSeq, format!("{seq} CANCEL"));
    c.headers.push(HeaderName::ContentLength, "0");
    c
}

fn copy_first(from: &Request, to: &mut Request, name: HeaderName) {
    if let Some(v) = from.headers.get(&name) {
        to.headers.push(name, v.clone());
    }
}

fn copy_all(from: &Request, to: &mut Request, name: HeaderName) {
    for v in from.headers.get_all(&name) {
        to.headers.push(name.clone(), v.clone());
    }
}

/// Parses one received message the way its transport frames it.
pub fn parse_message(transport: TransportKind, bytes: Bytes) -> Result<Message, ParseError> {
    let limits = ParseLimits::default();
    match transport {
        TransportKind::Udp => parse_datagram(bytes, &limits),
        _ => parse_stream_message(bytes, &limits),
    }
}

/// Whether `bytes` is only CRLFs (an RFC 5626 keepalive ping or pong).
pub fn is_keepalive(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|b| *b == b'\r' || *b == b'\n')
}

/// The top Via's branch of a message, or a stand-in built from Call-ID and CSeq number
/// for an RFC 2543 peer without one.
pub fn branch_key(m: &Message) -> String {
    if let Some(b) = m.top_via().ok().and_then(|v| v.branch.map(str::to_owned)) {
        return b;
    }
    let seq = m.cseq().map(|c| c.seq).unwrap_or(0);
    format!("{}/{seq}", m.call_id().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn request_prints_and_parses_back() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let local: SocketAddr = "10.0.0.1:5060".parse().unwrap();
        let from = NameAddr::new(Uri::Sip(sip_uri(Some("a"), local, TransportKind::Udp)));
        let to = NameAddr::new(Uri::parse("sip:b@10.0.0.2").unwrap());
        let branch = new_branch(&mut rng);
        assert!(branch.starts_with("z9hG4bK") && branch.len() == 23);
        let parts = RequestParts {
            method: Method::Options,
            uri: to.uri.clone(),
            from: &from,
            to: &to,
            call_id: &new_call_id(&mut rng, "10.0.0.1"),
            cseq: 1,
            contact: None,
            routes: &[],
        };
        let req = build_request(&parts, TransportKind::Tcp, local, &branch);
        let bytes = Message::Request(req.clone()).to_bytes();
        let back = parse_message(TransportKind::Tcp, bytes).unwrap();
        assert_eq!(back.top_via().unwrap().branch, Some(branch.as_str()));
        let resp = build_response(&req, StatusCode::OK, Some("xyz"));
        assert_eq!(resp.to().unwrap().tag(), Some("xyz"));
        assert_eq!(resp.content_length(), Ok(Some(0)));
        let cancel = cancel_for(&req);
        assert_eq!(cancel.cseq().unwrap().method, Method::Cancel);
        let ack = ack_for_failure(&req, &resp);
        assert_eq!(ack.to().unwrap().tag(), Some("xyz"));
    }
}
