//! TCP over the virtual network: handshake, echo, order under loss, breaking under a
//! partition, refusal, close.

use super::test_util::*;
use super::LinkConfig;
use crate::trace::{Fate, NetEvent};
use std::io::ErrorKind;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn echo_round_trip_and_close() {
    let (net, trace) = world(1, LinkConfig::default());
    let listener = net
        .network("alice")
        .unwrap()
        .listen_tcp(addr("0.0.0.0:5060"))
        .await
        .unwrap();
    let server = tokio::spawn(async move {
        let conn = listener.accept().await.unwrap();
        let remote = conn.remote;
        let mut s = conn.stream;
        let mut buf = [0u8; 64];
        loop {
            let n = s.read(&mut buf).await.unwrap();
            if n == 0 {
                return remote;
            }
            s.write_all(&buf[..n]).await.unwrap();
        }
    });
    let t0 = Instant::now();
    let bob = net.network("bob").unwrap();
    let conn = bob.connect_tcp(addr("10.0.0.1:5060")).await.unwrap();
    assert_eq!(Instant::now() - t0, ms(20), "SYN and SYN-ACK");
    assert_eq!(conn.local, addr("10.0.0.2:49152"));
    let mut c = conn.stream;
    c.write_all(b"hello").await.unwrap();
    let mut buf = [0u8; 5];
    c.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"hello");
    assert_eq!(Instant::now() - t0, ms(40));
    assert_eq!(net.open_connections(), 1);
    c.shutdown().await.unwrap();
    assert_eq!(c.read(&mut buf).await.unwrap(), 0, "the server closed too");
    assert_eq!(server.await.unwrap(), addr("10.0.0.2:49152"));
    drop(c);
    tokio::time::sleep(ms(50)).await;
    assert_eq!(net.open_connections(), 0);
    assert_eq!(count(&trace, Fate::Delivered), 2);
    let w = wires(&trace);
    assert_eq!(
        (w[0].transport.as_str(), w[0].from.as_str()),
        ("tcp", "bob")
    );
    let events = net_events(&trace);
    assert!(matches!(events[0], NetEvent::TcpOpen { .. }));
    assert!(matches!(&events[1], NetEvent::TcpClose { reason, .. } if reason == "closed"));
}

#[tokio::test(start_paused = true)]
async fn the_stream_stays_in_order_under_loss() {
    let lossy = LinkConfig {
        loss: 0.3,
        jitter: ms(3),
        ..LinkConfig::default()
    };
    let (net, trace) = world(5, lossy);
    let listener = net
        .network("alice")
        .unwrap()
        .listen_tcp(addr("10.0.0.1:5060"))
        .await
        .unwrap();
    let bob = net.network("bob").unwrap();
    let conn = bob.connect_tcp(addr("10.0.0.1:5060")).await.unwrap();
    let mut server = listener.accept().await.unwrap().stream;
    let mut client = conn.stream;
    let mut expected = Vec::new();
    for i in 0..50u32 {
        let chunk = format!("<{i}>");
        expected.extend_from_slice(chunk.as_bytes());
        client.write_all(chunk.as_bytes()).await.unwrap();
        tokio::time::sleep(ms(1)).await;
    }
    client.shutdown().await.unwrap();
    let mut got = Vec::new();
    server.read_to_end(&mut got).await.unwrap();
    assert_eq!(
        String::from_utf8(got).unwrap(),
        String::from_utf8(expected).unwrap()
    );
    assert_eq!(count(&trace, Fate::Delivered), 50, "one record per write");
}

#[tokio::test(start_paused = true)]
async fn a_partition_longer_than_the_timeout_breaks_the_connection() {
    let link = LinkConfig {
        tcp_timeout: Duration::from_secs(5),
        ..LinkConfig::default()
    };
    let (net, trace) = world(1, link);
    let listener = net
        .network("alice")
        .unwrap()
        .listen_tcp(addr("10.0.0.1:5060"))
        .await
        .unwrap();
    let conn = net
        .network("bob")
        .unwrap()
        .connect_tcp(addr("10.0.0.1:5060"))
        .await
        .unwrap();
    let mut server = listener.accept().await.unwrap().stream;
    let mut client = conn.stream;
    net.partition("alice", "bob").unwrap();
    let t0 = Instant::now();
    client.write_all(b"stuck").await.unwrap();
    let mut buf = [0u8; 8];
    let err = server.read(&mut buf).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TimedOut);
    assert_eq!(
        Instant::now() - t0,
        ms(5010),
        "stuck on arrival, then the timeout"
    );
    assert_eq!(
        client.read(&mut buf).await.unwrap_err().kind(),
        ErrorKind::TimedOut
    );
    assert!(client.write_all(b"more").await.is_err());
    assert_eq!(count(&trace, Fate::Partitioned), 1);
    assert!(net_events(&trace)
        .iter()
        .any(|e| matches!(e, NetEvent::TcpClose { reason, .. } if reason == "timed_out")));
    drop((client, server));
    assert_eq!(net.open_connections(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_short_partition_only_delays_the_stream() {
    let (net, _trace) = world(1, LinkConfig::default());
    let listener = net
        .network("alice")
        .unwrap()
        .listen_tcp(addr("10.0.0.1:5060"))
        .await
        .unwrap();
    let bob = net.network("bob").unwrap();
    let mut client = bob.connect_tcp(addr("10.0.0.1:5060")).await.unwrap().stream;
    let mut server = listener.accept().await.unwrap().stream;
    net.drop_all("bob", ms(1000)).unwrap();
    client.write_all(b"late").await.unwrap();
    let mut buf = [0u8; 4];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"late");
}

#[tokio::test(start_paused = true)]
async fn connecting_to_nothing_is_refused_and_to_a_partition_times_out() {
    let (net, trace) = world(1, LinkConfig::default());
    let bob = net.network("bob").unwrap();
    let t0 = Instant::now();
    let err = bob.connect_tcp(addr("10.0.0.1:5060")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    assert_eq!(Instant::now() - t0, ms(20));
    net.partition("alice", "bob").unwrap();
    let _l = net
        .network("alice")
        .unwrap()
        .listen_tcp(addr("10.0.0.1:5060"))
        .await
        .unwrap();
    let t0 = Instant::now();
    let err = bob.connect_tcp(addr("10.0.0.1:5060")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TimedOut);
    assert_eq!(Instant::now() - t0, Duration::from_secs(30));
    let reasons: Vec<_> = net_events(&trace)
        .into_iter()
        .filter_map(|e| match e {
            NetEvent::TcpClose { reason, .. } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(reasons, ["refused", "timed_out"]);
}
