//! The engine against the real Kamailio (`tests/peers/up.sh`: registrar on udp+tcp
//! 127.0.0.1:5070, digest auth, users alice/bob/carol/dave with password `<user>-pw`,
//! `min_expires` 10): register, refresh, unregister over UDP and TCP, checking Kamailio's
//! location table with `kamcmd ul.lookup`; a wrong password ends `failed` (credentials)
//! and new credentials then register.
//!
//! Kamailio is started once, outside the tests (`.ci/run` does, with
//! `SWITCHBOARD_PEERS=1`). Without it a test prints `SKIPPED …` and passes unless
//! `SWITCHBOARD_PEERS=1` (see `switchboard_tests::peers`). Each test uses its own user
//! and checks only the binding at its own local port, so tests may run in parallel.

use std::time::Duration;
use switchboard_actors::sip::auth::Password;
use switchboard_tests::engine_side::{account, engine, until_state};
use switchboard_tests::peers::{kamailio, Kamailio};

const LIMIT: Duration = Duration::from_secs(10);

/// Registers `user` over `transport` with `expires` 60 (the engine's minimum) and a
/// refresh at 10 % (≈ 6 s), sees Kamailio accept a refresh, then unregisters.
async fn register_refresh_unregister(kam: Kamailio, user: &str, transport: &str, seed: u64) {
    let (engine, mut events, local) = engine(transport, seed).await;
    let mut cfg = account(user, &format!("{user}-pw"), transport, 5070, 60);
    cfg.refresh_fraction = Some(0.1);
    let acct = engine.add_account(cfg).await.unwrap();
    acct.register().await.unwrap();
    let seen = until_state(&mut events, "registered", LIMIT).await;
    assert_eq!(seen[0].state, "registering", "{seen:?}");
    assert_eq!(
        seen.last().unwrap().expires,
        Some(60),
        "Kamailio grants 60 s"
    );
    assert!(acct.is_registered());

    let port = local.port();
    let first = kam.binding_at(user, port).unwrap_or_else(|| {
        panic!(
            "no binding for {user} at port {port}: {:?}",
            kam.bindings(user)
        )
    });
    if transport == "tcp" {
        assert!(first.address.contains("transport=tcp"), "{first:?}");
    }

    // The refresh: a second accepted REGISTER on the same Call-ID, higher CSeq.
    let seen = until_state(&mut events, "registered", Duration::from_secs(15)).await;
    assert!(
        seen.iter()
            .all(|r| r.state == "registered" || r.state == "registering"),
        "{seen:?}"
    );
    let (refreshed, ok) = kam.wait_binding(user, port, Duration::from_secs(2), |b| {
        b.is_some_and(|b| b.cseq > first.cseq)
    });
    assert!(
        ok,
        "refresh not seen by Kamailio: before {first:?}, now {refreshed:?}"
    );
    let refreshed = refreshed.unwrap();
    assert_eq!(
        refreshed.call_id, first.call_id,
        "a refresh keeps the Call-ID"
    );

    acct.unregister().await.unwrap();
    let seen = until_state(&mut events, "unregistered", LIMIT).await;
    assert_eq!(seen[0].state, "unregistering", "{seen:?}");
    assert!(!acct.is_registered());
    let (left, gone) = kam.wait_binding(user, port, Duration::from_secs(2), |b| b.is_none());
    assert!(gone, "unregister left the binding: {left:?}");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_register_refresh_unregister_at_kamailio() {
    let Some(kam) = kamailio("udp_register_refresh_unregister_at_kamailio") else {
        return;
    };
    register_refresh_unregister(kam, "alice", "udp", 31).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_register_refresh_unregister_at_kamailio() {
    let Some(kam) = kamailio("tcp_register_refresh_unregister_at_kamailio") else {
        return;
    };
    register_refresh_unregister(kam, "bob", "tcp", 32).await;
}

/// A wrong password: Kamailio challenges again, the engine ends `failed` (credentials,
/// 401) without retrying on its own and without a binding; new credentials register.
async fn wrong_password_then_right(kam: Kamailio, user: &str, transport: &str, seed: u64) {
    let (engine, mut events, local) = engine(transport, seed).await;
    let cfg = account(user, "not-the-password", transport, 5070, 60);
    let acct = engine.add_account(cfg).await.unwrap();
    acct.register().await.unwrap();
    let seen = until_state(&mut events, "failed", LIMIT).await;
    let failed = seen.last().unwrap();
    assert_eq!(
        (failed.reason.as_deref(), failed.status, failed.retry_in_ms),
        (Some("credentials"), Some(401), None),
        "{seen:?}"
    );
    assert!(!acct.is_registered());
    assert_eq!(kam.binding_at(user, local.port()), None);

    acct.set_credentials(user, Password::new(format!("{user}-pw")))
        .await
        .unwrap();
    acct.register().await.unwrap();
    until_state(&mut events, "registered", LIMIT).await;
    assert!(kam.binding_at(user, local.port()).is_some());
    acct.unregister().await.unwrap();
    until_state(&mut events, "unregistered", LIMIT).await;
    let (left, gone) =
        kam.wait_binding(user, local.port(), Duration::from_secs(2), |b| b.is_none());
    assert!(gone, "unregister left the binding: {left:?}");
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_fails_with_credentials_over_udp() {
    let Some(kam) = kamailio("a_wrong_password_fails_with_credentials_over_udp") else {
        return;
    };
    wrong_password_then_right(kam, "carol", "udp", 33).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_fails_with_credentials_over_tcp() {
    let Some(kam) = kamailio("a_wrong_password_fails_with_credentials_over_tcp") else {
        return;
    };
    wrong_password_then_right(kam, "dave", "tcp", 34).await;
}
