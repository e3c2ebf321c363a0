//! SIP requests and responses.

use super::header::{HeaderName, HeaderValue, Headers};
use super::method::Method;
use super::status::StatusCode;
use super::uri::Uri;
use bytes::Bytes;

/// A SIP request (RFC 3261 §7.1). The version is always SIP/2.0: any other is refused
/// by the parser with 505.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The Request-URI.
    pub uri: Uri,
    /// Header fields in order.
    pub headers: Headers,
    /// The body, byte-exact (may be binary).
    pub body: Bytes,
}

/// A SIP response (RFC 3261 §7.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: StatusCode,
    /// The reason phrase as received (UTF-8).
    pub reason: Box<str>,
    /// Header fields in order.
    pub headers: Headers,
    /// The body, byte-exact.
    pub body: Bytes,
}

/// Either kind of message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A request.
    Request(Request),
    /// A response.
    Response(Response),
}

impl Request {
    /// A request with no headers and no body.
    pub fn new(method: Method, uri: Uri) -> Request {
        Request {
            method,
            uri,
            headers: Headers::with_capacity(12),
            body: Bytes::new(),
        }
    }
}

impl Response {
    /// A response with the canonical reason phrase, no headers and no body.
    pub fn new(status: StatusCode) -> Response {
        Response {
            status,
            reason: status.canonical_reason().into(),
            headers: Headers::with_capacity(10),
            body: Bytes::new(),
        }
    }

    /// A response to `req` per RFC 3261 §8.2.6.2: every Via in order, and the first
    /// From, To, Call-ID and CSeq copied; the caller adds a To tag where one is needed.
    /// Empty values (a malformed request being refused, e.g. RFC 4475 `badinv01`) and
    /// repeats of the single-valued headers (`multi01`) are not copied.
    pub fn to_request(req: &Request, status: StatusCode) -> Response {
        let mut resp = Response::new(status);
        let mut seen = [false; 4];
        for h in req.headers.iter() {
            let slot = match h.name {
                HeaderName::Via => None,
                HeaderName::From => Some(0),
                HeaderName::To => Some(1),
                HeaderName::CallId => Some(2),
                HeaderName::CSeq => Some(3),
                _ => continue,
            };
            if h.value.as_bytes().iter().all(|b| *b == b' ' || *b == b'\t') {
                continue;
            }
            if let Some(i) = slot {
                if std::mem::replace(&mut seen[i], true) {
                    continue;
                }
            }
            resp.headers.push(h.name.clone(), h.value.clone());
        }
        resp
    }
}

impl Message {
    /// The header fields.
    pub fn headers(&self) -> &Headers {
        match self {
            Message::Request(r) => &r.headers,
            Message::Response(r) => &r.headers,
        }
    }

    /// The header fields, mutable.
    pub fn headers_mut(&mut self) -> &mut Headers {
        match self {
            Message::Request(r) => &mut r.headers,
            Message::Response(r) => &mut r.headers,
        }
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        match self {
            Message::Request(r) => &r.body,
            Message::Response(r) => &r.body,
        }
    }

    /// The first value of a header.
    pub fn header(&self, name: &HeaderName) -> Option<&HeaderValue> {
        self.headers().get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::{Host, SipUri, Uri};

    /// Regression (RFC 4475 badinv01, multi01): a refused request's empty Via values and
    /// duplicate single-valued headers do not reach the error response.
    #[test]
    fn to_request_skips_empty_and_duplicate_values() {
        let uri = Uri::Sip(SipUri::new(None, Host::Domain("example.com".into()), None));
        let mut req = Request::new(Method::Options, uri);
        for (n, v) in [
            (HeaderName::Via, "SIP/2.0/UDP a;branch=z9hG4bK1"),
            (HeaderName::Via, ""),
            (HeaderName::Via, "SIP/2.0/UDP b;branch=z9hG4bK2"),
            (HeaderName::CallId, "one"),
            (HeaderName::CallId, "two"),
            (HeaderName::CSeq, "1 OPTIONS"),
            (HeaderName::CSeq, "2 OPTIONS"),
            (HeaderName::From, "<sip:a@b>;tag=1"),
            (HeaderName::To, "<sip:c@d>"),
            (HeaderName::Expires, "5"),
        ] {
            req.headers.push(n, v);
        }
        let resp = Response::to_request(&req, StatusCode::BAD_REQUEST);
        let lines: Vec<(String, &str)> = resp
            .headers
            .iter()
            .map(|h| (h.name.to_string(), h.value.as_str()))
            .collect();
        let want: Vec<(String, &str)> = [
            ("Via", "SIP/2.0/UDP a;branch=z9hG4bK1"),
            ("Via", "SIP/2.0/UDP b;branch=z9hG4bK2"),
            ("Call-ID", "one"),
            ("CSeq", "1 OPTIONS"),
            ("From", "<sip:a@b>;tag=1"),
            ("To", "<sip:c@d>"),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v))
        .collect();
        assert_eq!(lines, want);
    }
}
