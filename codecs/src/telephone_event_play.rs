//! One event being played: the reports of each packet interval (RFC 4733
//! §2.5), and the packet carrying them.

use crate::telephone_event::EventPayload;

/// Copies of each final packet (RFC 4733 §2.5.1.4: "a total of three times").
const FINAL_COPIES: u8 = 3;
/// Largest duration a report holds (RFC 4733 §2.5.1.3).
pub(super) const MAX_SEGMENT: u64 = 0xFFFF;

#[derive(Debug, Clone, Copy)]
pub(super) struct Queued {
    pub(super) event: u8,
    pub(super) samples: u64,
    pub(super) gap: u64,
}

#[derive(Debug, Clone, Copy)]
struct Repeat {
    payload: [u8; 4],
    timestamp: u32,
    left: u8,
    ends_event: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Playing {
    pub(super) job: Queued,
    start: u32,
    pub(super) ticks: u64,
    segment: u64,
    repeat: Option<Repeat>,
}

impl Playing {
    /// `job`, its first packet to carry timestamp `start`.
    pub(super) fn new(job: Queued, start: u32) -> Self {
        Playing {
            job,
            start,
            ticks: 0,
            segment: 0,
            repeat: None,
        }
    }

    /// The payload, timestamp and marker of this tick's packet, and whether
    /// the event is over after it.
    pub(super) fn step(&mut self, tick: u64, volume: u8) -> ([u8; 4], u32, bool, bool) {
        let index = self.ticks;
        self.ticks += 1;
        if let Some(r) = self.repeat.as_mut() {
            r.left = r.left.saturating_sub(1);
            let (payload, timestamp, ends) = (r.payload, r.timestamp, r.ends_event);
            let last = r.left == 0;
            if last {
                self.repeat = None;
                if !ends {
                    self.segment += MAX_SEGMENT;
                }
            }
            return (payload, timestamp, false, last && ends);
        }
        let total = self.job.samples;
        let elapsed = (index + 1).saturating_mul(tick).min(total);
        let in_segment = elapsed.saturating_sub(self.segment);
        let timestamp = self.start.wrapping_add(self.segment as u32);
        let segment_full =
            in_segment > MAX_SEGMENT || (in_segment == MAX_SEGMENT && elapsed < total);
        let end = !segment_full && elapsed == total;
        let payload = EventPayload {
            event: self.job.event,
            end,
            volume,
            duration: in_segment.min(MAX_SEGMENT) as u16,
        }
        .to_bytes();
        if segment_full || end {
            self.repeat = Some(Repeat {
                payload,
                timestamp,
                left: FINAL_COPIES - 1,
                ends_event: end,
            });
        }
        (payload, timestamp, index == 0, false)
    }
}
