//! Sans-IO sending of RFC 4733 telephone-events (DTMF digits, flash) inside
//! the audio stream.

use crate::rtp_packetizer::RtpSender;
use crate::telephone_event::{digit_to_event, EventError, FLASH};
use play::{Playing, Queued, MAX_SEGMENT};
use std::collections::VecDeque;

#[path = "telephone_event_play.rs"]
mod play;

/// Pause between queued digits when the caller has no preference, in ms.
pub const DEFAULT_GAP_MS: u32 = 50;
/// Volume sent when none is set: -10 dBm0, a typical keypad level.
pub const DEFAULT_VOLUME: u8 = 10;
/// Shortest event sent, in ms (shorter requests are lengthened).
pub const MIN_DURATION_MS: u32 = 40;
/// Longest event sent, in ms (longer requests are shortened).
pub const MAX_DURATION_MS: u32 = 8000;
/// Plays queued digits as RFC 4733 telephone-events in an audio stream.
///
/// The media session calls [`DtmfSender::poll`] once per packet interval, in
/// place of building an audio packet; while it returns a packet, that packet
/// goes out and the audio frame does not (§2.5.1.1: audio is suppressed during
/// an event). Per event (§2.5):
/// - every packet carries the event's start timestamp; the first one has the
///   marker bit;
/// - each packet's duration grows by one packet interval of samples, the last
///   one reports the whole duration with the E bit and is sent three times in
///   consecutive intervals (same timestamp and duration, new sequence numbers);
/// - an event longer than 0xFFFF samples (possible at 16 kHz and above) is cut
///   into segments (§2.5.1.3): the last report of a segment carries 0xFFFF
///   without E, is also sent three times, and the next segment's reports carry
///   the timestamp where that segment ended, without the marker.
///
/// Packets use the audio stream's SSRC and sequence numbers. The timestamp of
/// the audio stream moves on by one interval per event packet, so audio after
/// an event carries real-time timestamps; its first packet is marked as a new
/// talkspurt. The next queued event starts on the first interval at least the
/// requested gap after the end of the previous event (never during its final
/// copies); audio flows during the gap.
#[derive(Debug, Clone)]
pub struct DtmfSender {
    payload_type: u8,
    clock_rate: u32,
    tick: u64,
    volume: u8,
    queue: VecDeque<Queued>,
    playing: Option<Playing>,
    wait_ticks: u64,
    packets_sent: u64,
}

impl DtmfSender {
    /// A sender for the negotiated telephone-event `payload_type`, whose
    /// `clock_rate` is that of the audio stream (RFC 4733 §2.1), sending one
    /// packet every `ptime_ms` (the audio packet interval).
    pub fn new(payload_type: u8, clock_rate: u32, ptime_ms: u32) -> Result<Self, EventError> {
        if payload_type > 127 {
            return Err(EventError::PayloadType(payload_type));
        }
        let tick = u64::from(clock_rate) * u64::from(ptime_ms) / 1000;
        if tick == 0 || tick > MAX_SEGMENT {
            return Err(EventError::Interval {
                clock_rate,
                ptime_ms,
            });
        }
        Ok(DtmfSender {
            payload_type,
            clock_rate,
            tick,
            volume: DEFAULT_VOLUME,
            queue: VecDeque::new(),
            playing: None,
            wait_ticks: 0,
            packets_sent: 0,
        })
    }

    /// Sets the volume of later reports, in -dBm0 (above 63 means 63).
    pub fn set_volume(&mut self, volume: u8) {
        self.volume = volume.min(63);
    }

    /// Queues `digits` (0-9, *, #, A-D, a-d), each lasting `duration_ms`
    /// (clamped to 40..=8000) and followed by `gap_ms` without events
    /// ([`DEFAULT_GAP_MS`] is the usual choice). A string with any other
    /// character is refused whole, naming the first such character.
    pub fn queue(&mut self, digits: &str, duration_ms: u32, gap_ms: u32) -> Result<(), EventError> {
        let events = digits
            .chars()
            .map(|c| digit_to_event(c).ok_or(EventError::InvalidDigit(c)))
            .collect::<Result<Vec<u8>, _>>()?;
        for event in events {
            self.queue_event(event, duration_ms, gap_ms);
        }
        Ok(())
    }

    /// Queues a hook flash (event 16) of `duration_ms` (clamped like digits).
    pub fn queue_flash(&mut self, duration_ms: u32, gap_ms: u32) {
        self.queue_event(FLASH, duration_ms, gap_ms);
    }

    fn queue_event(&mut self, event: u8, duration_ms: u32, gap_ms: u32) {
        let ms = duration_ms.clamp(MIN_DURATION_MS, MAX_DURATION_MS);
        self.queue.push_back(Queued {
            event,
            samples: self.samples(ms),
            gap: self.samples(gap_ms),
        });
    }

    fn samples(&self, ms: u32) -> u64 {
        u64::from(ms) * u64::from(self.clock_rate) / 1000
    }

    /// Drops the digits not started yet; the one playing finishes properly.
    pub fn clear_queue(&mut self) {
        self.queue.clear();
    }

    /// The packet to send this interval instead of audio, or `None` to send
    /// audio. Uses `rtp` (the audio stream's sender) for the SSRC and the
    /// sequence number and advances its timestamp by one interval.
    pub fn poll(&mut self, rtp: &mut RtpSender) -> Option<Vec<u8>> {
        if self.playing.is_none() {
            if self.wait_ticks > 0 {
                self.wait_ticks -= 1;
                return None;
            }
            let job = self.queue.pop_front()?;
            self.playing = Some(Playing::new(job, rtp.next_timestamp()));
        }
        let playing = self.playing.as_mut()?;
        let (payload, timestamp, marker, done) = playing.step(self.tick, self.volume);
        let packet = rtp.packetize_as(
            self.payload_type,
            timestamp,
            marker,
            &payload,
            self.tick as u32,
        );
        self.packets_sent += 1;
        if done {
            let job = playing.job;
            let needed = (job.samples + job.gap).div_ceil(self.tick);
            self.wait_ticks = needed.saturating_sub(playing.ticks);
            self.playing = None;
            rtp.talkspurt();
        }
        Some(packet)
    }

    /// Whether an event is being sent (the next [`DtmfSender::poll`] returns a
    /// packet): audio is suppressed meanwhile.
    pub fn is_active(&self) -> bool {
        self.playing.is_some()
    }

    /// Events queued and not started yet.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Whether nothing is playing or queued.
    pub fn is_idle(&self) -> bool {
        self.playing.is_none() && self.queue.is_empty()
    }

    /// Telephone-event packets built so far.
    pub fn packets_sent(&self) -> u64 {
        self.packets_sent
    }

    /// Samples per packet interval.
    pub fn interval_samples(&self) -> u32 {
        self.tick as u32
    }
}
