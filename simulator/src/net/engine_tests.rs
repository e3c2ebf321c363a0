//! The real engine on the virtual network: OPTIONS over UDP and TCP get a 200.

use super::test_util::*;
use super::{LinkConfig, SimNet};
use crate::trace::{Fate, Trace};
use std::sync::Arc;
use std::time::Duration;
use switchboard::{Engine, EngineConfig, SocketTransports, TransportKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn options(via: &str, branch: &str) -> String {
    format!(
        "OPTIONS sip:alice@10.0.0.1 SIP/2.0\r\nVia: SIP/2.0/{via};branch=z9hG4bK{branch}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:bob@10.0.0.2>;tag=b1\r\nTo: <sip:alice@10.0.0.1>\r\n\
         Call-ID: {branch}@bob\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    )
}

async fn engine(net: &SimNet) -> Engine {
    let cfg = EngineConfig::builder()
        .seed(1)
        .listen(TransportKind::Udp, addr("10.0.0.1:5060"))
        .listen(TransportKind::Tcp, addr("10.0.0.1:5060"))
        .build()
        .unwrap();
    let transports = SocketTransports::new(net.network("alice").unwrap());
    Engine::builder()
        .config(cfg)
        .transports(Arc::new(transports))
        .start()
        .await
        .unwrap()
}

fn answered(trace: &Trace, transport: &str) -> bool {
    wires(trace).iter().any(|w| {
        w.transport == transport
            && w.from == "alice"
            && w.status == Some(200)
            && w.method.as_deref() == Some("OPTIONS")
            && w.fate == Fate::Delivered
    })
}

#[tokio::test(start_paused = true)]
async fn the_engine_answers_options_over_udp_and_tcp() {
    let (net, trace) = world(1, LinkConfig::default());
    let engine = engine(&net).await;

    let bob = udp(&net, "bob", "10.0.0.2:5060").await;
    let request = options("UDP 10.0.0.2:5060", "udp1");
    bob.send_to(request.as_bytes(), addr("10.0.0.1:5060"))
        .await
        .unwrap();
    let (reply, from) = recv(&bob).await.expect("a response over UDP");
    assert!(reply.starts_with("SIP/2.0 200 OK\r\n"), "{reply}");
    assert_eq!(from, addr("10.0.0.1:5060"));
    assert!(answered(&trace, "udp"));

    let conn = net
        .network("bob")
        .unwrap()
        .connect_tcp(addr("10.0.0.1:5060"))
        .await
        .unwrap();
    let mut stream = conn.stream;
    let via = format!("TCP {}", conn.local);
    stream
        .write_all(options(&via, "tcp1").as_bytes())
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
        .await
        .expect("a response over TCP")
        .unwrap();
    let reply = String::from_utf8_lossy(&buf[..n]);
    assert!(reply.starts_with("SIP/2.0 200 OK\r\n"), "{reply}");
    assert!(answered(&trace, "tcp"));

    drop(stream);
    engine.shutdown().await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(net.open_connections(), 0, "the engine closed its end");
    assert_eq!(net.bound_sockets(), 1, "only bob's socket is left");
}
