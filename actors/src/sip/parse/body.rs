//! Body framing by Content-Length (RFC 3261 §18.3, §20.14).

use crate::sip::error::Fault;
use crate::sip::header::{HeaderName, Headers};
use crate::sip::headers::simple::content_length;
use bytes::Bytes;

/// How the message was delimited by the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// A whole UDP datagram: the body is the rest, cut to Content-Length if smaller.
    Datagram,
    /// One message already framed from a stream: Content-Length must be present and
    /// equal to the body received.
    Stream,
}

/// The body of a message whose header section ended at `body_start`.
pub(crate) fn frame_body(
    buf: &Bytes,
    body_start: usize,
    headers: &Headers,
    framing: Framing,
) -> Result<Bytes, Fault> {
    let rest = buf.len().saturating_sub(body_start);
    let declared = match headers.get(&HeaderName::ContentLength) {
        Some(v) => Some(content_length(v.as_str())?),
        None => None,
    };
    let len = match (declared, framing) {
        (None, Framing::Datagram) => rest,
        (None, Framing::Stream) => return Err(Fault::MissingContentLength),
        (Some(n), Framing::Datagram) if n <= rest => n,
        (Some(n), Framing::Stream) if n == rest => n,
        (Some(_), _) => return Err(Fault::ContentLengthMismatch),
    };
    Ok(buf.slice(body_start.min(buf.len())..body_start.min(buf.len()) + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cl(v: Option<&'static str>) -> Headers {
        let mut h = Headers::new();
        if let Some(v) = v {
            h.push(HeaderName::ContentLength, v);
        }
        h
    }

    #[test]
    fn datagram_rules() {
        let b = Bytes::from_static(b"HDRbody!");
        let f = |v| frame_body(&b, 3, &cl(v), Framing::Datagram);
        assert_eq!(f(None).unwrap(), "body!");
        assert_eq!(f(Some("5")).unwrap(), "body!");
        assert_eq!(f(Some("2")).unwrap(), "bo");
        assert_eq!(f(Some("6")), Err(Fault::ContentLengthMismatch));
        assert!(matches!(f(Some("-1")), Err(Fault::BadHeader { .. })));
    }

    #[test]
    fn stream_rules() {
        let b = Bytes::from_static(b"HDRbody!");
        let f = |v| frame_body(&b, 3, &cl(v), Framing::Stream);
        assert_eq!(f(Some("5")).unwrap(), "body!");
        assert_eq!(f(None), Err(Fault::MissingContentLength));
        assert_eq!(f(Some("4")), Err(Fault::ContentLengthMismatch));
    }
}
