//! [`OutgoingConfig`]: what one outgoing call is built from.

use crate::sip::auth::Password;
use crate::sip::{HeaderName, Uri};
use bytes::Bytes;
use std::time::Duration;

/// How many 3xx a call follows by default.
pub const DEFAULT_MAX_REDIRECTS: u8 = 3;

/// What an outgoing call needs: who calls whom, how, with what offer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OutgoingConfig {
    /// Our address of record (From).
    pub from: Uri,
    /// Our display name in From, if any.
    pub display_name: Option<String>,
    /// Whom we call (To).
    pub to: Uri,
    /// The first INVITE's Request-URI (usually `to`).
    pub request_uri: Uri,
    /// Our Contact; its transport and host:port also make the Via.
    pub contact: Uri,
    /// The pre-loaded route set (outbound proxy, Service-Route), as Route headers in
    /// this order; loose routers should carry `;lr`.
    pub route_set: Vec<Uri>,
    /// Digest user name and password for 401/407; `None`: a challenge ends the call.
    pub credentials: Option<(String, Password)>,
    /// Extra headers for every INVITE (the embedder's custom headers, the session
    /// token header).
    pub extra_headers: Vec<(HeaderName, String)>,
    /// The SDP offer (built with [`crate::sdp::offer`]); empty: no body.
    pub offer: Bytes,
    /// How many 3xx are followed before the call ends as rejected.
    pub max_redirects: u8,
    /// The User-Agent header; empty: none.
    pub user_agent: String,
    /// How long to wait for an answer before cancelling (NoAnswer); `None`: as long
    /// as the far end rings.
    pub answer_timeout: Option<Duration>,
    /// RFC 3261 T1: the CANCEL gives the INVITE 64·T1 to end.
    pub t1: Duration,
}

impl OutgoingConfig {
    /// A call from `from` to `to` (also the Request-URI) with our `contact`; no route
    /// set, credentials, headers or offer; 3 redirects; no answer timeout; T1 500 ms.
    pub fn new(from: Uri, to: Uri, contact: Uri) -> OutgoingConfig {
        OutgoingConfig {
            from,
            display_name: None,
            request_uri: to.clone(),
            to,
            contact,
            route_set: Vec::new(),
            credentials: None,
            extra_headers: Vec::new(),
            offer: Bytes::new(),
            max_redirects: DEFAULT_MAX_REDIRECTS,
            user_agent: String::new(),
            answer_timeout: None,
            t1: Duration::from_millis(500),
        }
    }
}
