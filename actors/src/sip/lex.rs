//! Byte classes of the RFC 3261 grammar (§25.1), as one lookup table.
//!
//! Every scanner in the wire layer asks "may this byte appear here?" through these
//! functions: one table load and a mask test per byte, no branches on character lists.

const TOKEN: u16 = 1;
const UNRESERVED: u16 = 1 << 1;
const USER_EXTRA: u16 = 1 << 2;
const PASS_EXTRA: u16 = 1 << 3;
const PARAM_EXTRA: u16 = 1 << 4;
const HNV_EXTRA: u16 = 1 << 5;
const WORD: u16 = 1 << 6;
const HOST: u16 = 1 << 7;
const URIC: u16 = 1 << 8;
const GEN_VALUE: u16 = 1 << 9;
/// User part extras without the `;` `?` `,` an addr-spec cannot hold.
const USER_PLAIN: u16 = 1 << 10;
/// Password extras without `,`.
const PASS_PLAIN: u16 = 1 << 11;
/// Via sent-by host characters outside an IPv6 reference.
const VIA_HOST: u16 = 1 << 12;

/// Class masks for [`scan`].
pub(crate) mod class {
    /// `token`
    pub const TOKEN: u16 = super::TOKEN;
    /// unquoted `gen-value`
    pub const GEN_VALUE: u16 = super::GEN_VALUE;
    /// host name characters of a SIP URI
    pub const HOST: u16 = super::HOST;
    /// Via sent-by host characters (letters, digits, `-` `.` `[` `]`)
    pub const VIA_HOST: u16 = super::VIA_HOST;
    /// `word` (Call-ID)
    pub const WORD: u16 = super::WORD;
}

/// Classes of a SIP URI user part / password for [`scan`]: `(user, password)`, the
/// second pair for an addr-spec (no `;` `?` `,`). `%` escapes are not included.
pub(crate) const USERINFO_CLASSES: [(u16, u16); 2] = [
    (UNRESERVED | USER_EXTRA, UNRESERVED | PASS_EXTRA),
    (UNRESERVED | USER_PLAIN, UNRESERVED | PASS_PLAIN),
];

const fn has(list: &[u8], b: u8) -> bool {
    let mut i = 0;
    while i < list.len() {
        if list[i] == b {
            return true;
        }
        i += 1;
    }
    false
}

const fn build() -> [u16; 256] {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let alnum = b.is_ascii_alphanumeric();
        let mut m = 0;
        if alnum || has(b"-.!%*_+`'~", b) {
            m |= TOKEN | WORD;
        }
        if alnum || has(b"-_.!~*'()", b) {
            m |= UNRESERVED;
        }
        if has(b"&=+$,;?/", b) {
            m |= USER_EXTRA;
        }
        if has(b"&=+$,", b) {
            m |= PASS_EXTRA;
        }
        if has(b"&=+$/", b) {
            m |= USER_PLAIN;
        }
        if has(b"&=+$", b) {
            m |= PASS_PLAIN;
        }
        if alnum || has(b"-.[]", b) {
            m |= VIA_HOST;
        }
        if has(b"[]/:&+$", b) {
            m |= PARAM_EXTRA;
        }
        if has(b"[]/?:+$", b) {
            m |= HNV_EXTRA;
        }
        if has(b"()<>:\\\"/[]?{}", b) {
            m |= WORD;
        }
        if alnum || has(b"-._", b) {
            m |= HOST;
        }
        if alnum || has(b"-.!%*_+`'~:[]", b) {
            m |= GEN_VALUE;
        }
        if alnum || has(b";/?:@&=+$,-_.!~*'()%#[]", b) {
            m |= URIC;
        }
        t[i] = m;
        i += 1;
    }
    t
}

static TABLE: [u16; 256] = build();

#[inline]
fn is(b: u8, class: u16) -> bool {
    TABLE[b as usize] & class != 0
}

/// Advances from `i` over bytes of `class` (a mask of this module's classes).
#[inline]
pub(crate) fn scan(b: &[u8], mut i: usize, class: u16) -> usize {
    while let Some(&c) = b.get(i) {
        if !is(c, class) {
            break;
        }
        i += 1;
    }
    i
}

/// `token` characters.
#[inline]
pub fn is_token(b: u8) -> bool {
    is(b, TOKEN)
}

/// Characters of an unquoted `gen-value` (token or host, so `:` `[` `]` too).
#[inline]
pub fn is_gen_value(b: u8) -> bool {
    is(b, GEN_VALUE)
}

/// `word` characters (Call-ID).
#[inline]
pub fn is_word(b: u8) -> bool {
    is(b, WORD)
}

/// `unreserved` characters.
#[inline]
pub fn is_unreserved(b: u8) -> bool {
    is(b, UNRESERVED)
}

/// Characters of a SIP URI user part, apart from `%` escapes.
#[inline]
pub fn is_user(b: u8) -> bool {
    is(b, UNRESERVED | USER_EXTRA)
}

/// Characters of a SIP URI password, apart from `%` escapes.
#[inline]
pub fn is_password(b: u8) -> bool {
    is(b, UNRESERVED | PASS_EXTRA)
}

/// `paramchar` apart from `%` escapes.
#[inline]
pub fn is_paramchar(b: u8) -> bool {
    is(b, UNRESERVED | PARAM_EXTRA)
}

/// URI header name / value characters apart from `%` escapes.
#[inline]
pub fn is_hnv(b: u8) -> bool {
    is(b, UNRESERVED | HNV_EXTRA)
}

/// Host name characters (letters, digits, `-`, `.`, and `_` seen in the wild).
#[inline]
pub fn is_host(b: u8) -> bool {
    is(b, HOST)
}

/// Characters of an opaque absolute URI (`uric` plus `#`, `[`, `]`, `%`).
#[inline]
pub fn is_uric(b: u8) -> bool {
    is(b, URIC)
}

/// SP or HTAB.
#[inline]
pub fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Whether every byte of `s` is in `class`, `%` being allowed only as `%HEXHEX`.
#[inline]
pub fn all_escaped<F: Fn(u8) -> bool>(s: &[u8], class: F) -> bool {
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if b == b'%' {
            match (s.get(i + 1), s.get(i + 2)) {
                (Some(h), Some(l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => i += 3,
                _ => return false,
            }
        } else if class(b) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// Position of the first `a` in `s`. A plain loop: on the short strings of header
/// values it beats `memchr`'s dispatch (kept for scanning whole messages).
#[inline]
pub fn find1(a: u8, s: &[u8]) -> Option<usize> {
    s.iter().position(|&c| c == a)
}

/// Position of the first `a` or `b` in `s` (see [`find1`]).
#[inline]
pub fn find2(a: u8, b: u8, s: &[u8]) -> Option<usize> {
    s.iter().position(|&c| c == a || c == b)
}

/// Trims SP / HTAB on both sides.
#[inline]
pub fn trim_wsp(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_wsp(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|&b| !is_wsp(b)).map_or(start, |e| e + 1);
    &s[start..end.max(start)]
}

/// Parses `1*DIGIT` into a u64, `None` if empty, not digits, or above `max`.
/// Leading zeros are allowed (`0068` is 68, RFC 4475 §3.1.1.1).
pub fn parse_decimal(s: &[u8], max: u64) -> Result<u64, NumError> {
    if s.is_empty() {
        return Err(NumError::NotANumber);
    }
    let mut v: u64 = 0;
    for &b in s {
        if !b.is_ascii_digit() {
            return Err(NumError::NotANumber);
        }
        v = v.saturating_mul(10).saturating_add(u64::from(b - b'0'));
    }
    if v > max {
        Err(NumError::TooBig)
    } else {
        Ok(v)
    }
}

/// Why a decimal did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumError {
    /// Empty or not all digits.
    NotANumber,
    /// Digits, but above the allowed maximum.
    TooBig,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_token(b'~') && !is_token(b'(') && !is_token(b' '));
        assert!(is_word(b'(') && is_word(b'"') && !is_word(b'@'));
        assert!(is_user(b';') && is_user(b'?') && !is_user(b'@') && !is_user(b':'));
        assert!(is_password(b'&') && !is_password(b';'));
        assert!(is_paramchar(b'[') && !is_paramchar(b';') && !is_paramchar(b'='));
        assert!(!is_host(b':'));
    }

    #[test]
    fn escapes() {
        assert!(all_escaped(b"a%20b", is_user));
        assert!(!all_escaped(b"a%2", is_user));
        assert!(!all_escaped(b"a%zz", is_user));
        assert!(!all_escaped(b"a b", is_user));
    }

    #[test]
    fn decimals_and_trim() {
        assert_eq!(parse_decimal(b"0068", 255), Ok(68));
        assert_eq!(parse_decimal(b"256", 255), Err(NumError::TooBig));
        assert_eq!(
            parse_decimal(b"99999999999999999999999999", u64::MAX - 1),
            Err(NumError::TooBig)
        );
        assert_eq!(parse_decimal(b"-1", 9), Err(NumError::NotANumber));
        assert_eq!(parse_decimal(b"", 9), Err(NumError::NotANumber));
        assert_eq!(trim_wsp(b" \ta b\t "), b"a b");
        assert_eq!(trim_wsp(b"   "), b"");
    }
}
