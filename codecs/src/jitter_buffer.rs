//! The jitter buffer's state and its input side ([`JitterBuffer::push`]):
//! sequence/timestamp extension, duplicate, late and overflow handling
//! (jumps and restarts are in `jitter_restart.rs`).

use super::delay::DelayEstimator;
use super::restart::Candidate;
use super::{clock_units, JitterConfig, JitterConfigError, JitterStats};
use bytes::Bytes;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Retired (played, skipped, late) sequence numbers remembered for de-duplication.
const RETIRED: usize = 256;

/// One buffered packet.
#[derive(Debug, Clone)]
pub(super) struct Packet {
    pub(super) seq: u16,
    /// Extended timestamp.
    pub(super) ts: i64,
    pub(super) marker: bool,
    pub(super) payload: Bytes,
}

/// Playout position while playing (timestamps extended).
#[derive(Debug, Clone, Copy)]
pub(super) struct Play {
    /// Timestamp of the next slot.
    pub(super) play_ts: i64,
    /// Timestamp of the last `Frame`/`Missing` output; always `< play_ts`.
    pub(super) last_out: i64,
    /// Consecutive pops that found the buffer empty.
    pub(super) empty_pops: u32,
    /// Silent longer than `max_delay`: pops say `Empty`.
    pub(super) suspended: bool,
    /// Pops since the last delay adjustment.
    pub(super) since_adjust: u32,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Phase {
    Idle,
    Buffering { until: Duration },
    Playing(Play),
}

/// Extension state of the current source.
#[derive(Debug, Clone)]
pub(super) struct Stream {
    pub(super) highest_seq: i64,
    pub(super) highest_ts: i64,
    pub(super) last_played_seq: Option<i64>,
    retired: BTreeSet<i64>,
}

impl Stream {
    pub(super) fn retire(&mut self, seq: i64) {
        self.retired.insert(seq);
        if self.retired.len() > RETIRED {
            self.retired.pop_first();
        }
    }
}

/// Adaptive jitter buffer for one stream: see the [module doc](super).
#[derive(Debug, Clone)]
pub struct JitterBuffer {
    pub(super) config: JitterConfig,
    /// `frame_samples`, min and max delay, in clock units.
    pub(super) frame: i64,
    pub(super) min: i64,
    pub(super) max: i64,
    /// Timestamp jump that means a restart (clock units).
    pub(super) jump: i64,
    /// Keyed by extended sequence number.
    pub(super) packets: BTreeMap<i64, Packet>,
    pub(super) stream: Option<Stream>,
    pub(super) phase: Phase,
    pub(super) delay: DelayEstimator,
    pub(super) candidate: Option<Candidate>,
    pub(super) stats: JitterStats,
    /// Current and target delay (clock units).
    pub(super) current: i64,
    pub(super) target: i64,
}

impl JitterBuffer {
    /// A buffer that has seen nothing; the config is validated.
    pub fn new(config: JitterConfig) -> Result<Self, JitterConfigError> {
        config.validate()?;
        let ms = |v: u32| i64::from(v) * i64::from(config.clock_rate) / 1000;
        let frame = i64::from(config.frame_samples);
        let jump = (frame * config.capacity_packets as i64)
            .max(2 * ms(config.max_delay_ms))
            .max(i64::from(config.clock_rate));
        Ok(JitterBuffer {
            frame,
            min: ms(config.min_delay_ms),
            max: ms(config.max_delay_ms),
            target: ms(config.initial_delay_ms),
            current: 0,
            jump,
            packets: BTreeMap::new(),
            stream: None,
            phase: Phase::Idle,
            delay: DelayEstimator::new(),
            candidate: None,
            stats: JitterStats::default(),
            config,
        })
    }

    /// Takes one packet that arrived at `now`. Never blocks, never panics.
    pub fn push(
        &mut self,
        now: Duration,
        seq: u16,
        rtp_ts: u32,
        marker: bool,
        payload: impl Into<Bytes>,
    ) {
        self.stats.received += 1;
        let payload = payload.into();
        let Some(stream) = &self.stream else {
            return self.start(now, seq, rtp_ts, marker, payload);
        };
        let seq_x = extend(
            stream.highest_seq,
            i64::from(seq.wrapping_sub(stream.highest_seq as u16) as i16),
        );
        let ts_x = extend(
            stream.highest_ts,
            i64::from(rtp_ts.wrapping_sub(stream.highest_ts as u32) as i32),
        );
        if self.is_jump(now, seq_x, ts_x) {
            return self.jumped(Candidate {
                now,
                seq,
                ts: rtp_ts,
                marker,
                payload,
            });
        }
        if self.candidate.take().is_some() {
            self.stats.discarded += 1;
        }
        self.accept(now, seq_x, ts_x, marker, seq, payload);
    }

    /// Counters and delay figures so far.
    pub fn stats(&self) -> JitterStats {
        let ms = |units: f64| units * 1000.0 / f64::from(self.config.clock_rate);
        JitterStats {
            current_delay_ms: ms(self.current as f64),
            target_delay_ms: ms(self.target as f64),
            jitter_ms: ms(self.delay.jitter()),
            ..self.stats
        }
    }

    /// Packets buffered now (never more than `capacity_packets`).
    pub fn len(&self) -> usize {
        self.packets.len()
    }

    /// Whether no packet is buffered.
    pub fn is_empty(&self) -> bool {
        self.packets.is_empty()
    }

    /// The configuration in use.
    pub fn config(&self) -> &JitterConfig {
        &self.config
    }

    /// First packet of a source: buffer it and wait for the start delay
    /// (the initial delay, or the current target after a restart).
    pub(super) fn start(&mut self, now: Duration, seq: u16, ts: u32, marker: bool, payload: Bytes) {
        let (seq_x, ts_x) = (i64::from(seq), i64::from(ts));
        self.stream = Some(Stream {
            highest_seq: seq_x,
            highest_ts: ts_x,
            last_played_seq: None,
            retired: BTreeSet::new(),
        });
        let wait = self.target.max(0) as u64 * 1_000_000 / u64::from(self.config.clock_rate);
        let until = now.saturating_add(Duration::from_micros(wait));
        self.phase = Phase::Buffering { until };
        self.accept(now, seq_x, ts_x, marker, seq, payload);
    }

    /// Buffers a packet of the current stream unless it is a duplicate or
    /// late; drops the oldest on overflow.
    pub(super) fn accept(
        &mut self,
        now: Duration,
        seq_x: i64,
        ts_x: i64,
        marker: bool,
        seq: u16,
        payload: Bytes,
    ) {
        let Some(stream) = &mut self.stream else {
            return;
        };
        if stream.retired.contains(&seq_x) || self.packets.contains_key(&seq_x) {
            self.stats.duplicates += 1;
            return;
        }
        self.delay
            .arrival(clock_units(now, self.config.clock_rate), ts_x);
        if let Phase::Playing(play) = self.phase {
            if stream.last_played_seq.is_some_and(|p| seq_x <= p) || ts_x <= play.last_out {
                self.stats.late += 1;
                stream.retire(seq_x);
                return;
            }
        }
        if seq_x > stream.highest_seq {
            stream.highest_seq = seq_x;
            stream.highest_ts = ts_x;
        }
        self.packets.insert(
            seq_x,
            Packet {
                seq,
                ts: ts_x,
                marker,
                payload,
            },
        );
        if self.packets.len() > self.config.capacity_packets {
            if let Some((old_seq, old)) = self.packets.pop_first() {
                self.stats.overflow += 1;
                stream.retire(old_seq);
                if let Phase::Playing(play) = &mut self.phase {
                    play.play_ts = play.play_ts.max(old.ts.saturating_add(self.frame));
                }
            }
        }
    }
}

/// `reference + delta`, saturating (extended sequence numbers and timestamps).
pub(super) fn extend(reference: i64, delta: i64) -> i64 {
    reference.saturating_add(delta)
}
