//! DESIGN.md's failure rule through the real engine and real UDP sockets: a panic in one
//! transaction actor (the `test-hooks` feature's `X-Switchboard-Test: panic` header)
//! fails that transaction only; the engine keeps running and answers everything else.

mod common;

use std::time::Duration;
use switchboard::{EngineConfig, EngineState, TransportKind};
use tokio::net::UdpSocket;

async fn exchange(sock: &UdpSocket, to: std::net::SocketAddr, msg: &[u8]) -> Option<String> {
    sock.send_to(msg, to).await.unwrap();
    let mut buf = vec![0u8; 65536];
    match tokio::time::timeout(Duration::from_millis(1500), sock.recv_from(&mut buf)).await {
        Ok(Ok((n, _))) => Some(String::from_utf8_lossy(&buf[..n]).into_owned()),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_transaction_fails_alone() {
    let cfg = EngineConfig::builder()
        .seed(42)
        .listen(TransportKind::Udp, "127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap();
    let run = common::start(cfg).await;
    let to = run.addr(TransportKind::Udp);
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (fa, fb) = (a.local_addr().unwrap(), b.local_addr().unwrap());

    // One transaction panics: it never answers.
    let doomed = common::options(to, fa, "UDP", 1, "X-Switchboard-Test: panic\r\n");
    a.send_to(&doomed, to).await.unwrap();
    // A concurrent one from another client is answered.
    let ok = exchange(&b, to, &common::options(to, fb, "UDP", 2, "")).await;
    assert!(
        ok.as_deref().unwrap_or("").starts_with("SIP/2.0 200 "),
        "{ok:?}"
    );
    let mut buf = vec![0u8; 4096];
    let none = tokio::time::timeout(Duration::from_millis(500), a.recv_from(&mut buf)).await;
    assert!(none.is_err(), "the panicked transaction must not answer");

    // The engine is still running and still answers new transactions, from both clients.
    assert_eq!(run.engine.state(), EngineState::Running);
    for n in 3..6 {
        let r = exchange(&a, to, &common::options(to, fa, "UDP", n, "")).await;
        assert!(
            r.as_deref().unwrap_or("").starts_with("SIP/2.0 200 "),
            "{r:?}"
        );
    }
    run.engine.shutdown().await.unwrap();
}
