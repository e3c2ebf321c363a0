//! Calls between two engines over real loopback UDP, no registrar: A dials B, B
//! answers, both confirm and exchange RTP, A holds/resumes and sends DTMF, B hangs up;
//! and a dial to a port where nothing listens ends in bounded time.

use futures::StreamExt;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard::{
    Account, AccountConfig, DialOptions, Engine, EngineConfig, Event, EventStream, TransportKind,
};

async fn engine(seed: u64, t1: u64) -> (Engine, EventStream, SocketAddr) {
    let cfg = EngineConfig::builder()
        .seed(seed)
        .timers(t1, 4000, 5000)
        .listen(TransportKind::Udp, "127.0.0.1:0".parse().unwrap());
    let mut builder = Engine::builder().config(cfg.build().unwrap());
    let mut events = builder.subscribe();
    let engine = builder.start().await.unwrap();
    loop {
        if let Some(Event::Listening { addr, .. }) = events.next().await {
            return (engine, events, addr);
        }
    }
}

async fn account(engine: &Engine, user: &str, server: SocketAddr) -> Account {
    let mut cfg = AccountConfig::new("127.0.0.1", "example.com", user);
    cfg.port = Some(server.port());
    engine.add_account(cfg).await.unwrap()
}

/// The next `call` event with `state` (others skipped): its call id, reason, status.
async fn call_state(events: &mut EventStream, want: &str) -> (String, Option<String>) {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .unwrap_or_else(|_| panic!("no `{want}` call event in time"))
            .expect("stream open");
        if let Event::Call {
            call_id,
            state,
            reason,
            ..
        } = event
        {
            if state == want {
                return (call_id, reason);
            }
        }
    }
}

async fn rtp_received(engine: &Engine, call_id: &str) -> u64 {
    for _ in 0..100 {
        let report = engine.call_media(call_id).await.unwrap().expect("media");
        if report.stats.packets_received > 0 {
            return report.stats.packets_received;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no RTP received on {call_id}");
}

#[tokio::test]
async fn two_engines_call_hold_dtmf_and_hang_up() {
    // T1 = 50 ms: a 2xx whose ACK never reached the call would end it after 3.2 s.
    let (a, mut a_events, _) = engine(1, 50).await;
    let (b, mut b_events, b_addr) = engine(2, 50).await;
    let alice = account(&a, "alice", b_addr).await;
    let target = format!("sip:bob@{b_addr}");
    let handle = a.dial(&alice, &target, DialOptions::new()).await.unwrap();
    let call = handle.id().to_owned();

    let (incoming, _) = call_state(&mut b_events, "incoming").await;
    assert_eq!(incoming, call);
    b.answer_call(&incoming).await.unwrap();
    call_state(&mut a_events, "confirmed").await;
    call_state(&mut b_events, "confirmed").await;
    assert!(rtp_received(&a, &call).await > 0);
    assert!(rtp_received(&b, &call).await > 0);

    a.hold_call(&call).await.unwrap();
    call_state(&mut a_events, "held").await;
    call_state(&mut b_events, "remote_hold").await;
    let held = b.call_media(&call).await.unwrap().expect("media");
    assert!(held.held, "B stops sending while A holds (recvonly)");
    assert!(!a.call_media(&call).await.unwrap().expect("media").held);
    a.resume_call(&call).await.unwrap();
    call_state(&mut a_events, "resumed").await;
    call_state(&mut b_events, "remote_resume").await;
    assert!(!b.call_media(&call).await.unwrap().expect("media").held);
    // Past 64·T1: the ACKs of both 2xx to the re-INVITEs reached B's call.
    tokio::time::sleep(Duration::from_millis(3500)).await;

    a.send_dtmf(&call, "12").await.unwrap();
    assert_eq!(
        call_state(&mut b_events, "dtmf").await.1.as_deref(),
        Some("1")
    );
    assert_eq!(
        call_state(&mut b_events, "dtmf").await.1.as_deref(),
        Some("2")
    );

    b.hangup(&call).await.unwrap();
    let (_, a_reason) = call_state(&mut a_events, "ended").await;
    let (_, b_reason) = call_state(&mut b_events, "ended").await;
    assert_eq!(a_reason.as_deref(), Some("normal"));
    assert_eq!(b_reason.as_deref(), Some("normal"));
    assert!(a.hangup(&call).await.is_err(), "the call is gone");
    a.shutdown().await.unwrap();
    b.shutdown().await.unwrap();
}

#[tokio::test]
async fn dialling_a_dead_port_ends_in_bounded_time() {
    let (a, mut a_events, _) = engine(3, 50).await;
    let closed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let dead = closed.local_addr().unwrap();
    drop(closed);
    let alice = account(&a, "alice", dead).await;
    let call = a
        .dial(&alice, &format!("sip:bob@{dead}"), DialOptions::new())
        .await
        .unwrap();
    let (ended, reason) = call_state(&mut a_events, "ended").await;
    assert_eq!(ended, call.id());
    let reason = reason.unwrap_or_default();
    assert!(
        reason == "timeout" || reason == "congestion",
        "ended with {reason}"
    );
    assert!(a
        .dial(&alice, "not a uri", DialOptions::new())
        .await
        .is_err());
    a.shutdown().await.unwrap();
}
