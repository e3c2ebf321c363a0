//! The link model: what a link does to one packet — bandwidth queueing, loss, latency
//! and jitter, duplication, reordering, TCP retransmission. Randomness is drawn from the
//! network's one RNG, only for the features a link uses, in a fixed order.

use super::state::State;
use crate::trace::Fate;
use rand::Rng;
use std::time::Duration;
use tokio::time::Instant;

/// TCP's first retransmission timeout.
pub(crate) const FIRST_RTO: Duration = Duration::from_millis(200);
/// TCP's largest retransmission timeout.
pub(crate) const MAX_RTO: Duration = Duration::from_secs(60);

/// When a datagram (and its duplicate, if any) arrives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Transit {
    pub at: Instant,
    pub duplicate_at: Option<Instant>,
}

impl State {
    /// True with probability `p` (no draw for 0 or 1).
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        if p >= 1.0 {
            return true;
        }
        self.rng.gen::<f64>() < p
    }

    /// A uniform delay in `0..=max`.
    fn uniform(&mut self, max: Duration) -> Duration {
        if max.is_zero() {
            return Duration::ZERO;
        }
        let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(self.rng.gen_range(0..=nanos))
    }

    /// When a packet of `len` bytes from `from` to `to` has been sent (bandwidth), or
    /// `None` when the send queue is full (`bounded`: datagrams; TCP segments wait).
    fn departure(
        &mut self,
        from: &str,
        to: &str,
        len: usize,
        now: Instant,
        bounded: bool,
    ) -> Option<Instant> {
        let cfg = self.link(from, to);
        let Some(bps) = cfg.bandwidth_bps.filter(|b| *b > 0) else {
            return Some(now);
        };
        let limit = cfg.queue_limit;
        let busy = self
            .busy
            .entry((from.to_owned(), to.to_owned()))
            .or_default();
        while busy.departures.front().is_some_and(|d| *d <= now) {
            busy.departures.pop_front();
        }
        if bounded && busy.departures.len() >= limit {
            return None;
        }
        let bits = u128::try_from(len).unwrap_or(u128::MAX).saturating_mul(8);
        let nanos = bits.saturating_mul(1_000_000_000) / u128::from(bps);
        let send = Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
        let start = busy.departures.back().copied().unwrap_or(now).max(now);
        let done = start + send;
        busy.departures.push_back(done);
        Some(done)
    }

    /// One-way delay after departure: latency plus jitter.
    fn flight(&mut self, from: &str, to: &str) -> Duration {
        let cfg = self.link(from, to);
        let (latency, jitter) = (cfg.latency, cfg.jitter);
        latency + self.uniform(jitter)
    }

    /// What the link does to a datagram: its arrival time(s), or why it is dropped.
    pub fn udp_transit(
        &mut self,
        from: &str,
        to: &str,
        len: usize,
        now: Instant,
    ) -> Result<Transit, Fate> {
        let cfg = self.link(from, to).clone();
        if self.chance(cfg.loss) {
            return Err(Fate::Lost);
        }
        let departed = self
            .departure(from, to, len, now, true)
            .ok_or(Fate::QueueFull)?;
        let mut at = departed + self.flight(from, to);
        if self.chance(cfg.reorder) {
            let factor = 1.0 + 2.0 * self.rng.gen::<f64>();
            at += cfg.latency.mul_f64(factor);
        }
        let duplicate_at = if self.chance(cfg.duplicate) {
            Some(departed + self.flight(from, to))
        } else {
            None
        };
        Ok(Transit { at, duplicate_at })
    }

    /// When a TCP segment arrives, retransmissions included (before in-order waiting);
    /// `None` when it is lost for longer than the connection timeout.
    pub fn tcp_transit(
        &mut self,
        from: &str,
        to: &str,
        len: usize,
        now: Instant,
    ) -> Option<Instant> {
        let cfg = self.link(from, to).clone();
        let mut extra = Duration::ZERO;
        let mut rto = FIRST_RTO;
        while self.chance(cfg.loss) {
            extra += rto;
            rto = (rto * 2).min(MAX_RTO);
            if extra >= cfg.tcp_timeout {
                return None;
            }
        }
        let departed = self.departure(from, to, len, now, false).unwrap_or(now);
        Some(departed + extra + self.flight(from, to))
    }

    /// The round trip of a handshake packet one way (latency plus jitter).
    pub fn one_way(&mut self, from: &str, to: &str) -> Duration {
        self.flight(from, to)
    }
}
