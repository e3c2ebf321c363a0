//! Comma-separated token lists: Allow (RFC 3261 §20.5), Supported (§20.37), Require
//! (§20.32), Unsupported (§20.40), Proxy-Require (§20.29).

use super::params::{is_token, quoted_end, trim_lws};
use crate::sip::error::Fault;
use crate::sip::header::{HeaderName, HeaderValue};
use crate::sip::method::Method;
use std::fmt;

/// Splits a header value at top-level commas (not inside quoted strings, `<…>` or
/// comments), trimming whitespace around each element. An empty value gives no
/// elements; an empty element between commas is an error.
pub fn split_list(value: &str) -> Result<Vec<&str>, &'static str> {
    let v = trim_lws(value);
    if v.is_empty() {
        return Ok(Vec::new());
    }
    let b = v.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i, mut angle, mut paren) = (0, 0, false, 0usize);
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += quoted_end(&v[i..]).ok_or("unterminated quoted string")?;
                continue;
            }
            b'\\' if paren > 0 => i += 1,
            b'<' if paren == 0 => angle = true,
            b'>' if paren == 0 => angle = false,
            b'(' if !angle => paren += 1,
            b')' if !angle => paren = paren.saturating_sub(1),
            b',' if !angle && paren == 0 => {
                out.push(element(&v[start..i])?);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(element(&v[start..])?);
    Ok(out)
}

fn element(s: &str) -> Result<&str, &'static str> {
    let s = trim_lws(s);
    if s.is_empty() {
        Err("empty list element")
    } else {
        Ok(s)
    }
}

/// The Allow header: the methods a UA supports. May be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allow(pub Vec<Method>);

impl Allow {
    /// Parses `[Method *(COMMA Method)]`.
    pub fn parse(value: &str) -> Result<Allow, Fault> {
        let bad = |why| Fault::BadHeader {
            name: HeaderName::Allow,
            why,
        };
        let items = split_list(value).map_err(bad)?;
        items
            .into_iter()
            .map(|m| {
                if is_token(m) {
                    Ok(Method::from_token(m))
                } else {
                    Err(bad("method is not a token"))
                }
            })
            .collect::<Result<_, _>>()
            .map(Allow)
    }

    /// Whether `method` is listed (methods are case-sensitive, RFC 3261 §7.1).
    pub fn allows(&self, method: &Method) -> bool {
        self.0.contains(method)
    }
}

impl fmt::Display for Allow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{m}")?;
        }
        Ok(())
    }
}

/// A list of option-tags (`100rel`, `timer`, `replaces`…).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionTags(pub Vec<Box<str>>);

/// Parses `token *(COMMA token)` for header `name`; `why` gives the fault texts for an
/// empty list (unless `allow_empty`) and for an item that is not a token.
pub(crate) fn token_list(
    name: HeaderName,
    value: &str,
    allow_empty: bool,
    why: (&'static str, &'static str),
) -> Result<Vec<Box<str>>, Fault> {
    let bad = |why| Fault::BadHeader {
        name: name.clone(),
        why,
    };
    let items = split_list(value).map_err(bad)?;
    if items.is_empty() && !allow_empty {
        return Err(bad(why.0));
    }
    items
        .into_iter()
        .map(|t| {
            if is_token(t) {
                Ok(t.into())
            } else {
                Err(bad(why.1))
            }
        })
        .collect()
}

impl OptionTags {
    fn parse_as(name: HeaderName, value: &str, allow_empty: bool) -> Result<OptionTags, Fault> {
        let why = ("no option-tag", "option-tag is not a token");
        token_list(name, value, allow_empty, why).map(OptionTags)
    }

    /// Whether `tag` is listed (option-tags compare case-insensitively, as other
    /// tokens in SIP header values do, RFC 3261 §7.3.1).
    pub fn contains(&self, tag: &str) -> bool {
        self.0.iter().any(|t| t.eq_ignore_ascii_case(tag))
    }

    /// The tags not in `supported`, in order (what goes into an Unsupported header).
    pub fn missing_from<'a>(&'a self, supported: &'a [&str]) -> impl Iterator<Item = &'a str> {
        self.0
            .iter()
            .map(|t| &**t)
            .filter(move |t| !supported.iter().any(|s| s.eq_ignore_ascii_case(t)))
    }
}

impl fmt::Display for OptionTags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(", "))
    }
}

macro_rules! option_tag_header {
    ($(#[$doc:meta])* $ty:ident, $name:ident, empty: $empty:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $ty(pub OptionTags);

        impl $ty {
            /// Parses one header value.
            pub fn parse(value: &str) -> Result<$ty, Fault> {
                OptionTags::parse_as(HeaderName::$name, value, $empty).map($ty)
            }

            /// Parses and concatenates every field of this header (a list may be
            /// split over several header lines, RFC 3261 §7.3.1).
            pub fn parse_all<'a>(
                values: impl IntoIterator<Item = &'a HeaderValue>,
            ) -> Result<$ty, Fault> {
                let mut all = OptionTags::default();
                for v in values {
                    all.0.extend(Self::parse(v.as_str())?.0 .0);
                }
                Ok($ty(all))
            }
        }

        impl std::ops::Deref for $ty {
            type Target = OptionTags;
            fn deref(&self) -> &OptionTags {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

option_tag_header!(
    /// The Supported header: extensions the sender supports. May be empty.
    Supported, Supported, empty: true
);
option_tag_header!(
    /// The Require header: extensions the UAS must support (→ 420 otherwise).
    Require, Require, empty: false
);
option_tag_header!(
    /// The Unsupported header of a 420 response.
    Unsupported, Unsupported, empty: false
);
option_tag_header!(
    /// The Proxy-Require header: extensions proxies must support.
    ProxyRequire, ProxyRequire, empty: false
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_respects_quotes_brackets_comments() {
        assert_eq!(
            split_list(r#" a , "x,\"y" , <sip:a,b> ;p, c (d, e) "#).unwrap(),
            ["a", r#""x,\"y""#, "<sip:a,b> ;p", "c (d, e)"]
        );
        assert!(split_list("").unwrap().is_empty());
        assert!(split_list("a,,b").is_err());
        assert!(split_list("a,").is_err());
        assert!(split_list("\"open").is_err());
    }

    #[test]
    fn allow_methods() {
        let a = Allow::parse("INVITE, ACK,BYE ,  NEWMETHOD").unwrap();
        assert!(a.allows(&Method::Invite) && a.allows(&Method::Bye));
        assert!(!a.allows(&Method::Options));
        assert!(a.allows(&Method::from_token("NEWMETHOD")));
        assert_eq!(a.to_string(), "INVITE, ACK, BYE, NEWMETHOD");
        assert_eq!(Allow::parse("").unwrap(), Allow::default());
        assert!(Allow::parse("INVITE, <ACK>").is_err());
    }

    #[test]
    fn option_tag_lists() {
        let r = Require::parse("nothingSupportsThis, nothingSupportsThisEither").unwrap();
        assert!(r.contains("nothingsupportsthis"));
        let missing: Vec<_> = r.missing_from(&["nothingSupportsThisEither"]).collect();
        assert_eq!(missing, ["nothingSupportsThis"]);
        assert_eq!(
            r.to_string(),
            "nothingSupportsThis, nothingSupportsThisEither"
        );
        assert_eq!(Supported::parse("  ").unwrap(), Supported::default());
        assert!(matches!(
            Require::parse(""),
            Err(Fault::BadHeader {
                name: HeaderName::Require,
                ..
            })
        ));
        assert!(Unsupported::parse("a b").is_err());
        let values = [
            HeaderValue::from_static("100rel"),
            HeaderValue::from_static("timer, replaces"),
        ];
        let s = Supported::parse_all(values.iter()).unwrap();
        assert_eq!(s.to_string(), "100rel, timer, replaces");
        assert!(ProxyRequire::parse("sec-agree")
            .unwrap()
            .contains("sec-agree"));
    }
}
