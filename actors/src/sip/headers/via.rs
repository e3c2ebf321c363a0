//! The Via header (RFC 3261 §20.42, RFC 3581 rport).

use super::params::ParamIter;
use crate::sip::error::Fault;
use crate::sip::header::HeaderName;
use crate::sip::lex::{class, find1, scan};

/// One via-parm, borrowed from the header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via<'a> {
    /// The transport token (`UDP`, `TCP`, `TLS`, `WS`…), as written.
    pub transport: &'a str,
    /// The sent-by host, as written (IPv6 references keep their brackets).
    pub host: &'a str,
    /// The sent-by port.
    pub port: Option<u16>,
    /// `branch`
    pub branch: Option<&'a str>,
    /// `received`
    pub received: Option<&'a str>,
    /// `rport`: `Some(None)` when present without a value (a request to fill it in).
    pub rport: Option<Option<u16>>,
    /// `maddr`
    pub maddr: Option<&'a str>,
    /// The parameter section as written (`;branch=…;rport`), checked; iterate with
    /// [`Via::params`]. Kept raw so parsing a Via never allocates.
    pub params_raw: &'a str,
}

/// The RFC 3261 branch magic cookie.
pub const MAGIC_COOKIE: &str = "z9hG4bK";

fn bad(why: &'static str) -> Fault {
    Fault::BadHeader {
        name: HeaderName::Via,
        why,
    }
}

impl<'a> Via<'a> {
    /// Parses one via-parm (the parser has split comma-separated values already).
    pub fn parse(value: &'a str) -> Result<Via<'a>, Fault> {
        // Byte offsets only stop at ASCII bytes, so all slices are on char boundaries.
        let b = value.as_bytes();
        let mut i = skip_wsp(b, 0);
        let proto_ok = b
            .get(i..i + 3)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"SIP"))
            && {
                i = skip_wsp(b, i + 3);
                b.get(i) == Some(&b'/')
            }
            && {
                i = skip_wsp(b, i + 1);
                b.get(i..i + 3) == Some(b"2.0")
            }
            && {
                i = skip_wsp(b, i + 3);
                b.get(i) == Some(&b'/')
            };
        if !proto_ok {
            return Err(if b.contains(&b'/') {
                bad("sent-protocol is not SIP/2.0")
            } else {
                bad("missing sent-protocol")
            });
        }
        i = skip_wsp(b, i + 1);
        let t_start = i;
        i = scan(b, i, class::TOKEN);
        let transport = &value[t_start..i];
        if transport.is_empty() {
            return Err(bad("bad transport"));
        }
        if !b.get(i).copied().is_some_and(|c| c == b' ' || c == b'\t') {
            return Err(bad("missing sent-by"));
        }
        i = skip_wsp(b, i);
        let h_start = i;
        if b.get(i) == Some(&b'[') {
            let close = find1(b']', &b[i..]).ok_or_else(|| bad("unterminated IPv6 reference"))?;
            i += close + 1;
        } else {
            // The host ends at `:` `;` or whitespace; anything else there is a bad
            // character in it.
            i = scan(b, i, class::VIA_HOST);
            if !matches!(b.get(i), None | Some(b':' | b';' | b' ' | b'\t')) {
                return Err(bad("bad sent-by host"));
            }
        }
        let host = &value[h_start..i];
        if host.is_empty() || (b[h_start] == b'[' && !host_chars_ok(host)) {
            return Err(bad("bad sent-by host"));
        }
        i = skip_wsp(b, i);
        let mut port = None;
        if b.get(i) == Some(&b':') {
            i = skip_wsp(b, i + 1);
            let p_start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            port = Some(parse_port(&value[p_start..i]).ok_or(Fault::OutOfRange(HeaderName::Via))?);
        }
        let tail = &value[i..];
        let mut via = Via {
            transport,
            host,
            port,
            branch: None,
            received: None,
            rport: None,
            maddr: None,
            params_raw: tail,
        };
        for p in ParamIter::new(tail) {
            let (n, v) = p.map_err(bad)?;
            if n.eq_ignore_ascii_case("branch") {
                via.branch = Some(v.ok_or_else(|| bad("empty branch"))?);
            } else if n.eq_ignore_ascii_case("received") {
                via.received = Some(v.ok_or_else(|| bad("empty received"))?);
            } else if n.eq_ignore_ascii_case("rport") {
                via.rport = Some(match v {
                    None => None,
                    Some(p) => Some(parse_port(p).ok_or(Fault::OutOfRange(HeaderName::Via))?),
                });
            } else if n.eq_ignore_ascii_case("maddr") {
                via.maddr = v;
            } else if n.eq_ignore_ascii_case("ttl") {
                let ttl = v.and_then(|t| t.parse::<u16>().ok());
                if !matches!(ttl, Some(0..=255)) {
                    return Err(Fault::OutOfRange(HeaderName::Via));
                }
            }
        }
        Ok(via)
    }

    /// Every parameter in order, `(name, value)`, including branch, received, rport.
    pub fn params(&self) -> impl Iterator<Item = (&'a str, Option<&'a str>)> + 'a {
        ParamIter::new(self.params_raw).flatten()
    }

    /// Whether the branch carries the RFC 3261 magic cookie (else RFC 2543 matching).
    pub fn is_rfc3261_branch(&self) -> bool {
        self.branch.is_some_and(|b| b.starts_with(MAGIC_COOKIE))
    }
}

#[inline]
fn skip_wsp(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    i
}

fn host_chars_ok(h: &str) -> bool {
    h.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'[' | b']' | b':'))
}

/// Parses a port number 0..=65535 made only of digits (at most 5 of them).
pub fn parse_port(s: &str) -> Option<u16> {
    if s.is_empty() || s.len() > 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typical_via() {
        let v = Via::parse("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK776;rport").unwrap();
        assert_eq!(v.transport, "UDP");
        assert_eq!(v.host, "127.0.0.1");
        assert_eq!(v.port, Some(5060));
        assert_eq!(v.branch, Some("z9hG4bK776"));
        assert_eq!(v.rport, Some(None));
        assert!(v.is_rfc3261_branch());
    }

    #[test]
    fn whitespace_everywhere_and_ipv6() {
        let v = Via::parse(
            "SIP  /   2.0 / TCP   [2001:db8::9:1] : 5061 ; received = 10.0.0.1 ; branch=z9hG4bKx",
        )
        .unwrap();
        assert_eq!(v.transport, "TCP");
        assert_eq!(v.host, "[2001:db8::9:1]");
        assert_eq!(v.port, Some(5061));
        assert_eq!(v.received, Some("10.0.0.1"));
    }

    #[test]
    fn rejects_bad() {
        assert!(Via::parse("SIP/2.0/UDP").is_err());
        assert!(Via::parse("SIP/3.0/UDP host").is_err());
        assert!(Via::parse("SIP/2.0/UDP host:70000").is_err());
        assert!(Via::parse("SIP/2.0/UDP host;;branch=z9hG4bK").is_err());
        assert!(Via::parse("SIP/2.0/UDP host;ttl=256").is_err());
    }
}
