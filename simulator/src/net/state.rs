//! The network's state, behind one mutex: hosts, links, faults, sockets, connections,
//! NAT bindings and the event queue.

use super::driver::Event;
use super::nat::NatTable;
use super::tcp::Conn;
use super::udp::UdpSock;
use super::{LinkConfig, NatConfig};
use crate::trace::{Record, Trace};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;
use tokio::time::Instant;

/// First ephemeral port of every host.
pub(crate) const EPHEMERAL_FIRST: u16 = 49152;

/// What sockets, connections and the driver share.
pub(crate) struct Shared {
    pub state: Mutex<State>,
    pub notify: Arc<Notify>,
}

impl Shared {
    /// The state (a poisoned lock is taken over: the state stays consistent per call).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The driver holds a weak reference: wake it so it sees the network is gone.
        self.notify.notify_one();
    }
}

/// A host.
pub(crate) struct Host {
    pub ip: IpAddr,
    pub nat: Option<NatConfig>,
    pub next_port: u16,
}

/// A bound address: host, IP (`None`: the host's wildcard), port.
pub(crate) type BindKey = (String, Option<IpAddr>, u16);

/// An unordered pair of host names, smaller first.
pub(crate) type Pair = (String, String);

/// The pair `{a, b}`.
pub(crate) fn pair(a: &str, b: &str) -> Pair {
    if a <= b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

/// Why a path is blocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blocked {
    Partitioned,
    DroppedAll,
    Held,
}

/// Bandwidth state of one direction of a link.
#[derive(Default)]
pub(crate) struct Busy {
    /// When each packet still in the send queue finishes sending.
    pub departures: VecDeque<Instant>,
}

/// Everything.
pub(crate) struct State {
    pub epoch: Instant,
    pub rng: ChaCha8Rng,
    pub trace: Trace,
    pub defaults: LinkConfig,
    pub hosts: BTreeMap<String, Host>,
    pub ips: BTreeMap<IpAddr, String>,
    pub links: BTreeMap<Pair, LinkConfig>,
    pub partitions: BTreeSet<Pair>,
    /// One-way blocks: (from, to), traffic from `from` to `to` is dropped.
    pub blocks: BTreeSet<(String, String)>,
    pub holds: BTreeMap<Pair, VecDeque<super::udp::Packet>>,
    pub drop_all: BTreeMap<String, Instant>,
    pub busy: BTreeMap<(String, String), Busy>,
    pub udp: BTreeMap<u64, UdpSock>,
    pub udp_bind: BTreeMap<BindKey, u64>,
    pub listeners: BTreeMap<u64, super::tcp_connect::Listener>,
    pub tcp_bind: BTreeMap<BindKey, u64>,
    pub conns: BTreeMap<u64, Conn>,
    pub nat: NatTable,
    pub queue: BTreeMap<(Instant, u64), Event>,
    pub seq: u64,
    pub next_id: u64,
    pub driver: Option<std::sync::Weak<Shared>>,
    pub driver_started: bool,
    pub notify: Arc<Notify>,
}

impl State {
    /// Appends a trace record stamped now.
    pub fn record(&self, record: Record) {
        let now = Instant::now();
        self.trace
            .push(now.saturating_duration_since(self.epoch), record);
    }

    /// Microseconds since the epoch at `at`.
    pub fn us(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.epoch).as_micros()).unwrap_or(u64::MAX)
    }

    /// A fresh id for a socket, listener or connection.
    pub fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// The link between two hosts.
    pub fn link(&self, a: &str, b: &str) -> &LinkConfig {
        self.links.get(&pair(a, b)).unwrap_or(&self.defaults)
    }

    /// The host owning `ip`: its own address, or (first by name) the NAT it is behind.
    pub fn host_of(&self, ip: IpAddr) -> Option<String> {
        if let Some(name) = self.ips.get(&ip) {
            return Some(name.clone());
        }
        self.hosts
            .iter()
            .find(|(_, h)| h.nat.as_ref().is_some_and(|n| n.public_ip == ip))
            .map(|(name, _)| name.clone())
    }

    /// Whether any host or NAT uses `ip`.
    pub fn ip_taken(&self, ip: IpAddr) -> bool {
        self.host_of(ip).is_some()
    }

    /// What blocks traffic from `a` to `b` now, if anything.
    pub fn blocked(&self, a: &str, b: &str, now: Instant) -> Option<Blocked> {
        let p = pair(a, b);
        if self.partitions.contains(&p) {
            return Some(Blocked::Partitioned);
        }
        if self.blocks.iter().any(|(from, to)| from == a && to == b) {
            return Some(Blocked::Partitioned);
        }
        let dropping = |h: &str| self.drop_all.get(h).is_some_and(|until| *until > now);
        if dropping(a) || dropping(b) {
            return Some(Blocked::DroppedAll);
        }
        if self.holds.contains_key(&p) {
            return Some(Blocked::Held);
        }
        None
    }

    /// Whether `port` on `host` is in use for UDP (`udp`) or TCP.
    fn port_taken(&self, host: &str, ip: Option<IpAddr>, port: u16, udp: bool) -> bool {
        let clash = |k: &BindKey| {
            k.0 == host && k.2 == port && (k.1.is_none() || ip.is_none() || k.1 == ip)
        };
        if udp {
            return self.udp_bind.keys().any(clash);
        }
        self.tcp_bind.keys().any(clash)
            || self
                .conns
                .values()
                .any(|c| c.hosts[0] == host && c.local[0].port() == port)
    }

    /// A port for a bind: `port`, or the host's next free ephemeral one when 0.
    pub fn pick_port(
        &mut self,
        host: &str,
        ip: Option<IpAddr>,
        port: u16,
        udp: bool,
    ) -> std::io::Result<u16> {
        use std::io::{Error, ErrorKind};
        if port != 0 {
            if self.port_taken(host, ip, port, udp) {
                return Err(Error::new(
                    ErrorKind::AddrInUse,
                    format!("port {port} is taken"),
                ));
            }
            return Ok(port);
        }
        for _ in 0..=(u16::MAX - EPHEMERAL_FIRST) {
            let Some(h) = self.hosts.get_mut(host) else {
                break;
            };
            let candidate = h.next_port;
            h.next_port = candidate.checked_add(1).unwrap_or(EPHEMERAL_FIRST);
            if !self.port_taken(host, ip, candidate, udp) {
                return Ok(candidate);
            }
        }
        Err(Error::new(ErrorKind::AddrInUse, "no ephemeral port left"))
    }

    /// The IP `host` sends from for a socket bound to `bound` (`None`: gone).
    pub fn source_ip(&self, host: &str, bound: Option<IpAddr>) -> Option<IpAddr> {
        let current = self.hosts.get(host)?.ip;
        match bound {
            None => Some(current),
            Some(ip) if ip == current => Some(ip),
            Some(_) => None,
        }
    }

    /// `addr` as `host` binds it: `Ok(None)` for the wildcard, `Ok(Some(ip))` for its own.
    pub fn bind_ip(&self, host: &str, addr: SocketAddr) -> std::io::Result<Option<IpAddr>> {
        if addr.ip().is_unspecified() {
            return Ok(None);
        }
        match self.hosts.get(host) {
            Some(h) if h.ip == addr.ip() => Ok(Some(h.ip)),
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::AddrNotAvailable,
                format!("{} is not an address of {host}", addr.ip()),
            )),
        }
    }
}

/// The socket bound at `ip:port` on the host that has `ip`, in `binds`.
pub(crate) fn lookup(
    binds: &BTreeMap<BindKey, u64>,
    host: &str,
    ip: IpAddr,
    port: u16,
) -> Option<u64> {
    binds
        .get(&(host.to_owned(), Some(ip), port))
        .or_else(|| binds.get(&(host.to_owned(), None, port)))
        .copied()
}
