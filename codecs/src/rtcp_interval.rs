//! The RTCP transmission interval of RFC 3550 §6.3 and Appendix A.7.

use rand::RngCore;
use std::time::Duration;

/// Minimum average time between reports (RFC 3550 §6.2).
pub const RTCP_MIN_TIME: f64 = 5.0;
/// Compensation for the "timer reconsideration" bias: e − 3/2.
pub const COMPENSATION: f64 = std::f64::consts::E - 1.5;
/// Share of the session bandwidth given to RTCP (RFC 3550 §6.2).
pub const RTCP_FRACTION: f64 = 0.05;
/// Session bandwidth assumed when the SDP gives none (a G.711 call with
/// headers is ~80 kbit/s; 64 kbit/s is the payload rate).
pub const DEFAULT_SESSION_BANDWIDTH_BPS: u32 = 64_000;
/// IPv4 + UDP header bytes counted in the average RTCP packet size (§6.2).
pub const UDP_IP_OVERHEAD: usize = 28;

/// What the interval computation needs to know (the arguments of A.7's
/// `rtcp_interval`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalInputs {
    /// Session members, ourselves included.
    pub members: u32,
    /// Members that sent RTP recently, ourselves included.
    pub senders: u32,
    /// RTCP bandwidth in octets per second (5 % of the session bandwidth).
    pub rtcp_bw: f64,
    /// Whether we sent RTP in the last two intervals.
    pub we_sent: bool,
    /// Average compound RTCP packet size in octets, UDP/IP headers included.
    pub avg_rtcp_size: f64,
    /// Whether no report has been sent yet (halves the minimum).
    pub initial: bool,
}

impl IntervalInputs {
    /// The inputs of a two-party call (us and the peer, both sending) with
    /// `session_bw_bps` bits per second of session bandwidth.
    pub fn two_party(session_bw_bps: u32, avg_rtcp_size: f64, initial: bool) -> Self {
        IntervalInputs {
            members: 2,
            senders: 2,
            rtcp_bw: rtcp_bandwidth(session_bw_bps),
            we_sent: true,
            avg_rtcp_size,
            initial,
        }
    }
}

/// RTCP bandwidth in octets per second for a session of `session_bw_bps`.
pub fn rtcp_bandwidth(session_bw_bps: u32) -> f64 {
    f64::from(session_bw_bps) * RTCP_FRACTION / 8.0
}

/// The deterministic interval `Td` of §6.3.1 in seconds (before
/// randomisation): `max(Tmin, n · avg_rtcp_size / rtcp_bw)`, with senders
/// getting 25 % of the RTCP bandwidth when they are fewer than a quarter.
pub fn deterministic_interval(inputs: &IntervalInputs) -> f64 {
    let t_min = if inputs.initial {
        RTCP_MIN_TIME / 2.0
    } else {
        RTCP_MIN_TIME
    };
    let members = f64::from(inputs.members.max(1));
    let senders = f64::from(inputs.senders);
    let mut n = members;
    let mut rtcp_bw = inputs.rtcp_bw;
    if senders > 0.0 && senders <= members * 0.25 {
        if inputs.we_sent {
            rtcp_bw *= 0.25;
            n = senders;
        } else {
            rtcp_bw *= 0.75;
            n = members - senders;
        }
    }
    let t = if rtcp_bw > 0.0 {
        inputs.avg_rtcp_size * n / rtcp_bw
    } else {
        f64::INFINITY
    };
    t.max(t_min)
}

/// The randomised interval of A.7: `Td · U[0.5, 1.5] / (e − 3/2)`, the
/// uniform draw from `rng`. An infinite `Td` (no bandwidth) is capped at an
/// hour.
pub fn rtcp_interval(inputs: &IntervalInputs, rng: &mut impl RngCore) -> Duration {
    let td = deterministic_interval(inputs).min(3600.0);
    let u = unit(rng);
    Duration::from_secs_f64(td * (0.5 + u) / COMPENSATION)
}

/// A uniform draw in [0, 1) from the top 53 bits of a 64-bit draw.
fn unit(rng: &mut impl RngCore) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// The running average RTCP packet size of §6.3.3:
/// `avg = size/16 + avg·15/16`, the size with UDP/IP headers.
pub fn update_avg_size(avg: f64, packet_len: usize) -> f64 {
    let size = (packet_len + UDP_IP_OVERHEAD) as f64;
    size / 16.0 + avg * 15.0 / 16.0
}

#[cfg(test)]
#[path = "rtcp_interval_tests.rs"]
mod tests;
