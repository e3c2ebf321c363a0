//! Reception statistics of one RTP source for RTCP report blocks: the
//! sequence bookkeeping of RFC 3550 A.1, the loss figures of A.3 and the
//! interarrival jitter of §6.4.1 / A.8.
//!
//! The sequence state is [`crate::RtpReceiver`]'s (the same A.1 code); unlike
//! the receiver (which drops duplicates before playout), this counts every valid
//! packet as received, duplicates included, exactly as RFC 3550 A.1 does: that is
//! why the cumulative loss can go negative.

use crate::rtp_receiver::{Arrival, Source};
use std::time::Duration;
/// Largest cumulative loss a report block can carry (24-bit signed).
pub const CUMULATIVE_LOST_MAX: i64 = 0x7F_FFFF;
/// Smallest cumulative loss a report block can carry (24-bit signed).
pub const CUMULATIVE_LOST_MIN: i64 = -0x80_0000;

/// The loss fraction of one reporting interval (RFC 3550 A.3), in 1/256:
/// `lost_interval << 8 / expected_interval`, 0 when nothing was expected or
/// more arrived than expected (duplicates).
pub fn fraction_lost(expected_interval: u64, received_interval: u64) -> u8 {
    let lost = expected_interval.saturating_sub(received_interval);
    if expected_interval == 0 || lost == 0 {
        return 0;
    }
    // lost <= expected, so the quotient is at most 256: 256 (everything
    // lost) saturates to 255, the largest value the 8-bit field holds.
    u8::try_from((lost << 8) / expected_interval).unwrap_or(u8::MAX)
}

/// Clamps a cumulative loss to the 24-bit signed field of a report block
/// (RFC 3550 §6.4.1, A.3).
pub fn clamp_cumulative_lost(lost: i64) -> i32 {
    // In range of i32 after the clamp.
    lost.clamp(CUMULATIVE_LOST_MIN, CUMULATIVE_LOST_MAX) as i32
}

/// The 24-bit two's-complement wire form of a (clamped) cumulative loss.
pub fn cumulative_lost_to_wire(lost: i32) -> u32 {
    (lost as u32) & 0xFF_FFFF
}

/// Reads the 24-bit signed cumulative loss of a report block.
pub fn cumulative_lost_from_wire(wire: u32) -> i32 {
    // Shift the sign bit (bit 23) into bit 31 and back.
    ((wire << 8) as i32) >> 8
}

/// The figures of one report block about a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportFigures {
    /// The source reported on.
    pub ssrc: u32,
    /// Loss over the interval since the previous report, in 1/256.
    pub fraction_lost: u8,
    /// Expected − received since the start, clamped to 24-bit signed.
    pub cumulative_lost: i32,
    /// Extended highest sequence number received.
    pub extended_highest_seq: u32,
    /// Interarrival jitter in timestamp units.
    pub jitter: u32,
}

/// Reception statistics of the current remote source.
#[derive(Debug, Clone)]
pub struct ReceptionStats {
    clock_rate: u32,
    ssrc: u32,
    seq: Source,
    received: u64,
    expected_prior: u64,
    received_prior: u64,
    last_fraction: u8,
    /// Relative transit time of the previous packet, in timestamp units.
    transit: Option<u32>,
    /// Jitter × 16 (RFC 3550 A.8 keeps it scaled to avoid rounding).
    jitter_q4: u32,
}

impl ReceptionStats {
    /// Statistics of `ssrc`, whose first packet carried `seq`; the media
    /// clock runs at `clock_rate` Hz.
    pub fn new(clock_rate: u32, ssrc: u32, seq: u16) -> Self {
        ReceptionStats {
            clock_rate: clock_rate.max(1),
            ssrc,
            seq: Source::new(ssrc, seq),
            received: 0,
            expected_prior: 0,
            received_prior: 0,
            last_fraction: 0,
            transit: None,
            jitter_q4: 0,
        }
    }

    /// The source these statistics are about.
    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }

    /// Accounts for a packet `seq` with media timestamp `rtp_ts` that arrived
    /// at `now`. Returns whether it counted (false for an unconfirmed jump).
    pub fn on_packet(&mut self, now: Duration, seq: u16, rtp_ts: u32) -> bool {
        if self.received > 0 && !self.update_seq(seq) {
            return false;
        }
        self.received += 1;
        self.update_jitter(self.arrival_units(now), rtp_ts);
        true
    }

    /// RFC 3550 A.1 `update_seq` without the probation of new sources.
    fn update_seq(&mut self, seq: u16) -> bool {
        match self.seq.update(seq).0 {
            // One packet after a jump: not counted until the next confirms it.
            Arrival::Jump => false,
            Arrival::Restart => {
                // Two sequential packets after a jump: the sender restarted.
                // The jitter estimate survives; the next transit starts afresh
                // since the timestamps may have restarted too.
                let (clock_rate, ssrc, jitter_q4) = (self.clock_rate, self.ssrc, self.jitter_q4);
                *self = ReceptionStats::new(clock_rate, ssrc, seq);
                self.jitter_q4 = jitter_q4;
                true
            }
            // In order, or a duplicate or reordered packet: counted.
            _ => true,
        }
    }

    /// The arrival time in media clock units (wraps like an RTP timestamp).
    fn arrival_units(&self, now: Duration) -> u32 {
        let units = now.as_nanos() * u128::from(self.clock_rate) / 1_000_000_000;
        units as u32
    }

    /// RFC 3550 A.8: `J += (|D| − J) / 16`, kept as 16·J in integers.
    fn update_jitter(&mut self, arrival: u32, rtp_ts: u32) {
        let transit = arrival.wrapping_sub(rtp_ts);
        if let Some(previous) = self.transit {
            let d = (transit.wrapping_sub(previous) as i32).unsigned_abs();
            let j = i64::from(self.jitter_q4);
            let next = j + i64::from(d) - ((j + 8) >> 4);
            self.jitter_q4 = u32::try_from(next.max(0)).unwrap_or(u32::MAX);
        }
        self.transit = Some(transit);
    }

    /// Extended highest sequence number received (RFC 3550 A.1).
    pub fn extended_highest_seq(&self) -> u32 {
        self.seq.extended_max()
    }

    /// Packets expected since the first one (RFC 3550 A.3).
    pub fn expected(&self) -> u64 {
        if self.received == 0 {
            return 0;
        }
        let span = self
            .extended_highest_seq()
            .wrapping_sub(u32::from(self.seq.base_seq));
        u64::from(span) + 1
    }

    /// Packets received, duplicates included.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Expected − received, unclamped (negative with duplicates).
    pub fn cumulative_lost(&self) -> i64 {
        self.expected() as i64 - self.received as i64
    }

    /// Cumulative loss as a percentage of the packets expected (0 when
    /// nothing is missing or duplicates outnumber losses).
    pub fn loss_pct(&self) -> f64 {
        match self.expected() {
            0 => 0.0,
            e => (self.cumulative_lost().max(0) as f64) * 100.0 / e as f64,
        }
    }

    /// Interarrival jitter in timestamp units (RFC 3550 A.8: `jitter >> 4`).
    pub fn jitter(&self) -> u32 {
        self.jitter_q4 >> 4
    }

    /// Interarrival jitter in milliseconds.
    pub fn jitter_ms(&self) -> f64 {
        f64::from(self.jitter_q4) / 16.0 * 1000.0 / f64::from(self.clock_rate)
    }

    /// The fraction lost of the last completed interval (set by
    /// [`ReceptionStats::report`]).
    pub fn last_fraction_lost(&self) -> u8 {
        self.last_fraction
    }

    /// Whether packets arrived since the last report.
    pub fn heard_since_report(&self) -> bool {
        self.received != self.received_prior
    }

    /// Closes a reporting interval: the figures of a report block (RFC 3550
    /// A.3), remembering expected/received for the next interval.
    pub fn report(&mut self) -> ReportFigures {
        let expected = self.expected();
        let expected_interval = expected.saturating_sub(self.expected_prior);
        let received_interval = self.received.saturating_sub(self.received_prior);
        self.expected_prior = expected;
        self.received_prior = self.received;
        self.last_fraction = fraction_lost(expected_interval, received_interval);
        ReportFigures {
            ssrc: self.ssrc,
            fraction_lost: self.last_fraction,
            cumulative_lost: clamp_cumulative_lost(self.cumulative_lost()),
            extended_highest_seq: self.extended_highest_seq(),
            jitter: self.jitter(),
        }
    }
}

#[cfg(test)]
#[path = "rtcp_stats_tests.rs"]
mod tests;
