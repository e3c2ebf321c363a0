//! Header lines: line ends, folding, `name: value`, and splitting comma-separated
//! values of Via, Route, Record-Route and Contact into separate fields.

use crate::sip::error::Fault;
use crate::sip::header::{HeaderName, HeaderValue, Headers};
use crate::sip::lex::{class, find1, is_token, is_wsp, scan, trim_wsp};
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
    let b: &[u8] = buf;
    loop {
        // Fast path, the usual line: `token [WSP] ":" [WSP] value CRLF`, not folded.
        // Anything else (empty line, folding, bad name, limits) takes the general path,
        // which finds the same faults in the same order.
        let name_end = scan(b, pos, class::TOKEN);
        let mut i = name_end;
        while i < b.len() && is_wsp(b[i]) {
            i += 1;
        }
        if name_end > pos && b.get(i) == Some(&b':') {
            i += 1;
            while i < b.len() && is_wsp(b[i]) {
                i += 1;
            }
            if let Some(e) = line_end(b, i) {
                let next = e + eol_len(b, e);
                let folded = b.get(next).copied().is_some_and(is_wsp);
                if !folded && e - pos <= limits.max_header_len {
                    let mut t = e;
                    while t > i && is_wsp(b[t - 1]) {
                        t -= 1;
                    }
                    let name = HeaderName::from_token_bytes(&b[pos..name_end])
                        .unwrap_or(HeaderName::Other("".into()));
                    push_value(&mut headers, name, buf, i, t);
                    if headers.len() > limits.max_headers {
                        return fail(buf, headers, Fault::TooManyHeaders);
                    }
                    pos = next;
                    continue;
                }
            }
        }
        match general_line(buf, pos, limits, &mut headers) {
            Ok(Some(next)) => pos = next,
            Ok(None) => {
                let e = line_end(b, pos).unwrap_or(b.len());
                return HeaderSection {
                    headers,
                    body_start: e + eol_len(b, e),
                    fault: None,
                };
            }
            Err(f) => return fail(buf, headers, f),
        }
        if headers.len() > limits.max_headers {
            return fail(buf, headers, Fault::TooManyHeaders);
        }
    }
}

fn fail(buf: &[u8], headers: Headers, fault: Fault) -> HeaderSection {
    HeaderSection {
        headers,
        body_start: buf.len(),
        fault: Some(fault),
    }
}

/// Pushes the value `buf[s..t]` (already trimmed), split at commas for the headers
/// whose values are lists of elements.
#[inline]
fn push_value(headers: &mut Headers, name: HeaderName, buf: &Bytes, s: usize, t: usize) {
    if splits(&name) && memchr::memchr(b',', &buf[s..t]).is_some() {
        for_each_element(&buf[s..t], |r| {
            headers.push(
                name.clone(),
                HeaderValue::from_bytes(buf.slice(s + r.start..s + r.end)),
            )
        });
    } else {
        headers.push(name, HeaderValue::from_bytes(buf.slice(s..t)));
    }
}

/// Headers whose comma-separated elements become separate fields.
#[inline]
fn splits(name: &HeaderName) -> bool {
    matches!(
        name,
        HeaderName::Via | HeaderName::Route | HeaderName::RecordRoute | HeaderName::Contact
    )
}

/// `r` within `v` without whitespace, CR and LF at either end.
fn trim_folded(v: &[u8], r: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let junk = |c: u8| is_wsp(c) || c == b'\r' || c == b'\n';
    let (mut s, mut e) = (r.start, r.end);
    while s < e && junk(v[s]) {
        s += 1;
    }
    while e > s && junk(v[e - 1]) {
        e -= 1;
    }
    s..e
}

/// One header field the general way (folding, faults, the empty line): `Ok(None)` at
/// the empty line, else where the next field starts.
fn general_line(
    buf: &Bytes,
    pos: usize,
    limits: &ParseLimits,
    headers: &mut Headers,
) -> Result<Option<usize>, Fault> {
    const UNENDED: Fault = Fault::BadHeaderLine("header section not ended by an empty line");
    let e = line_end(buf, pos).ok_or(UNENDED)?;
    if e == pos {
        return Ok(None);
    }
    // The whole field: this line plus continuation lines starting with SP / HTAB.
    let mut end = e;
    let mut next = e + eol_len(buf, e);
    let mut folded = false;
    while buf.get(next).copied().is_some_and(is_wsp) {
        folded = true;
        let e2 = line_end(buf, next).ok_or(UNENDED)?;
        end = e2;
        next = e2 + eol_len(buf, e2);
    }
    if end - pos > limits.max_header_len {
        return Err(Fault::HeaderTooLong);
    }
    let line = &buf[pos..end];
    let colon = find1(b':', line).ok_or(Fault::BadHeaderLine("no colon"))?;
    let mut name_end = colon;
    while name_end > 0 && is_wsp(line[name_end - 1]) {
        name_end -= 1;
    }
    let name = &line[..name_end];
    if name.is_empty() || !name.iter().copied().all(is_token) {
        return Err(Fault::BadHeaderLine("header name is not a token"));
    }
    // A token is ASCII, so this never falls back.
    let name = HeaderName::from_token_bytes(name).unwrap_or(HeaderName::Other("".into()));
    if folded {
        // Split first (CR, LF and whitespace mean nothing to the splitter), then unfold
        // only the elements that hold a line break: the others stay zero-copy.
        let (s, t) = (pos + colon + 1, end);
        let raw = &buf[s..t];
        let mut one = |r: std::ops::Range<usize>| {
            let r = trim_folded(raw, r);
            let piece = &raw[r.clone()];
            let value = if memchr::memchr2(b'\r', b'\n', piece).is_some() {
                Bytes::from(unfold(piece))
            } else {
                buf.slice(s + r.start..s + r.end)
            };
            headers.push(name.clone(), HeaderValue::from_bytes(value));
        };
        if splits(&name) && memchr::memchr(b',', raw).is_some() {
            for_each_element(raw, one);
        } else {
            one(0..raw.len());
        }
    } else {
        let (mut s, mut t) = (pos + colon + 1, end);
        while s < t && is_wsp(buf[s]) {
            s += 1;
        }
        while t > s && is_wsp(buf[t - 1]) {
            t -= 1;
        }
        push_value(headers, name, buf, s, t);
    }
    Ok(Some(next))
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

/// Calls `f` with the range of each comma-separated element of `v`, commas inside
/// quotes (with `\` escapes) or `<>` not counting; each element trimmed of whitespace.
fn for_each_element(v: &[u8], mut f: impl FnMut(std::ops::Range<usize>)) {
    if memchr::memchr(b'"', v).is_none() {
        // No quoted strings (the usual case): jump between `,` `<` `>` only.
        let (mut angle, mut start) = (false, 0);
        for i in memchr::memchr3_iter(b',', b'<', b'>', v) {
            match v[i] {
                b'<' => angle = true,
                b'>' => angle = false,
                _ if !angle => {
                    f(trim_range(v, start, i));
                    start = i + 1;
                }
                _ => {}
            }
        }
        f(trim_range(v, start, v.len()));
        return;
    }
    let (mut quoted, mut angle, mut start, mut i) = (false, false, 0, 0);
    while i < v.len() {
        match v[i] {
            b'\\' if quoted => i += 1,
            b'"' if !angle => quoted = !quoted,
            b'<' if !quoted => angle = true,
            b'>' if !quoted => angle = false,
            b',' if !quoted && !angle => {
                f(trim_range(v, start, i));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    f(trim_range(v, start, v.len()));
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
