//! What RTCP tells about a stream: the statistics of one direction and the
//! events of an incoming compound packet.

use crate::rtcp_wire::SenderInfo;
use std::time::Duration;

/// Loss and jitter of one direction of the stream.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StreamStats {
    /// Loss in the last reporting interval, in 1/256.
    pub fraction_lost: u8,
    /// Expected − received since the start (negative with duplicates).
    pub cumulative_lost: i64,
    /// Cumulative loss in percent of the packets expected (≥ 0).
    pub loss_pct: f64,
    /// Interarrival jitter in milliseconds.
    pub jitter_ms: f64,
    /// Extended highest sequence number received.
    pub extended_highest_seq: u32,
}

/// Something the peer told us in RTCP.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RtcpEvent {
    /// A sender report from `ssrc`.
    SenderReport {
        /// The sender.
        ssrc: u32,
        /// Its sender info (NTP/RTP timestamps, counts).
        info: SenderInfo,
    },
    /// A receiver report from `ssrc`.
    ReceiverReport {
        /// The reporter.
        ssrc: u32,
    },
    /// A report block about our stream.
    RemoteStats(StreamStats),
    /// A new round-trip time measurement.
    Rtt(Duration),
    /// The CNAME of a source.
    Cname {
        /// The source.
        ssrc: u32,
        /// Its canonical name.
        cname: String,
    },
    /// Sources left the session.
    Bye {
        /// The sources leaving.
        ssrcs: Vec<u32>,
        /// Their reason, if given.
        reason: Option<String>,
    },
}
