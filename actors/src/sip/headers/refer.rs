//! name-addr based headers of transfer and identity: Refer-To (RFC 3515), Referred-By
//! (RFC 3892), P-Asserted-Identity (RFC 3325).

use super::allow_list::split_list;
use super::misc::Replaces;
use super::name_addr::NameAddr;
use crate::sip::error::Fault;
use crate::sip::header::HeaderName;
use crate::sip::uri::Uri;
use std::fmt;

/// Resolves `%HH` escapes; `None` on a bad escape or non-UTF-8 result.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Refer-To header: where the REFER recipient should send its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferTo(pub NameAddr);

impl ReferTo {
    /// Parses a Refer-To value.
    pub fn parse(value: &str) -> Result<ReferTo, Fault> {
        NameAddr::parse_as(&HeaderName::ReferTo, value).map(ReferTo)
    }

    /// A URI header embedded in the target (`<sip:b@x?Replaces=…&Require=replaces>`),
    /// unescaped; name compared case-insensitively.
    pub fn uri_header(&self, name: &str) -> Option<String> {
        let Uri::Sip(uri) = &self.0.uri else {
            return None;
        };
        uri.headers.as_deref()?.split('&').find_map(|h| {
            let (n, v) = h.split_once('=')?;
            let n = percent_decode(n)?;
            n.eq_ignore_ascii_case(name)
                .then(|| percent_decode(v))
                .flatten()
        })
    }

    /// The Replaces header embedded in the target for an attended transfer
    /// (RFC 3891 §5): `None` when absent, `Some(Err)` when present but malformed.
    pub fn replaces(&self) -> Option<Result<Replaces, Fault>> {
        self.uri_header("Replaces").map(|v| Replaces::parse(&v))
    }
}

impl fmt::Display for ReferTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The Referred-By header: who asked for the transfer (parameters such as `cid` kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferredBy(pub NameAddr);

impl ReferredBy {
    /// Parses a Referred-By value.
    pub fn parse(value: &str) -> Result<ReferredBy, Fault> {
        NameAddr::parse_as(&HeaderName::ReferredBy, value).map(ReferredBy)
    }
}

impl fmt::Display for ReferredBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The P-Asserted-Identity header: one or two identities (at most one SIP/SIPS and
/// one tel URI, RFC 3325 §9.1), comma-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PAssertedIdentity(pub Vec<NameAddr>);

impl PAssertedIdentity {
    /// Parses a P-Asserted-Identity value.
    pub fn parse(value: &str) -> Result<PAssertedIdentity, Fault> {
        let name = HeaderName::PAssertedIdentity;
        let bad = |why| Fault::BadHeader {
            name: HeaderName::PAssertedIdentity,
            why,
        };
        let items = split_list(value).map_err(bad)?;
        if items.is_empty() {
            return Err(bad("empty value"));
        }
        let ids = items
            .into_iter()
            .map(|v| NameAddr::parse_as(&name, v))
            .collect::<Result<Vec<_>, _>>()?;
        let sip = ids.iter().filter(|a| matches!(a.uri, Uri::Sip(_))).count();
        let tel = ids
            .iter()
            .filter(
                |a| matches!(&a.uri, Uri::Absolute(u) if u.scheme().eq_ignore_ascii_case("tel")),
            )
            .count();
        if sip > 1 || tel > 1 || sip + tel != ids.len() {
            return Err(bad("at most one SIP/SIPS and one tel identity"));
        }
        Ok(PAssertedIdentity(ids))
    }
}

impl fmt::Display for PAssertedIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            a.fmt(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refer_to_with_replaces() {
        let r = ReferTo::parse(
            "<sip:dave@denver.example.org?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>",
        )
        .unwrap();
        let rep = r.replaces().unwrap().unwrap();
        assert_eq!(&*rep.call_id, "12345@192.168.118.3");
        assert_eq!((&*rep.to_tag, &*rep.from_tag), ("12345", "5FFE-3994"));
        assert_eq!(ReferTo::parse(&r.to_string()).unwrap(), r);
        let plain = ReferTo::parse("sip:carol@chicago.example.com").unwrap();
        assert!(plain.replaces().is_none());
        let bad = ReferTo::parse("<sip:x@y?Replaces=abc>").unwrap();
        assert!(matches!(bad.replaces(), Some(Err(_))));
        assert!(matches!(
            ReferTo::parse("<sip:unterminated"),
            Err(Fault::BadHeader {
                name: HeaderName::ReferTo,
                ..
            })
        ));
        assert_eq!(percent_decode("%4"), None);
    }

    #[test]
    fn referred_by_keeps_params() {
        let r = ReferredBy::parse("\"Alice\" <sip:alice@atlanta.example.com>;cid=\"20398823.2UWQFN309shb3@atlanta.example.com\"")
            .unwrap();
        assert_eq!(r.0.display_text().as_deref(), Some("Alice"));
        assert!(r.0.param("cid").is_some());
        assert!(ReferredBy::parse("").is_err());
    }

    #[test]
    fn p_asserted_identity() {
        let p = PAssertedIdentity::parse(
            "\"Cullen Jennings\" <sip:fluffy@cisco.com>, <tel:+14085264000>",
        )
        .unwrap();
        assert_eq!(p.0.len(), 2);
        assert_eq!(
            p.to_string(),
            "\"Cullen Jennings\" <sip:fluffy@cisco.com>, <tel:+14085264000>"
        );
        assert_eq!(PAssertedIdentity::parse(&p.to_string()).unwrap(), p);
        assert!(PAssertedIdentity::parse("<sip:a@x>, <sip:b@x>").is_err());
        assert!(PAssertedIdentity::parse("<http://x>").is_err());
        assert!(PAssertedIdentity::parse("").is_err());
    }
}
