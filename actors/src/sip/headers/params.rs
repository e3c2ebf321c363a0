//! `;name[=value]` parameter lists shared by Via, name-addr headers and URIs.

use crate::sip::lex::{class, scan};

/// Skips linear whitespace (SP / HTAB; folding was already unfolded by the parser).
#[inline]
pub fn trim_lws(s: &str) -> &str {
    // Byte offsets of ASCII whitespace: always char boundaries.
    let b = s.as_bytes();
    let mut start = 0;
    while start < b.len() && (b[start] == b' ' || b[start] == b'\t') {
        start += 1;
    }
    let mut end = b.len();
    while end > start && (b[end - 1] == b' ' || b[end - 1] == b'\t') {
        end -= 1;
    }
    &s[start..end]
}

/// RFC 3261 `token` characters.
pub fn is_token_char(b: u8) -> bool {
    crate::sip::lex::is_token(b)
}

/// Whether `s` is a non-empty token.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_char)
}

/// Splits `;a=b ; c ;d="x;y"` into parameters. `s` starts after the element the
/// parameters follow (it may begin with whitespace and must begin with `;` if non-empty).
/// Returns `Err(why)` on an empty name or a bad value.
pub fn split_params(s: &str) -> Result<Vec<(&str, Option<&str>)>, &'static str> {
    ParamIter::new(s).collect()
}

/// An allocation-free iterator over a `*( SEMI generic-param )` list, yielding
/// `(name, value)` pairs (quoted values keep their quotes) or the first error.
#[derive(Debug, Clone)]
pub struct ParamIter<'a> {
    rest: &'a str,
    failed: bool,
}

impl<'a> ParamIter<'a> {
    /// Iterates over the parameters in `s` (see [`split_params`]).
    #[inline]
    pub fn new(s: &'a str) -> ParamIter<'a> {
        ParamIter {
            rest: trim_lws(s),
            failed: false,
        }
    }

    #[inline]
    fn step(&mut self) -> Result<(&'a str, Option<&'a str>), &'static str> {
        // Byte offsets only ever stop at ASCII bytes, so every slice is on a char boundary.
        let s = self.rest;
        let b = s.as_bytes();
        if b.first() != Some(&b';') {
            return Err("junk between parameters");
        }
        let name_start = skip_wsp(b, 1);
        let mut i = scan(b, name_start, class::TOKEN);
        if i == name_start {
            return Err("empty parameter name");
        }
        let name = &s[name_start..i];
        i = skip_wsp(b, i);
        let mut value = None;
        if b.get(i) == Some(&b'=') {
            i = skip_wsp(b, i + 1);
            let v_start = i;
            if b.get(i) == Some(&b'"') {
                i += quoted_end(&s[i..]).ok_or("unterminated quoted parameter value")?;
            } else {
                i = scan(b, i, class::GEN_VALUE);
            }
            if i == v_start {
                return Err("empty parameter value");
            }
            value = Some(&s[v_start..i]);
            i = skip_wsp(b, i);
        }
        self.rest = &s[i..];
        Ok((name, value))
    }
}

#[inline]
fn skip_wsp(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    i
}

impl<'a> Iterator for ParamIter<'a> {
    type Item = Result<(&'a str, Option<&'a str>), &'static str>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let r = self.step();
        self.failed = r.is_err();
        Some(r)
    }
}

/// Given `s` starting with `"`, the index just past the closing quote, honouring
/// `\` escapes; `None` if unterminated.
pub fn quoted_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_with_spaces_and_quotes() {
        let p = split_params(" ; branch = z9hG4bK1 ;rport; x=\"a;b\"").unwrap();
        assert_eq!(
            p,
            [
                ("branch", Some("z9hG4bK1")),
                ("rport", None),
                ("x", Some("\"a;b\""))
            ]
        );
    }

    #[test]
    fn empty_name_rejected() {
        assert!(split_params(";;a").is_err());
        assert!(split_params(";a=").is_err());
        assert!(split_params(";a=\"x").is_err());
    }
}
