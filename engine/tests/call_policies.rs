//! The call manager's policies between engines over real loopback UDP: the call limit
//! (a third call gets 486 and is reported missed), one active call (answering a second
//! call holds the first; resuming swaps), the cellular interruption (both policies,
//! and what a cellular call up refuses), Paused, mute, the call record and feedback.

use futures::StreamExt;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard::{
    Account, AccountConfig, AdmissionError, CellularEvent, CellularPolicy, DialOptions, Engine,
    EngineConfig, EngineConfigBuilder, EngineError, Event, EventStream, FeedbackIssue,
    HistoryQuery, TransportKind,
};

struct Side {
    engine: Engine,
    events: EventStream,
    addr: SocketAddr,
}

async fn start(seed: u64, tune: impl FnOnce(EngineConfigBuilder) -> EngineConfigBuilder) -> Side {
    let cfg = tune(
        EngineConfig::builder()
            .seed(seed)
            .timers(50, 4000, 5000)
            .listen(TransportKind::Udp, "127.0.0.1:0".parse().unwrap()),
    );
    let mut builder = Engine::builder().config(cfg.build().unwrap());
    let mut events = builder.subscribe();
    let engine = builder.start().await.unwrap();
    loop {
        if let Some(Event::Listening { addr, .. }) = events.next().await {
            return Side {
                engine,
                events,
                addr,
            };
        }
    }
}

async fn account(engine: &Engine, user: &str, server: SocketAddr) -> Account {
    let mut cfg = AccountConfig::new("127.0.0.1", "example.com", user);
    cfg.port = Some(server.port());
    engine.add_account(cfg).await.unwrap()
}

/// A `call` event's fields that the tests look at.
#[derive(Debug, Clone)]
struct Seen {
    reason: Option<String>,
    status: Option<u16>,
    by: Option<String>,
}

/// The next `call` event with `state` (for `call_id` when given); others skipped.
async fn until(events: &mut EventStream, call_id: Option<&str>, want: &str) -> Seen {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .unwrap_or_else(|_| panic!("no `{want}` call event in time"))
            .expect("stream open");
        if let Event::Call {
            call_id: id,
            state,
            reason,
            status,
            by,
            ..
        } = event
        {
            if state == want && call_id.is_none_or(|c| c == id) {
                return Seen { reason, status, by };
            }
        }
    }
}

/// A caller that may have several calls up at once.
fn caller(b: EngineConfigBuilder) -> EngineConfigBuilder {
    b.call_limit(10).single_active(false)
}

#[tokio::test]
async fn a_third_call_over_the_limit_gets_486_and_is_missed() {
    let mut a = start(11, caller).await;
    let mut b = start(12, |c| c.call_limit(2)).await;
    let alice = account(&a.engine, "alice", b.addr).await;
    let target = format!("sip:bob@{}", b.addr);
    let mut calls = Vec::new();
    for _ in 0..2 {
        calls.push(
            a.engine
                .dial(&alice, &target, DialOptions::new())
                .await
                .unwrap(),
        );
        until(&mut b.events, None, "incoming").await;
    }
    let third = a
        .engine
        .dial(&alice, &target, DialOptions::new())
        .await
        .unwrap();
    let missed = until(&mut b.events, Some(third.id()), "missed").await;
    assert_eq!(missed.reason.as_deref(), Some("call_limit"));
    assert_eq!(missed.status, Some(486));
    let ended = until(&mut a.events, Some(third.id()), "ended").await;
    assert_eq!(
        (ended.reason.as_deref(), ended.status),
        (Some("busy"), Some(486))
    );
    // The two calls in progress are untouched: B can still answer the first.
    b.engine.call(calls[0].id()).answer().await.unwrap();
    until(&mut a.events, Some(calls[0].id()), "confirmed").await;
    for c in &calls {
        c.hangup().await.unwrap();
    }
    a.engine.shutdown().await.unwrap();
    b.engine.shutdown().await.unwrap();
}

#[tokio::test]
async fn answering_a_second_call_holds_the_first_and_resume_swaps() {
    let a = start(21, caller).await;
    let mut b = start(22, |c| c).await;
    let alice = account(&a.engine, "alice", b.addr).await;
    let target = format!("sip:bob@{}", b.addr);
    let first = a
        .engine
        .dial(&alice, &target, DialOptions::new())
        .await
        .unwrap();
    until(&mut b.events, Some(first.id()), "incoming").await;
    let b_first = b.engine.call(first.id());
    b_first.answer().await.unwrap();
    until(&mut b.events, Some(first.id()), "confirmed").await;
    tokio::time::sleep(Duration::from_millis(300)).await; // the ACK

    let second = a
        .engine
        .dial(&alice, &target, DialOptions::new())
        .await
        .unwrap();
    until(&mut b.events, Some(second.id()), "incoming").await;
    let b_second = b.engine.call(second.id());
    b_second.answer().await.unwrap();
    until(&mut b.events, Some(first.id()), "held").await;
    until(&mut b.events, Some(second.id()), "confirmed").await;
    assert!(b_first.is_on_hold().await.unwrap());
    assert!(!b_second.is_on_hold().await.unwrap());
    tokio::time::sleep(Duration::from_millis(300)).await;

    b_first.resume().await.unwrap();
    until(&mut b.events, Some(second.id()), "held").await;
    until(&mut b.events, Some(first.id()), "resumed").await;
    assert!(!b_first.is_on_hold().await.unwrap());
    assert!(b_second.is_on_hold().await.unwrap());
    first.hangup().await.unwrap();
    second.hangup().await.unwrap();
    a.engine.shutdown().await.unwrap();
    b.engine.shutdown().await.unwrap();
}

/// A call from A to B, answered and ACKed: its Call-ID.
async fn call_up(a: &mut Side, b: &mut Side) -> String {
    let alice = account(&a.engine, "alice", b.addr).await;
    let target = format!("sip:bob@{}", b.addr);
    let call = a
        .engine
        .dial(&alice, &target, DialOptions::new())
        .await
        .unwrap();
    until(&mut b.events, Some(call.id()), "incoming").await;
    b.engine.answer_call(call.id()).await.unwrap();
    until(&mut a.events, Some(call.id()), "confirmed").await;
    until(&mut b.events, Some(call.id()), "confirmed").await;
    call.id().to_owned()
}

#[tokio::test]
async fn an_answered_cellular_call_ends_the_sip_call_and_refuses_new_ones() {
    let mut a = start(31, caller).await;
    let mut b = start(32, |c| c).await;
    let id = call_up(&mut a, &mut b).await;
    b.engine.cellular(CellularEvent::Ringing).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        b.engine.call(&id).snapshot().await.unwrap().phase,
        "confirmed"
    );
    b.engine.cellular(CellularEvent::Answered).await.unwrap();
    let ended = until(&mut b.events, Some(&id), "ended").await;
    assert_eq!(ended.reason.as_deref(), Some("cellular_call"));
    let far = until(&mut a.events, Some(&id), "ended").await;
    assert_eq!(
        (far.reason.as_deref(), far.by.as_deref()),
        (Some("normal"), Some("remote"))
    );

    // While it is up: dialling is refused, an incoming call is declined 486.
    let bob = account(&b.engine, "bob", a.addr).await;
    let refused = b
        .engine
        .dial(&bob, &format!("sip:alice@{}", a.addr), DialOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            EngineError::CallRefused(AdmissionError::CellularCallActive)
        ),
        "{refused}"
    );
    let alice = account(&a.engine, "alice2", b.addr).await;
    let again = a
        .engine
        .dial(&alice, &format!("sip:bob@{}", b.addr), DialOptions::new())
        .await
        .unwrap();
    let missed = until(&mut b.events, Some(again.id()), "missed").await;
    assert_eq!(
        (missed.reason.as_deref(), missed.status),
        (Some("cellular_call"), Some(486))
    );
    b.engine.cellular(CellularEvent::Ended).await.unwrap();
    a.engine.shutdown().await.unwrap();
    b.engine.shutdown().await.unwrap();
}

#[tokio::test]
async fn hold_and_resume_policy_holds_during_the_cellular_call() {
    let mut a = start(41, caller).await;
    let mut b = start(42, |c| c.cellular_policy(CellularPolicy::HoldAndResume)).await;
    let id = call_up(&mut a, &mut b).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    b.engine.cellular(CellularEvent::Answered).await.unwrap();
    until(&mut b.events, Some(&id), "held").await;
    until(&mut a.events, Some(&id), "remote_hold").await;
    b.engine.cellular(CellularEvent::Ended).await.unwrap();
    until(&mut b.events, Some(&id), "resumed").await;
    until(&mut a.events, Some(&id), "remote_resume").await;
    b.engine.hangup(&id).await.unwrap();
    let ended = until(&mut b.events, Some(&id), "ended").await;
    assert_eq!(
        (ended.reason.as_deref(), ended.by.as_deref()),
        (Some("normal"), Some("local"))
    );
    a.engine.shutdown().await.unwrap();
    b.engine.shutdown().await.unwrap();
}

#[tokio::test]
async fn paused_keeps_the_call_refuses_dialling_and_resume_restores() {
    let mut a = start(51, caller).await;
    let mut b = start(52, |c| c).await;
    let id = call_up(&mut a, &mut b).await;
    let alice = account(&a.engine, "alice3", b.addr).await;
    a.engine.pause().await.unwrap();
    let target = format!("sip:bob@{}", b.addr);
    let refused = a
        .engine
        .dial(&alice, &target, DialOptions::new())
        .await
        .unwrap_err();
    assert!(
        matches!(refused, EngineError::CallRefused(AdmissionError::Paused)),
        "{refused}"
    );
    // The call in progress still takes commands.
    a.engine.call(&id).mute().await.unwrap();
    until(&mut a.events, Some(&id), "muted").await;
    assert!(
        a.engine
            .call_media(&id)
            .await
            .unwrap()
            .expect("media")
            .muted
    );
    a.engine.resume().await.unwrap();
    let second = a
        .engine
        .dial(&alice, &target, DialOptions::new())
        .await
        .unwrap();
    until(&mut b.events, Some(second.id()), "incoming").await;
    second.hangup().await.unwrap();
    a.engine.hangup(&id).await.unwrap();
    a.engine.shutdown().await.unwrap();
    b.engine.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_call_record_has_stamps_reason_codec_media_and_feedback() {
    let mut a = start(61, caller).await;
    let mut b = start(62, |c| c).await;
    let id = call_up(&mut a, &mut b).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let call = a.engine.call(&id);
    let live = call.details().await.unwrap();
    assert!(
        live.answered_at_ms.is_some() && live.ended_at_ms.is_none(),
        "{live:?}"
    );
    // Both engines offer Opus first by default.
    assert_eq!(live.codec.as_deref(), Some("opus/48000"));
    let stats = call.statistics().await.unwrap().expect("media");
    assert_eq!(stats.codec, "opus");
    assert!(
        stats.packets_received > 0 && stats.bytes_sent > 0,
        "{stats:?}"
    );
    assert!(call.post_feedback(6, FeedbackIssue::Echo).await.is_err());
    call.post_feedback(4, FeedbackIssue::ChoppyAudio)
        .await
        .unwrap();
    b.engine.hangup(&id).await.unwrap();
    let record = loop {
        let event = tokio::time::timeout(Duration::from_secs(10), a.events.next())
            .await
            .expect("a record in time")
            .expect("stream open");
        if let Event::CallRecord { record } = event {
            break record;
        }
    };
    assert_eq!(record.call_id, id);
    assert_eq!(record.end_reason.as_deref(), Some("normal"));
    assert_eq!(record.ended_by.as_deref(), Some("remote"));
    assert!(record.duration_ms >= 400, "{record:?}");
    let media = record.media.as_ref().expect("media summary");
    assert!(
        media.packets_sent > 0 && media.packets_received > 0,
        "{media:?}"
    );
    // Loopback: nothing lost, a few ms of jitter at most, a toll-quality estimate.
    assert!(
        media.loss_pct < 1.0 && media.bytes_received > 0,
        "{media:?}"
    );
    assert!(media.jitter_ms.is_some_and(|j| j < 20.0), "{media:?}");
    assert!(media.mos.is_some_and(|m| m > 4.0), "{media:?}");
    assert_eq!(record.feedback.as_ref().map(|f| f.rating), Some(4));
    let history = a.engine.call_history(&HistoryQuery::default());
    assert_eq!(
        history.first().map(|r| r.call_id.as_str()),
        Some(id.as_str())
    );
    // Feedback after the end goes to the history's record.
    call.post_feedback(2, FeedbackIssue::NoAudio).await.unwrap();
    let kept = call.details().await.unwrap();
    assert_eq!(kept.feedback.map(|f| f.issue), Some(FeedbackIssue::NoAudio));
    a.engine.shutdown().await.unwrap();
    b.engine.shutdown().await.unwrap();
}

#[tokio::test]
async fn numbers_and_uris_go_to_their_own_dial_methods() {
    let a = start(71, caller).await;
    let alice = account(&a.engine, "alice", "127.0.0.1:9".parse().unwrap()).await;
    let wrong = a
        .engine
        .dial(&alice, "+1 555 123 4567", DialOptions::new())
        .await;
    assert!(matches!(
        wrong,
        Err(EngineError::WrongTargetKind {
            expected: "SIP URI",
            ..
        })
    ));
    let wrong = a
        .engine
        .dial_number(&alice, "sip:bob@example.com", DialOptions::new())
        .await;
    assert!(matches!(
        wrong,
        Err(EngineError::WrongTargetKind {
            expected: "telephone number",
            ..
        })
    ));
    let bad = a
        .engine
        .dial_number(&alice, "12ab", DialOptions::new())
        .await;
    assert!(matches!(bad, Err(EngineError::InvalidTarget { .. })));
    a.engine.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_answer_picks_from_the_configured_codecs_and_both_sides_use_it() {
    let mut a = start(81, caller).await;
    let mut b = start(82, |c| c.codecs(&[switchboard::AudioCodec::Pcma])).await;
    let id = call_up(&mut a, &mut b).await;
    for side in [&a, &b] {
        let record = side.engine.call(&id).details().await.unwrap();
        assert_eq!(record.codec.as_deref(), Some("PCMA/8000"), "{record:?}");
    }
    let report = loop {
        let r = b.engine.call_media(&id).await.unwrap().expect("media");
        if r.stats.packets_received > 0 {
            break r;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(report.stats.other_payload, 0, "{report:?}");
    a.engine.hangup(&id).await.unwrap();
    a.engine.shutdown().await.unwrap();
    b.engine.shutdown().await.unwrap();
}

/// Regression: a stopping call actor's media actor was killed with its socket reader
/// still running, so every call leaked its RTP socket (found under SIPp load).
#[tokio::test]
async fn a_finished_call_releases_its_rtp_sockets() {
    let mut a = start(91, caller).await;
    let mut b = start(92, |c| c).await;
    let id = call_up(&mut a, &mut b).await;
    let mut ports = Vec::new();
    for side in [&a, &b] {
        ports.push(
            side.engine
                .call_media(&id)
                .await
                .unwrap()
                .expect("media")
                .local,
        );
    }
    a.engine.hangup(&id).await.unwrap();
    until(&mut a.events, Some(&id), "ended").await;
    until(&mut b.events, Some(&id), "ended").await;
    for local in ports {
        let mut free = false;
        for _ in 0..50 {
            if std::net::UdpSocket::bind(local).is_ok() {
                free = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(free, "the RTP socket {local} is still open after the call");
    }
    a.engine.shutdown().await.unwrap();
    b.engine.shutdown().await.unwrap();
}

/// Regression: an `a=inactive` call (audio off) sent RTP anyway — the answerer from its
/// answer on, the offerer once confirmed — found measuring idle calls under SIPp.
#[tokio::test]
async fn an_inactive_call_sends_no_rtp_either_way() {
    let mut a = start(101, caller).await;
    let mut b = start(102, |c| c).await;
    let alice = account(&a.engine, "alice", b.addr).await;
    let mut options = DialOptions::new();
    options.audio = false;
    let call = a
        .engine
        .dial(&alice, &format!("sip:bob@{}", b.addr), options)
        .await
        .unwrap();
    until(&mut b.events, Some(call.id()), "incoming").await;
    b.engine.answer_call(call.id()).await.unwrap();
    until(&mut a.events, Some(call.id()), "confirmed").await;
    until(&mut b.events, Some(call.id()), "confirmed").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    for side in [&a, &b] {
        let report = side
            .engine
            .call_media(call.id())
            .await
            .unwrap()
            .expect("media");
        assert_eq!(report.stats.packets_sent, 0, "{report:?}");
        assert!(report.held, "{report:?}");
    }
    call.hangup().await.unwrap();
    a.engine.shutdown().await.unwrap();
    b.engine.shutdown().await.unwrap();
}
