//! Parsing URIs (RFC 3261 §19.1.1 and §25.1): a borrowed, allocation-free scan used by
//! validation, and [`Uri::parse`] building the owned [`Uri`] from it.

use super::headers::via::parse_port;
use super::lex::{class, find1, is_hnv, is_paramchar, is_uric, scan, USERINFO_CLASSES};
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

/// Scans any URI without allocating; the whole of `s` must be the URI.
pub fn parse_uri_ref(s: &str) -> Result<UriRef<'_>, UriError> {
    let (uri, end) = scan_uri_prefix(s, false)?;
    if end == s.len() {
        Ok(uri)
    } else {
        Err(err("bad characters in URI"))
    }
}

/// Scans the longest URI at the start of `s` and returns it with the offset where it
/// ends; the caller checks what follows (`>` in a name-addr, `;` or the end in an
/// addr-spec). With `addr_spec`, the URI stops before `;`, `?` and `,` (RFC 3261
/// §20: a URI holding them must be in `<>`), and a SIP user part cannot hold them.
pub fn scan_uri_prefix(s: &str, addr_spec: bool) -> Result<(UriRef<'_>, usize), UriError> {
    if let Some(rest) = strip_scheme(s, "sip") {
        let (u, end) = parse_sip_rest(Scheme::Sip, rest, addr_spec)?;
        return Ok((UriRef::Sip(u), end + 4));
    }
    if let Some(rest) = strip_scheme(s, "sips") {
        let (u, end) = parse_sip_rest(Scheme::Sips, rest, addr_spec)?;
        return Ok((UriRef::Sip(u), end + 5));
    }
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'+' | b'-' | b'.')) {
        i += 1;
    }
    if i == 0 || !b[0].is_ascii_alphabetic() || b.get(i) != Some(&b':') {
        return Err(err("no URI scheme"));
    }
    let start = i + 1;
    let end = scan_escaped(b, start, |c| {
        is_uric(c) && !(addr_spec && matches!(c, b';' | b'?' | b','))
    });
    if end == start {
        return Err(err("bad characters in URI"));
    }
    Ok((UriRef::Absolute(&s[..end]), end))
}

/// Length of a `%HEXHEX` escape at `i`, or 0.
#[inline]
fn escape_at(b: &[u8], i: usize) -> usize {
    match (b.get(i + 1), b.get(i + 2)) {
        (Some(h), Some(l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => 3,
        _ => 0,
    }
}

/// Scans `rest` (after `sip:`) in one pass per component. Offsets only stop at ASCII
/// bytes, so every slice is on a char boundary.
fn parse_sip_rest(
    scheme: Scheme,
    rest: &str,
    addr_spec: bool,
) -> Result<(SipUriRef<'_>, usize), UriError> {
    let b = rest.as_bytes();
    let n = b.len();
    // userinfo: user chars, then after a first ':' password chars, up to '@'. Anything
    // else means there is no userinfo (e.g. `host:5060;lr`).
    let (user_class, pass_class) = USERINFO_CLASSES[usize::from(addr_spec)];
    let (mut i, mut colon, mut class) = (0, None, user_class);
    loop {
        i = scan(b, i, class);
        match b.get(i) {
            Some(b'%') => match escape_at(b, i) {
                0 => break,
                l => i += l,
            },
            Some(b':') if colon.is_none() => {
                colon = Some(i);
                class = pass_class;
                i += 1;
            }
            _ => break,
        }
    }
    let (user, password, mut i) = if i < n && b[i] == b'@' {
        let user_end = colon.unwrap_or(i);
        if user_end == 0 {
            return Err(err("bad user part"));
        }
        (
            Some(&rest[..user_end]),
            colon.map(|c| &rest[c + 1..i]),
            i + 1,
        )
    } else {
        (None, None, 0)
    };
    // host
    let h_start = i;
    if b.get(i) == Some(&b'[') {
        i += find1(b']', &b[i..]).ok_or(err("unterminated IPv6 reference"))? + 1;
        rest[h_start + 1..i - 1]
            .parse::<Ipv6Addr>()
            .map_err(|_| err("bad IPv6 address"))?;
    } else {
        i = scan(b, i, class::HOST);
        if i == h_start {
            return Err(err("bad host"));
        }
    }
    let host = &rest[h_start..i];
    // port
    let mut port = None;
    if b.get(i) == Some(&b':') {
        let p_start = i + 1;
        i = p_start;
        while i < n && b[i].is_ascii_digit() {
            i += 1;
        }
        port = Some(parse_port(&rest[p_start..i]).ok_or(err("bad port"))?);
    }
    // params: (';' pname ['=' pvalue])*
    let p_start = i;
    while !addr_spec && b.get(i) == Some(&b';') {
        i += 1;
        let name_start = i;
        i = scan_escaped(b, i, is_paramchar);
        if i == name_start {
            return Err(err("bad URI parameter name"));
        }
        if b.get(i) == Some(&b'=') {
            i += 1;
            let v_start = i;
            i = scan_escaped(b, i, is_paramchar);
            if i == v_start {
                return Err(err("bad URI parameter value"));
            }
        }
    }
    let params = &rest[p_start..i];
    // headers: '?' hname '=' hvalue ('&' hname '=' hvalue)*
    let mut headers = None;
    if !addr_spec && b.get(i) == Some(&b'?') {
        let h_start = i + 1;
        loop {
            i += 1;
            let name_start = i;
            i = scan_escaped(b, i, is_hnv);
            if i == name_start || b.get(i) != Some(&b'=') {
                return Err(err("bad URI header"));
            }
            i = scan_escaped(b, i + 1, is_hnv);
            if b.get(i) != Some(&b'&') {
                break;
            }
        }
        headers = Some(&rest[h_start..i]);
    }
    Ok((
        SipUriRef {
            scheme,
            user,
            password,
            host,
            port,
            params,
            headers,
        },
        i,
    ))
}

/// Advances over `class` bytes and `%HEXHEX` escapes.
#[inline]
fn scan_escaped(b: &[u8], mut i: usize, class: impl Fn(u8) -> bool) -> usize {
    while i < b.len() {
        let c = b[i];
        if class(c) {
            i += 1;
        } else if c == b'%' {
            match escape_at(b, i) {
                0 => return i,
                l => i += l,
            }
        } else {
            return i;
        }
    }
    i
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
mod tests;
