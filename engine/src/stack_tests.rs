//! The ingress over real loopback UDP: a full transaction-layer backlog sheds requests
//! with a stateless 503 + Retry-After; once the backlog drains, requests reach the layer.

use super::*;
use crate::event_hub::EventHub;
use ractor::Actor;
use rand::SeedableRng;
use std::time::Duration;
use switchboard_actors::transaction::{LayerArgs, TimerConfig, TransactionLayerActor, TuEvent};
use switchboard_actors::transport::{TokioNetwork, UdpArgs, UdpTransport};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::unbounded_channel;

fn options(to: std::net::SocketAddr, from: std::net::SocketAddr, n: u32) -> bytes::Bytes {
    bytes::Bytes::from(format!(
        "OPTIONS sip:x@{to} SIP/2.0\r\nVia: SIP/2.0/UDP {from};rport;branch=z9hG4bK-shed{n}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:t@{from}>;tag=a{n}\r\nTo: <sip:x@{to}>\r\n\
         Call-ID: shed-{n}\r\nCSeq: {n} OPTIONS\r\nContent-Length: 0\r\n\r\n"
    ))
}

#[tokio::test]
async fn a_full_backlog_sheds_requests_with_503() {
    let (hub, _) = Actor::spawn(None, EventHub, Vec::new()).await.unwrap();
    let (tsink, _tevents) = unbounded_channel();
    let udp_args = UdpArgs {
        network: TokioNetwork::shared(),
        bind: "127.0.0.1:0".parse().unwrap(),
        sink: Arc::new(tsink),
    };
    let (udp, _) = Actor::spawn(None, UdpTransport, udp_args).await.unwrap();
    let local = ractor::call!(udp, TransportMsg::LocalAddr)
        .unwrap()
        .unwrap();
    let registry = Arc::new(TransportRegistry::default());
    registry.set(0, TransportKind::Udp, udp.clone());
    let slot = Arc::new(OnceLock::new());
    let wire = Arc::new(StackWire::new(registry, slot.clone()));
    let (tu, mut tu_events) = unbounded_channel::<TuEvent>();
    let backlog = Backlog::new();
    let layer_args = LayerArgs {
        timers: TimerConfig::default(),
        rng: ChaCha8Rng::seed_from_u64(1),
        wire: wire.clone(),
        tu: Arc::new(tu),
        backlog: backlog.clone(),
    };
    let (layer, _) = Actor::spawn(None, TransactionLayerActor, layer_args)
        .await
        .unwrap();
    let _ = slot.set(layer.clone());
    let ingress = Ingress::new(
        layer.clone(),
        backlog.clone(),
        1,
        wire,
        ParseLimits::default(),
        EventSink::new(hub.clone()),
        "test".into(),
        ChaCha8Rng::seed_from_u64(2),
    );

    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let from = peer.local_addr().unwrap();
    let flow = Flow {
        kind: TransportKind::Udp,
        local,
        remote: from,
        conn: None,
    };
    // The queue is full (one message counted, bound 1): the request is shed.
    assert!(backlog.try_acquire(1));
    ingress.deliver(TransportEvent::Inbound(Inbound {
        bytes: options(local, from, 1),
        flow,
    }));
    let mut buf = vec![0u8; 4096];
    let (n, _) = tokio::time::timeout(Duration::from_secs(5), peer.recv_from(&mut buf))
        .await
        .expect("a 503")
        .unwrap();
    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(
        text.starts_with("SIP/2.0 503 Service Unavailable\r\n"),
        "{text}"
    );
    assert!(text.contains("\r\nRetry-After: 1\r\n"), "{text}");
    assert!(text.contains("branch=z9hG4bK-shed1"), "{text}");
    assert_eq!(backlog.len(), 1, "a shed message is not counted");

    // Drained: the next request reaches the transaction layer and its TU.
    backlog.release();
    ingress.deliver(TransportEvent::Inbound(Inbound {
        bytes: options(local, from, 2),
        flow,
    }));
    let ev = tokio::time::timeout(Duration::from_secs(5), tu_events.recv())
        .await
        .expect("the request reaches the TU")
        .unwrap();
    assert!(matches!(ev, TuEvent::Request { .. }), "{ev:?}");
    assert!(backlog.is_empty(), "the layer released what it took");
    layer.stop(None);
    udp.stop(None);
    hub.stop(None);
}
