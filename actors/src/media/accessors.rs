//! [`MediaSession`]'s accessors.

use super::session::{MediaSession, Phase};
use super::{MediaConfig, MediaEvent, MediaStats, Output};
use std::net::SocketAddr;

impl MediaSession {
    /// Counters so far.
    pub fn stats(&self) -> MediaStats {
        let mut stats = self.stats;
        stats.lost = self.lost_before + self.receiver.lost();
        stats
    }

    /// Where packets go now: the latched address, else the SDP's; `None` when that is
    /// unspecified (nothing is sent).
    pub fn target(&self) -> Option<SocketAddr> {
        let addr = match (self.config.symmetric, self.latch) {
            (true, Some(latch)) => latch.addr,
            _ => self.config.remote,
        };
        (!addr.ip().is_unspecified() && addr.port() != 0).then_some(addr)
    }

    /// The negotiated configuration (with the current SDP address).
    pub fn config(&self) -> &MediaConfig {
        &self.config
    }
    /// Our SSRC.
    pub fn ssrc(&self) -> u32 {
        self.rtp.ssrc()
    }
    /// Whether the session is on hold.
    pub fn is_held(&self) -> bool {
        self.held
    }
    /// Whether the session is muted.
    pub fn is_muted(&self) -> bool {
        self.source.is_muted()
    }
    /// Whether the session has stopped.
    pub fn is_stopped(&self) -> bool {
        self.phase == Phase::Stopped
    }

    pub(super) fn event(&mut self, event: MediaEvent) {
        self.outputs.push_back(Output::Event(event));
    }
}
