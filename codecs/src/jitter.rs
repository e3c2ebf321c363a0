//! Sans-IO adaptive jitter buffer for one audio stream.
//!
//! The session feeds it every received packet with [`JitterBuffer::push`]
//! (arrival time, sequence number, RTP timestamp, marker, payload) and asks it
//! for exactly one frame per packet interval with [`JitterBuffer::pop`]. It
//! never blocks and never reads a clock: `now` is a [`Duration`] since any
//! epoch the caller chooses (tokio or simulated time).
//!
//! What it does:
//! - **reorder**: packets are kept by extended sequence number and played in
//!   order; **de-duplicate**: a packet already buffered or played is dropped;
//!   **late loss**: a packet arriving after its playout slot is dropped;
//!   **overflow**: beyond `capacity_packets` the oldest packet is dropped and
//!   the playout skips ahead past it; **wrap-around** of the 16-bit sequence
//!   number and the 32-bit timestamp is handled by extending both to `i64`.
//! - **source restart**: a jump of the sequence number (more than 3000 ahead
//!   or 100 behind) or of the timestamp against arrival time (more than
//!   `max(capacity × frame, 2 × max_delay, 1 s)`) is a restart when the packet
//!   carries the marker bit or the next packet confirms it (RFC 3550 A.1): the
//!   buffer is flushed and playout restarts after the target delay (pops say
//!   [`Playout::Empty`] meanwhile, so nothing of the old stream is mixed in).
//! - **adaptive delay**: the RFC 3550 §6.4.1 interarrival jitter `J` and the
//!   99th percentile of the transit times of the last 128 packets (above their
//!   minimum) give `target = clamp(max(3·J, p99) + frame, min, max)`. The
//!   current delay is how long the fastest packet waits: playout offset minus
//!   the minimum transit. Strategy: at a talkspurt start (a marker bit after a
//!   gap) or when the stream resumes after a silence longer than `max_delay`,
//!   playout re-anchors exactly on the target; inside a talkspurt it moves by
//!   one frame at a time: a conceal frame ([`Playout::Missing`]) is inserted to
//!   grow the delay when it is more than half a frame below target (at most
//!   every other pop), and a frame is skipped (a gap slot first, else a
//!   buffered frame) to shrink it when it is a full frame above target (at
//!   most every 500 ms). The delay then stays in `[target − frame/2, target +
//!   frame)`, never below `min_delay_ms` by shrinking.
//! - **concealment**: a slot without its packet is [`Playout::Missing`] with
//!   the next packet's payload when it is buffered (Opus in-band FEC); the
//!   decoder conceals (Opus PLC, G.711 silence or repeat).
//!
//! Output invariants: a sequence number is played at most once, and the
//! `rtp_ts` of successive `Frame`/`Missing` outputs strictly increases (in the
//! wrapping 32-bit sense) between resyncs. A conceal frame inserted to grow
//! the delay conceals no media: it carries the midpoint between its
//! neighbours' timestamps. A source restart starts a new timeline.
//! `frame_samples` must match the sender's packetisation.

#[path = "jitter_buffer.rs"]
mod buffer;
#[path = "jitter_delay.rs"]
mod delay;
#[path = "jitter_playout.rs"]
mod playout;
#[path = "jitter_restart.rs"]
mod restart;

pub use buffer::JitterBuffer;

use bytes::Bytes;
use std::time::Duration;

/// Settings of a [`JitterBuffer`]. Build with [`JitterConfig::new`] or
/// `Default` and set fields, then check with [`JitterConfig::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct JitterConfig {
    /// Lowest playout delay the buffer adapts down to (ms). Default 20.
    pub min_delay_ms: u32,
    /// Highest playout delay the buffer adapts up to (ms); also how long an
    /// empty buffer conceals before it goes quiet ([`Playout::Empty`]). Default 200.
    pub max_delay_ms: u32,
    /// Buffering before the first frame is played (ms). Default 60.
    pub initial_delay_ms: u32,
    /// Most packets held at once. Default 50.
    pub capacity_packets: usize,
    /// RTP clock rate (8000 for G.711, 48000 for Opus). Default 8000.
    pub clock_rate: u32,
    /// Samples per packet at the clock rate (160 for 20 ms of G.711, 960 for
    /// 20 ms of Opus). Default 160.
    pub frame_samples: u32,
}

impl Default for JitterConfig {
    fn default() -> Self {
        JitterConfig {
            min_delay_ms: 20,
            max_delay_ms: 200,
            initial_delay_ms: 60,
            capacity_packets: 50,
            clock_rate: 8000,
            frame_samples: 160,
        }
    }
}

/// A [`JitterConfig`] field out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JitterConfigError {
    /// The named field has an unusable value.
    #[error("jitter buffer config: `{field}` = {value}: {reason}")]
    Invalid {
        /// Name of the field in [`JitterConfig`].
        field: &'static str,
        /// The value given.
        value: u64,
        /// What is expected.
        reason: &'static str,
    },
}

impl JitterConfig {
    /// Defaults for a codec clocked at `clock_rate` with `frame_samples` per packet.
    pub fn new(clock_rate: u32, frame_samples: u32) -> Self {
        JitterConfig {
            clock_rate,
            frame_samples,
            ..JitterConfig::default()
        }
    }

    /// Duration of one packet in milliseconds.
    pub fn frame_ms(&self) -> f64 {
        f64::from(self.frame_samples) * 1000.0 / f64::from(self.clock_rate.max(1))
    }

    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<(), JitterConfigError> {
        let bad = |field, value: u64, reason| {
            Err(JitterConfigError::Invalid {
                field,
                value,
                reason,
            })
        };
        if !(1000..=192_000).contains(&self.clock_rate) {
            return bad(
                "clock_rate",
                self.clock_rate.into(),
                "must be 1000..=192000 Hz",
            );
        }
        if self.frame_samples < 2 || self.frame_samples > self.clock_rate {
            return bad(
                "frame_samples",
                self.frame_samples.into(),
                "must be 2..=clock_rate (at most one second)",
            );
        }
        if self.max_delay_ms == 0 || self.max_delay_ms > 10_000 {
            return bad(
                "max_delay_ms",
                self.max_delay_ms.into(),
                "must be 1..=10000",
            );
        }
        if self.min_delay_ms > self.max_delay_ms {
            return bad(
                "min_delay_ms",
                self.min_delay_ms.into(),
                "must be <= max_delay_ms",
            );
        }
        if self.initial_delay_ms < self.min_delay_ms || self.initial_delay_ms > self.max_delay_ms {
            return bad(
                "initial_delay_ms",
                self.initial_delay_ms.into(),
                "must be within min_delay_ms..=max_delay_ms",
            );
        }
        let needed = (f64::from(self.max_delay_ms) / self.frame_ms()).ceil() as usize + 1;
        if self.capacity_packets < needed || self.capacity_packets > 10_000 {
            return bad(
                "capacity_packets",
                self.capacity_packets as u64,
                "must hold max_delay_ms of packets plus one, and be <= 10000",
            );
        }
        Ok(())
    }
}

/// What to play for one frame interval, from [`JitterBuffer::pop`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Playout {
    /// Decode and play this packet.
    Frame {
        /// Its RTP sequence number.
        seq: u16,
        /// Its RTP timestamp.
        rtp_ts: u32,
        /// Its payload.
        payload: Bytes,
    },
    /// No packet for this slot: conceal (Opus PLC, or FEC from `next`; G.711
    /// silence or repeat).
    Missing {
        /// Timestamp of the concealed slot (see the module doc for stretches).
        rtp_ts: u32,
        /// Payload of the packet right after the slot, when already buffered.
        next: Option<Bytes>,
    },
    /// Nothing to conceal (not started, re-buffering after a restart, or the
    /// source has been silent longer than `max_delay_ms`): play silence.
    Empty,
}

/// Counters and delay figures of a [`JitterBuffer`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[non_exhaustive]
pub struct JitterStats {
    /// Packets pushed.
    pub received: u64,
    /// [`Playout::Frame`] outputs.
    pub played: u64,
    /// Packets dropped because already buffered or played.
    pub duplicates: u64,
    /// Packets dropped because their playout slot had passed.
    pub late: u64,
    /// [`Playout::Missing`] outputs (including `stretched`).
    pub lost: u64,
    /// Packets dropped because the buffer was full.
    pub overflow: u64,
    /// Playout re-anchors: source restarts, talkspurt starts after a gap,
    /// resumptions after a silence.
    pub resyncs: u64,
    /// Buffered packets dropped to shrink the delay.
    pub skipped: u64,
    /// Conceal frames inserted to grow the delay (counted in `lost` too).
    pub stretched: u64,
    /// Packets thrown away by a restart flush or as an unconfirmed jump.
    pub discarded: u64,
    /// Playout delay of the fastest recent packet (ms) at the last pop.
    pub current_delay_ms: f64,
    /// Delay the buffer adapts towards (ms).
    pub target_delay_ms: f64,
    /// RFC 3550 interarrival jitter `J` (ms).
    pub jitter_ms: f64,
}

/// `now` in RTP clock units, saturating far beyond any real session.
pub(crate) fn clock_units(now: Duration, clock_rate: u32) -> i64 {
    let units = now.as_nanos().saturating_mul(u128::from(clock_rate)) / 1_000_000_000;
    i64::try_from(units).unwrap_or(i64::MAX).min(i64::MAX / 4)
}

#[cfg(test)]
#[path = "jitter_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "jitter_stream_tests.rs"]
mod stream_tests;

#[cfg(test)]
#[path = "jitter_sim_tests.rs"]
mod sim_tests;

#[cfg(test)]
#[path = "jitter_props.rs"]
mod props;
