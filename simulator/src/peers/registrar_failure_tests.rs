//! The registrar's configuration checks and failure modes: 503 with Retry-After,
//! silence, a raised Min-Expires, and the StaleNonce mode.

use super::proxy_testkit::*;
use super::registrar_tests::{cfg, registrar, ALICE, CONTACT};
use super::*;
use rand_chacha::rand_core::SeedableRng;
use switchboard_actors::sip::auth::{DigestChallenge, DigestClient, Password};
use switchboard_actors::sip::HeaderName;

#[test]
fn sha256_and_bad_configs() {
    let mut c = cfg(true);
    c.algorithm = "SHA-256".into();
    let mut r = Registrar::new(&c, ctx("proxy")).unwrap();
    let m = only(&feed(
        &mut r,
        0.0,
        ALICE,
        &register("alice", "10.0.0.2", 1, CONTACT),
    ))
    .1;
    assert!(header(&m, HeaderName::WwwAuthenticate)
        .unwrap()
        .contains("algorithm=SHA-256"));
    c.algorithm = "SHA-1".into();
    let e = Registrar::new(&c, ctx("proxy")).err().unwrap();
    assert_eq!(e.field(), "algorithm");
    let mut c = cfg(true);
    c.min_expires = 7200;
    let e = Registrar::new(&c, ctx("proxy")).err().unwrap();
    assert!(matches!(
        e,
        ServerError::ExpiresOutOfOrder {
            min_expires: 7200,
            max_expires: 3600
        }
    ));
    c = cfg(true);
    c.domain = " ".into();
    assert_eq!(
        Registrar::new(&c, ctx("proxy")).err().unwrap().field(),
        "domain"
    );
}

#[test]
fn failure_modes() {
    let mut r = registrar(false);
    r.handle(
        secs(0.0),
        PeerInput::Command(PeerCommand::SetFailure(ProxyFailure::ServiceUnavailable {
            retry_after: Some(30),
        })),
    );
    let m = only(&feed(
        &mut r,
        0.0,
        ALICE,
        &register("alice", "10.0.0.2", 1, CONTACT),
    ))
    .1;
    assert_eq!(response(m.clone()).status.as_u16(), 503);
    assert_eq!(header(&m, HeaderName::RetryAfter).as_deref(), Some("30"));

    r.handle(
        secs(1.0),
        PeerInput::Command(PeerCommand::SetFailure(ProxyFailure::NoAnswer)),
    );
    let silent = feed(
        &mut r,
        1.0,
        ALICE,
        &register("alice", "10.0.0.2", 2, CONTACT),
    );
    assert!(sent(&silent).is_empty());
    assert!(matches!(
        events(&silent)[..],
        [PeerEvent::RequestReceived { .. }]
    ));

    r.handle(
        secs(2.0),
        PeerInput::Command(PeerCommand::SetFailure(ProxyFailure::IntervalTooBrief {
            min_expires: 900,
        })),
    );
    let m = only(&feed(
        &mut r,
        2.0,
        ALICE,
        &register("alice", "10.0.0.2", 3, CONTACT),
    ))
    .1;
    assert_eq!(header(&m, HeaderName::MinExpires).as_deref(), Some("900"));
    let ok = feed(
        &mut r,
        2.0,
        ALICE,
        &register(
            "alice",
            "10.0.0.2",
            4,
            "Contact: <sip:alice@10.0.0.2>;expires=900",
        ),
    );
    assert_eq!(status_of(&ok), 200);
}

#[test]
fn stale_nonce_mode_answers_each_request_once_stale() {
    let mut c = cfg(true);
    c.failure = ProxyFailure::StaleNonce;
    let mut r = Registrar::new(&c, ctx("proxy")).unwrap();
    let ask = |r: &mut Registrar, at: f64, cseq: u32, resp: &switchboard_actors::sip::Response| {
        let auth = answer(
            resp,
            HeaderName::WwwAuthenticate,
            "alice",
            "pw-a",
            "REGISTER",
            "sip:example.com",
        );
        feed(
            r,
            at,
            ALICE,
            &register(
                "alice",
                "10.0.0.2",
                cseq,
                &format!("{CONTACT}\nAuthorization: {auth}"),
            ),
        )
    };
    let first = response(
        only(&feed(
            &mut r,
            0.0,
            ALICE,
            &register("alice", "10.0.0.2", 1, CONTACT),
        ))
        .1,
    );
    let second = ask(&mut r, 0.1, 2, &first);
    let stale = response(only(&second).1);
    assert_eq!(stale.status.as_u16(), 401);
    assert!(stale
        .headers
        .get(&HeaderName::WwwAuthenticate)
        .unwrap()
        .as_str()
        .contains("stale=true"));
    let third = ask(&mut r, 0.2, 3, &stale);
    assert_eq!(status_of(&third), 200);
    // Its retransmission (same nonce count) passes again.
    let again = ask(&mut r, 0.3, 3, &stale);
    assert_eq!(status_of(&again), 200);
    // A new request reusing that nonce (count 2) is answered stale once more.
    let chal = DigestChallenge::parse(
        stale
            .headers
            .get(&HeaderName::WwwAuthenticate)
            .unwrap()
            .as_str(),
    )
    .unwrap();
    let mut client = DigestClient::new("alice", Password::new("pw-a"));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    client.respond(&chal, "REGISTER", "sip:example.com", b"", &mut rng);
    let next = client
        .authorize("REGISTER", "sip:example.com", b"", &mut rng)
        .unwrap();
    let outs = feed(
        &mut r,
        0.4,
        ALICE,
        &register(
            "alice",
            "10.0.0.2",
            4,
            &format!("{CONTACT}\nAuthorization: {next}"),
        ),
    );
    let m = only(&outs).1;
    assert!(header(&m, HeaderName::WwwAuthenticate)
        .unwrap()
        .contains("stale=true"));
}

#[test]
fn a_new_password_refuses_the_old_one_with_a_fresh_challenge() {
    let mut c = cfg(true);
    c.bad_credentials = BadCredentials::Challenge;
    let mut r = Registrar::new(&c, ctx("proxy")).unwrap();
    let try_with = |r: &mut Registrar, at: f64, cseq: u32, password: &str| {
        let chal = response(
            only(&feed(
                r,
                at,
                ALICE,
                &register("alice", "10.0.0.2", cseq, CONTACT),
            ))
            .1,
        );
        assert_eq!(chal.status.as_u16(), 401);
        let auth = answer(
            &chal,
            HeaderName::WwwAuthenticate,
            "alice",
            password,
            "REGISTER",
            "sip:example.com",
        );
        let text = format!("{CONTACT}\nAuthorization: {auth}");
        feed(
            r,
            at,
            ALICE,
            &register("alice", "10.0.0.2", cseq + 1, &text),
        )
    };
    assert_eq!(status_of(&try_with(&mut r, 0.0, 1, "pw-a")), 200);
    r.handle(
        secs(1.0),
        PeerInput::Command(PeerCommand::SetPassword {
            user: "alice".into(),
            password: "pw-new".into(),
        }),
    );
    let refused = try_with(&mut r, 1.0, 3, "pw-a");
    let m = response(only(&refused).1);
    assert_eq!(m.status.as_u16(), 401, "re-challenged, not 403");
    assert!(!m
        .headers
        .get(&HeaderName::WwwAuthenticate)
        .unwrap()
        .as_str()
        .contains("stale=true"));
    assert!(events(&refused)
        .iter()
        .any(|e| matches!(e, PeerEvent::AuthFailed { user } if user == "alice")));
    assert_eq!(status_of(&try_with(&mut r, 2.0, 5, "pw-new")), 200);
    // The default answers a wrong password 403.
    let mut r = Registrar::new(&cfg(true), ctx("proxy")).unwrap();
    assert_eq!(status_of(&try_with(&mut r, 0.0, 1, "wrong")), 403);
}
