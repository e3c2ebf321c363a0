//! Sans-IO receiving of RFC 4733 telephone-events: each event reported once.

use crate::rtp_receiver::RtpPacket;
use crate::telephone_event::{EventError, EventPayload, Key};
use std::collections::VecDeque;

/// How long an event may go without a report before it is taken as ended,
/// when no caller setting says otherwise, in ms.
pub const DEFAULT_TIMEOUT_MS: u32 = 250;
/// Timestamp distance between segments of a long event (RFC 4733 §2.5.1.3).
const SEGMENT: u32 = 0xFFFF;

/// A digit (or other event) seen on the wire, reported once per event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigitEvent {
    /// The first packet of an event arrived (whichever one it was).
    Started {
        /// What was pressed.
        key: Key,
        /// RTP timestamp of the event's start: its identity.
        timestamp: u32,
    },
    /// The event ended: an E-bit report, a later event, or the timeout.
    Ended {
        /// What was pressed.
        key: Key,
        /// Longest duration reported, all segments included, in ms.
        duration_ms: u32,
        /// RTP timestamp of the event's start.
        timestamp: u32,
    },
}

#[derive(Debug, Clone, Copy)]
struct Current {
    start: u32,
    segment_ts: u32,
    event: u8,
    earlier_segments: u64,
    duration: u16,
    ended: bool,
}

/// Turns telephone-event packets into [`DigitEvent`]s, each exactly once.
///
/// An event is identified by its RTP timestamp (RFC 4733 §2.5.2). Rules:
/// - the first packet with a timestamp newer than the current event's starts
///   a new event, reported [`DigitEvent::Started`] whatever the packet (lost
///   start packets and a lost marker bit do not matter); if the current event
///   had not ended, it is reported [`DigitEvent::Ended`] first, with the
///   longest duration seen (all its end packets were lost);
/// - the first E-bit packet of the event reports `Ended`; the other copies
///   and any later packet of that timestamp are ignored;
/// - a packet whose timestamp is older than the current event's is stale
///   (reordered, or a retransmission of a finished event) and ignored, so
///   digits come out in timestamp order;
/// - a packet without marker, of the same event, whose timestamp is the
///   current segment's plus 0xFFFF continues a long event (§2.5.1.3);
/// - an event with no report for [`DEFAULT_TIMEOUT_MS`] (or the configured
///   timeout) past the end of its longest reported duration ends when the
///   caller's RTP clock, passed to [`DtmfReceiver::handle_timeout`], reaches
///   [`DtmfReceiver::poll_timeout`].
///
/// One packet can yield two reports (the end of one event and the start of
/// the next), so reports are taken with [`DtmfReceiver::poll_event`].
#[derive(Debug, Clone)]
pub struct DtmfReceiver {
    clock_rate: u32,
    timeout: u32,
    current: Option<Current>,
    ssrc: Option<u32>,
    out: VecDeque<DigitEvent>,
    stale: u64,
    malformed: u64,
}

impl DtmfReceiver {
    /// A receiver for events at `clock_rate` (that of the audio stream).
    pub fn new(clock_rate: u32) -> Self {
        let mut r = DtmfReceiver {
            clock_rate: clock_rate.max(1),
            timeout: 0,
            current: None,
            ssrc: None,
            out: VecDeque::new(),
            stale: 0,
            malformed: 0,
        };
        r.set_timeout_ms(DEFAULT_TIMEOUT_MS);
        r
    }

    /// Sets how long an event may go without reports before it is ended.
    pub fn set_timeout_ms(&mut self, ms: u32) {
        let samples = u64::from(ms) * u64::from(self.clock_rate) / 1000;
        self.timeout = samples.min(u64::from(i32::MAX as u32)) as u32;
    }

    /// Takes one telephone-event packet's timestamp, marker and payload. A
    /// payload that is not whole 4-byte events is refused (and counted).
    pub fn receive(
        &mut self,
        timestamp: u32,
        marker: bool,
        payload: &[u8],
    ) -> Result<(), EventError> {
        let report = EventPayload::parse(payload).inspect_err(|_| self.malformed += 1)?;
        match self.current.as_mut() {
            Some(c) if timestamp == c.segment_ts => {
                if c.ended || report.event != c.event {
                    self.stale += 1;
                    return Ok(());
                }
                c.duration = c.duration.max(report.duration);
            }
            Some(c)
                if !c.ended
                    && !marker
                    && report.event == c.event
                    && timestamp == c.segment_ts.wrapping_add(SEGMENT) =>
            {
                c.earlier_segments += u64::from(SEGMENT);
                c.segment_ts = timestamp;
                c.duration = report.duration;
            }
            Some(c) if (timestamp.wrapping_sub(c.segment_ts) as i32) < 0 => {
                self.stale += 1;
                return Ok(());
            }
            _ => {
                self.end_current();
                self.current = Some(Current {
                    start: timestamp,
                    segment_ts: timestamp,
                    event: report.event,
                    earlier_segments: 0,
                    duration: report.duration,
                    ended: false,
                });
                self.out.push_back(DigitEvent::Started {
                    key: Key::from_event(report.event),
                    timestamp,
                });
            }
        }
        if report.end {
            self.end_current();
        }
        Ok(())
    }

    /// Takes a parsed RTP packet already known to be of the telephone-event
    /// payload type. A new SSRC (the peer restarted its stream) ends the
    /// current event and starts afresh, its timestamps being unrelated.
    pub fn receive_packet(&mut self, packet: &RtpPacket<'_>) -> Result<(), EventError> {
        if self.ssrc.is_some_and(|s| s != packet.ssrc) {
            self.end_current();
            self.current = None;
        }
        self.ssrc = Some(packet.ssrc);
        self.receive(packet.timestamp, packet.marker, packet.payload)
    }

    /// The next report, oldest first.
    pub fn poll_event(&mut self) -> Option<DigitEvent> {
        self.out.pop_front()
    }

    /// The RTP time (sender's clock) at which the current event, if it has
    /// not ended, is taken as ended.
    pub fn poll_timeout(&self) -> Option<u32> {
        let c = self.current.filter(|c| !c.ended)?;
        Some(
            c.segment_ts
                .wrapping_add(u32::from(c.duration))
                .wrapping_add(self.timeout),
        )
    }

    /// Ends the current event if `now_rtp_ts` (the sender's RTP clock as the
    /// caller estimates it, e.g. the timestamp of the latest audio packet)
    /// has reached [`DtmfReceiver::poll_timeout`].
    pub fn handle_timeout(&mut self, now_rtp_ts: u32) {
        if let Some(deadline) = self.poll_timeout() {
            if now_rtp_ts.wrapping_sub(deadline) as i32 >= 0 {
                self.end_current();
            }
        }
    }

    /// Packets ignored as stale or as copies of a finished event's reports.
    pub fn stale_packets(&self) -> u64 {
        self.stale
    }

    /// Payloads refused as malformed.
    pub fn malformed_packets(&self) -> u64 {
        self.malformed
    }

    fn end_current(&mut self) {
        let Some(c) = self.current.as_mut().filter(|c| !c.ended) else {
            return;
        };
        c.ended = true;
        let samples = c.earlier_segments + u64::from(c.duration);
        let ms = samples * 1000 / u64::from(self.clock_rate);
        self.out.push_back(DigitEvent::Ended {
            key: Key::from_event(c.event),
            duration_ms: u32::try_from(ms).unwrap_or(u32::MAX),
            timestamp: c.start,
        });
    }
}
