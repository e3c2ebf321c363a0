//! A tiny in-test wire for the peer tests: machines at addresses, packets moved from one
//! machine's `PeerOutput::Send` into another's `handle` after a fixed latency, simulated
//! time advanced by the test, everything recorded. No sockets, no runtime.

use super::{Peer, PeerCommand, PeerContext, PeerEvent, PeerInput, PeerOutput};
use bytes::Bytes;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::vocab::TransportKind;

/// One way latency of the test wire.
pub(super) const LATENCY: Duration = Duration::from_millis(10);

/// A packet put on the wire.
#[derive(Debug, Clone)]
pub(super) struct Sent {
    pub at: Duration,
    pub from: String,
    pub to: SocketAddr,
    pub transport: TransportKind,
    pub text: String,
}

/// Decides whether a packet is delivered (the rest are dropped).
pub(super) type Filter = Box<dyn Fn(&Sent) -> bool>;

pub(super) struct Wire {
    pub now: Duration,
    nodes: Vec<(String, SocketAddr, Box<dyn Peer>)>,
    flight: BTreeMap<(Duration, u64), (SocketAddr, SocketAddr, TransportKind, Bytes)>,
    seq: u64,
    pub events: Vec<(Duration, String, PeerEvent)>,
    pub sent: Vec<Sent>,
    pub filter: Option<Filter>,
}

/// The address of test node `n`: 10.0.0.n:5060.
pub(super) fn addr(n: u8) -> SocketAddr {
    SocketAddr::from(([10, 0, 0, n], 5060))
}

/// A context for a node named `name` at `addr(n)`, knowing every name in `dir`.
pub(super) fn ctx(name: &str, n: u8, dir: &[(&str, u8)]) -> PeerContext {
    PeerContext {
        name: name.to_owned(),
        local: addr(n),
        transports: vec![TransportKind::Udp, TransportKind::Tcp],
        directory: dir
            .iter()
            .map(|(k, v)| ((*k).to_owned(), addr(*v)))
            .collect(),
        rng: ChaCha8Rng::seed_from_u64(u64::from(n)),
    }
}

impl Wire {
    pub fn new() -> Wire {
        Wire {
            now: Duration::ZERO,
            nodes: Vec::new(),
            flight: BTreeMap::new(),
            seq: 0,
            events: Vec::new(),
            sent: Vec::new(),
            filter: None,
        }
    }

    pub fn add(&mut self, name: &str, at: SocketAddr, peer: impl Peer + 'static) {
        self.nodes.push((name.to_owned(), at, Box::new(peer)));
    }

    pub fn command(&mut self, name: &str, cmd: PeerCommand) {
        let now = self.now;
        if let Some(i) = self.nodes.iter().position(|n| n.0 == name) {
            self.nodes[i].2.handle(now, PeerInput::Command(cmd));
            self.drain(i);
        }
    }

    fn drain(&mut self, i: usize) {
        let (name, local) = (self.nodes[i].0.clone(), self.nodes[i].1);
        while let Some(o) = self.nodes[i].2.poll_output() {
            match o {
                PeerOutput::Send {
                    transport,
                    to,
                    bytes,
                } => {
                    let s = Sent {
                        at: self.now,
                        from: name.clone(),
                        to,
                        transport,
                        text: String::from_utf8_lossy(&bytes).into_owned(),
                    };
                    let deliver = self.filter.as_ref().is_none_or(|f| f(&s));
                    self.sent.push(s);
                    if deliver {
                        self.seq += 1;
                        let key = (self.now + LATENCY, self.seq);
                        self.flight.insert(key, (local, to, transport, bytes));
                    }
                }
                PeerOutput::Event(e) => self.events.push((self.now, name.clone(), e)),
                _ => {}
            }
        }
    }

    /// Runs every delivery and timer up to and including `until`.
    pub fn run_until(&mut self, until: Duration) {
        loop {
            let packet = self.flight.keys().next().map(|k| k.0);
            let timer = (0..self.nodes.len())
                .filter_map(|i| self.nodes[i].2.poll_timeout().map(|t| (t.max(self.now), i)))
                .min();
            let next = match (packet, timer) {
                (Some(p), Some((t, _))) => p.min(t),
                (p, t) => match p.or(t.map(|t| t.0)) {
                    Some(x) => x,
                    None => break,
                },
            };
            if next > until {
                break;
            }
            self.now = next;
            if packet == Some(next) {
                let Some((_, (from, to, transport, bytes))) = self.flight.pop_first() else {
                    break;
                };
                if let Some(i) = self.nodes.iter().position(|n| n.1 == to) {
                    let input = PeerInput::Message {
                        transport,
                        from,
                        bytes,
                    };
                    self.nodes[i].2.handle(next, input);
                    self.drain(i);
                }
            } else if let Some((_, i)) = timer {
                self.nodes[i].2.handle_timeout(next);
                self.drain(i);
            }
        }
        self.now = until;
    }

    /// The events of node `name`, in order.
    pub fn events_of(&self, name: &str) -> Vec<PeerEvent> {
        self.events
            .iter()
            .filter(|e| e.1 == name)
            .map(|e| e.2.clone())
            .collect()
    }

    /// `name`'s call states, `state` or `state:reason`.
    pub fn states(&self, name: &str) -> Vec<String> {
        self.events_of(name)
            .into_iter()
            .filter_map(|e| match e {
                PeerEvent::CallState { state, reason, .. } => Some(match reason {
                    Some(r) => format!("{state}:{r}"),
                    None => state,
                }),
                _ => None,
            })
            .collect()
    }

    /// Times at which `from` sent a packet whose start line begins with `start`.
    pub fn sends(&self, from: &str, start: &str) -> Vec<Duration> {
        self.sent
            .iter()
            .filter(|s| s.from == from && s.text.starts_with(start))
            .map(|s| s.at)
            .collect()
    }
}
