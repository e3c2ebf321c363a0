//! TCP listeners (accept is cancel-safe: pending connections wait in a queue) and
//! connecting: SYN retries until the connection timeout, refusal when nothing listens.

use super::state::{lookup, Shared, State};
use super::tcp::{Conn, Dir, End};
use super::tcp_stream::SimStream;
use super::udp::register;
use crate::trace::{NetEvent, Record};
use std::collections::VecDeque;
use std::future::poll_fn;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::time::Duration;
use switchboard_actors::transport::net::{BoxFuture, StreamConn, TcpListener};
use tokio::time::{sleep, sleep_until, Instant};

/// First SYN retransmission interval (doubling).
const SYN_RTO: Duration = Duration::from_secs(1);

/// A listener's state.
pub(crate) struct Listener {
    pub host: String,
    pub ip: Option<IpAddr>,
    pub port: u16,
    /// Connections waiting for `accept` (their server end).
    pub pending: VecDeque<u64>,
    pub wakers: Vec<Waker>,
}

/// What became of a SYN that reached the other side.
enum Arrival {
    Accepted { conn: u64, back: Duration },
    Refused { back: Duration },
    Dropped,
}

impl State {
    /// A SYN from `local` on `host` to `dst` leaves now: its one-way delay, or `None`
    /// when it is lost, blocked or has nowhere to go.
    fn syn_leaves(&mut self, host: &str, dst: SocketAddr, now: Instant) -> Option<Duration> {
        let to = self.host_of(dst.ip())?;
        if self.blocked(host, &to, now).is_some() {
            return None;
        }
        let loss = self.link(host, &to).loss;
        if self.chance(loss) {
            return None;
        }
        Some(self.one_way(host, &to))
    }

    /// The SYN reaches the other side.
    fn syn_arrives(&mut self, host: &str, local: SocketAddr, dst: SocketAddr) -> Arrival {
        let now = Instant::now();
        let Ok((to, at)) = self.route(host, dst, now).1 else {
            return Arrival::Dropped;
        };
        if self.blocked(host, &to, now).is_some() {
            return Arrival::Dropped;
        }
        let back = self.one_way(&to, host);
        let Some(lid) = lookup(&self.tcp_bind, &to, at.ip(), at.port()) else {
            return Arrival::Refused { back };
        };
        let id = self.id();
        let seen = self.nat_tcp_open(host, local);
        let conn = Conn {
            hosts: [host.to_owned(), to],
            local: [local, at],
            seen: [seen, dst],
            ends: [End::default(), End::default()],
            dirs: [Dir::new(now), Dir::new(now)],
            broken: None,
            closed: false,
        };
        self.conns.insert(id, conn);
        if let Some(l) = self.listeners.get_mut(&lid) {
            l.pending.push_back(id);
            l.wakers.drain(..).for_each(Waker::wake);
        }
        self.record(Record::Net {
            event: NetEvent::TcpOpen {
                client: seen,
                server: dst,
            },
        });
        Arrival::Accepted { conn: id, back }
    }

    fn connect_failed(&self, client: SocketAddr, server: SocketAddr, reason: &str) {
        self.record(Record::Net {
            event: NetEvent::TcpClose {
                client,
                server,
                reason: reason.to_owned(),
            },
        });
    }
}

/// Opens a connection from `host` to `dst`.
pub(crate) async fn connect(
    shared: Arc<Shared>,
    host: String,
    dst: SocketAddr,
) -> io::Result<StreamConn> {
    let start = Instant::now();
    let (local, timeout) = {
        let mut st = shared.lock();
        let ip = st
            .hosts
            .get(&host)
            .map(|h| h.ip)
            .ok_or(io::ErrorKind::AddrNotAvailable)?;
        let port = st.pick_port(&host, Some(ip), 0, false)?;
        let timeout = match st.host_of(dst.ip()) {
            Some(to) => st.link(&host, &to).tcp_timeout,
            None => st.defaults.tcp_timeout,
        };
        (SocketAddr::new(ip, port), timeout)
    };
    let deadline = start + timeout;
    let (mut attempt, mut rto) = (start, SYN_RTO);
    while attempt < deadline {
        let forward = shared.lock().syn_leaves(&host, dst, attempt);
        if let Some(forward) = forward {
            sleep(forward).await;
            let arrival = shared.lock().syn_arrives(&host, local, dst);
            match arrival {
                Arrival::Accepted { conn, back } => {
                    let stream = SimStream {
                        shared: shared.clone(),
                        conn,
                        end: 0,
                    };
                    sleep(back).await;
                    return Ok(StreamConn {
                        stream: Box::new(stream),
                        local,
                        remote: dst,
                    });
                }
                Arrival::Refused { back } => {
                    sleep(back).await;
                    shared.lock().connect_failed(local, dst, "refused");
                    return Err(io::ErrorKind::ConnectionRefused.into());
                }
                Arrival::Dropped => {}
            }
        }
        attempt = (attempt + rto).min(deadline);
        rto *= 2;
        sleep_until(attempt).await;
    }
    shared.lock().connect_failed(local, dst, "timed_out");
    Err(io::ErrorKind::TimedOut.into())
}

/// A TCP listener on the virtual network.
pub(crate) struct SimListener {
    pub shared: Arc<Shared>,
    pub id: u64,
    pub local: SocketAddr,
}

impl TcpListener for SimListener {
    fn accept(&self) -> BoxFuture<'_, io::Result<StreamConn>> {
        Box::pin(poll_fn(move |cx| {
            let mut state = self.shared.lock();
            let Some(l) = state.listeners.get_mut(&self.id) else {
                return Poll::Ready(Err(io::ErrorKind::NotConnected.into()));
            };
            let Some(conn) = l.pending.pop_front() else {
                register(&mut l.wakers, cx.waker());
                return Poll::Pending;
            };
            let Some(c) = state.conns.get(&conn) else {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            };
            let (local, remote) = (c.local[1], c.seen[0]);
            let stream = SimStream {
                shared: self.shared.clone(),
                conn,
                end: 1,
            };
            Poll::Ready(Ok(StreamConn {
                stream: Box::new(stream),
                local,
                remote,
            }))
        }))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

impl Drop for SimListener {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        if let Some(l) = state.listeners.remove(&self.id) {
            let key = (l.host, l.ip, l.port);
            if state.tcp_bind.get(&key) == Some(&self.id) {
                state.tcp_bind.remove(&key);
            }
            for conn in l.pending {
                state.drop_end(conn, 1);
            }
        }
    }
}
