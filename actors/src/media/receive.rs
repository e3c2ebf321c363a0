//! Receiving: which datagrams are accepted, latching (RFC 4961), decoding into the sink.

use super::session::{Latch, MediaSession};
use super::MediaEvent;
use std::net::SocketAddr;
use switchboard_codecs::rtp_receiver::parse;
use switchboard_codecs::{Arrival, RtpError};

impl MediaSession {
    /// One datagram from `from`: RTP of an accepted source is accounted for, the
    /// negotiated payload type is played; everything else is counted and dropped.
    pub(super) fn datagram(&mut self, from: SocketAddr, bytes: &[u8]) {
        let (ssrc, payload_type) = match parse(bytes) {
            Ok(reader) => (reader.ssrc(), reader.payload_type()),
            Err(RtpError::Rtcp(_)) => {
                self.stats.rtcp += 1;
                return;
            }
            Err(_) => {
                self.stats.malformed += 1;
                return;
            }
        };
        let negotiated = payload_type == self.config.payload_type;
        if !self.accept(from, ssrc, negotiated) {
            self.stats.stray += 1;
            return;
        }
        if let Some(current) = self.receiver.ssrc() {
            if current != ssrc {
                self.lost_before += self.receiver.lost().max(0);
            }
        }
        let Ok(packet) = self.receiver.receive(bytes) else {
            // Parsed above, so this cannot fail; count it rather than trust that.
            self.stats.malformed += 1;
            return;
        };
        match packet.arrival {
            Arrival::Duplicate => {
                self.stats.duplicates += 1;
                return;
            }
            // No jitter buffer yet: an unconfirmed jump or a late packet is not played.
            Arrival::Jump => return,
            Arrival::Late => {
                self.stats.late += 1;
                self.count_received(bytes.len());
                return;
            }
            _ => self.count_received(bytes.len()),
        }
        if !negotiated {
            self.stats.other_payload += 1;
            return;
        }
        let samples = self.decoder.decode(packet.payload);
        match self.sink.write(&samples) {
            Ok(()) => self.stats.frames_played += 1,
            Err(_) => self.stats.sink_errors += 1,
        }
    }

    fn count_received(&mut self, len: usize) {
        self.stats.packets_received += 1;
        self.stats.bytes_received += len as u64;
    }

    /// Whether a packet of `ssrc` from `from` is taken, latching onto it when it is the
    /// negotiated payload type and either nothing is latched yet or it is a new SSRC
    /// from a new address (RFC 4961 §4). Without symmetric RTP every source is taken.
    fn accept(&mut self, from: SocketAddr, ssrc: u32, negotiated: bool) -> bool {
        if !self.config.symmetric {
            return true;
        }
        match self.latch {
            Some(latch) if latch.addr == from => {
                if negotiated {
                    // The peer restarted its stream from the same address.
                    self.latch = Some(Latch { addr: from, ssrc });
                }
                true
            }
            Some(latch) if latch.ssrc == ssrc || !negotiated => false,
            _ if !negotiated => true,
            _ => {
                self.latch = Some(Latch { addr: from, ssrc });
                self.stats.latches += 1;
                self.event(MediaEvent::RemoteLatched { addr: from });
                true
            }
        }
    }
}
