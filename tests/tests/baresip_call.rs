//! Calls between the engine and a real baresip (`tests/peers/up.sh`: user carol,
//! registered at Kamailio 127.0.0.1:5070, auto-answer, SIP 127.0.0.1:5090, control
//! 127.0.0.1:4444, sine-wave audio in PCMU/PCMA/opus):
//! - the engine (alice, registered at Kamailio, which challenges the INVITE with 407)
//!   calls carol through Kamailio: confirmed, RTP both ways, hold/resume re-INVITEs,
//!   DTMF INFO "123" (baresip answers each 200), hangup → `ended` normal;
//! - the same call straight to baresip at 127.0.0.1:5090, without a registrar;
//! - baresip dials the engine's registered account (dave) through Kamailio, the engine
//!   answers, RTP flows, baresip hangs up → `ended` normal.
//!
//! What baresip answered is read from its SIP trace (`baresip -s`, its log). The peers
//! are started once, outside the tests (`.ci/run`, with `SWITCHBOARD_PEERS=1`); without
//! them each test prints `SKIPPED …` and passes unless `SWITCHBOARD_PEERS=1`. baresip
//! is one shared UA, so the tests take turns (one lock).

use std::time::Duration;
use switchboard::{Account, DialOptions, Engine, EventStream};
use switchboard_tests::baresip::{baresip, Baresip, BARESIP};
use switchboard_tests::calls::{fresh_seed, rtp_both_ways, until_call, until_call_alive};
use switchboard_tests::engine_side::{account, until_state};
use switchboard_tests::peers::{kamailio, KAMAILIO};

const LIMIT: Duration = Duration::from_secs(10);

/// An engine on 127.0.0.1 sending DTMF as SIP INFO (`[media] dtmf = "info"`): these
/// tests check INFO with baresip; RFC 4733 digits are `baresip_media`'s.
async fn info_engine(seed: u64) -> (Engine, EventStream, std::net::SocketAddr) {
    let mut cfg = switchboard::EngineConfig::builder()
        .seed(seed)
        .listen(
            switchboard::TransportKind::Udp,
            "127.0.0.1:0".parse().unwrap(),
        )
        .build()
        .expect("engine config");
    cfg.media.dtmf = switchboard::DtmfMode::Info;
    switchboard_tests::calls::start_engine(cfg).await
}

/// An engine account `user` registered at Kamailio.
async fn registered(engine: &Engine, events: &mut EventStream, user: &str) -> Account {
    let acct = engine
        .add_account(account(user, &format!("{user}-pw"), "udp", 5070, 60))
        .await
        .unwrap();
    acct.register().await.unwrap();
    until_state(events, "registered", LIMIT).await;
    acct
}

/// The engine dials `target` (baresip answers by itself), then the whole call: RTP
/// both ways, hold, resume, DTMF "123", hangup; checks each step's event and what
/// baresip answered (its trace), and that every request baresip got came from `hop`
/// (Kamailio when it record-routed the call, else the engine's listener).
async fn full_call(
    bs: &Baresip,
    engine: &Engine,
    events: &mut EventStream,
    acct: &Account,
    target: &str,
    hop: &str,
) {
    let offset = bs.log_len();
    let call = engine.dial(acct, target, DialOptions::new()).await.unwrap();
    let call_id = call.id().to_owned();
    let seen = until_call_alive(events, &call_id, "confirmed", LIMIT).await;
    // `connecting` when the INVITE goes; `calling` comes with a 100 (Kamailio sends one;
    // baresip answers 180 at once).
    assert!(
        seen.iter().all(|e| e.direction == "outgoing"
            && matches!(
                e.state.as_str(),
                "connecting" | "calling" | "ringing" | "confirmed"
            )),
        "{seen:?}"
    );

    // RTP both ways, and still flowing a second later.
    let first = rtp_both_ways(engine, &call_id, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let later = rtp_both_ways(engine, &call_id, Duration::from_secs(1)).await;
    assert!(
        later.stats.packets_received > first.stats.packets_received
            && later.stats.packets_sent > first.stats.packets_sent,
        "RTP stopped: {first:?} then {later:?}"
    );

    engine.hold_call(&call_id).await.unwrap();
    until_call_alive(events, &call_id, "held", LIMIT).await;
    engine.resume_call(&call_id).await.unwrap();
    until_call_alive(events, &call_id, "resumed", LIMIT).await;
    let media = engine.call_media(&call_id).await.unwrap().expect("media");
    assert!(!media.held, "{media:?}");
    // baresip accepted the INVITE and both re-INVITEs.
    let (invites, ok) = bs
        .wait_responses(offset, &call_id, "INVITE", true, LIMIT, |r| {
            r.iter().filter(|s| **s == 200).count() >= 3
        })
        .await;
    assert!(
        ok,
        "baresip's answers to INVITE: {invites:?}\n{}",
        bs.log_tail(offset)
    );

    // DTMF: three INFOs (application/dtmf-relay), one at a time; baresip answers 200.
    engine.send_dtmf(&call_id, "123").await.unwrap();
    let (infos, ok) = bs
        .wait_responses(offset, &call_id, "INFO", true, LIMIT, |r| r.len() >= 3)
        .await;
    assert!(
        ok && infos.iter().all(|s| *s == 200),
        "baresip's answers to INFO: {infos:?}\n{}",
        bs.log_tail(offset)
    );
    // …and took the digits, in order.
    let log = bs.log_since(offset);
    let digits: Vec<&str> = log
        .lines()
        .filter_map(|l| l.split("received DTMF: '").nth(1))
        .filter_map(|rest| rest.get(..1))
        .collect();
    assert_eq!(digits, ["1", "2", "3"], "baresip's log:\n{log}");

    engine.hangup(&call_id).await.unwrap();
    let seen = until_call(events, Some(&call_id), "ended", LIMIT).await;
    let ended = seen.last().unwrap();
    assert_eq!(ended.reason.as_deref(), Some("normal"), "{seen:?}");
    assert!(
        seen.iter().all(|e| e.state != "ended" || e == ended),
        "{seen:?}"
    );
    let (byes, ok) = bs
        .wait_responses(offset, &call_id, "BYE", true, LIMIT, |r| r.contains(&200))
        .await;
    assert!(ok, "baresip's answers to BYE: {byes:?}");
    assert!(engine.hangup(&call_id).await.is_err(), "the call is gone");
    for method in ["INVITE", "ACK", "INFO", "BYE"] {
        let got = bs.requests(offset, &call_id, method, false);
        assert!(!got.is_empty(), "baresip got no {method}");
        let srcs: Vec<&str> = got.iter().map(|m| m.src.as_str()).collect();
        assert!(
            srcs.iter().all(|s| *s == hop),
            "baresip got each {method} from {hop} (the route set): {srcs:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_calls_baresip_through_kamailio() {
    let test = "engine_calls_baresip_through_kamailio";
    let _turn = switchboard_tests::turn::baresip_turn(test).await;
    let (Some(_kam), Some(bs)) = (kamailio(test), baresip(test)) else {
        return;
    };
    let (engine, mut events, _) = info_engine(fresh_seed(test)).await;
    let alice = registered(&engine, &mut events, "alice").await;
    let target = "sip:carol@127.0.0.1:5070";
    full_call(&bs, &engine, &mut events, &alice, target, KAMAILIO).await;
    alice.unregister().await.unwrap();
    until_state(&mut events, "unregistered", LIMIT).await;
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_calls_baresip_directly() {
    let test = "engine_calls_baresip_directly";
    let _turn = switchboard_tests::turn::baresip_turn(test).await;
    let Some(bs) = baresip(test) else {
        return;
    };
    let (engine, mut events, local) = info_engine(fresh_seed(test)).await;
    // No registration: the account names baresip as its server.
    let port = BARESIP.rsplit(':').next().unwrap().parse().unwrap();
    let alice = engine
        .add_account(account("alice", "alice-pw", "udp", port, 60))
        .await
        .unwrap();
    let target = format!("sip:carol@{BARESIP}");
    full_call(
        &bs,
        &engine,
        &mut events,
        &alice,
        &target,
        &local.to_string(),
    )
    .await;
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baresip_calls_the_engine_through_kamailio() {
    let test = "baresip_calls_the_engine_through_kamailio";
    let _turn = switchboard_tests::turn::baresip_turn(test).await;
    let (Some(_kam), Some(bs)) = (kamailio(test), baresip(test)) else {
        return;
    };
    let (engine, mut events, _) = info_engine(fresh_seed(test)).await;
    let dave = registered(&engine, &mut events, "dave").await;
    let offset = bs.log_len();
    bs.command("dial", "sip:dave@127.0.0.1:5070")
        .unwrap_or_else(|e| panic!("baresip dial: {e}"));

    let seen = until_call(&mut events, None, "incoming", LIMIT).await;
    let incoming = seen.last().unwrap().clone();
    assert_eq!(incoming.direction, "incoming", "{seen:?}");
    assert!(incoming.remote.contains("carol"), "{incoming:?}");
    let call_id = incoming.call_id;
    engine.answer_call(&call_id).await.unwrap();
    until_call_alive(&mut events, &call_id, "confirmed", LIMIT).await;
    rtp_both_ways(&engine, &call_id, Duration::from_secs(5)).await;
    // baresip got our 200 (through Kamailio) and its INVITE was the challenged one.
    let (got, ok) = bs
        .wait_responses(offset, &call_id, "INVITE", false, LIMIT, |r| {
            r.contains(&200)
        })
        .await;
    assert!(
        ok,
        "baresip got {got:?} to its INVITE\n{}",
        bs.log_tail(offset)
    );
    assert!(got.contains(&407), "Kamailio challenged baresip: {got:?}");

    // baresip hangs up: BYE through Kamailio.
    bs.command("hangup", "")
        .unwrap_or_else(|e| panic!("baresip hangup: {e}"));
    let seen = until_call(&mut events, Some(&call_id), "ended", LIMIT).await;
    assert_eq!(
        seen.last().unwrap().reason.as_deref(),
        Some("normal"),
        "{seen:?}"
    );
    let (byes, ok) = bs
        .wait_responses(offset, &call_id, "BYE", false, LIMIT, |r| r.contains(&200))
        .await;
    assert!(ok, "baresip got {byes:?} to its BYE");
    // Kamailio record-routed the INVITE: the engine's 2xx must carry Record-Route
    // (RFC 3261 §12.1.1), so baresip sends its ACK and BYE through Kamailio.
    for method in ["ACK", "BYE"] {
        let got = bs.requests(offset, &call_id, method, true);
        assert!(!got.is_empty(), "baresip sent no {method}");
        let dsts: Vec<&str> = got.iter().map(|m| m.dst.as_str()).collect();
        assert!(
            dsts.iter().all(|d| *d == KAMAILIO),
            "baresip sent its {method} to {dsts:?}, not through Kamailio {KAMAILIO}: \
             the engine's 200 lacked Record-Route\n{}",
            bs.log_since(offset)
        );
    }
    dave.unregister().await.unwrap();
    until_state(&mut events, "unregistered", LIMIT).await;
    engine.shutdown().await.unwrap();
}
