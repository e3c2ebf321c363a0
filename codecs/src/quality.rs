//! The call-quality summary of one call's media: counters, loss and jitter
//! both ways, round-trip time and the E-model estimate, ready for a CDR.

use crate::emodel::{mos_from_r, r_factor, CodecImpairment};
use crate::rtcp::RtcpSession;
use serde::Serialize;

/// Media counters the RTP path keeps (RTCP counts only what it is told).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaCounters {
    /// RTP packets sent.
    pub packets_sent: u64,
    /// RTP payload octets sent.
    pub bytes_sent: u64,
    /// RTP packets received.
    pub packets_received: u64,
    /// RTP payload octets received.
    pub bytes_received: u64,
}

/// How a call sounded, for call records and the UI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallStatistics {
    /// Codec name ("G.711", "opus"...).
    pub codec: String,
    /// RTP packets sent.
    pub packets_sent: u64,
    /// RTP payload octets sent.
    pub bytes_sent: u64,
    /// RTP packets received.
    pub packets_received: u64,
    /// RTP payload octets received.
    pub bytes_received: u64,
    /// Cumulative loss of the stream we received, in percent.
    pub loss_pct: f64,
    /// Cumulative loss of our stream as the peer reports it, in percent.
    pub remote_loss_pct: Option<f64>,
    /// Interarrival jitter of the stream we received, in milliseconds.
    pub jitter_ms: f64,
    /// Jitter of our stream as the peer reports it, in milliseconds.
    pub remote_jitter_ms: Option<f64>,
    /// Round-trip time from RTCP, in milliseconds.
    pub rtt_ms: Option<f64>,
    /// E-model transmission rating (G.107) of what we heard.
    pub r_factor: f64,
    /// Estimated MOS (G.107 Annex B) of what we heard.
    pub mos: f64,
}

impl CallStatistics {
    /// The summary of `session` for `codec`, with the RTP path's `counters`
    /// and the jitter buffer's playout delay `jitter_buffer_ms`.
    ///
    /// The E-model is applied to the direction we listen to: the loss we
    /// measured locally (random loss, BurstR = 1) and a one-way delay of
    /// RTT/2 + the jitter buffer delay (RTT counts as 0 until measured).
    pub fn compute(
        session: &RtcpSession,
        codec: &CodecImpairment,
        counters: MediaCounters,
        jitter_buffer_ms: f64,
    ) -> Self {
        let local = session.local_stats().unwrap_or_default();
        let remote = session.remote_stats();
        let rtt_ms = session.rtt().map(|d| d.as_secs_f64() * 1000.0);
        let one_way = rtt_ms.unwrap_or(0.0) / 2.0 + jitter_buffer_ms.max(0.0);
        let r = r_factor(codec.ie, codec.bpl, local.loss_pct, one_way, 1.0);
        CallStatistics {
            codec: codec.name.to_owned(),
            packets_sent: counters.packets_sent,
            bytes_sent: counters.bytes_sent,
            packets_received: counters.packets_received,
            bytes_received: counters.bytes_received,
            loss_pct: local.loss_pct,
            remote_loss_pct: remote.map(|s| s.loss_pct),
            jitter_ms: local.jitter_ms,
            remote_jitter_ms: remote.map(|s| s.jitter_ms),
            rtt_ms,
            r_factor: r,
            mos: mos_from_r(r),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtcp_stats::ReportFigures;
    use crate::rtcp_wire::{build_compound, ntp_compact, to_ntp64, BlockInfo};
    use rand::SeedableRng;
    use std::time::Duration;

    const NTP_BASE: u64 = 0xE9A1_0000_0000_0000;

    /// A session that received 200 packets with every 20th lost (5 %),
    /// sent 200 of its own, and sent one SR at 4 s.
    fn session() -> RtcpSession {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut s = RtcpSession::new(0xA, "a@example.org".into(), 8000, &mut rng);
        for k in 0..200u16 {
            let at = Duration::from_millis(20 * u64::from(k));
            s.on_rtp_sent(at, u32::from(k) * 160, 160);
            if k % 20 != 7 {
                s.on_rtp_received(at, 0xB, k, u32::from(k) * 160);
            }
        }
        let now = Duration::from_secs(4);
        assert!(s.poll_output(now, NTP_BASE + to_ntp64(now)).is_some());
        s
    }

    #[test]
    fn statistics_before_any_rtt() {
        let s = session();
        let stats = CallStatistics::compute(
            &s,
            &CodecImpairment::G711_PLC,
            MediaCounters::default(),
            60.0,
        );
        // 5 % loss, 60 ms one way (no Idd): R = 93.2 − 475/30.1 = 77.42.
        assert!((stats.loss_pct - 5.0).abs() < 1e-9);
        assert_eq!((stats.jitter_ms, stats.rtt_ms), (0.0, None));
        assert!((stats.r_factor - 77.42).abs() < 0.01, "{stats:?}");
        assert!((stats.mos - 3.92).abs() < 0.01);
        assert_eq!(stats.remote_loss_pct, None);
    }

    #[test]
    fn statistics_with_the_peers_report() {
        let mut s = session();
        // The peer's RR about our stream: our SR's LSR, held 1 s (DLSR
        // 0x0001_0000), arriving at 5.2 s → RTT = 1.2 − 1.0 = 0.2 s.
        let lsr = ntp_compact(NTP_BASE + to_ntp64(Duration::from_secs(4)));
        let figures = ReportFigures {
            ssrc: 0xA,
            fraction_lost: 0,
            cumulative_lost: 10,
            extended_highest_seq: 199,
            jitter: 16,
        };
        let block = BlockInfo {
            figures,
            lsr,
            dlsr: 0x0001_0000,
        };
        let rr = build_compound(0xB, None, &[block], "b@example.org", false).unwrap();
        s.handle_rtcp(Duration::from_millis(5200), &rr).unwrap();
        let counters = MediaCounters {
            packets_sent: 200,
            bytes_sent: 32_000,
            packets_received: 190,
            bytes_received: 30_400,
        };
        let stats = CallStatistics::compute(&s, &CodecImpairment::G711_PLC, counters, 60.0);
        let rtt = stats.rtt_ms.unwrap();
        assert!((rtt - 200.0).abs() < 0.05, "{rtt}");
        // 10 of our 200 packets lost; 16 units at 8 kHz = 2 ms.
        assert_eq!(stats.remote_loss_pct, Some(5.0));
        assert_eq!(stats.remote_jitter_ms, Some(2.0));
        // One way 100 + 60 = 160 ms: Idd = 0.388, R = 77.42 − 0.39 = 77.03.
        assert!((stats.r_factor - 77.03).abs() < 0.01, "{stats:?}");
        assert!((stats.mos - 3.907).abs() < 0.001);
        assert_eq!(
            (stats.codec.as_str(), stats.bytes_received),
            ("G.711", 30_400)
        );
    }
}
