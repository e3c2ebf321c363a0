//! The peer's packetisation, learnt from its packets: a peer may send 30 ms packets
//! without saying `a=ptime` (SIPp's `uac_pcap` does), and the jitter buffer must pop
//! what it pushes (one packet per slot).

use super::session::MediaSession;
use std::time::Duration;
use switchboard_codecs::JitterBuffer;

/// In-order packets agreeing on a new length before the jitter buffer follows it.
const CONFIRM: u8 = 3;

/// What the receive path has seen of the peer's packet lengths.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct PacketLength {
    /// (SSRC, sequence, timestamp) of the last audio packet.
    last: Option<(u32, u16, u32)>,
    /// A length (in clock units) other than the buffer's, and how many times in a row
    /// it was seen.
    candidate: u32,
    seen: u8,
}

impl MediaSession {
    /// Learns from one audio packet: when [`CONFIRM`] consecutive packets each step
    /// the timestamp by the same whole number of 10 ms (up to 120 ms) other than the
    /// jitter buffer's frame, the buffer is rebuilt for that frame (what it held is
    /// dropped: this happens within the stream's first packets) and playout slots
    /// follow it. Gaps (DTX, silence suppression, loss) and reordering teach nothing.
    pub(super) fn learn_packet_length(&mut self, ssrc: u32, seq: u16, ts: u32) {
        let prev = self.rx_length.last.replace((ssrc, seq, ts));
        let Some((p_ssrc, p_seq, p_ts)) = prev else {
            return;
        };
        let clock = self.config.codec.clock_rate();
        let unit = clock / 100;
        let step = ts.wrapping_sub(p_ts);
        let current = self.jitter.config().frame_samples;
        let usable = p_ssrc == ssrc
            && seq == p_seq.wrapping_add(1)
            && unit > 0
            && step != current
            && (unit..=unit * 12).contains(&step)
            && step.is_multiple_of(unit);
        if !usable {
            self.rx_length.seen = 0;
            return;
        }
        if step == self.rx_length.candidate {
            self.rx_length.seen += 1;
        } else {
            self.rx_length.candidate = step;
            self.rx_length.seen = 1;
        }
        if self.rx_length.seen < CONFIRM {
            return;
        }
        self.rx_length.seen = 0;
        let mut config = self.jitter.config().clone();
        config.frame_samples = step;
        if let Ok(buffer) = JitterBuffer::new(config) {
            tracing::debug!(
                samples = step,
                "the peer's packets are longer or shorter: following"
            );
            self.jitter = buffer;
        }
    }

    /// One playout slot: the length of the peer's packets.
    pub(super) fn slot(&self) -> Duration {
        let c = self.jitter.config();
        let nanos = u64::from(c.frame_samples) * 1_000_000_000 / u64::from(c.clock_rate.max(1));
        Duration::from_nanos(nanos)
    }
}
