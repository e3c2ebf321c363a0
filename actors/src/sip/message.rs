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

    /// A response to `req` per RFC 3261 §8.2.6.2: Via (all, in order), From, To,
    /// Call-ID and CSeq copied; the caller adds a To tag where one is needed.
    pub fn to_request(req: &Request, status: StatusCode) -> Response {
        let mut resp = Response::new(status);
        for h in req.headers.iter() {
            if matches!(
                h.name,
                HeaderName::Via
                    | HeaderName::From
                    | HeaderName::To
                    | HeaderName::CallId
                    | HeaderName::CSeq
            ) {
                resp.headers.push(h.name.clone(), h.value.clone());
            }
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
