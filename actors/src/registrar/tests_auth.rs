//! Digest authentication flows: MD5 and SHA-256, 401 and 407, stale nonces, wrong or
//! missing passwords, credentials that stop working on a refresh.

use super::testkit::{cfg, drain, feed, machine, one, resp, secs, t0, Server};
use super::{FailureReason, Input, RegState, RegistrationEvent as Ev};
use crate::sip::auth::{Algorithm, DigestCredentials, Password};
use crate::sip::HeaderName;

const CREDS_FAILED: Ev = Ev::Failed {
    reason: FailureReason::Credentials,
    status: Some(401),
    retry_in: None,
};

#[test]
fn md5_challenge_answered_then_registered_with_refresh_in_window() {
    let (mut m, mut srv, t) = (machine(cfg()), Server::new(Algorithm::Md5), t0());
    m.handle(t, Input::Register);
    let r1 = one(&drain(&mut m).0);
    feed(&mut m, t, srv.challenge(t, &r1, 401, false));
    let (reqs, evs) = drain(&mut m);
    assert!(evs.is_empty(), "{evs:?}");
    let r2 = one(&reqs);
    assert_eq!(r2.cseq().unwrap().seq, 2);
    assert!(srv.verify(t, &r2, HeaderName::Authorization));
    feed(&mut m, t, resp(&r2, 200));
    assert_eq!(drain(&mut m).1, [Ev::Registered { expires: 3600 }]);
    let due = m.poll_timeout().unwrap();
    assert!(
        due >= secs(t, 1620) && due <= secs(t, 1800),
        "{:?}",
        due - t
    );
    // The refresh carries pre-emptive credentials on the same nonce, next count.
    m.handle(due, Input::Timer);
    let r3 = one(&drain(&mut m).0);
    let v = r3.headers.get(&HeaderName::Authorization).unwrap();
    assert_eq!(DigestCredentials::parse(v.as_str()).unwrap().nc, Some(2));
    assert!(srv.verify(due, &r3, HeaderName::Authorization));
}

#[test]
fn sha256_proxy_challenge() {
    let (mut m, mut srv, t) = (machine(cfg()), Server::new(Algorithm::Sha256), t0());
    m.handle(t, Input::Register);
    let r1 = one(&drain(&mut m).0);
    feed(&mut m, t, srv.challenge(t, &r1, 407, false));
    let r2 = one(&drain(&mut m).0);
    assert!(r2.headers.get(&HeaderName::Authorization).is_none());
    let v = r2.headers.get(&HeaderName::ProxyAuthorization).unwrap();
    let creds = DigestCredentials::parse(v.as_str()).unwrap();
    assert_eq!(creds.algorithm, Some(Algorithm::Sha256));
    assert!(srv.verify(t, &r2, HeaderName::ProxyAuthorization));
    feed(&mut m, t, resp(&r2, 200));
    assert_eq!(drain(&mut m).1, [Ev::Registered { expires: 3600 }]);
}

#[test]
fn stale_nonce_retried_without_the_user() {
    let (mut m, mut srv, t) = (machine(cfg()), Server::new(Algorithm::Md5), t0());
    m.handle(t, Input::Register);
    let r1 = one(&drain(&mut m).0);
    feed(&mut m, t, srv.challenge(t, &r1, 401, false));
    let r2 = one(&drain(&mut m).0);
    feed(&mut m, t, srv.challenge(t, &r2, 401, true));
    let (reqs, evs) = drain(&mut m);
    assert!(evs.is_empty(), "{evs:?}");
    let r3 = one(&reqs);
    assert!(srv.verify(t, &r3, HeaderName::Authorization));
    feed(&mut m, t, resp(&r3, 200));
    assert_eq!(drain(&mut m).1, [Ev::Registered { expires: 3600 }]);
}

#[test]
fn wrong_password_fails_with_credentials() {
    let mut c = cfg();
    c.password = Some(Password::new("wrong"));
    let (mut m, mut srv, t) = (machine(c), Server::new(Algorithm::Md5), t0());
    m.handle(t, Input::Register);
    let r1 = one(&drain(&mut m).0);
    feed(&mut m, t, srv.challenge(t, &r1, 401, false));
    let r2 = one(&drain(&mut m).0);
    assert!(!srv.verify(t, &r2, HeaderName::Authorization));
    feed(&mut m, t, srv.challenge(t, &r2, 401, false));
    let (reqs, evs) = drain(&mut m);
    assert!(reqs.is_empty());
    assert_eq!(evs, [CREDS_FAILED]);
    assert_eq!(m.poll_timeout(), None, "no automatic retry");
    // Fixed credentials, then Register: it works.
    let password = Some(Password::new("alice-pw"));
    let auth_username = "alice".to_owned();
    m.handle(
        t,
        Input::SetCredentials {
            auth_username,
            password,
        },
    );
    m.handle(t, Input::Register);
    let r3 = one(&drain(&mut m).0);
    assert!(r3.headers.get(&HeaderName::Authorization).is_none());
    feed(&mut m, t, srv.challenge(t, &r3, 401, false));
    let r4 = one(&drain(&mut m).0);
    assert!(srv.verify(t, &r4, HeaderName::Authorization));
}

#[test]
fn no_password_fails_with_credentials() {
    let mut c = cfg();
    c.password = None;
    let (mut m, mut srv, t) = (machine(c), Server::new(Algorithm::Md5), t0());
    m.handle(t, Input::Register);
    let r1 = one(&drain(&mut m).0);
    feed(&mut m, t, srv.challenge(t, &r1, 401, false));
    assert_eq!(drain(&mut m), (vec![], vec![CREDS_FAILED]));
}

#[test]
fn refresh_refused_twice_is_auth_expired() {
    let (mut m, mut srv, t) = (machine(cfg()), Server::new(Algorithm::Md5), t0());
    m.handle(t, Input::Register);
    let r1 = one(&drain(&mut m).0);
    feed(&mut m, t, srv.challenge(t, &r1, 401, false));
    let r2 = one(&drain(&mut m).0);
    feed(&mut m, t, resp(&r2, 200));
    drain(&mut m);
    let due = m.poll_timeout().unwrap();
    m.handle(due, Input::Timer);
    let r3 = one(&drain(&mut m).0);
    // The server changed the password: every answer draws a fresh challenge.
    feed(&mut m, due, srv.challenge(due, &r3, 401, false));
    let r4 = one(&drain(&mut m).0);
    feed(&mut m, due, srv.challenge(due, &r4, 401, false));
    let (reqs, evs) = drain(&mut m);
    assert!(reqs.is_empty());
    assert_eq!(evs, [CREDS_FAILED, Ev::AuthExpired]);
    assert!(matches!(
        m.state(),
        RegState::Failed {
            reason: FailureReason::Credentials,
            ..
        }
    ));
}
