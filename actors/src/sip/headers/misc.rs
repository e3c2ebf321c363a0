//! Replaces (RFC 3891) and the product lists of User-Agent / Server (RFC 3261 §20.41,
//! §20.35).

use super::expires::{comment_end, owned_params, write_params};
use super::params::{is_token, is_token_char, trim_lws};
use crate::sip::error::Fault;
use crate::sip::header::HeaderName;
use crate::sip::uri::Param;
use std::fmt;

/// RFC 3261 `word` characters (Call-ID).
fn is_word_char(b: u8) -> bool {
    is_token_char(b)
        || matches!(
            b,
            b'(' | b')'
                | b'<'
                | b'>'
                | b':'
                | b'\\'
                | b'"'
                | b'/'
                | b'['
                | b']'
                | b'?'
                | b'{'
                | b'}'
        )
}

/// `callid = word ["@" word]`.
fn is_call_id(s: &str) -> bool {
    let mut parts = s.splitn(2, '@');
    let ok = |w: &str| !w.is_empty() && w.bytes().all(is_word_char);
    parts.next().is_some_and(ok) && parts.next().is_none_or(ok)
}

/// The Replaces header: the dialog an INVITE replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaces {
    /// The dialog's Call-ID.
    pub call_id: Box<str>,
    /// The `to-tag` parameter (the tag of the replaced dialog's remote target, as
    /// seen by the sender of the Replaces).
    pub to_tag: Box<str>,
    /// The `from-tag` parameter.
    pub from_tag: Box<str>,
    /// `early-only`: replace only a dialog still in the early state.
    pub early_only: bool,
    /// Other parameters, in order.
    pub params: Vec<Param>,
}

impl Replaces {
    /// Parses a Replaces value; `to-tag` and `from-tag` are mandatory.
    pub fn parse(value: &str) -> Result<Replaces, Fault> {
        let name = HeaderName::Replaces;
        let bad = |why| Fault::BadHeader {
            name: HeaderName::Replaces,
            why,
        };
        let v = trim_lws(value);
        let end = v.find([' ', '\t', ';']).unwrap_or(v.len());
        let call_id = &v[..end];
        if !is_call_id(call_id) {
            return Err(bad("malformed call-id"));
        }
        let (mut to_tag, mut from_tag, mut early_only) = (None, None, false);
        let mut params = Vec::new();
        for p in owned_params(&v[end..], &name)? {
            let lname = p.name.to_ascii_lowercase();
            let tag = |v: Option<Box<str>>| match v {
                Some(t) if is_token(&t) => Ok(t),
                _ => Err(bad("tag is not a token")),
            };
            match lname.as_str() {
                "to-tag" => to_tag = Some(tag(p.value)?),
                "from-tag" => from_tag = Some(tag(p.value)?),
                "early-only" => early_only = true,
                _ => params.push(p),
            }
        }
        Ok(Replaces {
            call_id: call_id.into(),
            to_tag: to_tag.ok_or(bad("missing to-tag"))?,
            from_tag: from_tag.ok_or(bad("missing from-tag"))?,
            early_only,
            params,
        })
    }
}

impl fmt::Display for Replaces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{};to-tag={};from-tag={}",
            self.call_id, self.to_tag, self.from_tag
        )?;
        if self.early_only {
            f.write_str(";early-only")?;
        }
        write_params(f, &self.params)
    }
}

/// One element of a User-Agent / Server value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProductItem {
    /// `token [/ version]`
    Product {
        /// The product name.
        name: Box<str>,
        /// Its version, if given.
        version: Option<Box<str>>,
    },
    /// A `( … )` comment: the text between the outer parentheses, as written.
    Comment(Box<str>),
}

/// A User-Agent or Server value: `server-val *(LWS server-val)`, kept as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductList(pub Vec<ProductItem>);

impl ProductList {
    /// Parses a User-Agent / Server value (`name` is used in the error).
    pub fn parse_as(name: HeaderName, value: &str) -> Result<ProductList, Fault> {
        let bad = |why| Fault::BadHeader {
            name: name.clone(),
            why,
        };
        let mut items = Vec::new();
        let mut rest = trim_lws(value);
        while !rest.is_empty() {
            if rest.starts_with('(') {
                let end = comment_end(rest).ok_or(bad("unterminated comment"))?;
                items.push(ProductItem::Comment(rest[1..end - 1].into()));
                rest = &rest[end..];
            } else {
                let token = |s: &str| s.bytes().position(|b| !is_token_char(b)).unwrap_or(s.len());
                let n = token(rest);
                if n == 0 {
                    return Err(bad("expected a product token"));
                }
                let product = &rest[..n];
                rest = &rest[n..];
                let mut version = None;
                if let Some(after) = rest.trim_start_matches([' ', '\t']).strip_prefix('/') {
                    let after = after.trim_start_matches([' ', '\t']);
                    let v = token(after);
                    if v == 0 {
                        return Err(bad("empty product version"));
                    }
                    version = Some(after[..v].into());
                    rest = &after[v..];
                }
                items.push(ProductItem::Product {
                    name: product.into(),
                    version,
                });
            }
            let trimmed = rest.trim_start_matches([' ', '\t']);
            let after_product = matches!(items.last(), Some(ProductItem::Product { .. }));
            if after_product
                && trimmed.len() == rest.len()
                && !trimmed.is_empty()
                && !trimmed.starts_with('(')
            {
                return Err(bad("junk after product"));
            }
            rest = trimmed;
        }
        if items.is_empty() {
            return Err(bad("empty value"));
        }
        Ok(ProductList(items))
    }

    /// Parses a User-Agent value.
    pub fn parse(value: &str) -> Result<ProductList, Fault> {
        Self::parse_as(HeaderName::UserAgent, value)
    }
}

impl fmt::Display for ProductList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            match item {
                ProductItem::Product { name, version } => {
                    f.write_str(name)?;
                    if let Some(v) = version {
                        write!(f, "/{v}")?;
                    }
                }
                ProductItem::Comment(c) => write!(f, "({c})")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces() {
        let r = Replaces::parse("425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only")
            .unwrap();
        assert_eq!(&*r.call_id, "425928@bobster.example.org");
        assert_eq!(
            (&*r.to_tag, &*r.from_tag, r.early_only),
            ("7743", "6472", true)
        );
        assert_eq!(
            r.to_string(),
            "425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only"
        );
        assert_eq!(Replaces::parse(&r.to_string()).unwrap(), r);
        let r = Replaces::parse(" abc ; from-tag = 1 ; to-tag=2 ;x=y").unwrap();
        assert!(!r.early_only);
        assert_eq!(r.params, vec![Param::new("x", Some("y"))]);
        assert!(Replaces::parse("abc;to-tag=1").is_err());
        assert!(Replaces::parse("abc;from-tag=1").is_err());
        assert!(Replaces::parse("a@b@c;to-tag=1;from-tag=2").is_err());
        assert!(Replaces::parse(";to-tag=1;from-tag=2").is_err());
    }

    #[test]
    fn product_lists() {
        let p = ProductList::parse("SIPimp.org/0.2.5 (curses)").unwrap();
        assert_eq!(
            p.0,
            vec![
                ProductItem::Product {
                    name: "SIPimp.org".into(),
                    version: Some("0.2.5".into())
                },
                ProductItem::Comment("curses".into())
            ]
        );
        assert_eq!(p.to_string(), "SIPimp.org/0.2.5 (curses)");
        let p = ProductList::parse_as(HeaderName::Server, "Switchboard / 1(a (nested) \\) one)x")
            .unwrap();
        assert_eq!(p.to_string(), "Switchboard/1 (a (nested) \\) one) x");
        assert_eq!(p.0.len(), 3);
        assert!(ProductList::parse("").is_err());
        assert!(ProductList::parse("a/").is_err());
        assert!(ProductList::parse("a (b").is_err());
        assert!(matches!(
            ProductList::parse_as(HeaderName::Server, "a, b"),
            Err(Fault::BadHeader {
                name: HeaderName::Server,
                ..
            })
        ));
    }
}
