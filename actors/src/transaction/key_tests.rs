use super::*;
use crate::sip::StatusCode;
use crate::transaction::testkit::*;

#[test]
fn client_key_branch_and_cseq_method() {
    let inv = invite("z9hG4bKk1");
    let key = ClientKey::from_request(&inv).unwrap();
    assert_eq!(ClientKey::from_response(&response(&inv, 180)).unwrap(), key);
    let cancel = request(Method::Cancel, "z9hG4bKk1");
    let ck = ClientKey::from_request(&cancel).unwrap();
    assert_ne!(
        ck, key,
        "CANCEL shares the branch but is its own transaction"
    );
    assert_eq!(
        ClientKey::from_response(&response(&cancel, 200)).unwrap(),
        ck
    );
    let mut bare = Response::new(StatusCode::OK);
    bare.headers.push(HeaderName::Via, "SIP/2.0/UDP h");
    bare.headers.push(HeaderName::CSeq, "1 INVITE");
    assert_eq!(ClientKey::from_response(&bare), Err(KeyError::NoBranch));
}

#[test]
fn server_key_ack_matches_invite_cancel_finds_it() {
    let inv = invite("z9hG4bKk2");
    let key = ServerKey::from_request(&inv).unwrap();
    assert_eq!(
        ServerKey::from_request(&request(Method::Ack, "z9hG4bKk2")).unwrap(),
        key
    );
    let cancel_key = ServerKey::from_request(&request(Method::Cancel, "z9hG4bKk2")).unwrap();
    assert_ne!(cancel_key, key);
    assert_eq!(cancel_key.cancelled_invite(), Some(key.clone()));
    assert_eq!(key.cancelled_invite(), None);
    // Same branch from another sent-by is another transaction.
    let mut other = invite("z9hG4bKk2");
    other
        .headers
        .set(HeaderName::Via, "SIP/2.0/UDP 10.9.9.9;branch=z9hG4bKk2");
    assert_ne!(ServerKey::from_request(&other).unwrap(), key);
}

#[test]
fn rfc2543_fallback_fields() {
    let mut inv = invite("old1");
    inv.headers
        .set(HeaderName::Via, "SIP/2.0/UDP 10.0.0.1:5060");
    let key = ServerKey::from_request(&inv).unwrap();
    assert!(matches!(key, ServerKey::Rfc2543 { .. }));
    // The ACK carries our To tag; it still matches the INVITE.
    let mut ack = inv.clone();
    ack.method = Method::Ack;
    ack.headers
        .set(HeaderName::To, "<sip:bob@example.com>;tag=b2");
    ack.headers.set(HeaderName::CSeq, "1 ACK");
    assert_eq!(ServerKey::from_request(&ack).unwrap(), key);
    let mut cancel = inv.clone();
    cancel.method = Method::Cancel;
    cancel.headers.set(HeaderName::CSeq, "1 CANCEL");
    let ck = ServerKey::from_request(&cancel).unwrap();
    assert_eq!(ck.cancelled_invite(), Some(key.clone()));
    for (name, value) in [
        (HeaderName::CallId, "other"),
        (HeaderName::CSeq, "2 INVITE"),
        (HeaderName::From, "<sip:alice@example.com>;tag=zz"),
        (HeaderName::Via, "SIP/2.0/UDP 10.0.0.1:5062"),
    ] {
        let mut r = inv.clone();
        r.headers.set(name, value);
        assert_ne!(ServerKey::from_request(&r).unwrap(), key);
    }
    let mut bye = request(Method::Bye, "old2");
    let k1 = ServerKey::from_request(&bye).unwrap();
    bye.headers
        .set(HeaderName::To, "<sip:bob@example.com>;tag=x");
    assert_ne!(
        ServerKey::from_request(&bye).unwrap(),
        k1,
        "To tag counts for non-INVITE"
    );
}

#[test]
fn tags_and_via_parms() {
    assert_eq!(tag_param("\"A;<b>\" <sip:a@b;tag=no>;tag=yes"), Some("yes"));
    assert_eq!(tag_param("sip:a@b;tag=t1"), Some("t1"));
    assert_eq!(tag_param("<sip:a@b>"), None);
    assert_eq!(tag_param("<sip:a@b"), None);
    assert_eq!(
        first_via_parm("SIP/2.0/UDP a;x=\"1,2\", SIP/2.0/UDP b"),
        "SIP/2.0/UDP a;x=\"1,2\""
    );
}

#[test]
fn missing_headers_are_errors_not_panics() {
    let r = Request::new(Method::Invite, uri());
    assert_eq!(
        ServerKey::from_request(&r),
        Err(KeyError::Missing(HeaderName::Via))
    );
    let mut r = invite("nocookie");
    r.headers.remove(&HeaderName::CallId);
    assert_eq!(
        ServerKey::from_request(&r),
        Err(KeyError::Missing(HeaderName::CallId))
    );
}
