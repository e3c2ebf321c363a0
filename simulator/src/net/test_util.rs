//! Helpers for the network's tests.

use super::{LinkConfig, SimNet};
use crate::trace::{Fate, NetEvent, Record, Trace, WireRecord};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use switchboard_actors::transport::net::UdpSocket;
use tokio::time::Instant;

/// A network with alice 10.0.0.1, bob 10.0.0.2, carol 10.0.0.3.
pub(super) fn world(seed: u64, defaults: LinkConfig) -> (SimNet, Trace) {
    let trace = Trace::new();
    let rng = ChaCha8Rng::seed_from_u64(seed);
    let net = SimNet::new(Instant::now(), rng, trace.clone(), defaults);
    for (name, ip) in [("alice", 1), ("bob", 2), ("carol", 3)] {
        net.add_host(name, format!("10.0.0.{ip}").parse().unwrap())
            .unwrap();
    }
    (net, trace)
}

pub(super) fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

pub(super) async fn udp(net: &SimNet, host: &str, at: &str) -> Arc<dyn UdpSocket> {
    net.network(host).unwrap().bind_udp(addr(at)).await.unwrap()
}

/// The next datagram within a minute.
pub(super) async fn recv(sock: &Arc<dyn UdpSocket>) -> Option<(String, SocketAddr)> {
    let mut buf = vec![0u8; 65536];
    let got = tokio::time::timeout(Duration::from_secs(60), sock.recv_from(&mut buf)).await;
    let (n, from) = got.ok()?.ok()?;
    Some((String::from_utf8_lossy(&buf[..n]).into_owned(), from))
}

pub(super) fn wires(trace: &Trace) -> Vec<WireRecord> {
    trace
        .lines()
        .into_iter()
        .filter_map(|l| match l.record {
            Record::Wire(w) => Some(w),
            _ => None,
        })
        .collect()
}

pub(super) fn count(trace: &Trace, fate: Fate) -> usize {
    wires(trace).iter().filter(|w| w.fate == fate).count()
}

pub(super) fn net_events(trace: &Trace) -> Vec<NetEvent> {
    trace
        .lines()
        .into_iter()
        .filter_map(|l| match l.record {
            Record::Net { event } => Some(event),
            _ => None,
        })
        .collect()
}

pub(super) fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}
