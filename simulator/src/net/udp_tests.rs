//! UDP over the virtual network: latency, loss, duplication, reordering, bandwidth,
//! addresses and ports.

use super::test_util::*;
use super::LinkConfig;
use crate::trace::Fate;
use std::io::ErrorKind;
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn latency_is_exact_without_jitter_and_the_tap_reads_sip() {
    let (net, trace) = world(1, LinkConfig::default());
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let b = udp(&net, "bob", "10.0.0.2:0").await;
    assert_eq!(b.local_addr().unwrap(), addr("10.0.0.2:49152"));
    let t0 = Instant::now();
    let msg = "OPTIONS sip:a@10.0.0.1 SIP/2.0\r\nCall-ID: x1\r\nCSeq: 1 OPTIONS\r\n\r\n";
    b.send_to(msg.as_bytes(), addr("10.0.0.1:5060"))
        .await
        .unwrap();
    let (text, from) = recv(&a).await.unwrap();
    assert_eq!(Instant::now() - t0, ms(10));
    assert_eq!((text.as_str(), from), (msg, addr("10.0.0.2:49152")));
    let w = &wires(&trace)[0];
    assert_eq!(
        (w.from.as_str(), w.to.as_str(), w.fate),
        ("bob", "alice", Fate::Delivered)
    );
    assert_eq!(w.method.as_deref(), Some("OPTIONS"));
    assert_eq!(w.call_id.as_deref(), Some("x1"));
    assert_eq!(w.summary, "OPTIONS sip:a@10.0.0.1 SIP/2.0");
    assert_eq!(trace.lines()[0].t_us, 10_000);
}

async fn lost_of_1000(seed: u64) -> usize {
    let lossy = LinkConfig {
        loss: 0.3,
        ..LinkConfig::default()
    };
    let (net, trace) = world(seed, lossy);
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let b = udp(&net, "bob", "0.0.0.0:0").await;
    for i in 0..1000u32 {
        b.send_to(&i.to_be_bytes(), addr("10.0.0.1:5060"))
            .await
            .unwrap();
    }
    let mut got = 0;
    while recv(&a).await.is_some() {
        got += 1;
    }
    let lost = count(&trace, Fate::Lost);
    assert_eq!(got + lost, 1000);
    lost
}

#[tokio::test(start_paused = true)]
async fn loss_is_seeded_and_repeatable() {
    let first = lost_of_1000(7).await;
    assert!((250..=350).contains(&first), "{first} lost");
    assert_eq!(lost_of_1000(7).await, first);
    assert_ne!(lost_of_1000(8).await, first);
}

#[tokio::test(start_paused = true)]
async fn duplicates_and_reordering_are_visible() {
    let link = LinkConfig {
        duplicate: 0.5,
        reorder: 0.3,
        jitter: ms(2),
        ..LinkConfig::default()
    };
    let (net, trace) = world(3, link);
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let b = udp(&net, "bob", "0.0.0.0:0").await;
    for i in 0..100u8 {
        b.send_to(&[i], addr("10.0.0.1:5060")).await.unwrap();
        tokio::time::sleep(ms(1)).await;
    }
    let mut seen = Vec::new();
    while let Some((text, _)) = recv(&a).await {
        seen.push(text.as_bytes()[0]);
    }
    assert!(seen.len() > 120, "duplicates arrive: {}", seen.len());
    assert_eq!(count(&trace, Fate::Duplicate), seen.len() - 100);
    assert!(seen.windows(2).any(|w| w[1] < w[0]), "reordered: {seen:?}");
}

#[tokio::test(start_paused = true)]
async fn bandwidth_delays_a_burst_and_a_full_queue_drops() {
    let link = LinkConfig {
        bandwidth_bps: Some(80_000), // 10 bytes per ms
        queue_limit: 5,
        ..LinkConfig::default()
    };
    let (net, trace) = world(1, link);
    let a = udp(&net, "alice", "0.0.0.0:5060").await;
    let b = udp(&net, "bob", "0.0.0.0:0").await;
    let t0 = Instant::now();
    for _ in 0..8 {
        b.send_to(&[0u8; 100], addr("10.0.0.1:5060")).await.unwrap();
    }
    let mut arrivals = Vec::new();
    while recv(&a).await.is_some() {
        arrivals.push(Instant::now() - t0);
        if arrivals.len() == 5 {
            break;
        }
    }
    // 100 bytes take 10ms to send; then 10ms of latency.
    assert_eq!(arrivals, vec![ms(20), ms(30), ms(40), ms(50), ms(60)]);
    assert_eq!(count(&trace, Fate::QueueFull), 3);
}

#[tokio::test(start_paused = true)]
async fn addresses_ports_and_unreachable_destinations() {
    let (net, trace) = world(1, LinkConfig::default());
    let alice = net.network("alice").unwrap();
    let s = alice.bind_udp(addr("0.0.0.0:0")).await.unwrap();
    let t = alice.bind_udp(addr("0.0.0.0:0")).await.unwrap();
    assert_eq!(s.local_addr().unwrap().port(), 49152);
    assert_eq!(t.local_addr().unwrap().port(), 49153);
    let taken = alice.bind_udp(addr("10.0.0.1:49152")).await.err().unwrap();
    assert_eq!(taken.kind(), ErrorKind::AddrInUse);
    let other = alice.bind_udp(addr("10.0.0.2:5060")).await.err().unwrap();
    assert_eq!(other.kind(), ErrorKind::AddrNotAvailable);
    assert_eq!(net.bound_sockets(), 2);
    drop(t);
    assert_eq!(net.bound_sockets(), 1);
    s.send_to(b"x", addr("10.0.0.2:9")).await.unwrap();
    s.send_to(b"y", addr("192.0.2.1:9")).await.unwrap();
    tokio::time::sleep(ms(50)).await;
    assert_eq!(count(&trace, Fate::Unreachable), 2);
    // Nowhere to go: known at once; no socket: known on arrival.
    let w = wires(&trace);
    assert_eq!((w[0].to.as_str(), w[0].sent_us), ("192.0.2.1:9", 0));
    assert_eq!(
        (w[1].to.as_str(), w[1].summary.as_str()),
        ("bob", "1 bytes of junk")
    );
}
