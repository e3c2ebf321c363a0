//! The serializer: canonical start line, canonical long header names, `Name: value`
//! CRLF, an empty line, the body.
//!
//! Content-Length: the printer writes the headers exactly as they are in the message;
//! it neither adds nor corrects Content-Length. The builders
//! ([`Request::set_body`], [`Response::set_body`]) set it, and
//! [`Headers::set`](super::Headers::set) can fix it by hand. Stream transports need it.
//!
//! Speed: the output size is computed first, so there is one allocation (or none when
//! the caller's buffer has room), and every piece is a `extend_from_slice`.

use super::header::Headers;
use super::message::{Message, Request, Response};
use super::uri::{Host, Scheme, SipUri, Uri};
use bytes::{BufMut, Bytes, BytesMut};
use std::fmt::Write as _;

fn headers_len(h: &Headers) -> usize {
    h.iter()
        .map(|f| f.name.as_str().len() + 4 + f.value.as_bytes().len())
        .sum()
}

fn put_headers(h: &Headers, out: &mut BytesMut) {
    for f in h {
        out.put_slice(f.name.as_str().as_bytes());
        out.put_slice(b": ");
        out.put_slice(f.value.as_bytes());
        out.put_slice(b"\r\n");
    }
    out.put_slice(b"\r\n");
}

/// Upper bound of a URI's printed length (IP literals counted at their maximum).
fn uri_len(u: &Uri) -> usize {
    match u {
        Uri::Absolute(a) => a.0.len(),
        Uri::Sip(s) => {
            let host = match &s.host {
                Host::Domain(d) => d.len(),
                Host::V4(_) => 15,
                Host::V6(_) => 41,
            };
            5 + s.user.as_ref().map_or(0, |u| u.len() + 1)
                + s.password.as_ref().map_or(0, |p| p.len() + 1)
                + host
                + 6
                + s.params
                    .iter()
                    .map(|p| 2 + p.name.len() + p.value.as_ref().map_or(0, |v| v.len()))
                    .sum::<usize>()
                + s.headers.as_ref().map_or(0, |h| h.len() + 1)
        }
    }
}

/// Writes a URI as [`Uri`]'s `Display` does, without the formatting machinery.
pub fn write_uri(u: &Uri, out: &mut BytesMut) {
    match u {
        Uri::Absolute(a) => out.put_slice(a.0.as_bytes()),
        Uri::Sip(s) => write_sip_uri(s, out),
    }
}

fn write_sip_uri(s: &SipUri, out: &mut BytesMut) {
    out.put_slice(match s.scheme {
        Scheme::Sip => b"sip:",
        Scheme::Sips => b"sips:",
    });
    if let Some(user) = &s.user {
        out.put_slice(user.as_bytes());
        if let Some(pw) = &s.password {
            out.put_u8(b':');
            out.put_slice(pw.as_bytes());
        }
        out.put_u8(b'@');
    }
    match &s.host {
        Host::Domain(d) => out.put_slice(d.as_bytes()),
        // Addresses are rare in hot paths; `fmt::Write` on BytesMut has no extra copy.
        Host::V4(a) => {
            let _ = write!(out, "{a}");
        }
        Host::V6(a) => {
            let _ = write!(out, "[{a}]");
        }
    }
    if let Some(port) = s.port {
        out.put_u8(b':');
        put_decimal(u32::from(port), out);
    }
    for p in &s.params {
        out.put_u8(b';');
        out.put_slice(p.name.as_bytes());
        if let Some(v) = &p.value {
            out.put_u8(b'=');
            out.put_slice(v.as_bytes());
        }
    }
    if let Some(h) = &s.headers {
        out.put_u8(b'?');
        out.put_slice(h.as_bytes());
    }
}

fn put_decimal(mut n: u32, out: &mut BytesMut) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.put_slice(&digits[i..]);
}

impl Request {
    /// Bytes this request prints to (an upper bound).
    pub fn printed_len(&self) -> usize {
        self.method.as_str().len()
            + 1
            + uri_len(&self.uri)
            + 10
            + headers_len(&self.headers)
            + 2
            + self.body.len()
    }

    /// Appends the wire form to `out`.
    pub fn write_to(&self, out: &mut BytesMut) {
        out.reserve(self.printed_len());
        out.put_slice(self.method.as_str().as_bytes());
        out.put_u8(b' ');
        write_uri(&self.uri, out);
        out.put_slice(b" SIP/2.0\r\n");
        put_headers(&self.headers, out);
        out.put_slice(&self.body);
    }

    /// The wire form.
    pub fn to_bytes(&self) -> Bytes {
        let mut out = BytesMut::with_capacity(self.printed_len());
        self.write_to(&mut out);
        out.freeze()
    }
}

impl Response {
    /// Bytes this response prints to.
    pub fn printed_len(&self) -> usize {
        12 + self.reason.len() + 2 + headers_len(&self.headers) + 2 + self.body.len()
    }

    /// Appends the wire form to `out`.
    pub fn write_to(&self, out: &mut BytesMut) {
        out.reserve(self.printed_len());
        out.put_slice(b"SIP/2.0 ");
        put_decimal(u32::from(self.status.as_u16()), out);
        out.put_u8(b' ');
        out.put_slice(self.reason.as_bytes());
        out.put_slice(b"\r\n");
        put_headers(&self.headers, out);
        out.put_slice(&self.body);
    }

    /// The wire form.
    pub fn to_bytes(&self) -> Bytes {
        let mut out = BytesMut::with_capacity(self.printed_len());
        self.write_to(&mut out);
        out.freeze()
    }
}

impl Message {
    /// Appends the wire form to `out`.
    pub fn write_to(&self, out: &mut BytesMut) {
        match self {
            Message::Request(r) => r.write_to(out),
            Message::Response(r) => r.write_to(out),
        }
    }

    /// The wire form.
    pub fn to_bytes(&self) -> Bytes {
        match self {
            Message::Request(r) => r.to_bytes(),
            Message::Response(r) => r.to_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::{HeaderName, Method, StatusCode};

    #[test]
    fn prints_request() {
        let mut r = Request::new(
            Method::Invite,
            Uri::parse("sip:bob@[2001:db8::1]:5060;transport=udp?x=y").unwrap(),
        );
        r.headers
            .push(HeaderName::Via, "SIP/2.0/UDP h;branch=z9hG4bK1");
        r.headers.push(HeaderName::from_wire("l"), "3");
        r.body = Bytes::from_static(b"\x00\xffx");
        let out = r.to_bytes();
        assert_eq!(
            &out[..],
            b"INVITE sip:bob@[2001:db8::1]:5060;transport=udp?x=y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 3\r\n\r\n\x00\xffx"
        );
        assert!(out.len() <= r.printed_len());
        for s in ["sip:a:b@1.2.3.4:0;lr", "tel:+1", "sips:h"] {
            let u = Uri::parse(s).unwrap();
            let mut b = BytesMut::new();
            write_uri(&u, &mut b);
            assert_eq!(&b[..], u.to_string().as_bytes());
            assert!(b.len() <= uri_len(&u));
        }
    }

    #[test]
    fn prints_response() {
        let mut r = Response::new(StatusCode::new(603).unwrap());
        r.reason = "".into();
        r.headers.push(HeaderName::CallId, "x");
        let m = Message::Response(r);
        assert_eq!(&m.to_bytes()[..], b"SIP/2.0 603 \r\nCall-ID: x\r\n\r\n");
    }
}
