//! Request-Line and Status-Line (RFC 3261 §7.1, §7.2, §25.1).

use crate::sip::error::Fault;
use crate::sip::lex::{find1, is_token, is_wsp};
use crate::sip::method::Method;
use crate::sip::status::StatusCode;
use crate::sip::uri::{AbsoluteUri, Uri};

/// A parsed start line.
#[derive(Debug)]
pub(crate) enum Start {
    /// `Method SP Request-URI SP SIP/2.0`
    Request(Method, Uri),
    /// `SIP/2.0 SP Status-Code SP Reason-Phrase`
    Response(StatusCode, Box<str>),
}

fn version_ok(v: &[u8]) -> bool {
    v.len() == 7 && v[..3].eq_ignore_ascii_case(b"SIP") && &v[3..] == b"/2.0"
}

/// Parses the start line. `Err` means no request could be recognised (junk or a bad
/// response: nothing to answer). `Ok((start, Some(fault)))` is a request line that is
/// wrong but recognisable, so the rest is still read for a salvaged 400 / 505; the
/// Request-URI is then kept as an opaque URI when it does not parse.
pub(crate) fn parse_start(line: &[u8]) -> Result<(Start, Option<Fault>), Fault> {
    let line = std::str::from_utf8(line).map_err(|_| Fault::BadEncoding("start line"))?;
    let b = line.as_bytes();
    if b.len() >= 4 && b[..4].eq_ignore_ascii_case(b"SIP/") {
        return parse_status(line).map(|s| (s, None));
    }
    let trimmed = line.trim_end_matches([' ', '\t']);
    let mut fault = (trimmed.len() != line.len())
        .then_some(Fault::BadStartLine("trailing whitespace in Request-Line"));
    let tb = trimmed.as_bytes();
    let method_end = find1(b' ', tb).ok_or(Fault::NotSip("no SIP start line"))?;
    let method = &trimmed[..method_end];
    if !method.bytes().all(is_token) || method.is_empty() {
        return Err(Fault::NotSip("no SIP start line"));
    }
    let version_start = memchr::memrchr(b' ', tb).map_or(0, |i| i + 1);
    let version = &tb[version_start..];
    if version.len() < 4 || !version[..4].eq_ignore_ascii_case(b"SIP/") {
        return Err(Fault::NotSip("no SIP version in start line"));
    }
    let middle = if version_start > method_end + 1 {
        &trimmed[method_end + 1..version_start - 1]
    } else {
        ""
    };
    let mb = middle.as_bytes();
    let uri = match Uri::parse(middle) {
        Ok(u) => Some(u),
        Err(e) => {
            let f = if middle.is_empty() {
                Fault::BadStartLine("missing Request-URI")
            } else if mb.first().copied().is_some_and(is_wsp)
                || mb.last().copied().is_some_and(is_wsp)
            {
                Fault::BadStartLine("more than one SP between Request-Line elements")
            } else if mb.iter().copied().any(is_wsp) {
                Fault::BadRequestUri("whitespace in Request-URI")
            } else if mb.first() == Some(&b'<') {
                Fault::BadRequestUri("Request-URI enclosed in <>")
            } else {
                Fault::BadRequestUri(e.0)
            };
            fault.get_or_insert(f);
            None
        }
    };
    if let Some(Uri::Sip(s)) = &uri {
        if s.headers.is_some() {
            // RFC 3261 §19.1.1 (table): headers are not allowed in a Request-URI;
            // RFC 4475 §3.1.2.11 says such a request SHOULD get a 400.
            fault.get_or_insert(Fault::BadRequestUri("escaped headers in Request-URI"));
        }
    }
    if !version_ok(version) {
        // Version first: a 505 tells the peer more than a 400 would.
        fault = Some(Fault::BadVersion);
    }
    let uri = uri.unwrap_or_else(|| Uri::Absolute(AbsoluteUri(middle.into())));
    Ok((Start::Request(Method::from_token(method), uri), fault))
}

fn parse_status(line: &str) -> Result<Start, Fault> {
    let b = line.as_bytes();
    let sp = find1(b' ', b).ok_or(Fault::BadStartLine("no status code"))?;
    if !version_ok(&b[..sp]) {
        return Err(Fault::BadVersion);
    }
    let rest = &b[sp + 1..];
    let code = rest
        .get(..3)
        .ok_or(Fault::BadStartLine("bad status code"))?;
    if !code.iter().all(u8::is_ascii_digit) {
        return Err(Fault::BadStartLine("bad status code"));
    }
    let reason = match rest.get(3) {
        None => "",
        Some(b' ') => &line[sp + 5..],
        Some(_) => return Err(Fault::BadStartLine("bad status code")),
    };
    let n = code.iter().fold(0u16, |a, &d| a * 10 + u16::from(d - b'0'));
    let status = StatusCode::new(n).ok_or(Fault::BadStartLine("status code out of range"))?;
    Ok(Start::Response(status, reason.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(l: &str) -> (Method, Uri, Option<Fault>) {
        match parse_start(l.as_bytes()).unwrap() {
            (Start::Request(m, u), f) => (m, u, f),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn request_lines() {
        let (m, u, f) = req("INVITE sip:bob@biloxi.com SIP/2.0");
        assert_eq!(
            (m, u.to_string(), f),
            (Method::Invite, "sip:bob@biloxi.com".into(), None)
        );
        let (m, _, f) = req("!interesting-Method0123456789_*+`.%indeed'~ sip:a@b sip/2.0");
        assert_eq!(m.as_str(), "!interesting-Method0123456789_*+`.%indeed'~");
        assert_eq!(f, None);
        assert_eq!(
            req("OPTIONS sip:t.watson@example.org SIP/7.0").2,
            Some(Fault::BadVersion)
        );
        assert_eq!(req("OPTIONS tel:+1 SIP/2.0").2, None);
        assert_eq!(req("OPTIONS http://x SIP/2.0").2, None);
    }

    #[test]
    fn bad_request_lines_keep_salvage() {
        let cases = [
            ("INVITE  sip:a@b  SIP/2.0", "more than one SP"),
            ("INVITE sip:a@b SIP/2.0 ", "trailing"),
            (
                "INVITE sip:user@example.com; lr SIP/2.0",
                "whitespace in Request-URI",
            ),
            ("INVITE <sip:user@example.com> SIP/2.0", "enclosed"),
            (
                "INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0",
                "escaped headers",
            ),
            ("INVITE SIP/2.0", "missing"),
        ];
        for (line, want) in cases {
            let f = req(line).2.unwrap_or_else(|| panic!("{line} accepted"));
            assert!(f.to_string().contains(want), "{line}: {f}");
        }
    }

    #[test]
    fn status_lines() {
        let Ok((Start::Response(s, r), None)) = parse_start(b"SIP/2.0 200 OK") else {
            panic!()
        };
        assert_eq!((s.as_u16(), &*r), (200, "OK"));
        let Ok((Start::Response(s, r), _)) = parse_start(b"SIP/2.0 100 ") else {
            panic!()
        };
        assert_eq!((s.as_u16(), &*r), (100, ""));
        assert!(parse_start(b"SIP/2.0 100").is_ok());
        assert!(parse_start("SIP/2.0 200 = 2**3 * 5**2 \u{043d}\u{043e}".as_bytes()).is_ok());
        assert!(parse_start(b"SIP/2.0 4294967301 Better Not Break The Receiver").is_err());
        assert!(parse_start(b"SIP/2.0 099 x").is_err());
        assert!(parse_start(b"SIP/2.0 700 x").is_err());
        assert_eq!(
            parse_start(b"SIP/3.0 200 OK").unwrap_err(),
            Fault::BadVersion
        );
        assert!(parse_start(b"hello").is_err());
        assert!(parse_start(b"GET / HTTP/1.1").is_err());
        assert!(parse_start(b"\xff\xfe").is_err());
    }
}
