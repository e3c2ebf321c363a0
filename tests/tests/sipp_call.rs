//! Calls between the engine and SIPp (started by each test on a free loopback port;
//! `apt-get install sip-tester`, `.ci/run` installs it):
//! - SIPp's built-in `uac` calls the engine directly 5 times; the test answers each
//!   `incoming` call; SIPp hangs up: 5 calls ok, 0 failed, 5 `ended` normal;
//! - `uac_register_invite.xml` registers alice at Kamailio and calls the engine's
//!   registered account bob through it (407 to SIPp's INVITE, record-routed ACK/BYE);
//! - 3 simultaneous calls from `uac_unanswered.xml` to an engine with call limit 2 that
//!   does not answer: exactly one 486 and one `missed` (`call_limit`) event for that
//!   call; the test rejects the two others (603), so SIPp finishes;
//! - the engine dials `uas_busy_486.xml`, `uas_decline_603.xml`, `uas_ring_480.xml`: 486 → `ended` busy 486, 603 →
//!   rejected 603, 180 then 480 → no_answer 480; SIPp checks the engine's ACK.

use std::collections::BTreeSet;
use std::time::Duration;
use switchboard::{DialOptions, Engine, EventStream};
use switchboard_tests::calls::{call_engine, fresh_seed, next_call, until_call, CallEvent};
use switchboard_tests::engine_side::{account, until_state};
use switchboard_tests::peers::{kamailio, KAMAILIO};
use switchboard_tests::sipp_run::{scenario, Scenario, Sipp, SippSpec};

const LIMIT: Duration = Duration::from_secs(10);

/// Answers every `incoming` call until `calls` calls have ended (within `limit`);
/// the `ended` events. Panics naming what was seen otherwise.
async fn answer_all(
    engine: &Engine,
    events: &mut EventStream,
    calls: usize,
    limit: Duration,
    sipp: &Sipp,
) -> Vec<CallEvent> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut seen = Vec::new();
    let mut ended = Vec::new();
    while ended.len() < calls {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let Some(e) = next_call(events, left).await else {
            panic!(
                "{} of {calls} calls ended within {limit:?}; saw {seen:?}\n{}",
                ended.len(),
                sipp.logs()
            );
        };
        match e.state.as_str() {
            "incoming" => engine.answer_call(&e.call_id).await.unwrap(),
            "ended" | "missed" => ended.push(e.clone()),
            _ => {}
        }
        seen.push(e);
    }
    ended
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sipp_uac_calls_the_engine_five_times() {
    let test = "sipp_uac_calls_the_engine_five_times";
    let (engine, mut events, addr) = call_engine(fresh_seed(test), None).await;
    let spec = SippSpec::new("uac-5", Scenario::Builtin("uac"), 5)
        .to(addr.to_string())
        .args(["-s", "bob", "-d", "500"]);
    let spec = SippSpec { rate: 5, ..spec };
    let sipp = Sipp::start(spec);
    let ended = answer_all(&engine, &mut events, 5, Duration::from_secs(20), &sipp).await;
    let ids: BTreeSet<&str> = ended.iter().map(|e| e.call_id.as_str()).collect();
    assert_eq!(ids.len(), 5, "{ended:?}");
    assert!(
        ended
            .iter()
            .all(|e| e.state == "ended" && e.reason.as_deref() == Some("normal")),
        "SIPp hung up each call: {ended:?}\n{}",
        sipp.logs()
    );
    let (outcome, sipp) = sipp.finish(LIMIT).await;
    assert_eq!(
        (outcome.code, outcome.ok, outcome.failed),
        (Some(0), Some(5), Some(0)),
        "{}",
        sipp.logs()
    );
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sipp_calls_the_engine_through_kamailio() {
    let test = "sipp_calls_the_engine_through_kamailio";
    let Some(kam) = kamailio(test) else {
        return;
    };
    let (engine, mut events, addr) = call_engine(fresh_seed(test), None).await;
    let bob = engine
        .add_account(account("bob", "bob-pw", "udp", 5070, 60))
        .await
        .unwrap();
    bob.register().await.unwrap();
    until_state(&mut events, "registered", LIMIT).await;
    assert!(kam.binding_at("bob", addr.port()).is_some());

    let spec = SippSpec::new(
        "reg-invite",
        Scenario::File(scenario("uac_register_invite.xml")),
        1,
    )
    .to(KAMAILIO)
    .args([
        "-key",
        "from_user",
        "alice",
        "-key",
        "sip_domain",
        "127.0.0.1",
    ])
    .args(["-s", "bob", "-au", "alice", "-ap", "alice-pw", "-d", "1000"]);
    let sipp = Sipp::start(spec);
    let seen = until_call(&mut events, None, "incoming", LIMIT).await;
    let incoming = seen.last().unwrap().clone();
    assert!(incoming.remote.contains("alice"), "{incoming:?}");
    engine.answer_call(&incoming.call_id).await.unwrap();
    let seen = until_call(&mut events, Some(&incoming.call_id), "ended", LIMIT).await;
    assert!(
        seen.iter().any(|e| e.state == "confirmed"),
        "{seen:?}\n{}",
        sipp.logs()
    );
    assert_eq!(
        seen.last().unwrap().reason.as_deref(),
        Some("normal"),
        "SIPp's BYE through Kamailio: {seen:?}"
    );
    let (outcome, sipp) = sipp.finish(LIMIT).await;
    assert_eq!(
        (outcome.code, outcome.ok, outcome.failed),
        (Some(0), Some(1), Some(0)),
        "{}",
        sipp.logs()
    );
    bob.unregister().await.unwrap();
    until_state(&mut events, "unregistered", LIMIT).await;
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_third_call_over_the_limit_gets_486() {
    let test = "a_third_call_over_the_limit_gets_486";
    let (engine, mut events, addr) = call_engine(fresh_seed(test), Some(2)).await;
    let spec = SippSpec::new("limit", Scenario::File(scenario("uac_unanswered.xml")), 3)
        .to(addr.to_string())
        .args(["-s", "bob"]);
    let sipp = Sipp::start(SippSpec {
        limit: 3,
        rate: 100,
        ..spec
    });

    // All three arrive within a few ms: two ring, one is refused.
    let mut ringing = BTreeSet::new();
    let mut missed = Vec::new();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + LIMIT;
    while ringing.len() + missed.len() < 3 {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let Some(e) = next_call(&mut events, left).await else {
            panic!(
                "3 calls not seen within {LIMIT:?}: {seen:?}\n{}",
                sipp.logs()
            );
        };
        match e.state.as_str() {
            "incoming" => {
                ringing.insert(e.call_id.clone());
            }
            "missed" => {
                ringing.remove(&e.call_id);
                missed.push(e.clone());
            }
            _ => {}
        }
        seen.push(e);
    }
    // Nothing more happens to the two ringing calls meanwhile.
    while let Some(e) = next_call(&mut events, Duration::from_millis(500)).await {
        if e.state == "missed" {
            ringing.remove(&e.call_id);
            missed.push(e.clone());
        }
        seen.push(e);
    }
    assert_eq!(
        missed.len(),
        1,
        "one call refused: {seen:?}\n{}",
        sipp.logs()
    );
    assert_eq!(missed[0].reason.as_deref(), Some("call_limit"), "{seen:?}");
    assert!(matches!(missed[0].status, None | Some(486)), "{seen:?}");
    assert_eq!(ringing.len(), 2, "{seen:?}");
    for id in &ringing {
        engine.reject_call(id, 603).await.unwrap();
    }
    let mut rejected = BTreeSet::new();
    while rejected != ringing {
        let Some(e) = next_call(&mut events, LIMIT).await else {
            panic!("rejected {rejected:?} of {ringing:?}; saw {seen:?}");
        };
        if e.state == "rejected" {
            assert_eq!(e.status, Some(603), "{e:?}");
            rejected.insert(e.call_id.clone());
        }
        seen.push(e);
    }

    let (outcome, sipp) = sipp.finish(LIMIT).await;
    let log = sipp.action_log();
    let busy: Vec<&String> = log.iter().filter(|l| l.starts_with("final 486 ")).collect();
    let declined = log.iter().filter(|l| l.starts_with("final 603 ")).count();
    assert_eq!(
        (busy.len(), declined),
        (1, 2),
        "SIPp's finals: {log:?}\n{}",
        sipp.logs()
    );
    assert_eq!(
        busy[0].strip_prefix("final 486 "),
        Some(missed[0].call_id.as_str()),
        "the 486 went to the missed call"
    );
    assert_eq!(
        (outcome.ok, outcome.failed),
        (Some(3), Some(0)),
        "SIPp got its ACKed finals: {}",
        sipp.logs()
    );
    engine.shutdown().await.unwrap();
}

/// The engine dials SIPp playing `file` (a UAS that rings `ring_ms`, then refuses the
/// call); the call's events, the last being `ended`.
async fn dial_rejecting_uas(test: &str, file: &str, ring_ms: u32) -> Vec<CallEvent> {
    let spec =
        SippSpec::new(file, Scenario::File(scenario(file)), 1).args(["-d", &ring_ms.to_string()]);
    let sipp = Sipp::start(spec);
    let (engine, mut events, _) = call_engine(fresh_seed(test), None).await;
    let alice = engine
        .add_account(account("alice", "alice-pw", "udp", sipp.port, 60))
        .await
        .unwrap();
    let target = format!("sip:bob@{}", sipp.addr());
    let call = engine
        .dial(&alice, &target, DialOptions::new())
        .await
        .unwrap();
    let seen = until_call(&mut events, Some(call.id()), "ended", LIMIT).await;
    assert!(
        seen.iter()
            .any(|e| e.state == "ringing" && e.status == Some(180)),
        "{seen:?}"
    );
    let (outcome, sipp) = sipp.finish(LIMIT).await;
    assert_eq!(
        (outcome.code, outcome.ok, outcome.failed),
        (Some(0), Some(1), Some(0)),
        "SIPp got the engine's ACK for its final: {}",
        sipp.logs()
    );
    engine.shutdown().await.unwrap();
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_486_ends_the_call_busy() {
    let seen = dial_rejecting_uas("a_486_ends_the_call_busy", "uas_busy_486.xml", 0).await;
    let ended = seen.last().unwrap();
    assert_eq!(
        (ended.reason.as_deref(), ended.status),
        (Some("busy"), Some(486)),
        "{seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_603_ends_the_call_rejected() {
    let seen = dial_rejecting_uas("a_603_ends_the_call_rejected", "uas_decline_603.xml", 0).await;
    let ended = seen.last().unwrap();
    assert_eq!(
        (ended.reason.as_deref(), ended.status),
        (Some("rejected"), Some(603)),
        "{seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ringing_then_480_ends_the_call_unanswered() {
    let test = "ringing_then_480_ends_the_call_unanswered";
    let seen = dial_rejecting_uas(test, "uas_ring_480.xml", 1000).await;
    let ended = seen.last().unwrap();
    assert_eq!(
        (ended.reason.as_deref(), ended.status),
        (Some("no_answer"), Some(480)),
        "{seen:?}"
    );
}
