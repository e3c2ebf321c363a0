//! Header names and the ordered header list of a message.

use bytes::Bytes;
use std::fmt;

macro_rules! header_names {
    ($( $variant:ident => $canon:literal $(, compact $c:literal)? ;)*) => {
        /// A header field name. Known names are matched case-insensitively and in their
        /// compact forms (RFC 3261 §7.3.3); any other name is kept as received.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum HeaderName {
            $(
                #[doc = $canon]
                $variant,
            )*
            /// A header this layer has no typed knowledge of, name kept verbatim.
            Other(Box<str>),
        }

        impl HeaderName {
            /// The canonical (long) spelling used when printing.
            pub fn as_str(&self) -> &str {
                match self {
                    $( HeaderName::$variant => $canon, )*
                    HeaderName::Other(s) => s,
                }
            }

            /// Recognises a header name as found on the wire.
            pub fn from_wire(name: &str) -> HeaderName {
                HeaderName::from_wire_bytes(name.as_bytes())
                    .unwrap_or_else(|| HeaderName::Other(name.into()))
            }

            /// [`HeaderName::from_wire`] on bytes; `None` for a name that is not UTF-8.
            pub fn from_wire_bytes(name: &[u8]) -> Option<HeaderName> {
                if name.iter().all(|&b| crate::sip::lex::is_token(b)) {
                    HeaderName::from_token_bytes(name)
                } else {
                    std::str::from_utf8(name).ok().map(|s| HeaderName::Other(s.into()))
                }
            }

            /// The parser's path: `name` is already known to be a `token`, so known
            /// names need no UTF-8 check and compare with [`token_eq_ignore_case`].
            #[inline]
            pub(crate) fn from_token_bytes(name: &[u8]) -> Option<HeaderName> {
                match HeaderName::lookup(name) {
                    Some(known) => Some(known),
                    None => std::str::from_utf8(name).ok().map(|s| HeaderName::Other(s.into())),
                }
            }

            #[inline]
            fn lookup(name: &[u8]) -> Option<HeaderName> {
                if name.len() == 1 {
                    match name[0].to_ascii_lowercase() {
                        $( $( $c => return Some(HeaderName::$variant), )? )*
                        _ => {}
                    }
                }
                // Open-addressing lookup in a table built at compile time: one hash,
                // usually one comparison (a chain of 46 comparisons was a hot spot).
                let key = fold_key_fast(name);
                let mut slot = name_hash(name);
                loop {
                    let idx = NAME_TABLE[slot] as usize;
                    let canon = CANON.get(idx)?;
                    // Names up to 16 bytes are covered by the two (overlapping) words
                    // of the key; longer ones are compared in full.
                    if canon.len() == name.len()
                        && CANON_KEYS[idx] == key
                        && (name.len() <= 16 || token_eq_ignore_case(canon.as_bytes(), name))
                    {
                        return Some(KNOWN[idx].clone());
                    }
                    slot = (slot + 1) & (NAME_SLOTS - 1);
                }
            }
        }

        const KNOWN: &[HeaderName] = &[ $( HeaderName::$variant, )* ];
        const CANON: &[&str] = &[ $( $canon, )* ];
    };
}

const NAME_SLOTS: usize = 256;

/// Case-insensitive equality of two `token`s, 8 bytes at a time. For token characters
/// `a | 0x20 == b | 0x20` exactly when they are equal ignoring ASCII case: the only
/// tokens with bit 5 clear are `A`–`Z` and `_`, and `_ | 0x20` (DEL) is no token.
fn token_eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    const FOLD: u64 = 0x2020_2020_2020_2020;
    if a.len() != b.len() {
        return false;
    }
    let (mut ca, mut cb) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut ca).zip(&mut cb) {
        let x = u64::from_le_bytes(x.try_into().unwrap_or([0; 8]));
        let y = u64::from_le_bytes(y.try_into().unwrap_or([0; 8]));
        if x | FOLD != y | FOLD {
            return false;
        }
    }
    ca.remainder()
        .iter()
        .zip(cb.remainder())
        .all(|(x, y)| x | 0x20 == y | 0x20)
}

/// A case-folded key of a name (letters `| 0x20`, see [`token_eq_ignore_case`]): its
/// first and last 8 bytes (4 for names of 4–7 bytes, all bytes for shorter ones) as
/// two overlapping little-endian words. Equal keys and lengths mean equal names up to
/// 16 bytes.
const fn fold_key(b: &[u8]) -> (u64, u64) {
    const fn load(b: &[u8], at: usize, n: usize) -> u64 {
        let mut x = 0u64;
        let mut i = 0;
        while i < n {
            x |= ((b[at + i] | 0x20) as u64) << (8 * i);
            i += 1;
        }
        x
    }
    let n = b.len();
    if n >= 8 {
        (load(b, 0, 8), load(b, n - 8, 8))
    } else if n >= 4 {
        (load(b, 0, 4), load(b, n - 4, 4))
    } else {
        (load(b, 0, n), 0)
    }
}

/// [`fold_key`] with word loads, for the lookup.
#[inline]
fn fold_key_fast(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    let w8 = |s: &[u8]| u64::from_le_bytes(s.try_into().unwrap_or([0; 8])) | 0x2020_2020_2020_2020;
    let w4 = |s: &[u8]| u64::from(u32::from_le_bytes(s.try_into().unwrap_or([0; 4])) | 0x2020_2020);
    if n >= 8 {
        (w8(&b[..8]), w8(&b[n - 8..]))
    } else if n >= 4 {
        (w4(&b[..4]), w4(&b[n - 4..]))
    } else {
        fold_key(b)
    }
}

const fn build_keys<const N: usize>(names: &[&str]) -> [(u64, u64); N] {
    let mut k = [(0u64, 0u64); N];
    let mut i = 0;
    while i < N {
        k[i] = fold_key(names[i].as_bytes());
        i += 1;
    }
    k
}

static CANON_KEYS: [(u64, u64); CANON.len()] = build_keys::<{ CANON.len() }>(CANON);

/// A case-insensitive hash of a header name (letters folded with `| 0x20`).
const fn name_hash(b: &[u8]) -> usize {
    let n = b.len();
    if n == 0 {
        return 0;
    }
    let first = (b[0] | 0x20) as usize;
    let mid = (b[n / 2] | 0x20) as usize;
    let last = (b[n - 1] | 0x20) as usize;
    (n.wrapping_mul(31) ^ first.wrapping_mul(7) ^ (last << 2) ^ mid.wrapping_mul(13))
        & (NAME_SLOTS - 1)
}

const fn build_name_table(names: &[&str]) -> [u8; NAME_SLOTS] {
    let mut t = [u8::MAX; NAME_SLOTS];
    let mut i = 0;
    while i < names.len() {
        let mut s = name_hash(names[i].as_bytes());
        while t[s] != u8::MAX {
            s = (s + 1) & (NAME_SLOTS - 1);
        }
        t[s] = i as u8;
        i += 1;
    }
    t
}

static NAME_TABLE: [u8; NAME_SLOTS] = build_name_table(CANON);

header_names! {
    Via => "Via", compact b'v';
    From => "From", compact b'f';
    To => "To", compact b't';
    CallId => "Call-ID", compact b'i';
    CSeq => "CSeq";
    Contact => "Contact", compact b'm';
    MaxForwards => "Max-Forwards";
    Route => "Route";
    RecordRoute => "Record-Route";
    ContentType => "Content-Type", compact b'c';
    ContentLength => "Content-Length", compact b'l';
    ContentEncoding => "Content-Encoding", compact b'e';
    Expires => "Expires";
    MinExpires => "Min-Expires";
    WwwAuthenticate => "WWW-Authenticate";
    ProxyAuthenticate => "Proxy-Authenticate";
    Authorization => "Authorization";
    ProxyAuthorization => "Proxy-Authorization";
    Allow => "Allow";
    Accept => "Accept";
    Supported => "Supported", compact b'k';
    Require => "Require";
    ProxyRequire => "Proxy-Require";
    Unsupported => "Unsupported";
    SessionExpires => "Session-Expires", compact b'x';
    MinSe => "Min-SE";
    RSeq => "RSeq";
    RAck => "RAck";
    ReferTo => "Refer-To", compact b'r';
    ReferredBy => "Referred-By", compact b'b';
    Replaces => "Replaces";
    Event => "Event", compact b'o';
    AllowEvents => "Allow-Events", compact b'u';
    SubscriptionState => "Subscription-State";
    Reason => "Reason";
    PAssertedIdentity => "P-Asserted-Identity";
    UserAgent => "User-Agent";
    Server => "Server";
    RetryAfter => "Retry-After";
    Subject => "Subject", compact b's';
    Identity => "Identity", compact b'y';
    ServiceRoute => "Service-Route";
    Path => "Path";
    Date => "Date";
    Timestamp => "Timestamp";
    Warning => "Warning";
}

impl fmt::Display for HeaderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A header value: the bytes after the colon, surrounding whitespace trimmed and line
/// folding replaced by a single space. Usually a zero-copy slice of the datagram.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct HeaderValue(Bytes);

impl HeaderValue {
    /// Wraps bytes that are already a valid header value (no CR or LF).
    pub fn from_bytes(bytes: Bytes) -> HeaderValue {
        HeaderValue(bytes)
    }

    /// A value from a string, copied.
    pub fn from_string(s: impl Into<String>) -> HeaderValue {
        HeaderValue(Bytes::from(s.into()))
    }

    /// A value from a static string, not copied.
    pub const fn from_static(s: &'static str) -> HeaderValue {
        HeaderValue(Bytes::from_static(s.as_bytes()))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The value as text; header values are UTF-8 (RFC 3261 §25.1), the parser checks.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The shared buffer slice.
    pub fn bytes(&self) -> &Bytes {
        &self.0
    }
}

impl fmt::Debug for HeaderValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for HeaderValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&'static str> for HeaderValue {
    fn from(s: &'static str) -> HeaderValue {
        HeaderValue::from_static(s)
    }
}

impl From<String> for HeaderValue {
    fn from(s: String) -> HeaderValue {
        HeaderValue::from_string(s)
    }
}

/// One header field line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Its name.
    pub name: HeaderName,
    /// Its value.
    pub value: HeaderValue,
}

/// The header fields of a message in wire order. Order matters: Via, Route and
/// Record-Route are ordered lists, and unknown headers are re-sent as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<Header>);

impl Headers {
    /// An empty list.
    pub fn new() -> Headers {
        Headers(Vec::new())
    }

    /// An empty list with room for `n` fields.
    pub fn with_capacity(n: usize) -> Headers {
        Headers(Vec::with_capacity(n))
    }

    /// Appends a field.
    pub fn push(&mut self, name: HeaderName, value: impl Into<HeaderValue>) {
        self.0.push(Header {
            name,
            value: value.into(),
        });
    }

    /// Inserts a field before all others of any name (e.g. a new top Via).
    pub fn push_front(&mut self, name: HeaderName, value: impl Into<HeaderValue>) {
        self.0.insert(
            0,
            Header {
                name,
                value: value.into(),
            },
        );
    }

    /// Replaces every field of this name by one field, kept at the first one's place.
    pub fn set(&mut self, name: HeaderName, value: impl Into<HeaderValue>) {
        let value = value.into();
        match self.0.iter().position(|h| h.name == name) {
            Some(first) => {
                self.0[first].value = value;
                let mut idx = 0;
                self.0.retain(|h| {
                    let keep = idx <= first || h.name != name;
                    idx += 1;
                    keep
                });
            }
            None => self.push(name, value),
        }
    }

    /// Removes every field of this name; returns how many were removed.
    pub fn remove(&mut self, name: &HeaderName) -> usize {
        let before = self.0.len();
        self.0.retain(|h| &h.name != name);
        before - self.0.len()
    }

    /// The first field of this name.
    pub fn get(&self, name: &HeaderName) -> Option<&HeaderValue> {
        self.0.iter().find(|h| &h.name == name).map(|h| &h.value)
    }

    /// Every field of this name, in order.
    pub fn get_all<'a>(
        &'a self,
        name: &'a HeaderName,
    ) -> impl Iterator<Item = &'a HeaderValue> + 'a {
        self.0
            .iter()
            .filter(move |h| &h.name == name)
            .map(|h| &h.value)
    }

    /// How many fields of this name.
    pub fn count(&self, name: &HeaderName) -> usize {
        self.0.iter().filter(|h| &h.name == name).count()
    }

    /// All fields in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Header> {
        self.0.iter()
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No fields at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a Headers {
    type Item = &'a Header;
    type IntoIter = std::slice::Iter<'a, Header>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_and_case_insensitive_names() {
        assert_eq!(HeaderName::from_wire("v"), HeaderName::Via);
        assert_eq!(HeaderName::from_wire("I"), HeaderName::CallId);
        assert_eq!(HeaderName::from_wire("cAlL-iD"), HeaderName::CallId);
        assert_eq!(HeaderName::from_wire("x"), HeaderName::SessionExpires);
        assert_eq!(
            HeaderName::from_wire("X-Custom"),
            HeaderName::Other("X-Custom".into())
        );
    }

    #[test]
    fn every_known_name_is_found() {
        for (known, canon) in KNOWN.iter().zip(CANON) {
            assert_eq!(&HeaderName::from_wire(canon), known);
            assert_eq!(&HeaderName::from_wire(&canon.to_uppercase()), known);
            assert_eq!(&HeaderName::from_wire(&canon.to_lowercase()), known);
        }
        assert_eq!(HeaderName::from_wire(""), HeaderName::Other("".into()));
        assert_eq!(
            HeaderName::from_wire("Call\rID"),
            HeaderName::Other("Call\rID".into())
        );
        assert_eq!(HeaderName::from_wire("CALL-id"), HeaderName::CallId);
        assert_eq!(
            HeaderName::from_wire("Max_Forwards"),
            HeaderName::Other("Max_Forwards".into())
        );
    }

    #[test]
    fn set_replaces_all_in_place() {
        let mut h = Headers::new();
        h.push(HeaderName::Via, "a");
        h.push(HeaderName::Expires, "1");
        h.push(HeaderName::Via, "b");
        h.set(HeaderName::Via, "c");
        let names: Vec<_> = h.iter().map(|x| x.value.as_str().to_owned()).collect();
        assert_eq!(names, ["c", "1"]);
    }
}
