//! name-addr / addr-spec (RFC 3261 §20.10, §25.1): From, To, Contact, Route,
//! Record-Route, Refer-To, Referred-By, P-Asserted-Identity.
//!
//! `[display-name] <URI> *(;param)` or a bare `URI *(;param)`. In the bare form a `;`
//! starts the header parameters, and a URI holding `,` `?` or `;` must be in `<>`.

use super::params::{quoted_end, trim_lws, ParamIter};
use crate::sip::error::Fault;
use crate::sip::header::HeaderName;
use crate::sip::lex::{is_token, is_wsp};
use crate::sip::uri::{find_param, Param, Uri};
use crate::sip::uri_parse::{scan_uri_prefix, UriRef};
use std::borrow::Cow;
use std::fmt;

/// A name-addr borrowed from a header value, checked but not copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameAddrRef<'a> {
    /// The display name as written (quotes kept when quoted).
    pub display: Option<&'a str>,
    /// The URI.
    pub uri: UriRef<'a>,
    /// The header parameters as written (starts with `;` after optional whitespace).
    pub params: &'a str,
}

/// An owned name-addr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    /// The display name as written: a quoted-string (quotes and `\` escapes kept) or
    /// tokens separated by single spaces.
    pub display: Option<Box<str>>,
    /// The URI.
    pub uri: Uri,
    /// Header parameters (`tag`, `expires`, `q`…) in order, values as written.
    pub params: Vec<Param>,
}

/// One Contact value: `*` (REGISTER removing all bindings) or an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    /// `Contact: *`
    Wildcard,
    /// A contact address with its parameters (`expires`, `q`, `+sip.instance`…).
    Addr(NameAddr),
}

impl<'a> NameAddrRef<'a> {
    /// Parses one name-addr or addr-spec with its parameters; `Err(why)` on bad syntax.
    pub fn parse(value: &'a str) -> Result<NameAddrRef<'a>, &'static str> {
        // One pass: display name, then the URI scanned up to where it stops, then the
        // parameters. Offsets stop at ASCII bytes only, so slices are on char boundaries.
        let v = trim_lws(value);
        let b = v.as_bytes();
        let first = *b.first().ok_or("empty value")?;
        let (display, inner) = if first == b'"' {
            let end = quoted_end(v).ok_or("unterminated quoted display name")?;
            let mut i = end;
            while i < b.len() && is_wsp(b[i]) {
                i += 1;
            }
            if b.get(i) != Some(&b'<') {
                return Err("quoted display name not followed by <URI>");
            }
            (Some(&v[..end]), i + 1)
        } else if first == b'<' {
            (None, 1)
        } else {
            let (mut i, mut spaces) = (0, false);
            while i < b.len() && (is_token(b[i]) || is_wsp(b[i])) {
                spaces |= is_wsp(b[i]);
                i += 1;
            }
            match b.get(i) {
                Some(b'<') => (Some(trim_lws(&v[..i])), i + 1),
                Some(b':') if !spaces => return Self::addr_spec(v),
                _ => return Err("non-token characters in display name"),
            }
        };
        let (uri, len) = scan_uri_prefix(&v[inner..], false).map_err(|e| e.0)?;
        let close = inner + len;
        match b.get(close) {
            Some(b'>') => {}
            None => return Err("unterminated <URI>"),
            Some(&c) if is_wsp(c) => return Err("whitespace inside <URI>"),
            Some(_) => return Err("bad characters in URI"),
        }
        let params = &v[close + 1..];
        check_params(params)?;
        Ok(NameAddrRef {
            display,
            uri,
            params,
        })
    }

    fn addr_spec(v: &'a str) -> Result<NameAddrRef<'a>, &'static str> {
        let (uri, end) = scan_uri_prefix(v, true).map_err(|e| e.0)?;
        match v.as_bytes().get(end) {
            None | Some(b';' | b' ' | b'\t') => {}
            Some(b',' | b'?') => return Err("a URI with ',' or '?' must be enclosed in <>"),
            Some(_) => return Err("bad characters in URI"),
        }
        let params = &v[end..];
        if !trim_lws(params).is_empty() && !trim_lws(params).starts_with(';') {
            return Err("whitespace inside addr-spec");
        }
        check_params(params)?;
        Ok(NameAddrRef {
            display: None,
            uri,
            params,
        })
    }

    /// The parameters in order.
    pub fn params(&self) -> ParamIter<'a> {
        ParamIter::new(self.params)
    }

    /// The value of a parameter (case-insensitive name); `Some(None)` when valueless.
    pub fn param(&self, name: &str) -> Option<Option<&'a str>> {
        self.params()
            .flatten()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The owned form.
    pub fn to_owned_addr(&self) -> NameAddr {
        NameAddr {
            display: self.display.map(Into::into),
            uri: self.uri.to_owned_uri(),
            params: self
                .params()
                .flatten()
                .map(|(n, v)| Param::new(n, v))
                .collect(),
        }
    }
}

fn check_params(params: &str) -> Result<(), &'static str> {
    for p in ParamIter::new(params) {
        p?;
    }
    Ok(())
}

impl NameAddr {
    /// An address with no display name and no parameters.
    pub fn new(uri: Uri) -> NameAddr {
        NameAddr {
            display: None,
            uri,
            params: Vec::new(),
        }
    }

    /// Parses a header value as the given header (the name goes into the fault).
    pub fn parse_as(name: &HeaderName, value: &str) -> Result<NameAddr, Fault> {
        NameAddrRef::parse(value)
            .map(|r| r.to_owned_addr())
            .map_err(|why| Fault::BadHeader {
                name: name.clone(),
                why,
            })
    }

    /// Sets the display name from plain text, quoting and escaping it.
    pub fn with_display(mut self, text: &str) -> NameAddr {
        let mut q = String::with_capacity(text.len() + 2);
        q.push('"');
        for c in text.chars() {
            if c == '"' || c == '\\' {
                q.push('\\');
            }
            if c != '\r' && c != '\n' {
                q.push(c);
            }
        }
        q.push('"');
        self.display = Some(q.into());
        self
    }

    /// The display name as text: quotes removed and `\` escapes resolved.
    pub fn display_text(&self) -> Option<Cow<'_, str>> {
        let d = self.display.as_deref()?;
        let Some(inner) = d.strip_prefix('"').and_then(|s| s.strip_suffix('"')) else {
            return Some(Cow::Borrowed(d));
        };
        if !inner.contains('\\') {
            return Some(Cow::Borrowed(inner));
        }
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            out.push(if c == '\\' {
                chars.next().unwrap_or('\\')
            } else {
                c
            });
        }
        Some(Cow::Owned(out))
    }

    /// A header parameter's value (case-insensitive name), `Some("")` when valueless.
    pub fn param(&self, name: &str) -> Option<&str> {
        find_param(&self.params, name)
    }

    /// Replaces (or adds) a header parameter.
    pub fn set_param(&mut self, name: &str, value: Option<&str>) {
        self.params.retain(|p| !p.name.eq_ignore_ascii_case(name));
        self.params.push(Param::new(name, value));
    }

    /// The `tag` parameter (From / To).
    pub fn tag(&self) -> Option<&str> {
        self.param("tag").filter(|t| !t.is_empty())
    }

    /// The Contact `expires` parameter, when present and a valid delta-seconds.
    pub fn expires(&self) -> Option<u32> {
        self.param("expires").and_then(|v| v.parse().ok())
    }

    /// The Contact `q` parameter as written.
    pub fn q(&self) -> Option<&str> {
        self.param("q")
    }

    /// `+sip.instance` (RFC 5626), quotes removed.
    pub fn instance(&self) -> Option<&str> {
        self.param("+sip.instance").map(unquote)
    }

    /// `reg-id` (RFC 5626).
    pub fn reg_id(&self) -> Option<u32> {
        self.param("reg-id").and_then(|v| v.parse().ok())
    }

    /// `pn-provider` (RFC 8599).
    pub fn pn_provider(&self) -> Option<&str> {
        self.param("pn-provider")
    }

    /// `pn-prid` (RFC 8599).
    pub fn pn_prid(&self) -> Option<&str> {
        self.param("pn-prid")
    }

    /// `pn-param` (RFC 8599).
    pub fn pn_param(&self) -> Option<&str> {
        self.param("pn-param")
    }
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(v)
}

impl fmt::Display for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.display {
            write!(f, "{d} ")?;
        }
        write!(f, "<{}>", self.uri)?;
        for p in &self.params {
            write!(f, ";{p}")?;
        }
        Ok(())
    }
}

impl Contact {
    /// Parses one Contact value (the parser split comma-separated ones).
    pub fn parse(value: &str) -> Result<Contact, Fault> {
        if trim_lws(value) == "*" {
            return Ok(Contact::Wildcard);
        }
        NameAddr::parse_as(&HeaderName::Contact, value).map(Contact::Addr)
    }
}

impl fmt::Display for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Contact::Wildcard => f.write_str("*"),
            Contact::Addr(a) => a.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests;
