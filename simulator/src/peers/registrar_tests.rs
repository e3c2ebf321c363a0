//! The registrar: digest challenge and answer, stale nonces, wrong passwords, expiry
//! limits, binding lifetimes, contact lists and the failure modes.

use super::proxy_testkit::*;
use super::*;
use crate::time::SimDuration;
use switchboard_actors::sip::HeaderName;

pub(super) fn cfg(auth: bool) -> RegistrarConfig {
    RegistrarConfig {
        domain: "example.com".into(),
        users: [("alice", "pw-a"), ("bob", "pw-b")]
            .into_iter()
            .map(|(u, p)| (u.to_owned(), p.to_owned()))
            .collect(),
        auth,
        algorithm: "MD5".into(),
        min_expires: 60,
        max_expires: 3600,
        nonce_lifetime: SimDuration::from_secs(300),
        record_route: true,
        fork: false,
        failure: ProxyFailure::None,
        bad_credentials: BadCredentials::Forbidden,
    }
}

pub(super) fn registrar(auth: bool) -> Registrar {
    Registrar::new(&cfg(auth), ctx("proxy")).unwrap()
}

pub(super) const ALICE: &str = "10.0.0.2:5060";
pub(super) const CONTACT: &str = "Contact: <sip:alice@10.0.0.2:5060>;expires=600";

/// REGISTER → 401, answered; returns the outputs of the authorised REGISTER.
fn register_with_auth(r: &mut Registrar, at: f64, password: &str) -> Vec<PeerOutput> {
    let outs = feed(r, at, ALICE, &register("alice", "10.0.0.2", 1, CONTACT));
    let (to, m) = only(&outs);
    assert_eq!(to, addr(ALICE));
    let resp = response(m);
    assert_eq!(resp.status.as_u16(), 401);
    let auth = answer(
        &resp,
        HeaderName::WwwAuthenticate,
        "alice",
        password,
        "REGISTER",
        "sip:example.com",
    );
    let extra = format!("{CONTACT}\nAuthorization: {auth}");
    feed(
        r,
        at + 0.1,
        ALICE,
        &register("alice", "10.0.0.2", 2, &extra),
    )
}

#[test]
fn challenge_then_credentials_register_the_contact() {
    let mut r = registrar(true);
    let first = feed(
        &mut r,
        0.0,
        ALICE,
        &register("alice", "10.0.0.2", 1, CONTACT),
    );
    let m = only(&first).1;
    let challenge = header(&m, HeaderName::WwwAuthenticate).unwrap();
    assert!(challenge.contains("realm=\"example.com\"") && challenge.contains("algorithm=MD5"));
    assert!(events(&first).contains(&PeerEvent::Challenged {
        method: "REGISTER".into()
    }));
    assert!(header(&m, HeaderName::To).unwrap().contains(";tag="));

    let outs = register_with_auth(&mut r, 1.0, "pw-a");
    let (to, m) = only(&outs);
    assert_eq!(to, addr(ALICE));
    assert_eq!(response(m.clone()).status.as_u16(), 200);
    assert_eq!(
        headers(&m, HeaderName::Contact),
        ["<sip:alice@10.0.0.2:5060>;expires=600"]
    );
    // received/rport stamped for the UA to learn its public address.
    assert!(header(&m, HeaderName::Via)
        .unwrap()
        .ends_with(";received=10.0.0.2;rport=5060"));
    assert!(events(&outs).contains(&PeerEvent::Registered {
        aor: "sip:alice@example.com".into(),
        contact: "sip:alice@10.0.0.2:5060".into(),
        expires: 600,
    }));
    let b = r.bindings("alice", secs(1.1));
    assert_eq!(b.len(), 1);
    assert!(b[0].via_flow, "rport asks for the flow");
}

#[test]
fn a_nonce_past_its_lifetime_is_stale() {
    let mut r = registrar(true);
    let first = feed(
        &mut r,
        0.0,
        ALICE,
        &register("alice", "10.0.0.2", 1, CONTACT),
    );
    let resp = response(only(&first).1);
    let auth = answer(
        &resp,
        HeaderName::WwwAuthenticate,
        "alice",
        "pw-a",
        "REGISTER",
        "sip:example.com",
    );
    let late = feed(
        &mut r,
        301.0,
        ALICE,
        &register(
            "alice",
            "10.0.0.2",
            2,
            &format!("{CONTACT}\nAuthorization: {auth}"),
        ),
    );
    let resp = response(only(&late).1);
    assert_eq!(resp.status.as_u16(), 401);
    let c = resp
        .headers
        .get(&HeaderName::WwwAuthenticate)
        .unwrap()
        .as_str()
        .to_owned();
    assert!(c.contains("stale=true"), "{c}");
    let auth = answer(
        &resp,
        HeaderName::WwwAuthenticate,
        "alice",
        "pw-a",
        "REGISTER",
        "sip:example.com",
    );
    let ok = feed(
        &mut r,
        302.0,
        ALICE,
        &register(
            "alice",
            "10.0.0.2",
            3,
            &format!("{CONTACT}\nAuthorization: {auth}"),
        ),
    );
    assert_eq!(status_of(&ok), 200);
}

#[test]
fn a_wrong_password_is_forbidden() {
    let mut r = registrar(true);
    let outs = register_with_auth(&mut r, 0.0, "not-it");
    assert_eq!(status_of(&outs), 403);
    assert!(events(&outs).contains(&PeerEvent::AuthFailed {
        user: "alice".into()
    }));
    assert!(r.bindings("alice", secs(1.0)).is_empty());
}

#[test]
fn an_unknown_user_is_not_found() {
    let mut r = registrar(true);
    let outs = feed(
        &mut r,
        0.0,
        ALICE,
        &register("mallory", "10.0.0.2", 1, CONTACT),
    );
    assert_eq!(status_of(&outs), 404);
}

#[test]
fn expiry_limits_423_and_cap() {
    let mut r = registrar(false);
    let brief = register(
        "alice",
        "10.0.0.2",
        1,
        "Contact: <sip:alice@10.0.0.2>\nExpires: 30",
    );
    let m = only(&feed(&mut r, 0.0, ALICE, &brief)).1;
    assert_eq!(response(m.clone()).status.as_u16(), 423);
    assert_eq!(header(&m, HeaderName::MinExpires).as_deref(), Some("60"));
    let long = register(
        "alice",
        "10.0.0.2",
        2,
        "Contact: <sip:alice@10.0.0.2>;expires=99999",
    );
    let m = only(&feed(&mut r, 0.0, ALICE, &long)).1;
    assert_eq!(
        headers(&m, HeaderName::Contact),
        ["<sip:alice@10.0.0.2>;expires=3600"]
    );
}

#[test]
fn bindings_lapse_on_time_and_expires_zero_removes() {
    let mut r = registrar(false);
    let two = "Contact: <sip:alice@10.0.0.2:5060>;expires=600, <sip:alice@10.0.0.3>;expires=120";
    let m = only(&feed(
        &mut r,
        0.0,
        ALICE,
        &register("alice", "10.0.0.2", 1, two),
    ))
    .1;
    assert_eq!(
        headers(&m, HeaderName::Contact),
        [
            "<sip:alice@10.0.0.2:5060>;expires=600",
            "<sip:alice@10.0.0.3>;expires=120"
        ]
    );
    assert_eq!(r.poll_timeout(), Some(secs(120.0)));
    r.handle_timeout(secs(120.0));
    assert_eq!(
        events(&drain(&mut r)),
        [PeerEvent::Unregistered {
            aor: "sip:alice@example.com".into()
        }]
    );
    // A query (no Contact) lists what is left, with the time remaining.
    let m = only(&feed(
        &mut r,
        200.5,
        ALICE,
        &register("alice", "10.0.0.2", 2, ""),
    ))
    .1;
    assert_eq!(
        headers(&m, HeaderName::Contact),
        ["<sip:alice@10.0.0.2:5060>;expires=400"]
    );
    let gone = feed(
        &mut r,
        300.0,
        ALICE,
        &register(
            "alice",
            "10.0.0.2",
            3,
            "Contact: <sip:alice@10.0.0.2:5060>;expires=0",
        ),
    );
    assert!(events(&gone).contains(&PeerEvent::Unregistered {
        aor: "sip:alice@example.com".into()
    }));
    assert!(headers(&only(&gone).1, HeaderName::Contact).is_empty());
    assert_eq!(r.poll_timeout(), None);
}

#[test]
fn wildcard_removes_all_and_needs_expires_zero() {
    let mut r = registrar(false);
    let two = "Contact: <sip:alice@10.0.0.2>, <sip:alice@10.0.0.3>";
    feed(&mut r, 0.0, ALICE, &register("alice", "10.0.0.2", 1, two));
    let bad = feed(
        &mut r,
        1.0,
        ALICE,
        &register("alice", "10.0.0.2", 2, "Contact: *"),
    );
    assert_eq!(status_of(&bad), 400);
    let all = feed(
        &mut r,
        1.0,
        ALICE,
        &register("alice", "10.0.0.2", 3, "Contact: *\nExpires: 0"),
    );
    assert_eq!(status_of(&all), 200);
    let gone = events(&all)
        .iter()
        .filter(|e| matches!(e, PeerEvent::Unregistered { .. }))
        .count();
    assert_eq!(gone, 2);
    assert!(r.bindings("alice", secs(1.0)).is_empty());
}

#[test]
fn instance_and_push_params_are_kept_and_replace_by_instance() {
    let mut r = registrar(false);
    let c1 = "Contact: <sip:alice@10.0.0.2;pn-provider=apns;pn-prid=tok1;pn-param=app.voip>;+sip.instance=\"<urn:uuid:1>\";reg-id=1";
    feed(&mut r, 0.0, ALICE, &register("alice", "10.0.0.2", 1, c1));
    let c2 = "Contact: <sip:alice@10.0.0.9>;+sip.instance=\"<urn:uuid:1>\";reg-id=1";
    feed(&mut r, 5.0, ALICE, &register("alice", "10.0.0.2", 2, c2));
    let b = r.bindings("alice", secs(5.0));
    assert_eq!(b.len(), 1, "same instance and reg-id: replaced, {b:?}");
    assert!(b[0].contact.starts_with("<sip:alice@10.0.0.9>"));
    assert_eq!(b[0].instance.as_deref(), Some("<urn:uuid:1>"));
    assert_eq!(b[0].reg_id, Some(1));
    let c3 = "Contact: <sip:bob@10.0.0.7;pn-provider=fcm;pn-prid=tok2>";
    feed(
        &mut r,
        6.0,
        "10.0.0.7:5060",
        &register("bob", "10.0.0.7", 1, c3),
    );
    let b = r.bindings("bob", secs(6.0));
    assert_eq!(
        (b[0].pn_provider.as_deref(), b[0].pn_prid.as_deref()),
        (Some("fcm"), Some("tok2"))
    );
    assert_eq!(b[0].pn_param, None);
}
