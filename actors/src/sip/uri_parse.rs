//! Parsing URIs (RFC 3261 §19.1.1 and §25.1): a borrowed, allocation-free scan used by
//! validation, and [`Uri::parse`] building the owned [`Uri`] from it.

use super::headers::via::parse_port;
use super::lex::{all_escaped, is_hnv, is_host, is_paramchar, is_password, is_uric, is_user};
use super::uri::{AbsoluteUri, Host, Param, Scheme, SipUri, Uri};
use std::net::{Ipv4Addr, Ipv6Addr};
use thiserror::Error;

/// Why a URI does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct UriError(pub &'static str);

/// A SIP/SIPS URI borrowed from the text it was found in, checked against the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SipUriRef<'a> {
    /// sip or sips.
    pub scheme: Scheme,
    /// The user part as written.
    pub user: Option<&'a str>,
    /// The password as written.
    pub password: Option<&'a str>,
    /// The host as written (IPv6 references with brackets).
    pub host: &'a str,
    /// The port.
    pub port: Option<u16>,
    /// The parameter section as written, each one starting with `;` (may be empty).
    pub params: &'a str,
    /// The header section after `?`, as written.
    pub headers: Option<&'a str>,
}

/// A URI of any scheme, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriRef<'a> {
    /// sip: / sips:
    Sip(SipUriRef<'a>),
    /// Any other scheme, the whole text.
    Absolute(&'a str),
}

fn err(why: &'static str) -> UriError {
    UriError(why)
}

fn strip_scheme<'a>(s: &'a str, scheme: &str) -> Option<&'a str> {
    let n = scheme.len();
    if s.len() > n && s.as_bytes()[n] == b':' && s[..n].eq_ignore_ascii_case(scheme) {
        Some(&s[n + 1..])
    } else {
        None
    }
}

/// Scans any URI without allocating.
pub fn parse_uri_ref(s: &str) -> Result<UriRef<'_>, UriError> {
    if let Some(rest) = strip_scheme(s, "sip") {
        return parse_sip_rest(Scheme::Sip, rest).map(UriRef::Sip);
    }
    if let Some(rest) = strip_scheme(s, "sips") {
        return parse_sip_rest(Scheme::Sips, rest).map(UriRef::Sip);
    }
    let b = s.as_bytes();
    let colon = memchr::memchr(b':', b).ok_or(err("no URI scheme"))?;
    let scheme = &b[..colon];
    let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return Err(err("bad URI scheme"));
    }
    let rest = &b[colon + 1..];
    if rest.is_empty() || !all_escaped(rest, is_uric) {
        return Err(err("bad characters in URI"));
    }
    Ok(UriRef::Absolute(s))
}

fn parse_sip_rest(scheme: Scheme, rest: &str) -> Result<SipUriRef<'_>, UriError> {
    let b = rest.as_bytes();
    let (user, password, hostpart) = match memchr::memchr(b'@', b) {
        Some(at) => {
            let userinfo = &rest[..at];
            let (user, password) = match memchr::memchr(b':', userinfo.as_bytes()) {
                Some(c) => (&userinfo[..c], Some(&userinfo[c + 1..])),
                None => (userinfo, None),
            };
            if user.is_empty() || !all_escaped(user.as_bytes(), is_user) {
                return Err(err("bad user part"));
            }
            if let Some(p) = password {
                if !all_escaped(p.as_bytes(), is_password) {
                    return Err(err("bad password"));
                }
            }
            (Some(user), password, &rest[at + 1..])
        }
        None => (None, None, rest),
    };
    let hb = hostpart.as_bytes();
    let host_end = if hb.first() == Some(&b'[') {
        memchr::memchr(b']', hb).ok_or(err("unterminated IPv6 reference"))? + 1
    } else {
        hb.iter()
            .position(|&c| matches!(c, b':' | b';' | b'?'))
            .unwrap_or(hb.len())
    };
    let host = &hostpart[..host_end];
    check_host(host)?;
    let mut tail = &hostpart[host_end..];
    let mut port = None;
    if let Some(p) = tail.strip_prefix(':') {
        let end = p
            .bytes()
            .position(|c| matches!(c, b';' | b'?'))
            .unwrap_or(p.len());
        port = Some(parse_port(&p[..end]).ok_or(err("bad port"))?);
        tail = &p[end..];
    }
    let (params, headers) = match memchr::memchr(b'?', tail.as_bytes()) {
        Some(q) => (&tail[..q], Some(&tail[q + 1..])),
        None => (tail, None),
    };
    for p in params.split(';').skip(1) {
        let (name, value) = match p.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (p, None),
        };
        if name.is_empty() || !all_escaped(name.as_bytes(), is_paramchar) {
            return Err(err("bad URI parameter name"));
        }
        if let Some(v) = value {
            if v.is_empty() || !all_escaped(v.as_bytes(), is_paramchar) {
                return Err(err("bad URI parameter value"));
            }
        }
    }
    if let Some(h) = headers {
        for hdr in h.split('&') {
            let (n, v) = hdr.split_once('=').ok_or(err("URI header without ="))?;
            if n.is_empty()
                || !all_escaped(n.as_bytes(), is_hnv)
                || !all_escaped(v.as_bytes(), is_hnv)
            {
                return Err(err("bad URI header"));
            }
        }
    }
    Ok(SipUriRef {
        scheme,
        user,
        password,
        host,
        port,
        params,
        headers,
    })
}

fn check_host(host: &str) -> Result<(), UriError> {
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(err("bad IPv6 reference"))?;
        inner
            .parse::<Ipv6Addr>()
            .map_err(|_| err("bad IPv6 address"))?;
        return Ok(());
    }
    if host.is_empty() || !host.bytes().all(is_host) {
        return Err(err("bad host"));
    }
    Ok(())
}

fn to_host(host: &str) -> Host {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        if let Ok(a) = inner.parse::<Ipv6Addr>() {
            return Host::V6(a);
        }
    }
    if host.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        if let Ok(a) = host.parse::<Ipv4Addr>() {
            return Host::V4(a);
        }
    }
    Host::Domain(host.into())
}

impl SipUriRef<'_> {
    /// The parameters, `(name, value)` in order.
    pub fn params(&self) -> impl Iterator<Item = (&str, Option<&str>)> + '_ {
        self.params
            .split(';')
            .skip(1)
            .map(|p| match p.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (p, None),
            })
    }

    /// The owned URI.
    pub fn to_owned_uri(&self) -> SipUri {
        SipUri {
            scheme: self.scheme,
            user: self.user.map(Into::into),
            password: self.password.map(Into::into),
            host: to_host(self.host),
            port: self.port,
            params: self.params().map(|(n, v)| Param::new(n, v)).collect(),
            headers: self.headers.map(Into::into),
        }
    }
}

impl UriRef<'_> {
    /// The owned URI.
    pub fn to_owned_uri(&self) -> Uri {
        match self {
            UriRef::Sip(s) => Uri::Sip(s.to_owned_uri()),
            UriRef::Absolute(a) => Uri::Absolute(AbsoluteUri((*a).into())),
        }
    }
}

impl Uri {
    /// Parses a URI: `sip:`/`sips:` per RFC 3261 §25.1 (user, password, host, port,
    /// parameters, headers), any other scheme kept opaque. Whitespace is never allowed.
    pub fn parse(s: &str) -> Result<Uri, UriError> {
        parse_uri_ref(s).map(|u| u.to_owned_uri())
    }

    /// The scheme in lower case (`sip`, `sips`, `tel`…) compared case-insensitively.
    pub fn scheme_is(&self, scheme: &str) -> bool {
        match self {
            Uri::Sip(s) => {
                let name = match s.scheme {
                    Scheme::Sip => "sip",
                    Scheme::Sips => "sips",
                };
                name.eq_ignore_ascii_case(scheme)
            }
            Uri::Absolute(a) => a.scheme().eq_ignore_ascii_case(scheme),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sip(s: &str) -> SipUri {
        match Uri::parse(s).unwrap() {
            Uri::Sip(u) => u,
            other => panic!("not sip: {other:?}"),
        }
    }

    #[test]
    fn full_sip_uri() {
        let u = sip("sips:alice:secret@[2001:db8::1]:5061;transport=tls;lr?subject=x&h=%20");
        assert_eq!(u.scheme, Scheme::Sips);
        assert_eq!(u.user.as_deref(), Some("alice"));
        assert_eq!(u.password.as_deref(), Some("secret"));
        assert_eq!(u.host, Host::V6("2001:db8::1".parse().unwrap()));
        assert_eq!(u.port, Some(5061));
        assert_eq!(
            u.params,
            [Param::new("transport", Some("tls")), Param::new("lr", None)]
        );
        assert_eq!(u.headers.as_deref(), Some("subject=x&h=%20"));
    }

    #[test]
    fn torture_users() {
        let u = sip("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
        assert_eq!(
            u.user.as_deref(),
            Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        );
        assert_eq!(u.host, Host::Domain("example.com".into()));
        let u = sip("sip:user;par=u%40example.net@example.com");
        assert_eq!(u.user.as_deref(), Some("user;par=u%40example.net"));
        let u = sip("sip:null-%00-null@10.0.0.1");
        assert_eq!(u.host, Host::V4("10.0.0.1".parse().unwrap()));
        let u = sip("SIP:cal%6Cer@192.168.0.2:5060;%6C%72;n%61me=v%61lue%25%34%31");
        assert_eq!(u.params.len(), 2);
    }

    #[test]
    fn other_schemes_opaque() {
        assert_eq!(
            Uri::parse("tel:+1-201-555-0123;phone-context=x").unwrap(),
            Uri::Absolute(AbsoluteUri("tel:+1-201-555-0123;phone-context=x".into()))
        );
        assert!(Uri::parse("urn:service:sos").unwrap().scheme_is("URN"));
        assert!(Uri::parse("http://a.b/c?d#e").is_ok());
    }

    #[test]
    fn rejects() {
        for bad in [
            "sip:",
            "sip:@host",
            "sip:user@",
            "sip:host:",
            "sip:host:65536",
            "sip:host:+5",
            "sip:host;",
            "sip:host;a=",
            "sip:us er@host",
            "sip:user@host name",
            "sip:[::1",
            "sip:[zz]",
            "sip:host?x",
            "sip:a%2@host",
            "<sip:host>",
            "nocolon",
            "1x:abc",
            "tel:",
            "tel:12 34",
        ] {
            assert!(Uri::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn prints_back() {
        for s in ["sip:a@b.c:1;x;y=z?h=v", "sips:[::1]", "sip:u:p@1.2.3.4"] {
            assert_eq!(Uri::parse(s).unwrap().to_string(), s);
        }
    }
}
