//! Faults: partition, hold, drop-all, handover; and replay from a seed.

use super::test_util::*;
use super::{LinkConfig, NetError};
use crate::trace::{Fate, NetEvent};
use std::io::ErrorKind;
use tokio::time::{sleep, Instant};

#[tokio::test(start_paused = true)]
async fn partition_drops_both_ways_until_heal() {
    let (net, trace) = world(1, LinkConfig::default());
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let b = udp(&net, "bob", "0.0.0.0:5060").await;
    net.partition("alice", "bob").unwrap();
    a.send_to(b"1", addr("10.0.0.2:5060")).await.unwrap();
    b.send_to(b"2", addr("10.0.0.1:5060")).await.unwrap();
    sleep(ms(100)).await;
    assert_eq!(count(&trace, Fate::Partitioned), 2);
    net.heal("alice", "bob").unwrap();
    b.send_to(b"3", addr("10.0.0.1:5060")).await.unwrap();
    assert_eq!(recv(&a).await.unwrap().0, "3");
    let events = net_events(&trace);
    assert!(matches!(&events[0], NetEvent::Partition { a, b } if a == "alice" && b == "bob"));
    assert!(matches!(&events[1], NetEvent::Heal { .. }));
    assert!(matches!(
        net.partition("alice", "nobody"),
        Err(NetError::UnknownHost(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn hold_queues_and_release_delivers_in_order() {
    let (net, trace) = world(1, LinkConfig::default());
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let b = udp(&net, "bob", "0.0.0.0:0").await;
    b.send_to(b"in flight", addr("10.0.0.1:5060"))
        .await
        .unwrap();
    sleep(ms(5)).await;
    net.hold("alice", "bob").unwrap();
    for i in 0..3 {
        b.send_to(format!("held {i}").as_bytes(), addr("10.0.0.1:5060"))
            .await
            .unwrap();
    }
    sleep(ms(1000)).await;
    assert!(wires(&trace).is_empty(), "nothing delivered or dropped");
    let t0 = Instant::now();
    net.release("alice", "bob").unwrap();
    let mut got = Vec::new();
    for _ in 0..4 {
        got.push(recv(&a).await.unwrap().0);
    }
    assert_eq!(Instant::now() - t0, ms(10));
    assert_eq!(got, ["in flight", "held 0", "held 1", "held 2"]);
    assert_eq!(count(&trace, Fate::Delivered), 4);
}

#[tokio::test(start_paused = true)]
async fn drop_all_ends_by_itself() {
    let (net, trace) = world(1, LinkConfig::default());
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let b = udp(&net, "bob", "0.0.0.0:0").await;
    net.drop_all("alice", ms(500)).unwrap();
    b.send_to(b"lost", addr("10.0.0.1:5060")).await.unwrap();
    sleep(ms(600)).await;
    b.send_to(b"through", addr("10.0.0.1:5060")).await.unwrap();
    assert_eq!(recv(&a).await.unwrap().0, "through");
    assert_eq!(count(&trace, Fate::DroppedAll), 1);
    let lines = trace.lines();
    let end = lines
        .iter()
        .find(|l| format!("{:?}", l.record).contains("DropAllEnd"))
        .unwrap();
    assert_eq!(end.t_us, 500_000);
}

#[tokio::test(start_paused = true)]
async fn move_host_kills_old_address_sockets_and_wildcards_follow() {
    let (net, trace) = world(1, LinkConfig::default());
    let wild = udp(&net, "alice", "0.0.0.0:5060").await;
    let fixed = udp(&net, "alice", "10.0.0.1:5070").await;
    let b = udp(&net, "bob", "0.0.0.0:0").await;
    net.move_host("alice", addr("10.0.1.1:0").ip()).unwrap();
    assert_eq!(net.host_ip("alice"), Some(addr("10.0.1.1:0").ip()));
    assert_eq!(
        net.host_of(addr("10.0.1.1:0").ip()).as_deref(),
        Some("alice")
    );
    assert_eq!(net.host_of(addr("10.0.0.1:0").ip()), None);
    let err = fixed.send_to(b"x", addr("10.0.0.2:1")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AddrNotAvailable);
    wild.send_to(b"from new", b.local_addr().unwrap().with_ip())
        .await
        .unwrap();
    let (text, from) = recv(&b).await.unwrap();
    assert_eq!((text.as_str(), from), ("from new", addr("10.0.1.1:5060")));
    b.send_to(b"old", addr("10.0.0.1:5060")).await.unwrap();
    b.send_to(b"new", addr("10.0.1.1:5060")).await.unwrap();
    assert_eq!(recv(&wild).await.unwrap().0, "new");
    assert_eq!(count(&trace, Fate::Unreachable), 1);
    assert!(net_events(&trace)
        .iter()
        .any(|e| matches!(e, NetEvent::Moved { host, .. } if host == "alice")));
    assert!(matches!(
        net.move_host("alice", addr("10.0.0.2:0").ip()),
        Err(NetError::AddressTaken(_))
    ));
}

trait WithIp {
    fn with_ip(self) -> std::net::SocketAddr;
}

impl WithIp for std::net::SocketAddr {
    /// Bob's wildcard socket, addressed at bob's IP.
    fn with_ip(self) -> std::net::SocketAddr {
        std::net::SocketAddr::new(addr("10.0.0.2:0").ip(), self.port())
    }
}

async fn scenario(seed: u64) -> String {
    let link = LinkConfig {
        loss: 0.1,
        duplicate: 0.1,
        reorder: 0.1,
        jitter: ms(5),
        ..LinkConfig::default()
    };
    let (net, trace) = world(seed, link);
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let b = udp(&net, "bob", "0.0.0.0:0").await;
    for i in 0..50u32 {
        if i == 20 {
            net.drop_all("bob", ms(30)).unwrap();
        }
        b.send_to(format!("m{i}").as_bytes(), addr("10.0.0.1:5060"))
            .await
            .unwrap();
        sleep(ms(3)).await;
    }
    while recv(&a).await.is_some() {}
    trace.to_json_lines()
}

#[tokio::test(start_paused = true)]
async fn the_same_seed_replays_the_same_trace() {
    let one = scenario(42).await;
    assert_eq!(one, scenario(42).await);
    assert_ne!(one, scenario(43).await);
}
