//! Who is calling: read from the INVITE's From and, when a trusted network asserted it,
//! P-Asserted-Identity (RFC 3325).

use crate::sip::{HeaderName, NameAddr, Request};

/// The caller of an incoming call, as the INVITE presents them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Caller {
    /// From's URI, e.g. `sip:carol@example.com` (empty when From does not parse).
    pub uri: String,
    /// From's display name, unquoted.
    pub display_name: Option<String>,
    /// The first P-Asserted-Identity's URI, when present and parsable.
    pub asserted: Option<String>,
}

impl Caller {
    /// Reads the caller from `invite`; never fails (missing parts stay empty).
    pub fn from_invite(invite: &Request) -> Caller {
        let from = invite.from().ok();
        let asserted = invite
            .headers
            .get(&HeaderName::PAssertedIdentity)
            .and_then(|v| {
                let v = v.as_str().trim();
                // One identity, or the first of a comma list (RFC 3325 allows a sip and
                // a tel URI).
                let first = v.split(',').next().unwrap_or_default().trim();
                NameAddr::parse_as(&HeaderName::PAssertedIdentity, v)
                    .or_else(|_| NameAddr::parse_as(&HeaderName::PAssertedIdentity, first))
                    .ok()
            })
            .map(|na| na.uri.to_string());
        Caller {
            uri: from.as_ref().map(|f| f.uri.to_string()).unwrap_or_default(),
            display_name: from
                .as_ref()
                .and_then(|f| f.display_text().map(|d| d.into_owned())),
            asserted,
        }
    }

    /// The identity to show: the asserted one when present, else From's URI.
    pub fn identity(&self) -> &str {
        self.asserted.as_deref().unwrap_or(&self.uri)
    }
}
