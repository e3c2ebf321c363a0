//! The one driver task: a priority queue of events keyed by (time, sequence number) and
//! one timer. Events at the same instant run in the order they were scheduled.

use super::state::{Shared, State};
use super::tcp::Segment;
use super::udp::Packet;
use crate::trace::{NetEvent, Record};
use std::net::SocketAddr;
use std::sync::{Arc, Weak};
use tokio::sync::Notify;
use tokio::time::Instant;

/// Something that happens at a time.
pub(crate) enum Event {
    /// A datagram arrives.
    Udp(Packet),
    /// A TCP segment from end `from` of `conn` arrives at the other end.
    TcpSegment {
        conn: u64,
        from: usize,
        segment: Segment,
    },
    /// Segments of `conn` from end `from` that could not get through try again.
    TcpRetry { conn: u64, from: usize },
    /// A segment of `conn` was lost more often than the timeout allows.
    TcpGiveUp { conn: u64 },
    /// A drop-all fault on `host` ends (if it still ends at `until`).
    DropAllEnd { host: String, until: Instant },
    /// The NAT binding at `public` expires, unless refreshed.
    NatExpiry { public: SocketAddr },
}

impl State {
    /// Schedules `event` at `at`, starting the driver if needed.
    pub fn schedule(&mut self, at: Instant, event: Event) {
        self.seq += 1;
        self.queue.insert((at, self.seq), event);
        if !self.driver_started {
            if let (Some(weak), Ok(handle)) =
                (self.driver.clone(), tokio::runtime::Handle::try_current())
            {
                self.driver_started = true;
                handle.spawn(drive(weak, self.notify.clone()));
            }
        }
        self.notify.notify_one();
    }

    /// Runs every event due at `now`.
    fn run_due(&mut self, now: Instant) {
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let event = entry.remove();
            self.handle(event, now);
        }
    }

    fn handle(&mut self, event: Event, now: Instant) {
        match event {
            Event::Udp(packet) => self.arrive_udp(packet, now),
            Event::TcpSegment {
                conn,
                from,
                segment,
            } => self.arrive_segment(conn, from, segment, now),
            Event::TcpRetry { conn, from } => self.retry_segments(conn, from, now),
            Event::TcpGiveUp { conn } => {
                self.break_conn(conn, std::io::ErrorKind::TimedOut, "timed_out")
            }
            Event::DropAllEnd { host, until } => {
                if self.drop_all.get(&host) == Some(&until) {
                    self.drop_all.remove(&host);
                    self.record(Record::Net {
                        event: NetEvent::DropAllEnd { host },
                    });
                }
            }
            Event::NatExpiry { public } => self.nat_expiry(public, now),
        }
    }
}

/// The driver: runs due events, then sleeps until the next one or until woken.
async fn drive(shared: Weak<Shared>, notify: Arc<Notify>) {
    loop {
        let next = {
            let Some(shared) = shared.upgrade() else {
                return;
            };
            let mut state = shared.lock();
            state.run_due(Instant::now());
            state.queue.first_key_value().map(|(k, _)| k.0)
        };
        match next {
            Some(at) => {
                tokio::select! {
                    biased;
                    _ = notify.notified() => {}
                    _ = tokio::time::sleep_until(at) => {}
                }
            }
            None => notify.notified().await,
        }
    }
}
