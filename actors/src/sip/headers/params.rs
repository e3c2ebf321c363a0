//! `;name[=value]` parameter lists shared by Via, name-addr headers and URIs.

/// Skips linear whitespace (SP / HTAB; folding was already unfolded by the parser).
#[inline]
pub fn trim_lws(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
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
    pub fn new(s: &'a str) -> ParamIter<'a> {
        ParamIter {
            rest: trim_lws(s),
            failed: false,
        }
    }

    fn step(&mut self) -> Result<(&'a str, Option<&'a str>), &'static str> {
        let Some(after) = self.rest.strip_prefix(';') else {
            return Err("junk between parameters");
        };
        let after = after.trim_start_matches([' ', '\t']);
        let name_end = after
            .bytes()
            .position(|b| !is_token_char(b))
            .unwrap_or(after.len());
        let name = &after[..name_end];
        if name.is_empty() {
            return Err("empty parameter name");
        }
        let mut tail = after[name_end..].trim_start_matches([' ', '\t']);
        let mut value = None;
        if let Some(v) = tail.strip_prefix('=') {
            let v = v.trim_start_matches([' ', '\t']);
            let end = if v.starts_with('"') {
                quoted_end(v).ok_or("unterminated quoted parameter value")?
            } else {
                v.bytes()
                    .position(|b| !(is_token_char(b) || matches!(b, b':' | b'[' | b']')))
                    .unwrap_or(v.len())
            };
            if end == 0 {
                return Err("empty parameter value");
            }
            value = Some(&v[..end]);
            tail = v[end..].trim_start_matches([' ', '\t']);
        }
        self.rest = tail;
        Ok((name, value))
    }
}

impl<'a> Iterator for ParamIter<'a> {
    type Item = Result<(&'a str, Option<&'a str>), &'static str>;

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
