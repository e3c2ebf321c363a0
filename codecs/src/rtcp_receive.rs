//! Incoming RTCP: the `handle_rtcp` half of [`RtcpSession`].

use super::RtcpSession;
use crate::rtcp_events::{RtcpEvent, StreamStats};
use crate::rtcp_stats::ReportFigures;
use crate::rtcp_wire::{
    ntp_compact, parse_compound, rtt_from_report, to_ntp64, BlockInfo, Parsed, RtcpError,
};
use std::time::Duration;

/// The peer's cumulative loss as a percentage of the packets we had sent
/// when its report arrived (an estimate of what it expected: packets still
/// in flight make it slightly low).
fn remote_loss_pct(lost: i32, packets_sent: u64) -> f64 {
    if packets_sent == 0 || lost <= 0 {
        return 0.0;
    }
    (f64::from(lost) * 100.0 / packets_sent as f64).min(100.0)
}

impl RtcpSession {
    /// Takes in an RTCP datagram that arrived at `now`.
    pub fn handle_rtcp(
        &mut self,
        now: Duration,
        datagram: &[u8],
    ) -> Result<Vec<RtcpEvent>, RtcpError> {
        let mut events = Vec::new();
        for packet in parse_compound(datagram)? {
            match packet {
                Parsed::Sr { ssrc, info, blocks } => {
                    self.last_sr = Some((ssrc, ntp_compact(info.ntp), now));
                    events.push(RtcpEvent::SenderReport { ssrc, info });
                    self.blocks(now, &blocks, &mut events);
                }
                Parsed::Rr { ssrc, blocks } => {
                    events.push(RtcpEvent::ReceiverReport { ssrc });
                    self.blocks(now, &blocks, &mut events);
                }
                Parsed::Sdes(cnames) => events.extend(
                    cnames
                        .into_iter()
                        .map(|(ssrc, cname)| RtcpEvent::Cname { ssrc, cname }),
                ),
                Parsed::Bye { ssrcs, reason } => events.push(RtcpEvent::Bye { ssrcs, reason }),
                Parsed::Other(_) => {}
            }
        }
        Ok(events)
    }

    fn blocks(&mut self, now: Duration, blocks: &[BlockInfo], events: &mut Vec<RtcpEvent>) {
        for b in blocks.iter().filter(|b| b.figures.ssrc == self.local_ssrc) {
            let stats = self.remote_from(&b.figures);
            self.remote = Some(stats);
            events.push(RtcpEvent::RemoteStats(stats));
            let arrival = self
                .ntp_ref
                .map(|(at, ntp)| ntp_compact(ntp.wrapping_add(to_ntp64(now.saturating_sub(at)))));
            if let Some(rtt) = arrival.and_then(|a| rtt_from_report(a, b.lsr, b.dlsr)) {
                self.rtt = Some(rtt);
                events.push(RtcpEvent::Rtt(rtt));
            }
        }
    }

    fn remote_from(&self, f: &ReportFigures) -> StreamStats {
        StreamStats {
            fraction_lost: f.fraction_lost,
            cumulative_lost: i64::from(f.cumulative_lost),
            loss_pct: remote_loss_pct(f.cumulative_lost, self.sent.packets),
            jitter_ms: f64::from(f.jitter) * 1000.0 / f64::from(self.clock_rate),
            extended_highest_seq: f.extended_highest_seq,
        }
    }
}
