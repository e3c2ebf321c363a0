//! Receiving: which datagrams are accepted, latching (RFC 4961), RTCP, telephone-events,
//! audio into the jitter buffer.

use super::session::{Latch, MediaSession};
use super::MediaEvent;
use std::net::SocketAddr;
use switchboard_codecs::rtp_receiver::parse;
use switchboard_codecs::{is_rtcp, Arrival, DigitEvent, RtcpEvent, RtpPacket};
use tokio::time::Instant;

impl MediaSession {
    /// One datagram from `from` at `now`: RTCP goes to the RTCP session; RTP of an
    /// accepted source is accounted for, audio is buffered for playout and
    /// telephone-events are reported; everything else is counted and dropped.
    pub(super) fn datagram(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) {
        if is_rtcp(bytes) {
            self.stats.rtcp += 1;
            return self.rtcp_datagram(now, bytes);
        }
        let (ssrc, payload_type) = match parse(bytes) {
            Ok(reader) => (reader.ssrc(), reader.payload_type()),
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
        let elapsed = self.elapsed(now);
        match packet.arrival {
            Arrival::Duplicate => {
                self.stats.duplicates += 1;
                return;
            }
            // An unconfirmed jump: the jitter buffer decides (restart or junk).
            Arrival::Jump => {}
            arrival => {
                if arrival == Arrival::Late {
                    self.stats.late += 1;
                }
                self.stats.packets_received += 1;
                self.stats.bytes_received += bytes.len() as u64;
                self.stats.payload_bytes_received += packet.payload.len() as u64;
                self.last_media = elapsed;
                self.no_media_reported = false;
            }
        }
        self.rtcp
            .on_rtp_received(elapsed, packet.ssrc, packet.sequence, packet.timestamp);
        if Some(payload_type) == self.config.telephone_event {
            return self.telephone_event(&packet);
        }
        if !negotiated {
            self.stats.other_payload += 1;
            return;
        }
        self.learn_packet_length(packet.ssrc, packet.sequence, packet.timestamp);
        self.jitter.push(
            elapsed,
            packet.sequence,
            packet.timestamp,
            packet.marker,
            packet.payload.to_vec(),
        );
        self.last_audio = elapsed;
        if self.playout.is_none() {
            self.playout = Some(now);
        }
    }

    /// A telephone-event packet: each key reported once, when its event starts.
    fn telephone_event(&mut self, packet: &RtpPacket<'_>) {
        self.stats.dtmf_packets += 1;
        if self.dtmf_rx.receive_packet(packet).is_err() {
            return;
        }
        while let Some(report) = self.dtmf_rx.poll_event() {
            if let DigitEvent::Started { key, .. } = report {
                if let Some(digit) = key.digit() {
                    self.stats.dtmf_digits += 1;
                    self.event(MediaEvent::Dtmf(digit));
                }
            }
        }
    }

    /// An RTCP compound packet: RTT and the peer's view of our stream are kept by the
    /// RTCP session; a BYE of the source we receive is reported.
    fn rtcp_datagram(&mut self, now: Instant, bytes: &[u8]) {
        let Ok(events) = self.rtcp.handle_rtcp(self.elapsed(now), bytes) else {
            return;
        };
        for event in events {
            if let RtcpEvent::Bye { ssrcs, .. } = event {
                if self.receiver.ssrc().is_some_and(|s| ssrcs.contains(&s)) {
                    self.event(MediaEvent::RemoteBye);
                }
            }
        }
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
