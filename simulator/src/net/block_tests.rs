//! One-way blocks: traffic from one host to another is dropped, the other way flows.

use super::test_util::*;
use super::{LinkConfig, NetError};
use crate::trace::{Fate, NetEvent};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::sleep;

#[tokio::test(start_paused = true)]
async fn block_drops_one_way_until_unblock() {
    let (net, trace) = world(1, LinkConfig::default());
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let b = udp(&net, "bob", "0.0.0.0:5060").await;
    let c = udp(&net, "carol", "0.0.0.0:5060").await;
    net.block("alice", "bob").unwrap();
    a.send_to(b"lost", addr("10.0.0.2:5060")).await.unwrap();
    b.send_to(b"back", addr("10.0.0.1:5060")).await.unwrap();
    a.send_to(b"to carol", addr("10.0.0.3:5060")).await.unwrap();
    assert_eq!(recv(&a).await.unwrap().0, "back");
    assert_eq!(recv(&c).await.unwrap().0, "to carol");
    sleep(ms(100)).await;
    let dropped: Vec<_> = wires(&trace)
        .into_iter()
        .filter(|w| w.fate == Fate::Partitioned)
        .collect();
    assert_eq!(dropped.len(), 1);
    assert_eq!(
        (dropped[0].from.as_str(), dropped[0].to.as_str()),
        ("alice", "bob")
    );
    net.unblock("alice", "bob").unwrap();
    a.send_to(b"through", addr("10.0.0.2:5060")).await.unwrap();
    assert_eq!(recv(&b).await.unwrap().0, "through");
    let events = net_events(&trace);
    assert_eq!(
        events,
        [
            NetEvent::Block {
                from: "alice".into(),
                to: "bob".into()
            },
            NetEvent::Unblock {
                from: "alice".into(),
                to: "bob".into()
            },
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_packet_in_flight_when_the_block_starts_is_dropped_on_arrival() {
    let (net, trace) = world(1, LinkConfig::default());
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let _b = udp(&net, "bob", "0.0.0.0:5060").await;
    a.send_to(b"in flight", addr("10.0.0.2:5060"))
        .await
        .unwrap();
    sleep(ms(5)).await;
    net.block("alice", "bob").unwrap();
    sleep(ms(100)).await;
    assert_eq!(count(&trace, Fate::Partitioned), 1);
    assert_eq!(count(&trace, Fate::Delivered), 0);
}

#[tokio::test(start_paused = true)]
async fn repeated_blocks_and_unblocks_are_traced_once() {
    let (net, trace) = world(1, LinkConfig::default());
    net.block("bob", "alice").unwrap();
    net.block("bob", "alice").unwrap();
    net.unblock("alice", "bob").unwrap();
    assert_eq!(
        net_events(&trace).len(),
        1,
        "unblocking the other way is a no-op"
    );
    net.unblock("bob", "alice").unwrap();
    net.unblock("bob", "alice").unwrap();
    assert_eq!(net_events(&trace).len(), 2);
}

#[tokio::test(start_paused = true)]
async fn block_refuses_unknown_or_equal_hosts() {
    let (net, _trace) = world(1, LinkConfig::default());
    assert!(matches!(
        net.block("alice", "nobody"),
        Err(NetError::UnknownHost(h)) if h == "nobody"
    ));
    assert!(matches!(
        net.unblock("nobody", "alice"),
        Err(NetError::UnknownHost(_))
    ));
    assert!(matches!(
        net.block("alice", "alice"),
        Err(NetError::SameHost(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn tcp_segments_wait_out_a_short_block_one_way() {
    let (net, trace) = world(1, LinkConfig::default());
    let listener = net
        .network("bob")
        .unwrap()
        .listen_tcp(addr("10.0.0.2:5060"))
        .await
        .unwrap();
    let alice = net.network("alice").unwrap();
    let mut client = alice.connect_tcp(addr("10.0.0.2:5060")).await.unwrap();
    let mut server = listener.accept().await.unwrap();
    net.block("alice", "bob").unwrap();
    client.stream.write_all(b"held").await.unwrap();
    server.stream.write_all(b"flows").await.unwrap();
    let mut buf = [0u8; 5];
    client.stream.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"flows");
    sleep(ms(2000)).await;
    net.unblock("alice", "bob").unwrap();
    let mut buf = [0u8; 4];
    server.stream.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"held");
    assert_eq!(count(&trace, Fate::Delivered), 2);
}
