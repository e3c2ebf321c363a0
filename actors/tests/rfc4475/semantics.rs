//! RFC 4475 §3.3 (application-layer semantics) and §3.4 (backward compatibility).
//!
//! Where the RFC wants a status the parser cannot decide (415, 420, 405, 406…), the test
//! asserts what the parse hands the deciding layer, and says which layer answers.

use crate::{msg, parse, refused_request, request, response};
use switchboard_actors::sip::headers::{Require, Supported};
use switchboard_actors::sip::{Contact, Fault, HeaderName, Method, ParseLimits, StatusCode, Uri};

#[test]
fn insuf_missing_required_headers() {
    // "Ideally, it will respond with a 400 Bad Request".
    let (f, s) = refused_request(msg!("insuf"), StatusCode::BAD_REQUEST);
    assert!(matches!(f, Fault::MissingHeader(_)), "{f:?}");
    assert!(s.headers.get(&HeaderName::CallId).is_none());
}

#[test]
fn unknown_request_uri_schemes_answer_416() {
    // unkscm: "will reject it with a 416"; novelsc: a scheme this UA never accepts in a
    // Request-URI → 416 is appropriate. The parser reads the message fully (the
    // salvage holds it) and flags the scheme.
    for (buf, uri) in [
        (msg!("unkscm"), "nobodyKnowsThisScheme:totallyopaquecontent"),
        (msg!("novelsc"), "soap.beep://192.0.2.103:3002"),
    ] {
        let (f, s) = refused_request(buf, StatusCode::UNSUPPORTED_URI_SCHEME);
        assert_eq!(f, Fault::UnsupportedUriScheme);
        assert_eq!(s.uri.to_string(), uri);
        assert!(s.to().is_ok() && s.cseq().is_ok());
    }
}

#[test]
fn unksm2_unknown_schemes_in_headers_parse() {
    // Parsers must not fail. (A registrar would 400; this UA is no registrar: the UAS
    // core answers REGISTER with 405.)
    let r = request(msg!("unksm2"));
    let scheme = |u: &Uri| match u {
        Uri::Absolute(a) => a.scheme().to_owned(),
        Uri::Sip(_) => "sip".to_owned(),
    };
    assert_eq!(scheme(&r.to().unwrap().uri), "isbn");
    assert_eq!(scheme(&r.from().unwrap().uri), "http");
    let Contact::Addr(c) = &r.contacts().unwrap()[0] else {
        panic!("wildcard")
    };
    assert_eq!(c.uri.to_string(), "name:John_Smith");
}

#[test]
fn bext01_require_answers_420() {
    // The UAS core answers 420 with Unsupported listing the Require tags it lacks;
    // Proxy-Require is for proxies and ignored by a UAS (RFC 3261 §8.2.2.3).
    let r = request(msg!("bext01"));
    let require = Require::parse_all(r.headers.get_all(&HeaderName::Require)).unwrap();
    let ours = Supported::parse("100rel, timer, replaces").unwrap();
    let ours: Vec<&str> = ours.0 .0.iter().map(|t| &**t).collect();
    let unsupported: Vec<_> = require.missing_from(&ours).collect();
    assert_eq!(
        unsupported,
        ["nothingSupportsThis", "nothingSupportsThisEither"]
    );
    assert!(r.headers.get(&HeaderName::ProxyRequire).is_some());
}

#[test]
fn invut_unknown_body_type() {
    // The INVITE layer answers 415 (Unsupported Media Type); the parse succeeds.
    let r = request(msg!("invut"));
    assert_eq!(r.content_type().unwrap(), Some("application/unknownformat"));
    assert_eq!(
        &r.body[..],
        b"<audio>\r\n <pcmu port=\"443\"/>\r\n</audio>\r\n"
    );
}

#[test]
fn regaut01_unknown_authorization_scheme() {
    // Parses; the Authorization header is kept verbatim. The UAS core answers
    // REGISTER with 405 (not a registrar).
    let r = request(msg!("regaut01"));
    assert_eq!(r.method, Method::Register);
    assert_eq!(
        r.headers.get(&HeaderName::Authorization).unwrap().as_str(),
        "NoOneKnowsThisScheme opaque-data=here"
    );
}

#[test]
fn multiple_values_in_single_value_headers_answer_400() {
    // multi01: Call-ID, To, From, Max-Forwards and CSeq twice; mcl01: two
    // Content-Lengths (a framing error: over UDP answer and drop the rest).
    let (f, _) = refused_request(msg!("multi01"), StatusCode::BAD_REQUEST);
    assert!(matches!(f, Fault::DuplicateHeader(_)), "{f:?}");
    let (f, _) = refused_request(msg!("mcl01"), StatusCode::BAD_REQUEST);
    assert_eq!(f, Fault::DuplicateHeader(HeaderName::ContentLength));
}

#[test]
fn bcast_response_parses() {
    // Well formed; the UAC transaction layer discards a response with more than one
    // Via (RFC 3261 §8.1.3.3), so the broadcast address is never used.
    let r = response(msg!("bcast"));
    let hosts: Vec<_> = r.vias().map(|v| v.unwrap().host).collect();
    assert_eq!(hosts, ["192.0.2.198", "255.255.255.255"]);
}

#[test]
fn zeromf_endpoint_processes_normally() {
    let r = request(msg!("zeromf"));
    assert_eq!(r.max_forwards().unwrap(), Some(0));
}

#[test]
fn contact_params_versus_uri_params() {
    // cparam01: bare URI, so ;unknownparam is a contact-param, not a URI parameter.
    let contact = |buf| match request(buf).contacts().unwrap().remove(0) {
        Contact::Addr(a) => a,
        Contact::Wildcard => panic!("wildcard"),
    };
    let c = contact(msg!("cparam01"));
    assert_eq!(c.param("unknownparam"), Some(""));
    let Uri::Sip(u) = &c.uri else { panic!() };
    assert!(u.params.is_empty());
    // cparam02: inside <>, it is a URI parameter.
    let c = contact(msg!("cparam02"));
    assert!(c.params.is_empty());
    let Uri::Sip(u) = &c.uri else { panic!() };
    assert_eq!(u.param("unknownparam"), Some(""));
    // regescrt: the escaped Route header stays in the contact URI.
    let c = contact(msg!("regescrt"));
    let Uri::Sip(u) = &c.uri else { panic!() };
    assert_eq!(
        u.headers.as_deref(),
        Some("Route=%3Csip:sip.example.com%3E")
    );
}

#[test]
fn sdp01_unacceptable_accept() {
    // The INVITE layer answers 406 (or 400); the parse succeeds with the Accept kept.
    let r = request(msg!("sdp01"));
    assert_eq!(
        r.headers.get(&HeaderName::Accept).unwrap().as_str(),
        "text/nobodyKnowsThis"
    );
    assert_eq!(r.body.len(), 150);
}

#[test]
fn inv2543_rfc2543_syntax() {
    // No branch, no From tag, no Content-Length (body = rest of the datagram), no
    // Max-Forwards: accepted over UDP.
    let r = request(msg!("inv2543"));
    assert_eq!(r.top_via().unwrap().branch, None);
    assert_eq!(r.from().unwrap().tag(), None);
    assert_eq!(r.content_length().unwrap(), None);
    assert_eq!(r.max_forwards().unwrap(), None);
    assert!(r.body.starts_with(b"v=0\r\n") && r.body.ends_with(b"RTP/AVP 0\r\n"));
    assert_eq!(r.body.len(), 105);
    // On a stream Content-Length is mandatory (RFC 3261 §18.3).
    let e = switchboard_actors::sip::parse_stream_message(msg!("inv2543"), &ParseLimits::default())
        .unwrap_err();
    assert_eq!(e.fault, Fault::MissingContentLength);
    assert!(parse(msg!("inv2543")).is_ok());
}
