//! Message validation run by the parser (RFC 3261 §8.1.1, §8.2, RFC 4475 §3.1.2): the
//! mandatory headers are present once, and the typed headers a user agent relies on
//! parse. Everything is checked borrowed, without allocating.

use super::error::Fault;
use super::header::{HeaderName, HeaderValue, Headers};
use super::headers::name_addr::NameAddrRef;
use super::headers::simple::{call_id, content_length, delta_seconds, max_forwards, qvalue_ok};
use super::headers::{CSeq, Via};
use super::message::{Request, Response};
use super::uri::Uri;

/// Checks a parsed request. A Request-URI scheme other than sip, sips or tel gives
/// [`Fault::UnsupportedUriScheme`] (416), once everything else is right.
pub fn validate_request(req: &Request) -> Result<(), Fault> {
    validate_request_in(req, None)
}

/// [`validate_request`] for a request just parsed from `head` (its header section as
/// text): values that are slices of it are read from it without a second UTF-8 check.
pub(crate) fn validate_request_in(req: &Request, head: Option<&str>) -> Result<(), Fault> {
    let checked = check_headers(&req.headers, head)?;
    checked.require([
        (TO, HeaderName::To),
        (FROM, HeaderName::From),
        (CSEQ, HeaderName::CSeq),
        (CALL_ID, HeaderName::CallId),
        (VIA, HeaderName::Via),
    ])?;
    // Max-Forwards is not required: RFC 4475 §3.4.1 has a valid RFC 2543 INVITE without
    // it, and a UAS (RFC 3261 §8.2) does not look at it.
    if checked.cseq_method != Some(req.method.as_str()) {
        return Err(Fault::CSeqMethodMismatch);
    }
    let scheme_ok = match &req.uri {
        Uri::Sip(_) => true,
        Uri::Absolute(a) => a.scheme().eq_ignore_ascii_case("tel"),
    };
    if !scheme_ok {
        return Err(Fault::UnsupportedUriScheme);
    }
    Ok(())
}

/// Checks a parsed response: Via, From, To, Call-ID and CSeq present, typed headers
/// well-formed.
pub fn validate_response(resp: &Response) -> Result<(), Fault> {
    validate_response_in(resp, None)
}

/// [`validate_response`] for a response just parsed from `head` (see
/// [`validate_request_in`]).
pub(crate) fn validate_response_in(resp: &Response, head: Option<&str>) -> Result<(), Fault> {
    check_headers(&resp.headers, head)?.require([
        (VIA, HeaderName::Via),
        (FROM, HeaderName::From),
        (TO, HeaderName::To),
        (CALL_ID, HeaderName::CallId),
        (CSEQ, HeaderName::CSeq),
    ])
}

fn bad(name: &HeaderName, why: &'static str) -> Fault {
    Fault::BadHeader {
        name: name.clone(),
        why,
    }
}

/// One pass over the fields: syntax of the typed ones, duplicates of the single ones.
/// Returns the CSeq method.
fn check_headers<'a>(headers: &'a Headers, head: Option<&'a str>) -> Result<Checked<'a>, Fault> {
    let mut seen = 0u8;
    let mut cseq_method = None;
    for h in headers {
        let v = || text_of(&h.value, head);
        let once = |bit: u8, seen: &mut u8| {
            if *seen & bit != 0 {
                return Err(Fault::DuplicateHeader(h.name.clone()));
            }
            *seen |= bit;
            Ok(())
        };
        match &h.name {
            HeaderName::Via => {
                seen |= VIA;
                Via::parse(v())?;
            }
            HeaderName::From | HeaderName::To => {
                once(
                    if h.name == HeaderName::From { FROM } else { TO },
                    &mut seen,
                )?;
                NameAddrRef::parse(v()).map_err(|why| bad(&h.name, why))?;
            }
            HeaderName::CallId => {
                once(CALL_ID, &mut seen)?;
                call_id(v())?;
            }
            HeaderName::CSeq => {
                once(CSEQ, &mut seen)?;
                cseq_method = Some(CSeq::parse_parts(v())?.1);
            }
            HeaderName::MaxForwards => {
                once(16, &mut seen)?;
                max_forwards(v())?;
            }
            HeaderName::ContentLength => {
                once(32, &mut seen)?;
                content_length(v())?;
            }
            HeaderName::Expires => {
                delta_seconds(HeaderName::Expires, v())?;
            }
            HeaderName::Contact => check_contact(v())?,
            _ => {}
        }
    }
    Ok(Checked { seen, cseq_method })
}

/// The value as text: a sub-slice of `head` when the value is a slice of it (no UTF-8
/// check again), else [`HeaderValue::as_str`].
fn text_of<'a>(v: &'a HeaderValue, head: Option<&'a str>) -> &'a str {
    let b = v.as_bytes();
    if let Some(head) = head {
        // Same memory iff the value's address lies inside the head's; then the bytes
        // are the same bytes.
        let off = (b.as_ptr() as usize).wrapping_sub(head.as_ptr() as usize);
        if let Some(s) = off.checked_add(b.len()).and_then(|end| head.get(off..end)) {
            return s;
        }
    }
    v.as_str()
}

/// Bits of [`Checked::seen`].
const FROM: u8 = 1;
const TO: u8 = 2;
const CALL_ID: u8 = 4;
const CSEQ: u8 = 8;
const VIA: u8 = 64;

/// What one pass over the headers found.
struct Checked<'a> {
    seen: u8,
    cseq_method: Option<&'a str>,
}

impl Checked<'_> {
    fn require(&self, order: [(u8, HeaderName); 5]) -> Result<(), Fault> {
        for (bit, name) in order {
            if self.seen & bit == 0 {
                return Err(Fault::MissingHeader(name));
            }
        }
        Ok(())
    }
}

fn check_contact(v: &str) -> Result<(), Fault> {
    if v == "*" {
        return Ok(());
    }
    let name = HeaderName::Contact;
    let addr = NameAddrRef::parse(v).map_err(|why| bad(&name, why))?;
    for p in addr.params() {
        let (n, val) = p.map_err(|why| bad(&name, why))?;
        if n.eq_ignore_ascii_case("expires") {
            delta_seconds(HeaderName::Contact, val.unwrap_or(""))?;
        } else if n.eq_ignore_ascii_case("q") && !val.is_some_and(qvalue_ok) {
            return Err(bad(&name, "bad q value"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::method::Method;

    fn req(extra: &[(HeaderName, &'static str)]) -> Request {
        let mut r = Request::new(Method::Invite, Uri::parse("sip:bob@b").unwrap());
        for (n, v) in [
            (HeaderName::Via, "SIP/2.0/UDP h;branch=z9hG4bK1"),
            (HeaderName::From, "<sip:a@a>;tag=1"),
            (HeaderName::To, "<sip:b@b>"),
            (HeaderName::CallId, "c@h"),
            (HeaderName::CSeq, "1 INVITE"),
        ] {
            r.headers.push(n, v);
        }
        for (n, v) in extra {
            r.headers.push(n.clone(), *v);
        }
        r
    }

    #[test]
    fn minimal_request_ok() {
        assert_eq!(validate_request(&req(&[])), Ok(()));
        let mut r = req(&[]);
        r.uri = Uri::parse("tel:+123").unwrap();
        assert_eq!(validate_request(&r), Ok(()));
        r.uri = Uri::parse("http://x").unwrap();
        assert_eq!(validate_request(&r), Err(Fault::UnsupportedUriScheme));
    }

    #[test]
    fn faults() {
        use HeaderName as H;
        let cases: &[(&[(HeaderName, &'static str)], Fault)] = &[
            (&[(H::CallId, "d@h")], Fault::DuplicateHeader(H::CallId)),
            (
                &[(H::ContentLength, "0"), (H::ContentLength, "0")],
                Fault::DuplicateHeader(H::ContentLength),
            ),
            (
                &[(H::MaxForwards, "300")],
                Fault::OutOfRange(H::MaxForwards),
            ),
            (
                &[(H::Expires, "10000000000000000000000")],
                Fault::OutOfRange(H::Expires),
            ),
            (
                &[(H::Contact, "<sip:a@b>;expires=280297596632815")],
                Fault::OutOfRange(H::Contact),
            ),
        ];
        for (extra, want) in cases {
            assert_eq!(
                validate_request(&req(extra)).as_ref(),
                Err(want),
                "{extra:?}"
            );
        }
        let mut r = req(&[]);
        r.method = Method::Options;
        assert_eq!(validate_request(&r), Err(Fault::CSeqMethodMismatch));
        r.headers.remove(&H::CallId);
        assert_eq!(validate_request(&r), Err(Fault::MissingHeader(H::CallId)));
        assert!(validate_request(&req(&[(H::Contact, "<sip:a@b>;q=2")])).is_err());
        assert!(validate_request(&req(&[(H::Via, "")])).is_err());
    }

    #[test]
    fn response_needs_its_headers() {
        let mut r = Response::new(crate::sip::status::StatusCode::OK);
        assert_eq!(
            validate_response(&r),
            Err(Fault::MissingHeader(HeaderName::Via))
        );
        r.headers = req(&[]).headers;
        assert_eq!(validate_response(&r), Ok(()));
    }
}
