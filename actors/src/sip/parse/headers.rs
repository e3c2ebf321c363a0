//! Header lines: line ends, folding, `name: value`, and splitting comma-separated
//! values of Via, Route, Record-Route and Contact into separate fields.

use crate::sip::error::Fault;
use crate::sip::header::{HeaderName, HeaderValue, Headers};
use crate::sip::lex::{find1, is_token, is_wsp, trim_wsp};
use crate::sip::limits::ParseLimits;
use bytes::Bytes;

/// Index of the end of the line starting at `from` (the CR or LF), or `None`.
#[inline]
pub(crate) fn line_end(buf: &[u8], from: usize) -> Option<usize> {
    memchr::memchr2(b'\r', b'\n', buf.get(from..)?).map(|i| from + i)
}

/// Length of the line terminator at `at`: CRLF, or a lone LF or CR (accepted as PJSIP
/// and most stacks do).
#[inline]
pub(crate) fn eol_len(buf: &[u8], at: usize) -> usize {
    if buf.get(at) == Some(&b'\r') && buf.get(at + 1) == Some(&b'\n') {
        2
    } else {
        1
    }
}

/// The outcome of reading the header section.
pub(crate) struct HeaderSection {
    /// The fields read (all of them on success, those before the fault otherwise).
    pub headers: Headers,
    /// Where the body starts (after the empty line).
    pub body_start: usize,
    /// Why reading stopped early, if it did.
    pub fault: Option<Fault>,
}

/// Reads header lines from `pos` up to and including the empty line.
pub(crate) fn read_headers(buf: &Bytes, mut pos: usize, limits: &ParseLimits) -> HeaderSection {
    let mut headers = Headers::with_capacity(24);
    let fail = |headers, fault| HeaderSection {
        headers,
        body_start: buf.len(),
        fault: Some(fault),
    };
    loop {
        let Some(e) = line_end(buf, pos) else {
            return fail(
                headers,
                Fault::BadHeaderLine("header section not ended by an empty line"),
            );
        };
        if e == pos {
            return HeaderSection {
                headers,
                body_start: e + eol_len(buf, e),
                fault: None,
            };
        }
        // The whole field: this line plus continuation lines starting with SP / HTAB.
        let mut end = e;
        let mut next = e + eol_len(buf, e);
        let mut folded = false;
        while buf.get(next).copied().is_some_and(is_wsp) {
            folded = true;
            match line_end(buf, next) {
                Some(e2) => {
                    end = e2;
                    next = e2 + eol_len(buf, e2);
                }
                None => {
                    return fail(
                        headers,
                        Fault::BadHeaderLine("header section not ended by an empty line"),
                    )
                }
            }
        }
        if end - pos > limits.max_header_len {
            return fail(headers, Fault::HeaderTooLong);
        }
        let line = &buf[pos..end];
        let Some(colon) = find1(b':', line) else {
            return fail(headers, Fault::BadHeaderLine("no colon"));
        };
        let mut name_end = colon;
        while name_end > 0 && is_wsp(line[name_end - 1]) {
            name_end -= 1;
        }
        let name = &line[..name_end];
        if name.is_empty() || !name.iter().copied().all(is_token) {
            return fail(headers, Fault::BadHeaderLine("header name is not a token"));
        }
        // A token is ASCII, so this never falls back.
        let name = HeaderName::from_token_bytes(name).unwrap_or(HeaderName::Other("".into()));
        let value = if folded {
            Bytes::from(unfold(&line[colon + 1..]))
        } else {
            let mut s = pos + colon + 1;
            let mut t = end;
            while s < t && is_wsp(buf[s]) {
                s += 1;
            }
            while t > s && is_wsp(buf[t - 1]) {
                t -= 1;
            }
            buf.slice(s..t)
        };
        let splits = matches!(
            name,
            HeaderName::Via | HeaderName::Route | HeaderName::RecordRoute | HeaderName::Contact
        );
        if splits && memchr::memchr(b',', &value).is_some() {
            for piece in split_commas(&value) {
                headers.push(name.clone(), HeaderValue::from_bytes(value.slice(piece)));
            }
        } else {
            headers.push(name, HeaderValue::from_bytes(value));
        }
        if headers.len() > limits.max_headers {
            return fail(headers, Fault::TooManyHeaders);
        }
        pos = next;
    }
}

/// Joins a folded value: each line break with the whitespace around it becomes one SP;
/// leading and trailing whitespace go.
fn unfold(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    loop {
        let (seg, next) = match memchr::memchr2(b'\r', b'\n', rest) {
            Some(i) => (&rest[..i], Some(&rest[i + eol_len(rest, i)..])),
            None => (rest, None),
        };
        let seg = trim_wsp(seg);
        if !seg.is_empty() {
            if !out.is_empty() {
                out.push(b' ');
            }
            out.extend_from_slice(seg);
        }
        match next {
            Some(n) => rest = n,
            None => return out,
        }
    }
}

/// Ranges of the comma-separated elements of `v`, commas inside quotes (with `\`
/// escapes) or `<>` not counting; each element trimmed of whitespace.
fn split_commas(v: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::with_capacity(4);
    let (mut quoted, mut angle, mut start, mut i) = (false, false, 0, 0);
    while i < v.len() {
        match v[i] {
            b'\\' if quoted => i += 1,
            b'"' if !angle => quoted = !quoted,
            b'<' if !quoted => angle = true,
            b'>' if !quoted => angle = false,
            b',' if !quoted && !angle => {
                out.push(trim_range(v, start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(trim_range(v, start, v.len()));
    out
}

fn trim_range(v: &[u8], mut s: usize, mut e: usize) -> std::ops::Range<usize> {
    while s < e && is_wsp(v[s]) {
        s += 1;
    }
    while e > s && is_wsp(v[e - 1]) {
        e -= 1;
    }
    s..e
}

/// The fields as [`Header`]s, for tests.
#[cfg(test)]
fn fields(h: &Headers) -> Vec<(String, String)> {
    h.iter()
        .map(|crate::sip::header::Header { name, value }| {
            (name.to_string(), value.as_str().to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> HeaderSection {
        read_headers(
            &Bytes::copy_from_slice(s.as_bytes()),
            0,
            &ParseLimits::default(),
        )
    }

    #[test]
    fn folding_and_compact_and_splitting() {
        let input = "v:  SIP  / 2.0  / TCP     spindle.example.com   ;\n  branch  =   z9hG4bK9ikj8  ,\n SIP  /    2.0   / UDP  192.168.255.111   ; branch=\n z9hG4bK30239\nTO :\n sip:a@b ;tag=1\r\nm:\"a,b\" <sip:c@d;x=,>;q=1, sip:e@f\rZ:\r\n\r\nbody";
        let s = read(input);
        assert_eq!(s.fault, None);
        assert_eq!(
            fields(&s.headers),
            [
                (
                    "Via".into(),
                    "SIP  / 2.0  / TCP     spindle.example.com   ; branch  =   z9hG4bK9ikj8".into()
                ),
                (
                    "Via".into(),
                    "SIP  /    2.0   / UDP  192.168.255.111   ; branch= z9hG4bK30239".into()
                ),
                ("To".into(), "sip:a@b ;tag=1".into()),
                ("Contact".into(), "\"a,b\" <sip:c@d;x=,>;q=1".into()),
                ("Contact".into(), "sip:e@f".into()),
                ("Z".into(), "".into()),
            ]
        );
        assert_eq!(&input[s.body_start..], "body");
    }

    #[test]
    fn faults() {
        assert_eq!(
            read("Via x\r\n\r\n").fault,
            Some(Fault::BadHeaderLine("no colon"))
        );
        assert!(read("Bad Name: x\r\n\r\n").fault.is_some());
        assert!(read("A: x\r\n").fault.is_some());
        assert!(read("A: x\r\n b").fault.is_some());
        let limits = ParseLimits {
            max_headers: 2,
            max_header_len: 10,
            ..Default::default()
        };
        let b = Bytes::from_static(b"A: 1\r\nB: 2\r\nC: 3\r\n\r\n");
        assert_eq!(
            read_headers(&b, 0, &limits).fault,
            Some(Fault::TooManyHeaders)
        );
        let b = Bytes::from_static(b"A: 12345678\r\n\r\n");
        assert_eq!(
            read_headers(&b, 0, &limits).fault,
            Some(Fault::HeaderTooLong)
        );
    }

    #[test]
    fn values_are_zero_copy() {
        let b = Bytes::from_static(b"Call-ID:   abc  \r\n\r\n");
        let s = read_headers(&b, 0, &ParseLimits::default());
        let v = s.headers.get(&HeaderName::CallId).unwrap();
        assert_eq!(v.as_str(), "abc");
        assert_eq!(v.as_bytes().as_ptr(), b[11..].as_ptr());
    }
}
