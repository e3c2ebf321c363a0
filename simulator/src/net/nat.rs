//! NATs: UDP bindings (private → public port, refreshed by outbound traffic, expiring
//! when idle), TCP mappings (for a connection's life), rebinding. Mapping and filtering
//! are endpoint-independent: any peer may send to a live binding.

use super::driver::Event;
use super::state::State;
use crate::trace::{NetEvent, Record};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::time::Instant;

/// First public port a NAT hands out.
pub(crate) const NAT_FIRST_PORT: u16 = 20000;

/// A live UDP binding.
pub(crate) struct Binding {
    pub host: String,
    pub private: SocketAddr,
    pub last: Instant,
    pub timeout: Duration,
}

/// Every NAT's bindings, keyed by public address.
#[derive(Default)]
pub(crate) struct NatTable {
    by_private: BTreeMap<(String, SocketAddr), SocketAddr>,
    by_public: BTreeMap<SocketAddr, Binding>,
    next_port: BTreeMap<IpAddr, u16>,
    tcp: BTreeSet<SocketAddr>,
    rebound: BTreeSet<(String, SocketAddr)>,
}

impl NatTable {
    /// The next free public port on `ip` (sequential from 20000).
    fn allocate(&mut self, ip: IpAddr) -> SocketAddr {
        let next = self.next_port.entry(ip).or_insert(NAT_FIRST_PORT);
        loop {
            let addr = SocketAddr::new(ip, *next);
            *next = next.checked_add(1).unwrap_or(NAT_FIRST_PORT);
            if !self.by_public.contains_key(&addr) && !self.tcp.contains(&addr) {
                return addr;
            }
        }
    }
}

impl State {
    /// The source address traffic from `private` on `host` leaves with: the NAT binding
    /// (made or refreshed now), or `private` itself when the host has no NAT.
    pub fn nat_outbound(&mut self, host: &str, private: SocketAddr, now: Instant) -> SocketAddr {
        let Some(nat) = self.hosts.get(host).and_then(|h| h.nat.clone()) else {
            return private;
        };
        let key = (host.to_owned(), private);
        if let Some(public) = self.nat.by_private.get(&key).copied() {
            if let Some(b) = self.nat.by_public.get_mut(&public) {
                b.last = now;
                return public;
            }
        }
        let public = self.nat.allocate(nat.public_ip);
        self.nat.by_private.insert(key.clone(), public);
        let binding = Binding {
            host: host.to_owned(),
            private,
            last: now,
            timeout: nat.binding_timeout,
        };
        self.nat.by_public.insert(public, binding);
        let change = if self.nat.rebound.remove(&key) {
            "rebound"
        } else {
            "bound"
        };
        self.nat_event(host, private, public, change);
        self.schedule(now + nat.binding_timeout, Event::NatExpiry { public });
        public
    }

    /// The host and private address a live binding at `public` forwards to.
    pub fn nat_inbound(&self, public: SocketAddr, now: Instant) -> Option<(String, SocketAddr)> {
        let b = self.nat.by_public.get(&public)?;
        (b.last + b.timeout > now).then(|| (b.host.clone(), b.private))
    }

    /// A public address for a TCP connection from `private` on `host` (itself without
    /// a NAT), held until [`nat_tcp_close`](Self::nat_tcp_close).
    pub fn nat_tcp_open(&mut self, host: &str, private: SocketAddr) -> SocketAddr {
        let Some(nat) = self.hosts.get(host).and_then(|h| h.nat.clone()) else {
            return private;
        };
        let public = self.nat.allocate(nat.public_ip);
        self.nat.tcp.insert(public);
        public
    }

    /// Frees a TCP connection's public address.
    pub fn nat_tcp_close(&mut self, public: SocketAddr) {
        self.nat.tcp.remove(&public);
    }

    /// The binding at `public` expires if it was idle for its timeout.
    pub fn nat_expiry(&mut self, public: SocketAddr, now: Instant) {
        let Some(b) = self.nat.by_public.get(&public) else {
            return;
        };
        let deadline = b.last + b.timeout;
        if deadline > now {
            self.schedule(deadline, Event::NatExpiry { public });
            return;
        }
        let (host, private) = (b.host.clone(), b.private);
        self.nat.by_public.remove(&public);
        self.nat.by_private.remove(&(host.clone(), private));
        self.nat_event(&host, private, public, "expired");
    }

    /// Drops every UDP binding of `host`; with `rebind`, the next binding of each of
    /// its addresses is traced as `rebound`.
    pub fn nat_forget(&mut self, host: &str, rebind: bool) {
        let mine: Vec<_> = self
            .nat
            .by_private
            .keys()
            .filter(|(h, _)| h == host)
            .cloned()
            .collect();
        for key in mine {
            if let Some(public) = self.nat.by_private.remove(&key) {
                self.nat.by_public.remove(&public);
            }
            if rebind {
                self.nat.rebound.insert(key);
            }
        }
    }

    fn nat_event(&self, host: &str, private: SocketAddr, public: SocketAddr, change: &str) {
        self.record(Record::Net {
            event: NetEvent::Nat {
                host: host.to_owned(),
                private,
                public,
                change: change.to_owned(),
            },
        });
    }
}
