//! Cross-module tests: RFC vectors, client ↔ server round trips, real-world headers,
//! and property tests over the parsers.

use super::compute::{self, DigestInput};
use super::*;
use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::{Duration, Instant};

const RFC7616_NONCE: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
const RFC7616_CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

fn rng() -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(7)
}

fn rfc_input<'a>(alg: Algorithm, realm: &'a str, pw: &'a Password) -> DigestInput<'a> {
    DigestInput {
        algorithm: alg,
        username: "Mufasa",
        realm,
        password: pw,
        nonce: RFC7616_NONCE,
        cnonce: Some(RFC7616_CNONCE),
        nc: 1,
        qop: Some(Qop::Auth),
        method: "GET",
        uri: "/dir/index.html",
        body: b"",
    }
}

#[test]
fn rfc2617_section_3_5_example() {
    let pw = Password::new("Circle Of Life");
    let input = DigestInput {
        realm: "testrealm@host.com",
        nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
        cnonce: Some("0a4f113b"),
        ..rfc_input(Algorithm::Md5, "", &pw)
    };
    assert_eq!(
        compute::response(&input),
        "6629fae49393a05397450978507c4ef1"
    );
    // And through the header: parse the RFC's Authorization value and verify it.
    let creds = DigestCredentials::parse(
        "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", \
         nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, \
         nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", \
         opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
    )
    .unwrap();
    assert_eq!(creds.nc, Some(1));
    assert_eq!(creds.response, compute::response(&input));
}

#[test]
fn rfc7616_section_3_9_1_examples() {
    let pw = Password::new("Circle of Life");
    let realm = "http-auth@example.org";
    assert_eq!(
        compute::response(&rfc_input(Algorithm::Md5, realm, &pw)),
        "8ca523f5e9506fed4657c9700eebdbec"
    );
    assert_eq!(
        compute::response(&rfc_input(Algorithm::Sha256, realm, &pw)),
        "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
    );
    let c = DigestChallenge::parse(
        "Digest\n realm=\"http-auth@example.org\",\n qop=\"auth, auth-int\",\n \
         algorithm=SHA-256,\n nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\n \
         opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
    )
    .unwrap();
    assert_eq!(c.qop, [Qop::Auth, Qop::AuthInt]);
    assert_eq!(c.algorithm, Some(Algorithm::Sha256));
    assert_eq!(c.nonce, RFC7616_NONCE);
}

fn sip_round_trip(alg: Algorithm, qop: Option<Qop>, pref: QopPreference) {
    let t0 = Instant::now(); // clock-ok: test code
    let mut srng = ChaCha8Rng::seed_from_u64(1);
    let mut crng = ChaCha8Rng::seed_from_u64(2);
    let mut server = DigestServer::new("biloxi.com")
        .with_algorithms(vec![alg])
        .with_qop(qop.map_or(vec![], |_| vec![Qop::Auth, Qop::AuthInt]))
        .with_opaque(Some("op\"aque".into()));
    let lookup = |u: &str| (u == "bob").then(|| Password::new("zanzibar"));
    let challenge = server.challenge(t0, false, &mut srng);
    // Over the wire and back.
    let challenge = DigestChallenge::parse(&challenge.to_string()).unwrap();
    let mut client = DigestClient::new("bob", Password::new("zanzibar")).with_qop_preference(pref);
    let body = b"v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\n";
    let uri = "sip:bob@biloxi.com";
    assert_eq!(
        client.should_retry(&challenge, None),
        RetryDecision::Respond
    );
    let creds = client.respond(&challenge, "INVITE", uri, body, &mut crng);
    assert_eq!(creds.qop, qop, "{alg} {pref:?}");
    assert_eq!(creds.response.len(), alg.hex_len());
    let wire = DigestCredentials::parse(&creds.to_string()).unwrap();
    assert_eq!(wire, creds);
    let t1 = t0 + Duration::from_secs(1);
    server.verify(t1, &wire, "INVITE", body, lookup).unwrap();
    // Replaying the same request is refused.
    if qop.is_some() {
        assert_eq!(
            server.verify(t1, &wire, "INVITE", body, lookup),
            Err(VerifyError::Replay)
        );
    }
    // The next request reuses the nonce with nc=2.
    let next = client.authorize("REGISTER", uri, b"", &mut crng).unwrap();
    assert_eq!(next.nc, qop.map(|_| 2));
    server.verify(t1, &next, "REGISTER", b"", lookup).unwrap();
    // auth-int covers the body; auth and RFC 2069 do not.
    let tampered = server.verify(
        t1,
        &client.authorize("INVITE", uri, body, &mut crng).unwrap(),
        "INVITE",
        b"x",
        lookup,
    );
    assert_eq!(
        tampered.is_err(),
        qop == Some(Qop::AuthInt),
        "{alg} {qop:?}"
    );
}

#[test]
fn client_and_server_agree_for_every_algorithm_and_qop() {
    for alg in Algorithm::ALL {
        sip_round_trip(alg, Some(Qop::Auth), QopPreference::Auth);
        sip_round_trip(alg, Some(Qop::AuthInt), QopPreference::AuthInt);
        sip_round_trip(alg, None, QopPreference::Auth);
    }
}

#[test]
fn wrong_password_and_stale_nonce() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut r = rng();
    let mut server = DigestServer::new("asterisk").with_nonce_lifetime(Duration::from_secs(30));
    let lookup = |_: &str| Some(Password::new("right"));
    let c = server.challenge(t0, false, &mut r);
    let mut bad = DigestClient::new("alice", Password::new("wrong"));
    let creds = bad.respond(&c, "REGISTER", "sip:asterisk", b"", &mut r);
    assert_eq!(
        server.verify(t0, &creds, "REGISTER", b"", lookup),
        Err(VerifyError::BadResponse)
    );
    let again = server.challenge(t0, false, &mut r);
    assert_eq!(
        bad.should_retry(&again, Some(&creds)),
        RetryDecision::CredentialsRejected
    );

    let mut good = DigestClient::new("alice", Password::new("right"));
    let creds = good.respond(&c, "REGISTER", "sip:asterisk", b"", &mut r);
    let late = t0 + Duration::from_secs(31);
    let err = server
        .verify(late, &creds, "REGISTER", b"", lookup)
        .unwrap_err();
    assert!(err.is_stale());
    let stale = server.challenge(late, true, &mut r);
    assert!(stale.is_stale());
    assert_eq!(
        good.should_retry(&stale, Some(&creds)),
        RetryDecision::RetryStale
    );
    let retry = good.respond(&stale, "REGISTER", "sip:asterisk", b"", &mut r);
    assert_eq!(retry.nc, Some(1), "a new nonce restarts the count");
    server
        .verify(late, &retry, "REGISTER", b"", lookup)
        .unwrap();
    // An unknown nonce with a right digest is also stale (e.g. after a server restart).
    let mut fresh = DigestServer::new("asterisk");
    assert_eq!(
        fresh.verify(late, &retry, "REGISTER", b"", lookup),
        Err(VerifyError::Stale)
    );
}

proptest! {
    #[test]
    fn parsers_never_panic(s in ".{0,200}") {
        let _ = DigestChallenge::parse(&s);
        let _ = DigestCredentials::parse(&s);
    }

    #[test]
    fn digest_shaped_junk_never_panics(s in "Digest[ a-z=\",\\\\\t]{0,80}") {
        let _ = DigestChallenge::parse(&s);
        let _ = DigestCredentials::parse(&s);
    }

    #[test]
    fn challenges_round_trip(realm in "[ -~]{0,30}", nonce in "[!-~]{1,30}", stale: bool,
                             opaque in proptest::option::of("[ -~]{0,20}")) {
        let c = DigestChallenge { stale, opaque, qop: vec![Qop::Auth], ..DigestChallenge::new(realm, nonce) };
        prop_assert_eq!(DigestChallenge::parse(&c.to_string()).unwrap(), c);
    }
}
