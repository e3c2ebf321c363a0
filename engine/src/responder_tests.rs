use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use switchboard_actors::sip::{Host, SipUri, Uri};

fn request(method: Method, to: &str) -> Request {
    let uri = Uri::Sip(SipUri::new(
        Some("bob"),
        Host::Domain("example.com".into()),
        None,
    ));
    let mut req = Request::new(method.clone(), uri);
    let h = &mut req.headers;
    h.push(
        HeaderName::Via,
        "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK776asdhds",
    );
    h.push(HeaderName::MaxForwards, "70");
    h.push(HeaderName::To, HeaderValue::from_string(to));
    h.push(HeaderName::From, "<sip:alice@example.com>;tag=1928301774");
    h.push(HeaderName::CallId, "a84b4c76e66710");
    h.push(
        HeaderName::CSeq,
        HeaderValue::from_string(format!("1 {method}")),
    );
    req
}

fn answer(req: &Request) -> Response {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    respond_out_of_dialog(req, "switchboard/test", &mut rng).expect("a response")
}

fn header<'a>(resp: &'a Response, name: &HeaderName) -> Option<&'a str> {
    resp.headers.get(name).map(HeaderValue::as_str)
}

#[test]
fn options_gets_200_with_capabilities() {
    let resp = answer(&request(Method::Options, "<sip:bob@example.com>"));
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(
        header(&resp, &HeaderName::Allow),
        Some("INVITE, OPTIONS, ACK, CANCEL, BYE")
    );
    assert_eq!(header(&resp, &HeaderName::Accept), Some("application/sdp"));
    assert_eq!(header(&resp, &HeaderName::Supported), Some(""));
    assert_eq!(header(&resp, &HeaderName::Server), Some("switchboard/test"));
    assert_eq!(header(&resp, &HeaderName::CallId), Some("a84b4c76e66710"));
    assert_eq!(header(&resp, &HeaderName::CSeq), Some("1 OPTIONS"));
    let to = header(&resp, &HeaderName::To).unwrap();
    assert!(to.starts_with("<sip:bob@example.com>;tag="), "{to}");
    assert_eq!(to.len(), "<sip:bob@example.com>;tag=".len() + 16);
}

#[test]
fn to_tag_is_seeded_and_kept_when_present() {
    let req = request(Method::Options, "<sip:bob@example.com>");
    assert_eq!(
        header(&answer(&req), &HeaderName::To),
        header(&answer(&req), &HeaderName::To)
    );
    let tagged = request(Method::Options, "<sip:bob@example.com>;tag=abc");
    assert_eq!(
        header(&answer(&tagged), &HeaderName::To),
        Some("<sip:bob@example.com>;tag=abc")
    );
    // A `tag` inside the URI is not the header's tag.
    let in_uri = request(Method::Options, "<sip:bob@example.com;tag=x>");
    assert!(!has_to_tag(&in_uri));
    assert!(has_to_tag(&request(
        Method::Options,
        "sip:bob@example.com ; TAG=x"
    )));
}

#[test]
fn ack_gets_no_response() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    assert!(respond_out_of_dialog(&request(Method::Ack, "<sip:b@x>"), "s", &mut rng).is_none());
}

#[test]
fn unknown_method_is_501_known_unserved_is_405_both_with_allow() {
    let resp = answer(&request(Method::from_token("FOO"), "<sip:b@x>"));
    assert_eq!(resp.status, StatusCode::NOT_IMPLEMENTED);
    assert!(header(&resp, &HeaderName::Allow).is_some());
    for m in [Method::Register, Method::Subscribe, Method::Message] {
        let resp = answer(&request(m.clone(), "<sip:b@x>"));
        assert_eq!(resp.status, StatusCode::METHOD_NOT_ALLOWED, "{m}");
        assert!(header(&resp, &HeaderName::Allow).is_some());
    }
}

#[test]
fn invite_is_allowed_and_refused_only_by_the_generic_checks() {
    let invite = request(Method::Invite, "<sip:b@x>");
    assert!(refuse(&invite).is_none(), "a new INVITE becomes a call");
    let allow = header(
        &answer(&request(Method::Options, "<sip:b@x>")),
        &HeaderName::Allow,
    )
    .unwrap_or_default()
    .to_owned();
    assert!(allow.contains("INVITE"), "{allow}");
    let mut required = invite.clone();
    required.headers.push(HeaderName::Require, "100rel");
    assert_eq!(
        refuse(&required).map(|r| r.status),
        Some(StatusCode::BAD_EXTENSION)
    );
}

#[test]
fn bye_cancel_and_tagged_invite_outside_a_dialog_are_481() {
    for m in [Method::Bye, Method::Cancel, Method::Invite] {
        let resp = answer(&request(m.clone(), "<sip:b@x>;tag=gone"));
        assert_eq!(resp.status, StatusCode::CALL_DOES_NOT_EXIST, "{m}");
    }
}

#[test]
fn max_forwards_zero() {
    let mut bye = request(Method::Bye, "<sip:b@x>");
    bye.headers.set(HeaderName::MaxForwards, "0");
    assert_eq!(answer(&bye).status, StatusCode::TOO_MANY_HOPS);
    let mut options = request(Method::Options, "<sip:b@x>");
    options.headers.set(HeaderName::MaxForwards, "0");
    assert_eq!(answer(&options).status, StatusCode::OK, "RFC 3261 §11");
}

#[test]
fn unsupported_require_is_420_listing_the_tags() {
    let mut req = request(Method::Options, "<sip:b@x>");
    req.headers.push(HeaderName::Require, "100rel, foo");
    let resp = answer(&req);
    assert_eq!(resp.status, StatusCode::BAD_EXTENSION);
    assert_eq!(header(&resp, &HeaderName::Unsupported), Some("100rel, foo"));
    let mut cancel = request(Method::Cancel, "<sip:b@x>");
    cancel.headers.push(HeaderName::Require, "foo");
    assert_eq!(
        answer(&cancel).status,
        StatusCode::CALL_DOES_NOT_EXIST,
        "CANCEL ignores Require"
    );
}
