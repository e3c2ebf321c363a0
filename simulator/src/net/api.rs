//! [`SimNet`]: building the network, handing out per-host [`Network`]s, and faults.

use super::host::HostNet;
use super::nat::NatTable;
use super::state::{pair, Host, Shared, State, EPHEMERAL_FIRST};
use super::{LinkConfig, NatConfig, NetError};
use crate::trace::Trace;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchboard_actors::transport::Network;
use tokio::sync::Notify;
use tokio::time::Instant;

/// The virtual network. Cheap to clone (shared state); call it from inside the
/// simulation's (paused, current-thread) tokio runtime.
#[derive(Clone)]
pub struct SimNet {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for SimNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = self.shared.lock();
        f.debug_struct("SimNet")
            .field("hosts", &st.hosts.len())
            .field("bound_sockets", &(st.udp.len() + st.listeners.len()))
            .field("open_connections", &st.conns.len())
            .finish_non_exhaustive()
    }
}

impl SimNet {
    /// An empty network: trace stamps count from `epoch`, randomness comes from `rng`,
    /// links behave as `defaults` unless [`set_link`](Self::set_link) says otherwise
    /// (probabilities outside `0..=1` are clamped).
    pub fn new(epoch: Instant, rng: ChaCha8Rng, trace: Trace, mut defaults: LinkConfig) -> SimNet {
        for p in [
            &mut defaults.loss,
            &mut defaults.duplicate,
            &mut defaults.reorder,
        ] {
            *p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        }
        let notify = Arc::new(Notify::new());
        let state = State {
            epoch,
            rng,
            trace,
            defaults,
            hosts: BTreeMap::new(),
            ips: BTreeMap::new(),
            links: BTreeMap::new(),
            partitions: Default::default(),
            blocks: Default::default(),
            holds: BTreeMap::new(),
            drop_all: BTreeMap::new(),
            busy: BTreeMap::new(),
            udp: BTreeMap::new(),
            udp_bind: BTreeMap::new(),
            listeners: BTreeMap::new(),
            tcp_bind: BTreeMap::new(),
            conns: BTreeMap::new(),
            nat: NatTable::default(),
            queue: BTreeMap::new(),
            seq: 0,
            next_id: 0,
            driver: None,
            driver_started: false,
            notify: notify.clone(),
        };
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            notify,
        });
        shared.lock().driver = Some(Arc::downgrade(&shared));
        SimNet { shared }
    }

    fn known(&self, host: &str) -> Result<(), NetError> {
        match self.shared.lock().hosts.contains_key(host) {
            true => Ok(()),
            false => Err(NetError::UnknownHost(host.to_owned())),
        }
    }

    fn two(&self, a: &str, b: &str) -> Result<(), NetError> {
        self.known(a)?;
        self.known(b)?;
        match a == b {
            true => Err(NetError::SameHost(a.to_owned())),
            false => Ok(()),
        }
    }

    /// Adds a host with address `ip`.
    pub fn add_host(&self, name: &str, ip: IpAddr) -> Result<(), NetError> {
        let mut st = self.shared.lock();
        if st.hosts.contains_key(name) {
            return Err(NetError::DuplicateHost(name.to_owned()));
        }
        if st.ip_taken(ip) {
            return Err(NetError::AddressTaken(ip));
        }
        let host = Host {
            ip,
            nat: None,
            next_port: EPHEMERAL_FIRST,
        };
        st.hosts.insert(name.to_owned(), host);
        st.ips.insert(ip, name.to_owned());
        Ok(())
    }

    /// Puts `host` behind a NAT (its own address becomes the private one).
    pub fn set_nat(&self, host: &str, nat: NatConfig) -> Result<(), NetError> {
        let mut st = self.shared.lock();
        if st.ips.contains_key(&nat.public_ip) {
            return Err(NetError::AddressTaken(nat.public_ip));
        }
        let h = st
            .hosts
            .get_mut(host)
            .ok_or_else(|| NetError::UnknownHost(host.to_owned()))?;
        h.nat = Some(nat);
        Ok(())
    }

    /// Overrides the link between `a` and `b` (both ways).
    pub fn set_link(&self, a: &str, b: &str, cfg: LinkConfig) -> Result<(), NetError> {
        self.known(a)?;
        self.known(b)?;
        cfg.validate()?;
        self.shared.lock().links.insert(pair(a, b), cfg);
        Ok(())
    }

    /// The network as `host` sees it: what it binds and connects.
    pub fn network(&self, host: &str) -> Result<Arc<dyn Network>, NetError> {
        self.known(host)?;
        Ok(Arc::new(HostNet {
            shared: self.shared.clone(),
            host: host.to_owned(),
        }))
    }

    /// `host`'s current address.
    pub fn host_ip(&self, host: &str) -> Option<IpAddr> {
        self.shared.lock().hosts.get(host).map(|h| h.ip)
    }

    /// The host that has `ip` (or, for a NAT's public address, the first host behind it
    /// by name).
    pub fn host_of(&self, ip: IpAddr) -> Option<String> {
        self.shared.lock().host_of(ip)
    }

    /// Drops all traffic between `a` and `b` from now until [`heal`](Self::heal).
    pub fn partition(&self, a: &str, b: &str) -> Result<(), NetError> {
        self.two(a, b)?;
        self.shared.lock().partition(a, b);
        Ok(())
    }

    /// Ends a partition.
    pub fn heal(&self, a: &str, b: &str) -> Result<(), NetError> {
        self.two(a, b)?;
        self.shared.lock().heal(a, b);
        Ok(())
    }

    /// Drops traffic from `from` to `to` (one way: the other direction flows) from now
    /// until [`unblock`](Self::unblock).
    pub fn block(&self, from: &str, to: &str) -> Result<(), NetError> {
        self.two(from, to)?;
        self.shared.lock().block(from, to);
        Ok(())
    }

    /// Ends a one-way block.
    pub fn unblock(&self, from: &str, to: &str) -> Result<(), NetError> {
        self.two(from, to)?;
        self.shared.lock().unblock(from, to);
        Ok(())
    }

    /// Queues all traffic between `a` and `b` from now until [`release`](Self::release).
    pub fn hold(&self, a: &str, b: &str) -> Result<(), NetError> {
        self.two(a, b)?;
        self.shared.lock().hold(a, b);
        Ok(())
    }

    /// Ends a hold: queued datagrams go on in order (held TCP segments retry).
    pub fn release(&self, a: &str, b: &str) -> Result<(), NetError> {
        self.two(a, b)?;
        self.shared.lock().release(a, b);
        Ok(())
    }

    /// Drops every packet to or from `host` for `for_` (ends by itself).
    pub fn drop_all(&self, host: &str, for_: Duration) -> Result<(), NetError> {
        self.known(host)?;
        self.shared.lock().drop_all(host, for_);
        Ok(())
    }

    /// Moves `host` to `new_ip` (network handover).
    pub fn move_host(&self, host: &str, new_ip: IpAddr) -> Result<(), NetError> {
        self.shared.lock().move_host(host, new_ip)
    }

    /// `host`'s NAT drops its bindings now; the next datagram out gets a new public port.
    pub fn nat_rebind(&self, host: &str) -> Result<(), NetError> {
        self.shared.lock().nat_rebind(host)
    }

    /// TCP connections not yet forgotten (an end still held, or segments on the way).
    pub fn open_connections(&self) -> usize {
        self.shared.lock().conns.len()
    }

    /// UDP sockets and TCP listeners whose handles are alive.
    pub fn bound_sockets(&self) -> usize {
        let st = self.shared.lock();
        st.udp.len() + st.listeners.len()
    }
}
