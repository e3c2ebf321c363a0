//! RTCP reports and BYE, the wall clock, no-media detection and the call statistics.

use super::session::MediaSession;
use super::{MediaEvent, Output};
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_codecs::rtcp_wire::to_ntp64;
use switchboard_codecs::{CallStatistics, CodecImpairment, CodecKind, MediaCounters};
use tokio::time::Instant;

impl MediaSession {
    /// The wall clock at session time `at`, as a 64-bit NTP timestamp.
    fn ntp_at(&self, at: Duration) -> u64 {
        let (since, ntp) = self.ntp_ref;
        ntp.wrapping_add(to_ntp64(at.saturating_sub(since)))
    }

    /// Where RTCP goes: the RTP target with rtcp-mux; else the SDP's `a=rtcp` address,
    /// or port + 1 of the RTP target (of the latched address when NAT moved it).
    pub fn rtcp_target(&self) -> Option<SocketAddr> {
        let target = self.target()?;
        if self.config.rtcp_mux {
            return Some(target);
        }
        let moved = self.latch.is_some_and(|l| l.addr != self.config.remote);
        match self.config.rtcp_remote {
            Some(addr) if !moved => Some(addr),
            _ => Some(SocketAddr::new(target.ip(), target.port().wrapping_add(1))),
        }
    }

    /// Sends the report due by `now` (also while held: RFC 3550 keeps reporting).
    pub(super) fn rtcp_due(&mut self, now: Instant) {
        let at = self.elapsed(now);
        if at < self.rtcp.poll_timeout() {
            return;
        }
        let ntp = self.ntp_at(at);
        if let Some(packet) = self.rtcp.poll_output(at, ntp) {
            self.send_rtcp(packet);
        }
    }

    /// The RTCP BYE of a stopping session.
    pub(super) fn bye(&mut self) {
        if self.epoch.is_some() {
            let packet = self.rtcp.send_bye();
            self.send_rtcp(packet);
        }
    }

    fn send_rtcp(&mut self, packet: Vec<u8>) {
        let Some(to) = self.rtcp_target() else {
            return;
        };
        if packet.is_empty() {
            return;
        }
        self.stats.rtcp_sent += 1;
        self.outputs.push_back(Output::Send {
            to,
            bytes: packet.into(),
        });
    }

    /// When no-media fires: `no_media_timeout` after the last packet (or the start, or
    /// the last resume), unless held by either side or already reported.
    pub(super) fn no_media_deadline(&self) -> Option<Duration> {
        let timeout = self.config.no_media_timeout?;
        let paused = self.held || self.remote_held || self.no_media_reported;
        (!paused).then(|| self.last_media + timeout)
    }

    pub(super) fn no_media_due(&mut self, now: Instant) {
        if self
            .no_media_deadline()
            .is_some_and(|d| self.elapsed(now) >= d)
        {
            self.no_media_reported = true;
            self.event(MediaEvent::NoMedia);
        }
    }

    /// How the call sounds so far: counts both ways (payload octets), loss and jitter
    /// of what we receive (RTCP reception statistics), what the peer reported about our
    /// stream, RTT, and the E-model R-factor and MOS with the jitter buffer's delay.
    ///
    /// G.711 is rated with G.113's "with PLC" Bpl (25.1): the decoder repeats the last
    /// frame once at -6 dB, close to PLC for isolated losses (optimistic for bursts).
    pub fn statistics(&self) -> CallStatistics {
        let impairment = match self.config.codec {
            CodecKind::Opus => CodecImpairment::OPUS,
            kind => CodecImpairment {
                name: kind.encoding_name(),
                ..CodecImpairment::G711_PLC
            },
        };
        let (packets_sent, bytes_sent) = self.rtcp.sent_counts();
        let counters = MediaCounters {
            packets_sent,
            bytes_sent,
            packets_received: self.stats.packets_received,
            bytes_received: self.stats.payload_bytes_received,
        };
        let delay = self.jitter.stats().current_delay_ms;
        CallStatistics::compute(&self.rtcp, &impairment, counters, delay)
    }

    /// The jitter buffer's counters and delays.
    pub fn jitter_stats(&self) -> switchboard_codecs::JitterStats {
        self.jitter.stats()
    }
}
