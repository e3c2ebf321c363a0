//! The SIP wire layer, our own: messages, URIs, headers, parsing, printing, digest auth.

pub mod auth;
pub mod error;
pub mod header;
pub mod headers;
pub mod lex;
pub mod limits;
pub mod message;
pub mod message_access;
pub mod method;
pub mod parse;
pub mod print;
pub mod status;
pub mod uri;
pub mod uri_parse;
pub mod validate;

pub use error::{Fault, ParseError};
pub use header::{Header, HeaderName, HeaderValue, Headers};
pub use headers::name_addr::{Contact, NameAddr, NameAddrRef};
pub use headers::{CSeq, Via};
pub use limits::ParseLimits;
pub use message::{Message, Request, Response};
pub use method::Method;
pub use parse::{parse_datagram, parse_stream_message};
pub use status::StatusCode;
pub use uri::{AbsoluteUri, Host, Param, Scheme, SipUri, Uri};
pub use uri_parse::{SipUriRef, UriError, UriRef};
pub use validate::{validate_request, validate_response};
