//! Faults, effective at the current (virtual) time: partitions, one-way blocks, holds, drop-all,
//! handover to a new address, NAT rebinding. Each start and end is traced.

use super::driver::Event;
use super::state::{pair, State};
use super::NetError;
use crate::trace::{NetEvent, Record};
use std::io;
use std::net::IpAddr;
use std::time::Duration;
use tokio::time::Instant;

impl State {
    fn net(&self, event: NetEvent) {
        self.record(Record::Net { event });
    }

    pub fn partition(&mut self, a: &str, b: &str) {
        if self.partitions.insert(pair(a, b)) {
            self.net(NetEvent::Partition {
                a: a.to_owned(),
                b: b.to_owned(),
            });
        }
    }

    pub fn heal(&mut self, a: &str, b: &str) {
        if self.partitions.remove(&pair(a, b)) {
            self.net(NetEvent::Heal {
                a: a.to_owned(),
                b: b.to_owned(),
            });
        }
    }

    /// Traffic from `from` to `to` is dropped (one way) from now on.
    pub fn block(&mut self, from: &str, to: &str) {
        if self.blocks.insert((from.to_owned(), to.to_owned())) {
            self.net(NetEvent::Block {
                from: from.to_owned(),
                to: to.to_owned(),
            });
        }
    }

    /// Ends a one-way block.
    pub fn unblock(&mut self, from: &str, to: &str) {
        if self.blocks.remove(&(from.to_owned(), to.to_owned())) {
            self.net(NetEvent::Unblock {
                from: from.to_owned(),
                to: to.to_owned(),
            });
        }
    }

    pub fn hold(&mut self, a: &str, b: &str) {
        if let std::collections::btree_map::Entry::Vacant(e) = self.holds.entry(pair(a, b)) {
            e.insert(Default::default());
            self.net(NetEvent::Hold {
                a: a.to_owned(),
                b: b.to_owned(),
            });
        }
    }

    /// Ends a hold: the held datagrams go on, in the order they were sent, one
    /// latency from now.
    pub fn release(&mut self, a: &str, b: &str) {
        let Some(held) = self.holds.remove(&pair(a, b)) else {
            return;
        };
        self.net(NetEvent::Release {
            a: a.to_owned(),
            b: b.to_owned(),
        });
        let now = Instant::now();
        // In the order sent: a datagram caught in flight goes before later ones.
        let mut held = Vec::from(held);
        held.sort_by_key(|p| p.sent);
        for packet in held {
            let at = now + self.link(&packet.from, &packet.to).latency;
            self.schedule(at, Event::Udp(packet));
        }
    }

    pub fn drop_all(&mut self, host: &str, for_: Duration) {
        let until = Instant::now() + for_;
        self.drop_all.insert(host.to_owned(), until);
        self.net(NetEvent::DropAll {
            host: host.to_owned(),
            for_us: u64::try_from(for_.as_micros()).unwrap_or(u64::MAX),
        });
        let host = host.to_owned();
        self.schedule(until, Event::DropAllEnd { host, until });
    }

    /// `host` moves to `to`: sockets bound to its old address die, its connections are
    /// reset, its NAT bindings are gone; wildcard sockets follow it.
    pub fn move_host(&mut self, host: &str, to: IpAddr) -> Result<(), NetError> {
        let from = self
            .hosts
            .get(host)
            .map(|h| h.ip)
            .ok_or_else(|| NetError::UnknownHost(host.to_owned()))?;
        if from == to {
            return Ok(());
        }
        if self.ip_taken(to) {
            return Err(NetError::AddressTaken(to));
        }
        self.ips.remove(&from);
        self.ips.insert(to, host.to_owned());
        if let Some(h) = self.hosts.get_mut(host) {
            h.ip = to;
        }
        self.net(NetEvent::Moved {
            host: host.to_owned(),
            from,
            to,
        });
        let old = (host.to_owned(), Some(from));
        self.udp_bind.retain(|k, _| (k.0.clone(), k.1) != old);
        self.tcp_bind.retain(|k, _| (k.0.clone(), k.1) != old);
        for sock in self.udp.values_mut() {
            if sock.host == host && sock.ip == Some(from) {
                sock.dead = true;
            }
        }
        self.reset_conns(|c| c.hosts.iter().any(|h| h == host));
        self.nat_forget(host, false);
        Ok(())
    }

    /// `host`'s NAT forgets its bindings: the next datagram out gets a new public port;
    /// its TCP connections through the NAT are reset.
    pub fn nat_rebind(&mut self, host: &str) -> Result<(), NetError> {
        let natted = self.hosts.get(host).map(|h| h.nat.is_some());
        match natted {
            None => return Err(NetError::UnknownHost(host.to_owned())),
            Some(false) => return Err(NetError::NoNat(host.to_owned())),
            Some(true) => {}
        }
        self.nat_forget(host, true);
        self.reset_conns(|c| c.hosts[0] == host && c.seen[0] != c.local[0]);
        Ok(())
    }

    fn reset_conns(&mut self, which: impl Fn(&super::tcp::Conn) -> bool) {
        let ids: Vec<u64> = self
            .conns
            .iter()
            .filter(|(_, c)| which(c))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.break_conn(id, io::ErrorKind::ConnectionReset, "reset");
        }
    }
}
