//! The engine registers with SIPp acting as a registrar (`tests/peers/sipp/
//! uas_register_auth.xml`: 401 MD5 qop=auth, `verifyauth`, 200 `Expires: 120`), over UDP
//! and TCP, then unregisters (a second SIPp call: 401, authorised, 200); a wrong password
//! gets SIPp's 403 and ends `failed` (forbidden). SIPp is started by each test on a free
//! port (`apt-get install sip-tester`; `.ci/run` installs it).

use std::time::Duration;
use switchboard_tests::engine_side::{account, engine, until_state};
use switchboard_tests::sipp::SippRegistrar;

const LIMIT: Duration = Duration::from_secs(10);

async fn register_then_unregister(transport: &str, seed: u64) {
    // Two SIPp calls: the registration and the unregistration (new call: the first one
    // has ended, SIPp's 1 s timewait included).
    let mut sipp = SippRegistrar::start(
        &format!("reg-{transport}"),
        transport,
        2,
        "alice",
        "alice-pw",
        30,
    );
    let (engine, mut events, _) = engine(transport, seed).await;
    let alice = engine
        .add_account(account("alice", "alice-pw", transport, sipp.port, 300))
        .await
        .unwrap();
    alice.register().await.unwrap();
    let seen = until_state(&mut events, "registered", LIMIT).await;
    let states: Vec<&str> = seen.iter().map(|r| r.state.as_str()).collect();
    assert_eq!(states, ["registering", "registered"], "{}", sipp.logs());
    assert_eq!(seen[1].expires, Some(120), "SIPp grants 120 s");
    assert!(alice.is_registered());

    // Let SIPp's first call leave its timewait, so the unregister is a new call.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    alice.unregister().await.unwrap();
    let seen = until_state(&mut events, "unregistered", LIMIT).await;
    let states: Vec<&str> = seen.iter().map(|r| r.state.as_str()).collect();
    assert_eq!(states, ["unregistering", "unregistered"], "{}", sipp.logs());
    assert!(!alice.is_registered());

    let outcome = sipp.wait(Duration::from_secs(10));
    assert_eq!(
        (outcome.code, outcome.ok, outcome.failed),
        (Some(0), Some(2), Some(0)),
        "SIPp: both calls (register, unregister) passed verifyauth; {}",
        sipp.logs()
    );
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_and_unregisters_with_sipp_over_udp() {
    register_then_unregister("udp", 21).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registers_and_unregisters_with_sipp_over_tcp() {
    register_then_unregister("tcp", 22).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_gets_sipps_403_and_fails() {
    let mut sipp = SippRegistrar::start("reg-wrong", "udp", 1, "alice", "alice-pw", 20);
    let (engine, mut events, _) = engine("udp", 23).await;
    let alice = engine
        .add_account(account("alice", "not-alice-pw", "udp", sipp.port, 300))
        .await
        .unwrap();
    alice.register().await.unwrap();
    let seen = until_state(&mut events, "failed", LIMIT).await;
    let failed = seen.last().unwrap();
    assert_eq!(
        (failed.reason.as_deref(), failed.status),
        (Some("forbidden"), Some(403)),
        "{seen:?}\n{}",
        sipp.logs()
    );
    assert!(!alice.is_registered());
    // SIPp counts the call as failed: verifyauth refused the credentials.
    let outcome = sipp.wait(Duration::from_secs(10));
    assert_eq!(
        (outcome.ok, outcome.failed),
        (Some(0), Some(1)),
        "{}",
        sipp.logs()
    );
    engine.shutdown().await.unwrap();
}
