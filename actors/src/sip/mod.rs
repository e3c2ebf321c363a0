//! The SIP wire layer, our own: messages, URIs, headers, parsing, printing, digest auth.

pub mod auth;
pub mod error;
pub mod header;
pub mod headers;
pub mod message;
pub mod method;
pub mod status;
pub mod uri;

pub use error::{Fault, ParseError};
pub use header::{Header, HeaderName, HeaderValue, Headers};
pub use headers::{CSeq, Via};
pub use message::{Message, Request, Response};
pub use method::Method;
pub use status::StatusCode;
pub use uri::{AbsoluteUri, Host, Param, Scheme, SipUri, Uri};
