//! Sans-IO RTP receiving: parsing with `rtp-rs` and the sequence bookkeeping
//! of RFC 3550 Appendix A.1 (extended sequence numbers, duplicates, late
//! packets, sequence restarts, SSRC changes). No jitter buffer: that sits on
//! top, fed with the extended sequence numbers this produces.

use crate::rtp_packetizer::RtpError;
use rtp_rs::RtpReader;

/// A jump of fewer packets than this is taken as loss (RFC 3550 A.1).
const MAX_DROPOUT: u16 = 3000;
/// A packet at most this far behind the highest is taken as late.
const MAX_MISORDER: u32 = 100;
/// How many packets behind the highest a duplicate is recognised.
const WINDOW: u16 = 64;

/// How a packet's sequence number relates to what came before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Arrival {
    /// The first packet of a source (or of a new SSRC).
    First,
    /// Ahead of every earlier packet; `lost` packets were skipped.
    InOrder {
        /// Sequence numbers skipped between the previous highest and this one.
        lost: u16,
    },
    /// Behind the highest, not seen before: reordered in the network.
    Late,
    /// Seen before: drop it.
    Duplicate,
    /// A large jump not yet confirmed by a following packet: drop it.
    Jump,
    /// A second packet confirming a jump: the sender restarted its sequence.
    Restart,
}

impl Arrival {
    /// Whether the packet's payload should be played.
    pub fn is_playable(self) -> bool {
        !matches!(self, Arrival::Duplicate | Arrival::Jump)
    }
}

/// One parsed RTP packet, borrowing its payload from the datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    /// Synchronisation source.
    pub ssrc: u32,
    /// Payload type.
    pub payload_type: u8,
    /// Marker bit (start of a talkspurt for audio).
    pub marker: bool,
    /// Sequence number on the wire.
    pub sequence: u16,
    /// Sequence number extended with the count of wraps (RFC 3550 A.1).
    pub extended_sequence: u32,
    /// Media timestamp.
    pub timestamp: u32,
    /// Payload without padding.
    pub payload: &'a [u8],
    /// How the packet fits the sequence so far.
    pub arrival: Arrival,
}

/// Counters over the receiver's life (all sources).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReceiverStats {
    /// Packets accepted (first, in order, late, restart).
    pub packets: u64,
    /// Duplicates dropped.
    pub duplicates: u64,
    /// Packets that arrived behind a later one.
    pub late: u64,
    /// Unconfirmed sequence jumps dropped.
    pub jumps: u64,
    /// Times the SSRC changed.
    pub ssrc_changes: u64,
    /// Datagrams that were not valid RTP.
    pub malformed: u64,
}

/// One source's RFC 3550 A.1 sequence state (also behind the RTCP reception
/// statistics, [`crate::rtcp_stats::ReceptionStats`]).
#[derive(Debug, Clone)]
pub(crate) struct Source {
    ssrc: u32,
    pub(crate) base_seq: u16,
    max_seq: u16,
    /// Wraps × 65536, as RFC 3550 keeps it.
    cycles: u32,
    /// Bit i set: sequence `max_seq - i` was received.
    window: u64,
    bad_seq: Option<u16>,
    received: u64,
}

impl Source {
    pub(crate) fn new(ssrc: u32, seq: u16) -> Self {
        Source {
            ssrc,
            base_seq: seq,
            max_seq: seq,
            cycles: 0,
            window: 1,
            bad_seq: None,
            received: 0,
        }
    }

    pub(crate) fn extended_max(&self) -> u32 {
        self.cycles.wrapping_add(u32::from(self.max_seq))
    }

    /// Classifies `seq` and updates the state (RFC 3550 A.1 `update_seq`).
    pub(crate) fn update(&mut self, seq: u16) -> (Arrival, u32) {
        let udelta = seq.wrapping_sub(self.max_seq);
        if udelta == 0 {
            return (Arrival::Duplicate, self.extended_max());
        }
        if udelta < MAX_DROPOUT {
            if seq < self.max_seq {
                self.cycles = self.cycles.wrapping_add(1 << 16);
            }
            self.window = self.window.checked_shl(u32::from(udelta)).unwrap_or(0) | 1;
            self.max_seq = seq;
            self.bad_seq = None;
            self.received += 1;
            return (Arrival::InOrder { lost: udelta - 1 }, self.extended_max());
        }
        if u32::from(udelta) <= 65536 - MAX_MISORDER {
            if self.bad_seq == Some(seq) {
                *self = Source::new(self.ssrc, seq);
                self.received = 1;
                return (Arrival::Restart, self.extended_max());
            }
            self.bad_seq = Some(seq.wrapping_add(1));
            return (Arrival::Jump, self.cycles.wrapping_add(u32::from(seq)));
        }
        let back = self.max_seq.wrapping_sub(seq);
        let ext = self.extended_max().wrapping_sub(u32::from(back));
        if back < WINDOW {
            let bit = 1u64 << back;
            if self.window & bit != 0 {
                return (Arrival::Duplicate, ext);
            }
            self.window |= bit;
        }
        self.received += 1;
        (Arrival::Late, ext)
    }
}

/// Receives one RTP stream (whatever SSRC it currently carries).
#[derive(Debug, Clone, Default)]
pub struct RtpReceiver {
    source: Option<Source>,
    stats: ReceiverStats,
}

impl RtpReceiver {
    /// A receiver that has seen nothing.
    pub fn new() -> Self {
        RtpReceiver::default()
    }

    /// Parses `datagram` and accounts for it. Errors (counted as malformed)
    /// leave the sequence state alone.
    pub fn receive<'a>(&mut self, datagram: &'a [u8]) -> Result<RtpPacket<'a>, RtpError> {
        let parsed = parse(datagram);
        let reader = match parsed {
            Ok(r) => r,
            Err(e) => {
                self.stats.malformed += 1;
                return Err(e);
            }
        };
        let ssrc = reader.ssrc();
        let seq = u16::from(reader.sequence_number());
        let (arrival, extended_sequence) = match &mut self.source {
            Some(src) if src.ssrc == ssrc => src.update(seq),
            other => {
                if other.is_some() {
                    self.stats.ssrc_changes += 1;
                }
                let mut src = Source::new(ssrc, seq);
                src.received = 1;
                let ext = src.extended_max();
                *other = Some(src);
                (Arrival::First, ext)
            }
        };
        match arrival {
            Arrival::Duplicate => self.stats.duplicates += 1,
            Arrival::Jump => self.stats.jumps += 1,
            Arrival::Late => {
                self.stats.late += 1;
                self.stats.packets += 1;
            }
            _ => self.stats.packets += 1,
        }
        Ok(RtpPacket {
            ssrc,
            payload_type: reader.payload_type(),
            marker: reader.mark(),
            sequence: seq,
            extended_sequence,
            timestamp: reader.timestamp(),
            payload: reader.payload(),
            arrival,
        })
    }

    /// Counters so far.
    pub fn stats(&self) -> ReceiverStats {
        self.stats
    }
    /// The SSRC currently received.
    pub fn ssrc(&self) -> Option<u32> {
        self.source.as_ref().map(|s| s.ssrc)
    }
    /// Extended highest sequence number of the current source.
    pub fn extended_highest_seq(&self) -> Option<u32> {
        self.source.as_ref().map(Source::extended_max)
    }
    /// Packets expected from the current source (RFC 3550 A.3).
    pub fn expected(&self) -> u64 {
        self.source.as_ref().map_or(0, |s| {
            u64::from(s.extended_max().wrapping_sub(u32::from(s.base_seq))) + 1
        })
    }
    /// Packets lost from the current source: expected − received (negative
    /// when duplicates beyond the window were counted).
    pub fn lost(&self) -> i64 {
        let received = self.source.as_ref().map_or(0, |s| s.received);
        self.expected() as i64 - received as i64
    }
}

/// Parses one datagram as RTP, refusing RTCP (RFC 5761 §4).
pub fn parse(datagram: &[u8]) -> Result<RtpReader<'_>, RtpError> {
    if let (Some(first), Some(second)) = (datagram.first(), datagram.get(1)) {
        if first >> 6 == 2 && (192..=223).contains(second) {
            return Err(RtpError::Rtcp(*second));
        }
    }
    Ok(RtpReader::new(datagram)?)
}

#[cfg(test)]
#[path = "rtp_receiver_tests.rs"]
mod tests;
