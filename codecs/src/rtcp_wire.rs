//! RTCP on the wire, through `rtcp-types`: building compound SR/RR + SDES
//! (+ BYE), parsing compound packets into owned values, NTP arithmetic and
//! the RFC 5761 demultiplexing test. Nothing else in the crate names
//! `rtcp-types`.

use crate::rtcp_stats::{cumulative_lost_from_wire, cumulative_lost_to_wire, ReportFigures};
use rtcp_types::{
    Bye, Compound, Packet, ReceiverReport, ReportBlock, RtcpPacketWriterExt, RtcpParseError,
    RtcpWriteError, Sdes, SdesChunk, SdesItem, SenderReport,
};
use std::time::Duration;

/// Why an RTCP datagram was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RtcpError {
    /// Not an RTCP packet at all (RFC 5761 §4 test failed).
    #[error("not an RTCP packet")]
    NotRtcp,
    /// A compound packet whose structure or fields are invalid.
    #[error("malformed RTCP: {0}")]
    Malformed(#[from] RtcpParseError),
}

/// Whether a datagram on an rtcp-mux port (RFC 5761 §4) is RTCP: version 2
/// and a second octet of 192..=223 (RTCP packet types; RTP payload types
/// 64..=95 with the marker bit, which RTP must not use when multiplexing).
pub fn is_rtcp(datagram: &[u8]) -> bool {
    match (datagram.first(), datagram.get(1)) {
        (Some(first), Some(second)) => first >> 6 == 2 && (192..=223).contains(second),
        _ => false,
    }
}

/// The "compact" NTP form used by LSR/DLSR: the middle 32 bits of a 64-bit
/// NTP timestamp (16 bits of seconds, 16 of fraction).
pub fn ntp_compact(ntp: u64) -> u32 {
    (ntp >> 16) as u32
}

/// A duration in 1/65536 s units (DLSR), saturating at `u32::MAX`.
pub fn to_units_65536(d: Duration) -> u32 {
    u32::try_from(d.as_nanos() * 65536 / 1_000_000_000).unwrap_or(u32::MAX)
}

/// A duration as a 64-bit NTP interval (32.32 fixed point), wrapping.
pub fn to_ntp64(d: Duration) -> u64 {
    let frac = (u128::from(d.subsec_nanos()) << 32) / 1_000_000_000;
    (d.as_secs() << 32).wrapping_add(frac as u64)
}

/// Round-trip time from a report block (RFC 3550 §6.4.1): `A − LSR − DLSR`,
/// all in 1/65536 s; `None` when LSR is 0 (no SR received yet) or the result
/// is negative (clocks or reports out of step).
pub fn rtt_from_report(arrival_compact: u32, lsr: u32, dlsr: u32) -> Option<Duration> {
    if lsr == 0 {
        return None;
    }
    let rtt = arrival_compact.wrapping_sub(lsr).wrapping_sub(dlsr);
    if rtt >= 0x8000_0000 {
        return None;
    }
    Some(Duration::from_nanos(u64::from(rtt) * 1_000_000_000 / 65536))
}

/// The sender-info part of an SR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SenderInfo {
    /// Wall clock at sending, 64-bit NTP.
    pub ntp: u64,
    /// The same instant on the media clock.
    pub rtp_timestamp: u32,
    /// Packets sent since the start (wraps).
    pub packets: u32,
    /// Payload octets sent since the start (wraps).
    pub octets: u32,
}

/// One report block as carried in an SR or RR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockInfo {
    /// Reception figures about `figures.ssrc`.
    pub figures: ReportFigures,
    /// Compact NTP time of the last SR from that source (0: none).
    pub lsr: u32,
    /// Delay since that SR, in 1/65536 s.
    pub dlsr: u32,
}

/// One RTCP packet of a compound, decoded into owned values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A sender report.
    Sr {
        /// Its sender.
        ssrc: u32,
        /// The sender info.
        info: SenderInfo,
        /// Its report blocks.
        blocks: Vec<BlockInfo>,
    },
    /// A receiver report.
    Rr {
        /// Its sender.
        ssrc: u32,
        /// Its report blocks.
        blocks: Vec<BlockInfo>,
    },
    /// CNAMEs of the SDES chunks that carry one.
    Sdes(Vec<(u32, String)>),
    /// A goodbye.
    Bye {
        /// Sources leaving.
        ssrcs: Vec<u32>,
        /// Reason, if any and valid UTF-8.
        reason: Option<String>,
    },
    /// Any other packet type (APP, feedback, XR...): ignored.
    Other(u8),
}

fn block(b: &ReportBlock<'_>) -> BlockInfo {
    BlockInfo {
        figures: ReportFigures {
            ssrc: b.ssrc(),
            fraction_lost: b.fraction_lost(),
            cumulative_lost: cumulative_lost_from_wire(b.cumulative_lost()),
            extended_highest_seq: b.extended_sequence_number(),
            jitter: b.interarrival_jitter(),
        },
        lsr: b.last_sender_report_timestamp(),
        dlsr: b.delay_since_last_sender_report_timestamp(),
    }
}

fn cname_of(chunk: &SdesChunk<'_>) -> Option<(u32, String)> {
    let item = chunk.items().find(|i| i.type_() == SdesItem::CNAME)?;
    Some((
        chunk.ssrc(),
        String::from_utf8_lossy(item.value()).into_owned(),
    ))
}

/// Parses a compound RTCP datagram; any malformed packet fails the whole.
pub fn parse_compound(datagram: &[u8]) -> Result<Vec<Parsed>, RtcpError> {
    if !is_rtcp(datagram) {
        return Err(RtcpError::NotRtcp);
    }
    let mut out = Vec::new();
    for packet in Compound::parse(datagram)? {
        out.push(match packet? {
            Packet::Sr(sr) => parse_sr(&sr),
            Packet::Rr(rr) => parse_rr(&rr),
            Packet::Sdes(sdes) => Parsed::Sdes(sdes.chunks().filter_map(cname_of).collect()),
            Packet::Bye(bye) => Parsed::Bye {
                ssrcs: bye.ssrcs().collect(),
                reason: bye.get_reason_string().and_then(Result::ok),
            },
            Packet::App(_) => Parsed::Other(204),
            Packet::TransportFeedback(_) => Parsed::Other(205),
            Packet::PayloadFeedback(_) => Parsed::Other(206),
            Packet::Xr(_) => Parsed::Other(207),
            Packet::Unknown(u) => Parsed::Other(u.data().get(1).copied().unwrap_or(0)),
        });
    }
    Ok(out)
}

fn parse_sr(sr: &SenderReport<'_>) -> Parsed {
    Parsed::Sr {
        ssrc: sr.ssrc(),
        info: SenderInfo {
            ntp: sr.ntp_timestamp(),
            rtp_timestamp: sr.rtp_timestamp(),
            packets: sr.packet_count(),
            octets: sr.octet_count(),
        },
        blocks: sr.report_blocks().map(|b| block(&b)).collect(),
    }
}

fn parse_rr(rr: &ReceiverReport<'_>) -> Parsed {
    Parsed::Rr {
        ssrc: rr.ssrc(),
        blocks: rr.report_blocks().map(|b| block(&b)).collect(),
    }
}

fn block_builder(b: &BlockInfo) -> rtcp_types::ReportBlockBuilder {
    ReportBlock::builder(b.figures.ssrc)
        .fraction_lost(b.figures.fraction_lost)
        .cumulative_lost(cumulative_lost_to_wire(b.figures.cumulative_lost))
        .extended_sequence_number(b.figures.extended_highest_seq)
        .interarrival_jitter(b.figures.jitter)
        .last_sender_report_timestamp(b.lsr)
        .delay_since_last_sender_report_timestamp(b.dlsr)
}

/// Builds a compound report: an SR when `sender` is given, else an RR, with
/// `blocks`, then an SDES CNAME chunk, then a BYE of `local_ssrc` when `bye`.
pub fn build_compound(
    local_ssrc: u32,
    sender: Option<SenderInfo>,
    blocks: &[BlockInfo],
    cname: &str,
    bye: bool,
) -> Result<Vec<u8>, RtcpWriteError> {
    let mut compound = Compound::builder();
    compound = match sender {
        Some(s) => {
            let mut sr = SenderReport::builder(local_ssrc)
                .ntp_timestamp(s.ntp)
                .rtp_timestamp(s.rtp_timestamp)
                .packet_count(s.packets)
                .octet_count(s.octets);
            for b in blocks {
                sr = sr.add_report_block(block_builder(b));
            }
            compound.add_packet(sr)
        }
        None => {
            let mut rr = ReceiverReport::builder(local_ssrc);
            for b in blocks {
                rr = rr.add_report_block(block_builder(b));
            }
            compound.add_packet(rr)
        }
    };
    let chunk = SdesChunk::builder(local_ssrc).add_item(SdesItem::builder(SdesItem::CNAME, cname));
    compound = compound.add_packet(Sdes::builder().add_chunk(chunk));
    if bye {
        compound = compound.add_packet(Bye::builder().add_source(local_ssrc));
    }
    let mut buf = vec![0u8; rtcp_types::RtcpPacketWriter::calculate_size(&compound)?];
    let written = compound.write_into(&mut buf)?;
    buf.truncate(written);
    Ok(buf)
}

#[cfg(test)]
#[path = "rtcp_wire_tests.rs"]
mod tests;
