//! The `Scheme name=value, name="quoted, value"` grammar shared by challenges and
//! credentials (RFC 7235 §2.1, RFC 3261 §25.1), and quoted-string printing.

use super::error::DigestParseError;
use crate::sip::headers::params::is_token_char;
use std::fmt;

/// One `name=value` auth-param; `value` is unescaped when it was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AuthParam<'a> {
    pub name: &'a str,
    pub value: String,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|&c| is_ws(c)) {
        i += 1;
    }
    i
}

/// Splits a header value into its scheme and auth-params, insisting the scheme is
/// `Digest` (case-insensitive).
pub(super) fn parse_digest(input: &str) -> Result<Vec<AuthParam<'_>>, DigestParseError> {
    let b = input.as_bytes();
    let start = skip_ws(b, 0);
    let mut end = start;
    while b.get(end).is_some_and(|&c| is_token_char(c)) {
        end += 1;
    }
    if start == b.len() {
        return Err(DigestParseError::Empty);
    }
    if end == start || !b.get(end).is_none_or(|&c| is_ws(c)) {
        return Err(DigestParseError::Malformed("expected an auth scheme"));
    }
    let scheme = input.get(start..end).unwrap_or_default();
    if !scheme.eq_ignore_ascii_case("Digest") {
        return Err(DigestParseError::UnsupportedScheme(scheme.to_owned()));
    }
    parse_params(input, end)
}

/// Parses `name = value` pairs separated by commas (empty list elements allowed),
/// starting at byte `i` of `s`.
fn parse_params(s: &str, mut i: usize) -> Result<Vec<AuthParam<'_>>, DigestParseError> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    loop {
        while b.get(i).is_some_and(|&c| is_ws(c) || c == b',') {
            i += 1;
        }
        if i >= b.len() {
            return Ok(out);
        }
        let name_start = i;
        while b.get(i).is_some_and(|&c| is_token_char(c)) {
            i += 1;
        }
        let name = s.get(name_start..i).unwrap_or_default();
        if name.is_empty() {
            return Err(DigestParseError::Malformed("expected a parameter name"));
        }
        i = skip_ws(b, i);
        if b.get(i) != Some(&b'=') {
            return Err(DigestParseError::Malformed("parameter without '='"));
        }
        i = skip_ws(b, i + 1);
        let value = if b.get(i) == Some(&b'"') {
            let (value, next) = unquote(b, i + 1)?;
            i = next;
            value
        } else {
            let v_start = i;
            while b
                .get(i)
                .is_some_and(|&c| !is_ws(c) && c != b',' && c != b'"')
            {
                i += 1;
            }
            if i == v_start {
                return Err(DigestParseError::Malformed("empty parameter value"));
            }
            s.get(v_start..i).unwrap_or_default().to_owned()
        };
        i = skip_ws(b, i);
        if i < b.len() && b.get(i) != Some(&b',') {
            return Err(DigestParseError::Malformed("junk after parameter value"));
        }
        out.push(AuthParam { name, value });
    }
}

/// Reads a quoted-string body starting just after the opening quote; returns the
/// unescaped text and the index just past the closing quote.
fn unquote(b: &[u8], mut i: usize) -> Result<(String, usize), DigestParseError> {
    let mut out = Vec::new();
    loop {
        match b.get(i) {
            None => return Err(DigestParseError::UnterminatedQuote),
            Some(b'"') => break,
            Some(b'\\') => {
                let &c = b.get(i + 1).ok_or(DigestParseError::UnterminatedQuote)?;
                out.push(c);
                i += 2;
            }
            Some(&c) => {
                out.push(c);
                i += 1;
            }
        }
    }
    // Only ASCII bytes were removed from valid UTF-8, so this cannot fail; stay total anyway.
    let text = String::from_utf8(out).map_err(|_| DigestParseError::Malformed("bad UTF-8"))?;
    Ok((text, i + 1))
}

/// Stores `v` in `slot`, refusing a second occurrence of parameter `name`.
pub(super) fn once<T>(
    slot: &mut Option<T>,
    v: T,
    name: &'static str,
) -> Result<(), DigestParseError> {
    if slot.replace(v).is_some() {
        return Err(DigestParseError::DuplicateParam(name));
    }
    Ok(())
}

/// Writes `"value"` with `"` and `\` escaped. CR, LF and NUL cannot appear in a
/// quoted-string and are dropped, so no value can break the header line.
pub(super) fn write_quoted(f: &mut fmt::Formatter<'_>, value: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in value.chars() {
        match c {
            '"' | '\\' => write!(f, "\\{c}")?,
            '\r' | '\n' | '\0' => {}
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

/// Writes an extension parameter: as a token when it is one, quoted otherwise.
pub(super) fn write_extra(f: &mut fmt::Formatter<'_>, name: &str, value: &str) -> fmt::Result {
    write!(f, ", {name}=")?;
    if !value.is_empty() && value.bytes().all(is_token_char) {
        f.write_str(value)
    } else {
        write_quoted(f, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &str) -> Vec<(String, String)> {
        parse_digest(s)
            .unwrap()
            .into_iter()
            .map(|p| (p.name.to_owned(), p.value))
            .collect()
    }

    #[test]
    fn quoted_commas_escapes_and_whitespace() {
        let got = pairs(" digest\ta = \"x, \\\"y\\\\\" ,, b=tok ,c=\"\"  ");
        assert_eq!(
            got,
            [
                ("a".into(), "x, \"y\\".into()),
                ("b".into(), "tok".into()),
                ("c".into(), String::new())
            ]
        );
    }

    #[test]
    fn errors_are_typed() {
        use DigestParseError as E;
        assert_eq!(parse_digest("  "), Err(E::Empty));
        assert_eq!(
            parse_digest("Basic realm=\"x\""),
            Err(E::UnsupportedScheme("Basic".into()))
        );
        assert_eq!(parse_digest("Digest a=\"x"), Err(E::UnterminatedQuote));
        assert_eq!(parse_digest("Digest a=\"x\\"), Err(E::UnterminatedQuote));
        assert!(matches!(parse_digest("Digest a"), Err(E::Malformed(_))));
        assert!(matches!(
            parse_digest("Digest a=\"x\"y"),
            Err(E::Malformed(_))
        ));
        assert!(matches!(
            parse_digest("Digest a=b c=d"),
            Err(E::Malformed(_))
        ));
        assert!(matches!(parse_digest("=x"), Err(E::Malformed(_))));
    }
}
