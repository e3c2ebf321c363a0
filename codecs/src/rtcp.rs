//! Sans-IO RTCP (RFC 3550 §6) for one RTP stream pair: reception
//! statistics, SR/RR + SDES CNAME at the randomised interval of §6.3,
//! round-trip time from LSR/DLSR, BYE.
//!
//! Time comes in as `now: Duration` since an epoch the caller chose (the
//! session's creation unless [`RtcpSession::new_at`] says otherwise); the
//! wall clock for SR timestamps comes in as a 64-bit NTP value.

pub use crate::rtcp_events::{RtcpEvent, StreamStats};
use crate::rtcp_interval::{self, IntervalInputs, DEFAULT_SESSION_BANDWIDTH_BPS};
use crate::rtcp_stats::ReceptionStats;
use crate::rtcp_wire::{build_compound, to_units_65536, BlockInfo, SenderInfo};
pub use crate::rtcp_wire::{is_rtcp, RtcpError};
use rand::RngCore;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Duration;

/// RTCP state of one RTP session (one local source, one remote source).
#[derive(Debug, Clone)]
pub struct RtcpSession {
    local_ssrc: u32,
    cname: String,
    clock_rate: u32,
    session_bw_bps: u32,
    rng: ChaCha8Rng,
    reception: Option<ReceptionStats>,
    /// The SSRC, compact NTP time and arrival of the peer's last SR.
    last_sr: Option<(u32, u32, Duration)>,
    /// Our last (now, NTP) pair: maps `now` to the wall clock.
    ntp_ref: Option<(Duration, u64)>,
    sent: Sent,
    /// When the last two reports went out (latest first).
    reports_at: [Option<Duration>; 2],
    next_report: Duration,
    avg_rtcp_size: f64,
    rtt: Option<Duration>,
    remote: Option<StreamStats>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Sent {
    packets: u64,
    octets: u64,
    last: Option<(Duration, u32)>,
}

impl RtcpSession {
    /// A session starting at `now = 0` with the default 64 kbit/s session
    /// bandwidth. `cname` is cut to the 255 bytes SDES allows.
    pub fn new(local_ssrc: u32, cname: String, clock_rate: u32, rng: &mut impl RngCore) -> Self {
        Self::new_at(
            Duration::ZERO,
            DEFAULT_SESSION_BANDWIDTH_BPS,
            local_ssrc,
            cname,
            clock_rate,
            rng,
        )
    }

    /// A session starting at `start` whose SDP gave `session_bw_bps` (b=AS).
    pub fn new_at(
        start: Duration,
        session_bw_bps: u32,
        local_ssrc: u32,
        mut cname: String,
        clock_rate: u32,
        rng: &mut impl RngCore,
    ) -> Self {
        let mut cut = cname.len().min(255);
        while !cname.is_char_boundary(cut) {
            cut -= 1;
        }
        cname.truncate(cut);
        let mut own = ChaCha8Rng::seed_from_u64(rng.next_u64());
        // Initial average size: an RR with one block + SDES CNAME (§6.3.2).
        let avg = (8 + 24 + 8 + 2 + cname.len() + 4 + rtcp_interval::UDP_IP_OVERHEAD) as f64;
        let inputs = IntervalInputs::two_party(session_bw_bps, avg, true);
        let first = rtcp_interval::rtcp_interval(&inputs, &mut own);
        RtcpSession {
            local_ssrc,
            cname,
            clock_rate: clock_rate.max(1),
            session_bw_bps,
            rng: own,
            reception: None,
            last_sr: None,
            ntp_ref: None,
            sent: Sent::default(),
            reports_at: [None, None],
            next_report: start + first,
            avg_rtcp_size: avg,
            rtt: None,
            remote: None,
        }
    }

    /// The RTP clock after a codec change (RFC 3550 §5.1): used for the SR's RTP
    /// timestamp and for streams first seen from now on.
    pub fn set_clock_rate(&mut self, clock_rate: u32) {
        self.clock_rate = clock_rate.max(1);
    }

    /// Our SSRC.
    pub fn local_ssrc(&self) -> u32 {
        self.local_ssrc
    }

    /// Accounts for an RTP packet received at `now` (reception statistics).
    /// A new SSRC restarts the statistics.
    pub fn on_rtp_received(&mut self, now: Duration, ssrc: u32, seq: u16, rtp_ts: u32) {
        match &mut self.reception {
            Some(r) if r.ssrc() == ssrc => {
                r.on_packet(now, seq, rtp_ts);
            }
            other => {
                let mut r = ReceptionStats::new(self.clock_rate, ssrc, seq);
                r.on_packet(now, seq, rtp_ts);
                *other = Some(r);
            }
        }
    }

    /// Accounts for an RTP packet we sent at `now` with timestamp `rtp_ts`
    /// and `payload_len` payload octets.
    pub fn on_rtp_sent(&mut self, now: Duration, rtp_ts: u32, payload_len: usize) {
        self.sent.packets += 1;
        self.sent.octets += payload_len as u64;
        self.sent.last = Some((now, rtp_ts));
    }

    /// Whether we sent RTP since the report before last (RFC 3550 §6.3.8).
    fn we_sent(&self) -> bool {
        match (self.sent.last, self.reports_at[1]) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some((at, _)), Some(older)) => at >= older,
        }
    }

    /// When [`RtcpSession::poll_output`] next has a report to send.
    pub fn poll_timeout(&self) -> Duration {
        self.next_report
    }

    /// The compound report due at `now` (SR if we are a sender, else RR, plus
    /// SDES CNAME), or `None` before [`RtcpSession::poll_timeout`].
    /// `ntp_now` is the wall clock at `now` as a 64-bit NTP timestamp.
    pub fn poll_output(&mut self, now: Duration, ntp_now: u64) -> Option<Vec<u8>> {
        if now < self.next_report {
            return None;
        }
        self.ntp_ref = Some((now, ntp_now));
        let sender = self.we_sent().then(|| self.sender_info(now, ntp_now));
        let blocks = self.report_blocks(now);
        // Cannot fail: at most one block, a CNAME of ≤ 255 bytes, no padding.
        let packet = build_compound(self.local_ssrc, sender, &blocks, &self.cname, false).ok()?;
        self.avg_rtcp_size = rtcp_interval::update_avg_size(self.avg_rtcp_size, packet.len());
        self.reports_at = [Some(now), self.reports_at[0]];
        let inputs = IntervalInputs::two_party(self.session_bw_bps, self.avg_rtcp_size, false);
        self.next_report = now + rtcp_interval::rtcp_interval(&inputs, &mut self.rng);
        Some(packet)
    }

    fn sender_info(&self, now: Duration, ntp: u64) -> SenderInfo {
        // The media clock at `now`, extrapolated from the last packet sent.
        let rtp_timestamp = self.sent.last.map_or(0, |(at, ts)| {
            let elapsed = now.saturating_sub(at).as_nanos() * u128::from(self.clock_rate);
            ts.wrapping_add((elapsed / 1_000_000_000) as u32)
        });
        SenderInfo {
            ntp,
            rtp_timestamp,
            packets: self.sent.packets as u32,
            octets: self.sent.octets as u32,
        }
    }

    fn report_blocks(&mut self, now: Duration) -> Vec<BlockInfo> {
        let Some(r) = self.reception.as_mut().filter(|r| r.heard_since_report()) else {
            return Vec::new();
        };
        let (lsr, dlsr) = match self.last_sr {
            Some((ssrc, lsr, at)) if ssrc == r.ssrc() => {
                (lsr, to_units_65536(now.saturating_sub(at)))
            }
            _ => (0, 0),
        };
        vec![BlockInfo {
            figures: r.report(),
            lsr,
            dlsr,
        }]
    }

    /// A compound RR + SDES CNAME + BYE to send when the call ends.
    pub fn send_bye(&mut self) -> Vec<u8> {
        // Cannot fail for the same reasons as a report; an empty datagram
        // would be the only fallback.
        build_compound(self.local_ssrc, None, &[], &self.cname, true).unwrap_or_default()
    }

    /// The latest round-trip time, once a report block answered our SR.
    pub fn rtt(&self) -> Option<Duration> {
        self.rtt
    }

    /// What we measured receiving the peer's stream (`None` before any RTP).
    pub fn local_stats(&self) -> Option<StreamStats> {
        self.reception.as_ref().map(|r| StreamStats {
            fraction_lost: r.last_fraction_lost(),
            cumulative_lost: r.cumulative_lost(),
            loss_pct: r.loss_pct(),
            jitter_ms: r.jitter_ms(),
            extended_highest_seq: r.extended_highest_seq(),
        })
    }

    /// What the peer last reported about our stream.
    pub fn remote_stats(&self) -> Option<StreamStats> {
        self.remote
    }

    /// RTP packets and payload octets we sent.
    pub fn sent_counts(&self) -> (u64, u64) {
        (self.sent.packets, self.sent.octets)
    }
}

#[path = "rtcp_receive.rs"]
mod receive;
#[cfg(test)]
#[path = "rtcp_tests.rs"]
mod tests;
