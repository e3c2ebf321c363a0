//! TCP connections: a reliable, in-order byte stream each way. A write is one segment;
//! lost segments are retransmitted (the stream waits behind them); segments that cannot
//! get through (partition, drop-all, hold) wait and retry until the connection timeout,
//! then the connection breaks for both ends.

use super::driver::Event;
use super::link::{FIRST_RTO, MAX_RTO};
use super::state::{Blocked, State};
use super::tap::Tap;
use crate::trace::{Fate, NetEvent, Record};
use bytes::Bytes;
use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::task::Waker;
use std::time::Duration;
use tokio::time::Instant;

/// A segment: data, or the end of the stream (FIN).
pub(crate) struct Segment {
    pub data: Option<Bytes>,
    pub sent: Instant,
}

/// One end of a connection.
#[derive(Default)]
pub(crate) struct End {
    pub buf: VecDeque<Bytes>,
    pub eof: bool,
    pub wakers: Vec<Waker>,
    pub dropped: bool,
    pub fin_sent: bool,
}

/// One direction of a connection (from end `i` to the other).
pub(crate) struct Dir {
    /// When the last segment sent this way arrives: later ones arrive after it.
    pub last_at: Instant,
    /// Segments that could not get through, in order.
    pub stuck: VecDeque<Segment>,
    pub stuck_since: Option<Instant>,
    pub stuck_fate: Fate,
    pub rto: Duration,
    pub in_flight: usize,
}

impl Dir {
    pub fn new(now: Instant) -> Dir {
        Dir {
            last_at: now,
            stuck: VecDeque::new(),
            stuck_since: None,
            stuck_fate: Fate::Partitioned,
            rto: FIRST_RTO,
            in_flight: 0,
        }
    }
}

/// A connection: end 0 is the client, end 1 the server.
pub(crate) struct Conn {
    pub hosts: [String; 2],
    /// Each end's own address.
    pub local: [SocketAddr; 2],
    /// Each end's address as the other end sees it (the client's after NAT).
    pub seen: [SocketAddr; 2],
    pub ends: [End; 2],
    pub dirs: [Dir; 2],
    pub broken: Option<io::ErrorKind>,
    /// Its close has been traced.
    pub closed: bool,
}

impl State {
    pub fn tcp_event(&self, c: &Conn, reason: &str) {
        self.record(Record::Net {
            event: NetEvent::TcpClose {
                client: c.seen[0],
                server: c.seen[1],
                reason: reason.to_owned(),
            },
        });
    }

    pub fn record_segment(&self, c: &Conn, from: usize, data: &[u8], sent: Instant, fate: Fate) {
        let to = 1 - from;
        let tap = Tap {
            udp: false,
            from: c.hosts[from].clone(),
            to: c.hosts[to].clone(),
            src: c.seen[from],
            dst: c.seen[to],
            sent_us: self.us(sent),
            data,
        };
        self.record(Record::Wire(tap.record(fate)));
    }

    /// End `from` of `conn` sends `data` (`None`: FIN).
    pub fn tcp_send(&mut self, conn: u64, from: usize, data: Option<Bytes>, now: Instant) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        let (a, b) = (c.hosts[from].clone(), c.hosts[1 - from].clone());
        let len = data.as_ref().map_or(0, Bytes::len);
        let timeout = self.link(&a, &b).tcp_timeout;
        let arrival = self.tcp_transit(&a, &b, len, now);
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        let dir = &mut c.dirs[from];
        let Some(at) = arrival else {
            // Lost again and again: nothing after it gets through before the timeout.
            dir.last_at = dir.last_at.max(now + timeout);
            if let Some(d) = &data {
                self.record_segment(&self.conns[&conn], from, d, now, Fate::Lost);
            }
            self.schedule(now + timeout, Event::TcpGiveUp { conn });
            return;
        };
        let at = at.max(dir.last_at);
        dir.last_at = at;
        dir.in_flight += 1;
        let segment = Segment { data, sent: now };
        self.schedule(
            at,
            Event::TcpSegment {
                conn,
                from,
                segment,
            },
        );
    }

    /// A segment arrives (or finds its path blocked and waits).
    pub fn arrive_segment(&mut self, conn: u64, from: usize, segment: Segment, now: Instant) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        c.dirs[from].in_flight = c.dirs[from].in_flight.saturating_sub(1);
        if c.broken.is_some() {
            if let Some(d) = &segment.data {
                self.record_segment(&self.conns[&conn], from, d, segment.sent, Fate::Unreachable);
            }
            return self.reap(conn);
        }
        let (a, b) = (c.hosts[from].clone(), c.hosts[1 - from].clone());
        let blocked = self.blocked(&a, &b, now);
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        let dir = &mut c.dirs[from];
        if !dir.stuck.is_empty() {
            dir.stuck.push_back(segment);
            return;
        }
        if let Some(why) = blocked {
            dir.stuck.push_back(segment);
            dir.stuck_since = Some(now);
            dir.stuck_fate = fate_of(why);
            dir.rto = FIRST_RTO;
            return self.schedule(now + FIRST_RTO, Event::TcpRetry { conn, from });
        }
        self.deliver_segment(conn, from, segment);
    }

    fn deliver_segment(&mut self, conn: u64, from: usize, segment: Segment) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        let end = &mut c.ends[1 - from];
        let dropped = end.dropped;
        match segment.data {
            Some(data) if dropped => {
                self.record_segment(
                    &self.conns[&conn],
                    from,
                    &data,
                    segment.sent,
                    Fate::Unreachable,
                );
                self.break_conn(conn, io::ErrorKind::ConnectionReset, "reset");
            }
            Some(data) => {
                end.buf.push_back(data.clone());
                end.wakers.drain(..).for_each(Waker::wake);
                self.record_segment(
                    &self.conns[&conn],
                    from,
                    &data,
                    segment.sent,
                    Fate::Delivered,
                );
            }
            None => {
                end.eof = true;
                end.wakers.drain(..).for_each(Waker::wake);
                let first = !std::mem::replace(&mut c.closed, true);
                if first {
                    self.tcp_event(&self.conns[&conn], "closed");
                }
            }
        }
        self.reap(conn);
    }

    /// Stuck segments try again: through if the path is clear, else wait or time out.
    pub fn retry_segments(&mut self, conn: u64, from: usize, now: Instant) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        if c.broken.is_some() || c.dirs[from].stuck.is_empty() {
            return;
        }
        let (a, b) = (c.hosts[from].clone(), c.hosts[1 - from].clone());
        let blocked = self.blocked(&a, &b, now);
        let link = self.link(&a, &b).clone();
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        let dir = &mut c.dirs[from];
        let Some(why) = blocked else {
            dir.stuck_since = None;
            let mut flushed = Vec::new();
            while let Some(segment) = dir.stuck.pop_front() {
                let at = (now + link.latency).max(dir.last_at);
                dir.last_at = at;
                dir.in_flight += 1;
                flushed.push((at, segment));
            }
            for (at, segment) in flushed {
                self.schedule(
                    at,
                    Event::TcpSegment {
                        conn,
                        from,
                        segment,
                    },
                );
            }
            return;
        };
        dir.stuck_fate = fate_of(why);
        let deadline = dir.stuck_since.unwrap_or(now) + link.tcp_timeout;
        if now >= deadline {
            return self.break_conn(conn, io::ErrorKind::TimedOut, "timed_out");
        }
        dir.rto = (dir.rto * 2).min(MAX_RTO);
        let at = (now + dir.rto).min(deadline);
        self.schedule(at, Event::TcpRetry { conn, from });
    }
}

fn fate_of(why: Blocked) -> Fate {
    match why {
        Blocked::Partitioned | Blocked::Held => Fate::Partitioned,
        Blocked::DroppedAll => Fate::DroppedAll,
    }
}
