//! Source restarts: a packet whose sequence number or timestamp jumps is
//! held until a marker bit or its successor confirms the restart (RFC 3550
//! A.1); then the buffer is flushed and playout starts again.

use super::buffer::{extend, JitterBuffer};
use super::clock_units;
use bytes::Bytes;
use std::time::Duration;

/// A sequence number more than this far ahead is a jump (RFC 3550 A.1).
const MAX_DROPOUT: i64 = 3000;
/// A sequence number more than this far behind is a jump (RFC 3550 A.1).
const MAX_MISORDER: i64 = 100;

/// A packet that jumped, waiting for its successor to confirm a restart.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub(super) now: Duration,
    pub(super) seq: u16,
    pub(super) ts: u32,
    pub(super) marker: bool,
    pub(super) payload: Bytes,
}

impl JitterBuffer {
    /// Whether a packet breaks the stream: a sequence jump, or (ahead of the
    /// highest) a timestamp out of line with the sequence or the arrival time.
    pub(super) fn is_jump(&self, now: Duration, seq_x: i64, ts_x: i64) -> bool {
        let Some(stream) = &self.stream else {
            return false;
        };
        let d = seq_x - stream.highest_seq;
        if !(-MAX_MISORDER..=MAX_DROPOUT).contains(&d) {
            return true;
        }
        if d <= 0 {
            return false;
        }
        let expected = stream.highest_ts.saturating_add(d * self.frame);
        let transit = clock_units(now, self.config.clock_rate).saturating_sub(ts_x);
        let off_base = self.delay.base().map_or(0, |b| transit.saturating_sub(b));
        ts_x.saturating_sub(expected) < -self.jump || off_base.saturating_abs() > self.jump
    }

    /// A jumped packet: restart now on a marker or when it confirms the
    /// previous candidate, else wait for confirmation.
    pub(super) fn jumped(&mut self, new: Candidate) {
        let confirms = self.candidate.as_ref().is_some_and(|c| {
            new.seq == c.seq.wrapping_add(1)
                && i64::from(new.ts.wrapping_sub(c.ts) as i32) >= 0
                && i64::from(new.ts.wrapping_sub(c.ts) as i32) <= self.jump
        });
        if !(new.marker || confirms) {
            if self.candidate.replace(new).is_some() {
                self.stats.discarded += 1;
            }
            return;
        }
        let previous = self.candidate.take();
        let previous = if confirms {
            previous
        } else {
            // A marker restarts at once; an older candidate is dropped.
            self.stats.discarded += u64::from(previous.is_some());
            None
        };
        self.stats.discarded += self.packets.len() as u64;
        self.stats.resyncs += 1;
        self.packets.clear();
        self.stream = None;
        self.delay.restart();
        for c in previous.into_iter().chain(Some(new)) {
            match &self.stream {
                None => self.start(c.now, c.seq, c.ts, c.marker, c.payload),
                Some(s) => {
                    let seq_x = s.highest_seq + 1;
                    let ts_x = extend(
                        s.highest_ts,
                        i64::from(c.ts.wrapping_sub(s.highest_ts as u32) as i32),
                    );
                    self.accept(c.now, seq_x, ts_x, c.marker, c.seq, c.payload);
                }
            }
        }
    }
}
