//! Message texts for the dialog tests: Alice (us) calls Bob through two proxies; Carol
//! calls us.

use crate::sip::{parse_datagram, Message, ParseLimits, Request, Response};
use bytes::Bytes;

fn parse(text: &str) -> Message {
    let bytes = Bytes::from(text.replace('\n', "\r\n"));
    match parse_datagram(bytes, &ParseLimits::default()) {
        Ok(m) => m,
        Err(e) => panic!("bad test message: {e:?}\n{text}"),
    }
}

/// Parses a request text (`\n` line ends).
pub(super) fn request(text: &str) -> Request {
    match parse(text) {
        Message::Request(r) => r,
        other => panic!("not a request: {other:?}"),
    }
}

/// Parses a response text (`\n` line ends).
pub(super) fn response(text: &str) -> Response {
    match parse(text) {
        Message::Response(r) => r,
        other => panic!("not a response: {other:?}"),
    }
}

/// Prints and re-parses a request we built: it must be valid on the wire.
pub(super) fn reparse(req: &Request) -> Request {
    let mut r = req.clone();
    r.headers.set(crate::sip::HeaderName::ContentLength, "0");
    let text = String::from_utf8(Message::Request(r).to_bytes().to_vec()).unwrap_or_default();
    request(&text.replace("\r\n", "\n"))
}

/// The INVITE Alice sent (CSeq 10).
pub(super) fn invite() -> Request {
    request(
        "INVITE sip:bob@biloxi.example.com SIP/2.0\n\
         Via: SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bKinv10\n\
         Max-Forwards: 70\n\
         Route: <sip:p1.example.com;lr>\n\
         From: Alice <sip:alice@atlanta.example.com>;tag=a1\n\
         To: Bob <sip:bob@biloxi.example.com>\n\
         Call-ID: c1@192.0.2.1\n\
         CSeq: 10 INVITE\n\
         Contact: <sip:alice@192.0.2.1:5060>\n\
         Proxy-Authorization: Digest username=\"alice\", realm=\"x\", nonce=\"n\", uri=\"sip:bob@biloxi.example.com\", response=\"00\"\n\
         Content-Length: 0\n\n",
    )
}

/// A response to a request of Alice's: `status` with Bob's To tag `tag` (none when
/// empty), CSeq `cseq`, Contact `sip:bob@<contact>` (none when empty), Record-Route
/// `rr` (none when empty).
pub(super) fn answer(status: u16, tag: &str, cseq: &str, contact: &str, rr: &str) -> Response {
    let tag = if tag.is_empty() {
        String::new()
    } else {
        format!(";tag={tag}")
    };
    let contact = if contact.is_empty() {
        String::new()
    } else {
        format!("Contact: <sip:bob@{contact}>\n")
    };
    let rr = if rr.is_empty() {
        String::new()
    } else {
        format!("Record-Route: {rr}\n")
    };
    response(&format!(
        "SIP/2.0 {status} Whatever\n\
         Via: SIP/2.0/UDP 192.0.2.1:5060;rport=5060;branch=z9hG4bKinv10\n\
         {rr}\
         From: Alice <sip:alice@atlanta.example.com>;tag=a1\n\
         To: Bob <sip:bob@biloxi.example.com>{tag}\n\
         Call-ID: c1@192.0.2.1\n\
         CSeq: {cseq}\n\
         {contact}\
         Content-Length: 0\n\n"
    ))
}

/// The Record-Route of Bob's responses: p2 (next to Bob) first, p1 (next to us) last.
pub(super) const RR: &str = "<sip:p2.example.com;lr>, <sip:p1.example.com;lr>";

/// A response to Alice's INVITE from fork `tag`, with Contact and Record-Route.
pub(super) fn to_invite(status: u16, tag: &str) -> Response {
    answer(
        status,
        tag,
        "10 INVITE",
        &format!("{tag}.biloxi.example.com"),
        RR,
    )
}

/// An INVITE Carol sends us (CSeq 5), through p1 (next to us) then p2.
pub(super) fn incoming() -> Request {
    request(
        "INVITE sips:alice@192.0.2.1:5061 SIP/2.0\n\
         Via: SIP/2.0/TLS p1.example.com;branch=z9hG4bKp1\n\
         Via: SIP/2.0/TLS 198.51.100.7:5061;branch=z9hG4bKc1\n\
         Max-Forwards: 68\n\
         Record-Route: <sip:p1.example.com;lr>\n\
         Record-Route: <sip:p2.example.com;lr>\n\
         From: \"Carol\" <sips:carol@chicago.example.com>;tag=c7\n\
         To: <sips:alice@atlanta.example.com>\n\
         Call-ID: in-1@198.51.100.7\n\
         CSeq: 5 INVITE\n\
         Contact: <sips:carol@198.51.100.7:5061>\n\
         Content-Length: 0\n\n",
    )
}

/// A request from Carol in the dialog `incoming()` created (our tag `l1`).
pub(super) fn from_carol(method: &str, seq: u32, contact: &str) -> Request {
    let contact = if contact.is_empty() {
        String::new()
    } else {
        format!("Contact: <sips:carol@{contact}>\n")
    };
    request(&format!(
        "{method} sips:alice@192.0.2.1:5061 SIP/2.0\n\
         Via: SIP/2.0/TLS 198.51.100.7:5061;branch=z9hG4bKc{seq}\n\
         Max-Forwards: 70\n\
         From: \"Carol\" <sips:carol@chicago.example.com>;tag=c7\n\
         To: <sips:alice@atlanta.example.com>;tag=l1\n\
         Call-ID: in-1@198.51.100.7\n\
         CSeq: {seq} {method}\n\
         {contact}\
         Content-Length: 0\n\n"
    ))
}

/// Our Contact for the incoming call.
pub(super) fn our_contact() -> crate::sip::NameAddr {
    crate::sip::NameAddr::new(
        crate::sip::Uri::parse("sips:alice@192.0.2.1:5061").unwrap_or_else(|e| panic!("{e:?}")),
    )
}

/// The values of header `name` in `req`, as text.
pub(super) fn values(req: &Request, name: crate::sip::HeaderName) -> Vec<String> {
    req.headers
        .get_all(&name)
        .map(|v| v.as_str().to_owned())
        .collect()
}

/// A request as text again (`\n` line ends), to derive variants of it.
pub(super) fn text_of(req: &Request) -> String {
    String::from_utf8_lossy(&Message::Request(req.clone()).to_bytes()).replace("\r\n", "\n")
}

/// Alice's ACK with CSeq number `seq` (10: the one for the INVITE's 2xx).
pub(super) fn alice_ack(seq: u32) -> Request {
    request(
        &text_of(&invite())
            .replace("INVITE sip", "ACK sip")
            .replace("10 INVITE", &format!("{seq} ACK")),
    )
}
