//! Tests of the client's decisions: nonce counts, qop choice, stale handling, userhash.

use super::compute;
use super::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn rng() -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(7)
}

#[test]
fn stale_loops_are_cut_and_silent_nonce_changes_answered_once() {
    let mut r = rng();
    let mut client = DigestClient::new("u", Password::new("p"));
    let first = DigestChallenge::new("r", "n0");
    let mut sent = client.respond(&first, "REGISTER", "sip:r", b"", &mut r);
    for i in 1..=MAX_STALE_RETRIES {
        let stale = DigestChallenge {
            stale: true,
            ..DigestChallenge::new("r", format!("n{i}"))
        };
        assert_eq!(
            client.should_retry(&stale, Some(&sent)),
            RetryDecision::RetryStale
        );
        sent = client.respond(&stale, "REGISTER", "sip:r", b"", &mut r);
    }
    let stale = DigestChallenge {
        stale: true,
        ..DigestChallenge::new("r", "nx")
    };
    assert_eq!(
        client.should_retry(&stale, Some(&sent)),
        RetryDecision::TooManyStale
    );
    client.accepted();
    assert_eq!(
        client.should_retry(&stale, Some(&sent)),
        RetryDecision::RetryStale
    );

    // A pre-emptive answer with a reused nonce meets a fresh, non-stale challenge.
    let c = DigestChallenge {
        qop: vec![Qop::Auth],
        ..DigestChallenge::new("r", "a")
    };
    client.respond(&c, "REGISTER", "sip:r", b"", &mut r);
    let reused = client.authorize("REGISTER", "sip:r", b"", &mut r).unwrap();
    assert_eq!(reused.nc, Some(2));
    let fresh = DigestChallenge {
        qop: vec![Qop::Auth],
        ..DigestChallenge::new("r", "b")
    };
    assert_eq!(
        client.should_retry(&fresh, Some(&reused)),
        RetryDecision::Respond
    );
    let answered = client.respond(&fresh, "REGISTER", "sip:r", b"", &mut r);
    let fresher = DigestChallenge {
        qop: vec![Qop::Auth],
        ..DigestChallenge::new("r", "c")
    };
    assert_eq!(
        client.should_retry(&fresher, Some(&answered)),
        RetryDecision::CredentialsRejected
    );
    // Credentials for another realm do not count as an answer to this one.
    let other = DigestChallenge::new("proxy", "z");
    assert_eq!(
        client.should_retry(&other, Some(&answered)),
        RetryDecision::Respond
    );
}

#[test]
fn nonce_count_is_hex_and_per_nonce() {
    let mut r = rng();
    let mut client = DigestClient::new("u", Password::new("p"));
    let c = DigestChallenge {
        qop: vec![Qop::Auth],
        ..DigestChallenge::new("r", "n")
    };
    let mut last = client.respond(&c, "OPTIONS", "sip:r", b"", &mut r);
    for _ in 2..=255 {
        last = client.authorize("OPTIONS", "sip:r", b"", &mut r).unwrap();
        if last.nc == Some(10) {
            assert!(last.to_string().contains(", nc=0000000a"), "{last}");
        }
    }
    assert!(last.to_string().contains(", nc=000000ff"), "{last}");
    assert!(last.to_string().contains(", qop=auth, "), "{last}");
    let d = DigestChallenge {
        qop: vec![Qop::Auth],
        ..DigestChallenge::new("r", "m")
    };
    assert_eq!(
        client.respond(&d, "OPTIONS", "sip:r", b"", &mut r).nc,
        Some(1)
    );
    // Going back to an older nonce continues its count.
    assert_eq!(
        client.respond(&c, "OPTIONS", "sip:r", b"", &mut r).nc,
        Some(256)
    );
}

#[test]
fn qop_choice_and_sess_cnonce() {
    let mut r = rng();
    let both = DigestChallenge {
        qop: vec![Qop::AuthInt, Qop::Auth],
        algorithm: Some(Algorithm::Md5Sess),
        ..DigestChallenge::new("r", "n")
    };
    let mut c = DigestClient::new("u", Password::new("p"));
    let a = c.respond(&both, "INVITE", "sip:r", b"", &mut r);
    assert_eq!(a.qop, Some(Qop::Auth));
    let b = c.authorize("INVITE", "sip:r", b"", &mut r).unwrap();
    assert_eq!(
        a.cnonce, b.cnonce,
        "-sess keeps the cnonce HA1 was built with"
    );
    let mut c = c.with_qop_preference(QopPreference::AuthInt);
    assert_eq!(
        c.respond(&both, "INVITE", "sip:r", b"", &mut r).qop,
        Some(Qop::AuthInt)
    );
    let only_int = DigestChallenge {
        qop: vec![Qop::AuthInt],
        ..DigestChallenge::new("r", "x")
    };
    let mut c = DigestClient::new("u", Password::new("p"));
    let creds = c.respond(&only_int, "INVITE", "sip:r", b"", &mut r);
    assert_eq!(creds.qop, Some(Qop::AuthInt));
    let plain = c.respond(
        &DigestChallenge::new("r", "y"),
        "INVITE",
        "sip:r",
        b"",
        &mut r,
    );
    assert_eq!((plain.qop, plain.nc, plain.cnonce), (None, None, None));
    assert!(
        !format!("{c:?}").contains("\"p\""),
        "password must not leak into Debug"
    );
}

#[test]
fn userhash_when_offered_and_enabled() {
    let mut r = rng();
    let ch = DigestChallenge {
        userhash: true,
        algorithm: Some(Algorithm::Sha256),
        ..DigestChallenge::new("r", "n")
    };
    let mut c = DigestClient::new("Mufasa", Password::new("p")).with_userhash(true);
    let creds = c.respond(&ch, "REGISTER", "sip:r", b"", &mut r);
    assert!(creds.userhash);
    assert_eq!(
        creds.username,
        compute::userhash(Algorithm::Sha256, "Mufasa", "r")
    );
    assert!(creds.to_string().ends_with(", userhash=true"));
}
