//! The Reason header (RFC 3326): why a request (CANCEL, BYE) was sent, e.g.
//! `SIP ;cause=200 ;text="Call completed elsewhere"` or `Q.850;cause=16`.

use super::allow_list::split_list;
use super::expires::{owned_params, write_params};
use super::params::{is_token, quoted_end, trim_lws};
use crate::sip::error::Fault;
use crate::sip::header::HeaderName;
use crate::sip::uri::Param;
use std::fmt;

/// The contents of a quoted-string (`"…"` with `\` escapes), unescaped; `None` if
/// `s` is not exactly one quoted-string.
pub fn unquote(s: &str) -> Option<String> {
    if !s.starts_with('"') || quoted_end(s) != Some(s.len()) {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s[1..s.len() - 1].chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' { chars.next()? } else { c });
    }
    Some(out)
}

/// `text` as a quoted-string, escaping `"` and `\`; CR and LF, which a header value
/// cannot carry, become spaces.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One reason-value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// `SIP`, `Q.850`, or another protocol token.
    pub protocol: Box<str>,
    /// The `cause` parameter: a SIP status code or a Q.850 cause value.
    pub cause: Option<u16>,
    /// The `text` parameter, unescaped.
    pub text: Option<String>,
    /// Other parameters, in order.
    pub params: Vec<Param>,
}

impl Reason {
    /// A reason with a protocol, cause and optional text.
    pub fn new(protocol: &str, cause: u16, text: Option<&str>) -> Reason {
        Reason {
            protocol: protocol.into(),
            cause: Some(cause),
            text: text.map(str::to_owned),
            params: Vec::new(),
        }
    }

    /// Parses one reason-value.
    pub fn parse(value: &str) -> Result<Reason, Fault> {
        let name = HeaderName::Reason;
        let bad = |why| Fault::BadHeader {
            name: HeaderName::Reason,
            why,
        };
        let v = trim_lws(value);
        let end = v.find([' ', '\t', ';']).unwrap_or(v.len());
        let protocol = &v[..end];
        if !is_token(protocol) {
            return Err(bad("protocol is not a token"));
        }
        let mut out = Reason {
            protocol: protocol.into(),
            cause: None,
            text: None,
            params: Vec::new(),
        };
        for p in owned_params(&v[end..], &name)? {
            let value = p.value.as_deref().unwrap_or("");
            if p.name.eq_ignore_ascii_case("cause") {
                if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad("cause is not a number"));
                }
                out.cause = Some(value.parse().map_err(|_| Fault::OutOfRange(name.clone()))?);
            } else if p.name.eq_ignore_ascii_case("text") {
                out.text = Some(unquote(value).ok_or(bad("text is not a quoted-string"))?);
            } else {
                out.params.push(p);
            }
        }
        Ok(out)
    }

    /// Parses a header value holding one or more comma-separated reason-values.
    pub fn parse_list(value: &str) -> Result<Vec<Reason>, Fault> {
        let items = split_list(value).map_err(|why| Fault::BadHeader {
            name: HeaderName::Reason,
            why,
        })?;
        if items.is_empty() {
            return Err(Fault::BadHeader {
                name: HeaderName::Reason,
                why: "empty value",
            });
        }
        items.into_iter().map(Reason::parse).collect()
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.protocol)?;
        if let Some(c) = self.cause {
            write!(f, ";cause={c}")?;
        }
        if let Some(t) = &self.text {
            write!(f, ";text={}", quote(t))?;
        }
        write_params(f, &self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sip_and_q850() {
        let r = Reason::parse("SIP ;cause=200 ;text=\"Call completed elsewhere\"").unwrap();
        assert_eq!(r, Reason::new("SIP", 200, Some("Call completed elsewhere")));
        assert_eq!(
            r.to_string(),
            "SIP;cause=200;text=\"Call completed elsewhere\""
        );
        let list = Reason::parse_list("Q.850;cause=16;text=\"Terminated\", SIP;cause=600").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!((&*list[0].protocol, list[0].cause), ("Q.850", Some(16)));
        assert_eq!(list[1].cause, Some(600));
    }

    #[test]
    fn quoting_round_trip() {
        let r = Reason::new("SIP", 480, Some(r#"say "hi", \ bye"#));
        let printed = r.to_string();
        assert_eq!(printed, r#"SIP;cause=480;text="say \"hi\", \\ bye""#);
        assert_eq!(Reason::parse_list(&printed).unwrap(), vec![r]);
        assert_eq!(unquote(r#""a\"b""#).as_deref(), Some("a\"b"));
        assert_eq!(unquote("\"a\" x"), None);
        assert_eq!(unquote("plain"), None);
    }

    #[test]
    fn rejects_bad_values() {
        assert!(Reason::parse("SIP;cause=abc").is_err());
        assert!(Reason::parse("SIP;text=unquoted").is_err());
        assert_eq!(
            Reason::parse("SIP;cause=99999"),
            Err(Fault::OutOfRange(HeaderName::Reason))
        );
        assert!(Reason::parse("").is_err());
        assert!(Reason::parse_list("").is_err());
        assert!(Reason::parse_list("SIP;cause=1,,SIP").is_err());
    }
}
