//! Credential redaction for captured logs.
//!
//! Fields whose name looks secret are replaced whole; text (messages, string fields,
//! SIP messages printed raw or Debug-escaped) has its secrets replaced by `<redacted>`:
//! `Authorization:`/`Proxy-Authorization:` credentials (Digest keeps its parameters but
//! not `response="…"`), `Bearer <token>`, `password=…`/`secret: …`/`token=…` values, and
//! the password in a `sip:user:password@host` URI. Nonces stay: they are not secret and
//! help debugging authentication.

use std::borrow::Cow;

use serde_json::Value;

/// What secrets are replaced with.
pub const REDACTED: &str = "<redacted>";

/// Field names containing one of these (ASCII case-insensitive) are redacted whole.
const SECRET_NAMES: [&str; 6] = [
    "password",
    "passwd",
    "secret",
    "token",
    "authorization",
    "credential",
];

/// Whether a field with this name holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_NAMES.iter().any(|s| lower.contains(s))
}

/// A field's value with its secrets redacted.
pub fn redact_field(name: &str, value: Value) -> Value {
    if is_secret_name(name) {
        return Value::String(REDACTED.to_owned());
    }
    match value {
        Value::String(s) => match redact_text(&s) {
            Cow::Borrowed(_) => Value::String(s),
            Cow::Owned(r) => Value::String(r),
        },
        other => other,
    }
}

/// Finds a secret's value: given the text and the index just after the needle, the byte
/// range to replace.
type ValueAt = fn(&[u8], usize) -> Option<(usize, usize)>;

/// (needle in lower case, needs a non-word byte before it, where its value is)
const RULES: [(&str, bool, ValueAt); 9] = [
    ("authorization:", false, auth_header_value),
    ("bearer ", true, bearer_value),
    ("response=", true, digest_response_value),
    ("password", false, key_value),
    ("passwd", false, key_value),
    ("secret", false, key_value),
    ("token", false, key_value),
    ("sip:", true, uri_password),
    ("sips:", true, uri_password),
];

/// `text` with its secrets replaced by [`REDACTED`].
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for (needle, boundary, value_at) in RULES {
        if let Some(changed) = apply(&out, needle, boundary, value_at) {
            out = Cow::Owned(changed);
        }
    }
    out
}

fn apply(text: &str, needle: &str, boundary: bool, value_at: ValueAt) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let (mut last, mut from, mut changed) = (0, 0, false);
    while let Some(pos) = find_ci(bytes, needle.as_bytes(), from) {
        let after = pos + needle.len();
        from = after;
        if boundary && pos > 0 && bytes.get(pos - 1).is_some_and(|b| is_word(*b)) {
            continue;
        }
        let Some((start, end)) = value_at(bytes, after) else {
            continue;
        };
        let already = bytes
            .get(start..)
            .is_some_and(|v| v.starts_with(REDACTED.as_bytes()));
        if end <= start || already || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(text.get(last..start)?);
        out.push_str(REDACTED);
        last = end;
        from = end;
        changed = true;
    }
    if !changed {
        return None;
    }
    out.push_str(text.get(last..)?);
    Some(out)
}

fn find_ci(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let rest = hay.get(from..)?;
    rest.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| p + from)
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn at(bytes: &[u8], i: usize) -> u8 {
    bytes.get(i).copied().unwrap_or(0)
}

fn skip(bytes: &[u8], mut i: usize, set: &[u8]) -> usize {
    while i < bytes.len() && set.contains(&bytes[i]) {
        i += 1;
    }
    i
}

fn take_while(bytes: &[u8], mut i: usize, keep: impl Fn(u8) -> bool) -> usize {
    while i < bytes.len() && keep(bytes[i]) {
        i += 1;
    }
    i
}

/// End of a header value: a real or Debug-escaped line break, or a closing quote.
fn line_end(bytes: &[u8], i: usize) -> usize {
    take_while(bytes, i, |b| !matches!(b, b'\r' | b'\n' | b'\\' | b'"'))
}

/// `Authorization: Basic xxx` / `Authorization: xxx`. Digest is left to the `response=`
/// rule (its other parameters are useful), Bearer to the `bearer ` rule.
fn auth_header_value(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    let start = skip(bytes, i, b" \t");
    let scheme_end = take_while(bytes, start, |b| b.is_ascii_alphabetic());
    let scheme = bytes.get(start..scheme_end)?;
    if scheme.eq_ignore_ascii_case(b"digest") || scheme.eq_ignore_ascii_case(b"bearer") {
        return None;
    }
    let value = skip(bytes, scheme_end, b" \t");
    if value > scheme_end && scheme_end > start {
        Some((value, line_end(bytes, value)))
    } else {
        Some((start, line_end(bytes, start)))
    }
}

/// `Bearer <b64token>` (RFC 6750).
fn bearer_value(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    let start = skip(bytes, i, b" ");
    let end = take_while(bytes, start, |b| {
        b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b)
    });
    Some((start, end))
}

/// `response="<hex>"` of Digest credentials, also Debug-escaped (`response=\"…\"`).
fn digest_response_value(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut start = i;
    if at(bytes, start) == b'\\' {
        start += 1;
    }
    if at(bytes, start) != b'"' {
        return None;
    }
    start += 1;
    Some((
        start,
        take_while(bytes, start, |b| b.is_ascii_alphanumeric()),
    ))
}

/// `password=x`, `"password":"x"`, `secret: x`, `X-Session-Token: x`, `token: Some("x")`.
fn key_value(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut p = skip(bytes, i, b"\\\"'");
    p = skip(bytes, p, b" \t");
    if !matches!(at(bytes, p), b'=' | b':') {
        return None;
    }
    p = skip(bytes, p + 1, b" \t");
    // Debug wrappers: `Some("x")`, `Password("x")`.
    let ident = take_while(bytes, p, |b| b.is_ascii_alphabetic());
    if ident > p && at(bytes, ident) == b'(' {
        p = ident + 1;
    }
    p = skip(bytes, p, b"\\");
    let quote = at(bytes, p);
    if quote == b'"' || quote == b'\'' {
        let start = p + 1;
        let end = take_while(bytes, start, |b| {
            !matches!(b, b'\\' | b'\r' | b'\n') && b != quote
        });
        return Some((start, end));
    }
    let end = take_while(bytes, p, |b| {
        !b.is_ascii_whitespace() && !b",;&\\\"'<>(){}[]".contains(&b)
    });
    Some((p, end))
}

/// The password of `sip:user:password@host` (RFC 3261 19.1.1, NOT RECOMMENDED).
fn uri_password(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    let userinfo_end = take_while(bytes, i, |b| {
        !b.is_ascii_whitespace() && !b"@<>;?\"\\,".contains(&b)
    });
    if at(bytes, userinfo_end) != b'@' {
        return None;
    }
    let colon = bytes
        .get(i..userinfo_end)?
        .iter()
        .position(|b| *b == b':')?;
    Some((i + colon + 1, userinfo_end))
}

#[cfg(test)]
#[path = "logs_redact_tests.rs"]
mod tests;
