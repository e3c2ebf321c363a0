//! NAT: public source addresses, filtering, expiry, rebinding, TCP through a NAT.

use super::test_util::*;
use super::{LinkConfig, NatConfig, NetError};
use crate::trace::{Fate, NetEvent};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::sleep;

fn natted(seed: u64) -> (super::SimNet, crate::trace::Trace) {
    let (net, trace) = world(seed, LinkConfig::default());
    let nat = NatConfig {
        public_ip: addr("203.0.113.1:0").ip(),
        binding_timeout: Duration::from_secs(30),
    };
    net.set_nat("bob", nat).unwrap();
    (net, trace)
}

fn changes(trace: &crate::trace::Trace) -> Vec<(String, u16)> {
    net_events(trace)
        .into_iter()
        .filter_map(|e| match e {
            NetEvent::Nat { change, public, .. } => Some((change, public.port())),
            _ => None,
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn the_receiver_sees_the_public_address_and_replies_get_back() {
    let (net, trace) = natted(1);
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let b = udp(&net, "bob", "0.0.0.0:5060").await;
    b.send_to(b"out", addr("10.0.0.1:5060")).await.unwrap();
    let (_, from) = recv(&a).await.unwrap();
    assert_eq!(from, addr("203.0.113.1:20000"));
    assert_eq!(net.host_of(from.ip()).as_deref(), Some("bob"));
    a.send_to(b"back", from).await.unwrap();
    assert_eq!(
        recv(&b).await.unwrap(),
        ("back".into(), addr("10.0.0.1:5060"))
    );
    assert_eq!(wires(&trace)[0].src, from);
    assert_eq!(changes(&trace), [("bound".into(), 20000)]);
}

#[tokio::test(start_paused = true)]
async fn inbound_without_a_binding_is_filtered() {
    let (net, trace) = natted(1);
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let _b = udp(&net, "bob", "0.0.0.0:5060").await;
    a.send_to(b"1", addr("203.0.113.1:20000")).await.unwrap();
    a.send_to(b"2", addr("10.0.0.2:5060")).await.unwrap();
    sleep(ms(100)).await;
    assert_eq!(count(&trace, Fate::NatFiltered), 2);
}

#[tokio::test(start_paused = true)]
async fn bindings_expire_when_idle_and_outbound_refreshes_them() {
    let (net, trace) = natted(1);
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let b = udp(&net, "bob", "0.0.0.0:5060").await;
    b.send_to(b"1", addr("10.0.0.1:5060")).await.unwrap();
    let (_, public) = recv(&a).await.unwrap();
    sleep(Duration::from_secs(20)).await;
    b.send_to(b"refresh", addr("10.0.0.1:5060")).await.unwrap();
    sleep(Duration::from_secs(20)).await;
    a.send_to(b"alive", public).await.unwrap();
    assert_eq!(recv(&b).await.unwrap().0, "alive");
    sleep(Duration::from_secs(31)).await;
    a.send_to(b"late", public).await.unwrap();
    sleep(ms(100)).await;
    assert_eq!(count(&trace, Fate::NatFiltered), 1);
    assert_eq!(
        changes(&trace),
        [("bound".into(), 20000), ("expired".into(), 20000)]
    );
}

#[tokio::test(start_paused = true)]
async fn nat_rebind_gives_a_new_public_port() {
    let (net, trace) = natted(1);
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let b = udp(&net, "bob", "0.0.0.0:5060").await;
    b.send_to(b"1", addr("10.0.0.1:5060")).await.unwrap();
    let (_, first) = recv(&a).await.unwrap();
    net.nat_rebind("bob").unwrap();
    a.send_to(b"to old", first).await.unwrap();
    b.send_to(b"2", addr("10.0.0.1:5060")).await.unwrap();
    let (_, second) = recv(&a).await.unwrap();
    assert_ne!(first, second);
    assert_eq!(count(&trace, Fate::NatFiltered), 1);
    assert_eq!(
        changes(&trace),
        [("bound".into(), 20000), ("rebound".into(), 20001)]
    );
    assert!(matches!(net.nat_rebind("alice"), Err(NetError::NoNat(_))));
}

#[tokio::test(start_paused = true)]
async fn tcp_through_a_nat_keeps_its_mapping_for_the_connection() {
    let (net, _trace) = natted(1);
    let listener = net
        .network("alice")
        .unwrap()
        .listen_tcp(addr("0.0.0.0:5061"))
        .await
        .unwrap();
    let bob = net.network("bob").unwrap();
    let mut client = bob.connect_tcp(addr("10.0.0.1:5061")).await.unwrap().stream;
    let accepted = listener.accept().await.unwrap();
    assert_eq!(accepted.remote.ip(), addr("203.0.113.1:0").ip());
    let mut server = accepted.stream;
    sleep(Duration::from_secs(120)).await;
    server.write_all(b"still here").await.unwrap();
    let mut buf = [0u8; 10];
    client.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"still here");
    // Nothing gets in from outside.
    let err = net
        .network("alice")
        .unwrap()
        .connect_tcp(addr("203.0.113.1:5061"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
}
