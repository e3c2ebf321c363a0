//! UDP: sockets with bounded receive queues, datagrams through the links, routing to
//! the receiving socket (through NATs).

use super::driver::Event;
use super::state::{lookup, pair, Blocked, Shared, State};
use super::tap::Tap;
use crate::trace::{Fate, Record};
use bytes::Bytes;
use std::collections::VecDeque;
use std::future::poll_fn;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::task::{Poll, Waker};
use switchboard_actors::transport::net::{BoxFuture, UdpSocket};
use tokio::time::Instant;

/// A bound UDP socket's state.
pub(crate) struct UdpSock {
    pub host: String,
    pub ip: Option<IpAddr>,
    pub port: u16,
    pub queue: VecDeque<(Bytes, SocketAddr)>,
    pub wakers: Vec<Waker>,
    /// Bound to an address its host no longer has.
    pub dead: bool,
}

/// A datagram on its way.
#[derive(Clone)]
pub(crate) struct Packet {
    pub from: String,
    pub to: String,
    /// The source as the receiver sees it (after NAT).
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub data: Bytes,
    pub sent: Instant,
    pub duplicate: bool,
}

/// Adds `waker` unless an equivalent one is there.
pub(crate) fn register(wakers: &mut Vec<Waker>, waker: &Waker) {
    if !wakers.iter().any(|w| w.will_wake(waker)) {
        wakers.push(waker.clone());
    }
}

impl State {
    /// Where traffic from `from` to `dst` ends up: the name to trace, and the host and
    /// address it reaches (after NAT), or why it does not.
    pub fn route(
        &self,
        from: &str,
        dst: SocketAddr,
        now: Instant,
    ) -> (String, Result<(String, SocketAddr), Fate>) {
        let Some(name) = self.host_of(dst.ip()) else {
            return (dst.to_string(), Err(Fate::Unreachable));
        };
        if let Some(host) = self.ips.get(&dst.ip()) {
            let nat_of = |h: &str| {
                self.hosts
                    .get(h)
                    .and_then(|h| h.nat.as_ref())
                    .map(|n| n.public_ip)
            };
            let behind = nat_of(host);
            if behind.is_some() && behind != nat_of(from) {
                return (name, Err(Fate::NatFiltered));
            }
            return (name, Ok((host.clone(), dst)));
        }
        match self.nat_inbound(dst, now) {
            Some((host, private)) => (host.clone(), Ok((host, private))),
            None => (name, Err(Fate::NatFiltered)),
        }
    }

    /// Records a datagram's fate.
    pub fn record_udp(&self, p: &Packet, fate: Fate) {
        let tap = Tap {
            udp: true,
            from: p.from.clone(),
            to: p.to.clone(),
            src: p.src,
            dst: p.dst,
            sent_us: self.us(p.sent),
            data: &p.data,
        };
        self.record(Record::Wire(tap.record(fate)));
    }

    /// Sends a datagram from socket `id`.
    fn send_udp(&mut self, id: u64, data: Bytes, dst: SocketAddr) -> io::Result<()> {
        let now = Instant::now();
        let gone = || io::Error::new(io::ErrorKind::AddrNotAvailable, "address gone");
        let sock = self.udp.get(&id).ok_or_else(gone)?;
        if sock.dead {
            return Err(gone());
        }
        let (host, bound, port) = (sock.host.clone(), sock.ip, sock.port);
        let ip = self.source_ip(&host, bound).ok_or_else(gone)?;
        let src = self.nat_outbound(&host, SocketAddr::new(ip, port), now);
        let to = self.host_of(dst.ip()).unwrap_or_else(|| dst.to_string());
        let packet = Packet {
            from: host.clone(),
            to: to.clone(),
            src,
            dst,
            data,
            sent: now,
            duplicate: false,
        };
        if !self.hosts.contains_key(&to) {
            self.record_udp(&packet, Fate::Unreachable);
            return Ok(());
        }
        if self.block_udp(&packet, now) {
            return Ok(());
        }
        match self.udp_transit(&host, &to, packet.data.len(), now) {
            Err(fate) => self.record_udp(&packet, fate),
            Ok(t) => {
                if let Some(at) = t.duplicate_at {
                    let mut copy = packet.clone();
                    copy.duplicate = true;
                    self.schedule(at, Event::Udp(copy));
                }
                self.schedule(t.at, Event::Udp(packet));
            }
        }
        Ok(())
    }

    /// Holds or drops `p` if its path is blocked; true when it did.
    fn block_udp(&mut self, p: &Packet, now: Instant) -> bool {
        match self.blocked(&p.from, &p.to, now) {
            None => false,
            Some(Blocked::Held) => {
                let held = self.holds.entry(pair(&p.from, &p.to)).or_default();
                held.push_back(p.clone());
                true
            }
            Some(Blocked::Partitioned) => {
                self.record_udp(p, Fate::Partitioned);
                true
            }
            Some(Blocked::DroppedAll) => {
                self.record_udp(p, Fate::DroppedAll);
                true
            }
        }
    }

    /// A datagram arrives.
    pub fn arrive_udp(&mut self, p: Packet, now: Instant) {
        if self.block_udp(&p, now) {
            return;
        }
        let (host, local) = match self.route(&p.from, p.dst, now).1 {
            Ok(found) => found,
            Err(fate) => return self.record_udp(&p, fate),
        };
        let limit = self.link(&p.from, &host).queue_limit;
        let Some(id) = lookup(&self.udp_bind, &host, local.ip(), local.port()) else {
            return self.record_udp(&p, Fate::Unreachable);
        };
        let Some(sock) = self.udp.get_mut(&id) else {
            return self.record_udp(&p, Fate::Unreachable);
        };
        if sock.queue.len() >= limit {
            return self.record_udp(&p, Fate::QueueFull);
        }
        sock.queue.push_back((p.data.clone(), p.src));
        sock.wakers.drain(..).for_each(Waker::wake);
        let fate = if p.duplicate {
            Fate::Duplicate
        } else {
            Fate::Delivered
        };
        self.record_udp(&p, fate);
    }
}

/// A UDP socket on the virtual network.
pub(crate) struct SimUdpSocket {
    pub shared: Arc<Shared>,
    pub id: u64,
    pub local: SocketAddr,
}

impl UdpSocket for SimUdpSocket {
    fn send_to<'a>(
        &'a self,
        buf: &'a [u8],
        target: SocketAddr,
    ) -> BoxFuture<'a, io::Result<usize>> {
        Box::pin(async move {
            let data = Bytes::copy_from_slice(buf);
            self.shared.lock().send_udp(self.id, data, target)?;
            Ok(buf.len())
        })
    }

    fn recv_from<'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> BoxFuture<'a, io::Result<(usize, SocketAddr)>> {
        Box::pin(poll_fn(move |cx| {
            let mut state = self.shared.lock();
            let Some(sock) = state.udp.get_mut(&self.id) else {
                return Poll::Ready(Err(io::ErrorKind::NotConnected.into()));
            };
            match sock.queue.pop_front() {
                Some((data, src)) => {
                    let n = data.len().min(buf.len());
                    buf[..n].copy_from_slice(&data[..n]);
                    Poll::Ready(Ok((n, src)))
                }
                None => {
                    register(&mut sock.wakers, cx.waker());
                    Poll::Pending
                }
            }
        }))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

impl Drop for SimUdpSocket {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        if let Some(sock) = state.udp.remove(&self.id) {
            let key = (sock.host, sock.ip, sock.port);
            if state.udp_bind.get(&key) == Some(&self.id) {
                state.udp_bind.remove(&key);
            }
        }
    }
}
