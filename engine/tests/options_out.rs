//! `Engine::options`: one engine pings another over real loopback sockets (UDP and TCP),
//! and the typed errors for targets it cannot reach.

use futures::StreamExt;
use switchboard::{Engine, EngineConfig, EngineError, Event, TransportKind};

async fn engine(seed: u64, kinds: &[TransportKind]) -> (Engine, Vec<std::net::SocketAddr>) {
    let mut cfg = EngineConfig::builder().seed(seed);
    for kind in kinds {
        cfg = cfg.listen(*kind, "127.0.0.1:0".parse().unwrap());
    }
    let mut builder = Engine::builder().config(cfg.build().unwrap());
    let mut early = builder.subscribe();
    let engine = builder.start().await.unwrap();
    let mut addrs = Vec::new();
    while addrs.len() < kinds.len() {
        if let Some(Event::Listening { addr, .. }) = early.next().await {
            addrs.push(addr);
        }
    }
    (engine, addrs)
}

#[tokio::test]
async fn one_engine_pings_another_over_udp_and_tcp() {
    let both = [TransportKind::Udp, TransportKind::Tcp];
    let (alice, _) = engine(1, &both).await;
    let (bob, bob_addrs) = engine(2, &both).await;
    let mut events = alice.events();
    let udp = alice
        .options(&format!("sip:bob@{}", bob_addrs[0]))
        .await
        .unwrap();
    assert_eq!(udp.status.as_u16(), 200);
    let tcp = alice
        .options(&format!("sip:bob@{};transport=tcp", bob_addrs[1]))
        .await
        .unwrap();
    assert_eq!(tcp.status.as_u16(), 200);
    let mut kinds = Vec::new();
    while kinds.len() < 4 {
        match events.next().await.unwrap() {
            Event::RequestSent { method, .. } => kinds.push(format!("sent {method}")),
            Event::ResponseReceived { status, .. } => kinds.push(format!("got {status}")),
            _ => {}
        }
    }
    assert_eq!(
        kinds,
        ["sent OPTIONS", "got 200", "sent OPTIONS", "got 200"]
    );
    let stats = alice.stats().await.unwrap();
    assert_eq!((stats.pending_requests, stats.listeners), (0, 2));
    alice.shutdown().await.unwrap();
    bob.shutdown().await.unwrap();
}

#[tokio::test]
async fn unreachable_targets_get_typed_errors() {
    let (alice, _) = engine(3, &[TransportKind::Udp, TransportKind::Tcp]).await;
    // A TCP port nobody listens on: the connection is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let refused = alice
        .options(&format!("sip:127.0.0.1:{port};transport=tcp"))
        .await;
    assert!(
        matches!(refused, Err(EngineError::RequestTransport { .. })),
        "{refused:?}"
    );
    assert!(matches!(
        alice.options("sip:bob@example.com").await,
        Err(EngineError::Unresolvable { .. })
    ));
    assert!(matches!(
        alice.options("sips:bob@127.0.0.1").await,
        Err(EngineError::NoTransport {
            transport: TransportKind::Tls
        })
    ));
    assert!(matches!(
        alice.options("not a uri").await,
        Err(EngineError::InvalidTarget { .. })
    ));
    alice.pause().await.unwrap();
    assert!(matches!(
        alice.options("sip:127.0.0.1:5060").await,
        Err(EngineError::NotRunning { .. })
    ));
    alice.shutdown().await.unwrap();
}
