//! Why a message was refused, and the status a server transaction answers with.
//!
//! Faults are sorted by who is at fault: all of these are the peer's (a malformed or
//! over-limit message); our own failures live in the layers above.

use super::header::HeaderName;
use super::message::Request;
use super::status::StatusCode;
use thiserror::Error;

/// What is wrong with a received message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Fault {
    /// Not a SIP message at all (junk, a keepalive with garbage, a truncated start line):
    /// logged and dropped, no response possible.
    #[error("not a SIP message: {0}")]
    NotSip(&'static str),
    /// The start line is malformed.
    #[error("Malformed start line: {0}")]
    BadStartLine(&'static str),
    /// The SIP version is not 2.0 (RFC 3261 §8.2.2.x → 505).
    #[error("Version Not Supported")]
    BadVersion,
    /// The Request-URI does not parse.
    #[error("Malformed Request-URI: {0}")]
    BadRequestUri(&'static str),
    /// The Request-URI scheme is one this UA does not serve (→ 416).
    #[error("Unsupported URI Scheme")]
    UnsupportedUriScheme,
    /// A header line is not `name: value`.
    #[error("Malformed header line: {0}")]
    BadHeaderLine(&'static str),
    /// A header's value does not match its grammar.
    #[error("Malformed {name} header: {why}")]
    BadHeader {
        /// Which header.
        name: HeaderName,
        /// What is wrong.
        why: &'static str,
    },
    /// A mandatory header is missing (RFC 3261 §8.1.1).
    #[error("Missing {0} header")]
    MissingHeader(HeaderName),
    /// A header that may appear once appears several times.
    #[error("Duplicate {0} header")]
    DuplicateHeader(HeaderName),
    /// The CSeq method differs from the request method.
    #[error("CSeq method does not match request method")]
    CSeqMethodMismatch,
    /// Content-Length disagrees with the body received (datagram).
    #[error("Content-Length does not match body length")]
    ContentLengthMismatch,
    /// A stream message without Content-Length (RFC 3261 §18.3 makes it mandatory).
    #[error("Missing Content-Length on a stream transport")]
    MissingContentLength,
    /// A number out of its allowed range (CSeq, Max-Forwards, Expires, status code, port…).
    #[error("Out-of-range value in {0} header")]
    OutOfRange(HeaderName),
    /// The message is larger than the configured limit (→ 513).
    #[error("Message Too Large")]
    TooLarge,
    /// More header lines than the configured limit.
    #[error("Too many header fields")]
    TooManyHeaders,
    /// A header line longer than the configured limit.
    #[error("Header field too long")]
    HeaderTooLong,
    /// Bytes that are not UTF-8 where text is required.
    #[error("Invalid UTF-8 in {0}")]
    BadEncoding(&'static str),
}

impl Fault {
    /// The status a server answers a request with this fault, `None` when the message
    /// is to be dropped (junk, or a response).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Fault::NotSip(_) => None,
            Fault::BadVersion => Some(StatusCode::VERSION_NOT_SUPPORTED),
            Fault::UnsupportedUriScheme => Some(StatusCode::UNSUPPORTED_URI_SCHEME),
            Fault::TooLarge => Some(StatusCode::MESSAGE_TOO_LARGE),
            _ => Some(StatusCode::BAD_REQUEST),
        }
    }

    /// The reason phrase for the error response: names the fault (e.g.
    /// `Malformed Via header: missing branch`).
    pub fn reason_phrase(&self) -> String {
        self.to_string()
    }
}

/// A refused message: the fault, plus whatever of a request could be salvaged so a
/// server can still answer it (RFC 3261 §8.2: the response copies Via, From, To,
/// Call-ID and CSeq, so these must have been read even if another header is bad).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{fault}")]
pub struct ParseError {
    /// What is wrong.
    pub fault: Fault,
    /// The request as far as it parsed, when the start line was a request line and the
    /// headers could be split; `None` for responses and junk.
    pub salvage: Option<Box<Request>>,
}

impl From<Fault> for ParseError {
    fn from(fault: Fault) -> ParseError {
        ParseError {
            fault,
            salvage: None,
        }
    }
}
