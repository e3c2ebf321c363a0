//! Sans-IO RTP sending (RFC 3550) for audio payloads such as PCMU/PCMA.

use rand::RngCore;
use rtp_rs::{RtpPacketBuilder, RtpReaderError, Seq};

/// Why an RTP packet could not be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RtpError {
    /// A payload type above 127.
    #[error("RTP payload type {0} is not in 0..=127")]
    PayloadType(u8),
    /// Fewer bytes than the 12-byte fixed header.
    #[error("RTP packet of {len} bytes is shorter than the 12-byte header")]
    TooShort {
        /// Bytes received.
        len: usize,
    },
    /// A version other than 2.
    #[error("RTP version {0}, 2 required")]
    Version(u8),
    /// CSRC list or header extension running past the end of the packet.
    #[error("RTP headers need {header_len} bytes, packet has {len}")]
    HeadersTruncated {
        /// Bytes the headers claim.
        header_len: usize,
        /// Bytes received.
        len: usize,
    },
    /// A padding count of 0 or longer than the payload.
    #[error("RTP padding length {0} is invalid")]
    Padding(u8),
    /// An RTCP packet (RFC 5761 §4: second byte 192..=223) on the RTP path.
    #[error("RTCP packet type {0} where RTP was expected")]
    Rtcp(u8),
}

impl From<RtpReaderError> for RtpError {
    fn from(e: RtpReaderError) -> Self {
        match e {
            RtpReaderError::BufferTooShort(len) => RtpError::TooShort { len },
            RtpReaderError::UnsupportedVersion(v) => RtpError::Version(v),
            RtpReaderError::HeadersTruncated {
                header_len,
                buffer_len,
            } => RtpError::HeadersTruncated {
                header_len,
                len: buffer_len,
            },
            RtpReaderError::PaddingLengthInvalid(p) => RtpError::Padding(p),
        }
    }
}

/// One outgoing RTP stream: SSRC, sequence number, timestamp, marker bit.
///
/// The SSRC and the initial sequence number and timestamp are random (RFC 3550
/// §5.1), drawn from the injected RNG so runs are reproducible. The first
/// packet, and the first after [`RtpSender::talkspurt`], carries the marker bit
/// (RFC 3551 §4.1).
#[derive(Debug, Clone)]
pub struct RtpSender {
    payload_type: u8,
    ssrc: u32,
    seq: u16,
    timestamp: u32,
    mark_next: bool,
    packets_sent: u64,
    octets_sent: u64,
}

impl RtpSender {
    /// A stream of `payload_type`, its SSRC, sequence and timestamp from `rng`.
    pub fn new(payload_type: u8, rng: &mut impl RngCore) -> Result<Self, RtpError> {
        if payload_type > 127 {
            return Err(RtpError::PayloadType(payload_type));
        }
        let ssrc = rng.next_u32();
        let seq = rng.next_u32() as u16;
        let timestamp = rng.next_u32();
        Ok(RtpSender {
            payload_type,
            ssrc,
            seq,
            timestamp,
            mark_next: true,
            packets_sent: 0,
            octets_sent: 0,
        })
    }

    /// Switches the payload type (the offer/answer settled on another codec); the
    /// next packet starts a talkspurt. Refused above 127.
    pub fn set_payload_type(&mut self, payload_type: u8) -> Result<(), RtpError> {
        if payload_type > 127 {
            return Err(RtpError::PayloadType(payload_type));
        }
        if payload_type != self.payload_type {
            self.payload_type = payload_type;
            self.mark_next = true;
        }
        Ok(())
    }

    /// Builds the next packet carrying `payload`, which covers `samples`
    /// sampling periods (160 for 20 ms of G.711); advances sequence number and
    /// timestamp.
    pub fn packetize(&mut self, payload: &[u8], samples: u32) -> Vec<u8> {
        let (pt, ts, marker) = (self.payload_type, self.timestamp, self.mark_next);
        self.packet(pt, ts, marker, payload, samples)
    }

    /// Builds the next packet of the stream (its SSRC and sequence number) with its
    /// own payload type, timestamp and marker: an RFC 4733 event, whose packets all
    /// carry the event's start timestamp. The stream's timestamp still advances by
    /// `samples` (real time goes on); `payload_type` must be ≤ 127 (it is masked).
    pub fn packetize_as(
        &mut self,
        payload_type: u8,
        timestamp: u32,
        marker: bool,
        payload: &[u8],
        samples: u32,
    ) -> Vec<u8> {
        self.packet(payload_type & 0x7F, timestamp, marker, payload, samples)
    }

    fn packet(&mut self, pt: u8, ts: u32, marker: bool, payload: &[u8], samples: u32) -> Vec<u8> {
        let builder = RtpPacketBuilder::new()
            .payload_type(pt)
            .ssrc(self.ssrc)
            .sequence(Seq::from(self.seq))
            .timestamp(ts)
            .marked(marker)
            .payload(payload);
        // Payload types are ≤ 127 and there is no extension, so the builder's only
        // validity checks hold; the buffer is sized by it.
        let mut packet = vec![0u8; builder.target_length()];
        let written = builder.build_into_unchecked(&mut packet);
        packet.truncate(written);
        self.mark_next = false;
        self.seq = self.seq.wrapping_add(1);
        self.timestamp = self.timestamp.wrapping_add(samples);
        self.packets_sent += 1;
        self.octets_sent += payload.len() as u64;
        packet
    }

    /// Marks the next packet as the start of a talkspurt (after silence
    /// suppression, hold or a source change).
    pub fn talkspurt(&mut self) {
        self.mark_next = true;
    }

    /// Advances the timestamp over `samples` periods sent nothing for (a hold
    /// or a suppressed silence), and marks the next packet. The sequence
    /// number does not move: no packet was lost.
    pub fn skip(&mut self, samples: u32) {
        self.timestamp = self.timestamp.wrapping_add(samples);
        self.mark_next = true;
    }

    /// The stream's synchronisation source.
    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }
    /// The payload type every packet carries.
    pub fn payload_type(&self) -> u8 {
        self.payload_type
    }
    /// Sequence number of the next packet.
    pub fn next_sequence(&self) -> u16 {
        self.seq
    }
    /// Timestamp of the next packet.
    pub fn next_timestamp(&self) -> u32 {
        self.timestamp
    }
    /// Packets built so far (RTCP SR sender's packet count).
    pub fn packets_sent(&self) -> u64 {
        self.packets_sent
    }
    /// Payload octets sent so far (RTCP SR sender's octet count).
    pub fn octets_sent(&self) -> u64 {
        self.octets_sent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rtp_rs::RtpReader;

    fn sender(seed: u64) -> RtpSender {
        RtpSender::new(0, &mut ChaCha8Rng::seed_from_u64(seed)).unwrap()
    }

    #[test]
    fn identity_comes_from_the_rng() {
        let (a, b, c) = (sender(1), sender(1), sender(2));
        assert_eq!(
            (a.ssrc(), a.next_sequence(), a.next_timestamp()),
            (b.ssrc(), b.next_sequence(), b.next_timestamp())
        );
        assert_ne!(a.ssrc(), c.ssrc());
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(
            RtpSender::new(128, &mut rng).err(),
            Some(RtpError::PayloadType(128))
        );
    }

    #[test]
    fn an_event_packet_has_its_own_type_timestamp_and_marker_in_the_stream() {
        let mut s = sender(3);
        let (seq0, ts0) = (s.next_sequence(), s.next_timestamp());
        let audio = s.packetize(&[0xff; 160], 160);
        let event = s.packetize_as(101, ts0, true, &[5, 0x8a, 0, 160], 160);
        let r = RtpReader::new(&event).unwrap();
        assert_eq!(
            (r.payload_type(), r.timestamp(), r.mark()),
            (101, ts0, true)
        );
        assert_eq!(u16::from(r.sequence_number()), seq0.wrapping_add(1));
        assert_eq!(r.ssrc(), s.ssrc());
        assert_eq!(r.payload(), &[5, 0x8a, 0, 160]);
        // Real time went on: the stream's next audio packet is two intervals later.
        assert_eq!(s.next_timestamp(), ts0.wrapping_add(320));
        assert_eq!((s.packets_sent(), s.octets_sent()), (2, 164));
        assert!(RtpReader::new(&audio).unwrap().mark());
    }

    #[test]
    fn packets_carry_the_header_fields() {
        let mut s = sender(7);
        let (seq0, ts0) = (s.next_sequence(), s.next_timestamp());
        let p1 = s.packetize(&[0xFF; 160], 160);
        let p2 = s.packetize(&[0x7F; 160], 160);
        assert_eq!(p1.len(), 12 + 160);
        let r1 = RtpReader::new(&p1).unwrap();
        let r2 = RtpReader::new(&p2).unwrap();
        assert_eq!(
            (r1.version(), r1.payload_type(), r1.ssrc()),
            (2, 0, s.ssrc())
        );
        assert_eq!(u16::from(r1.sequence_number()), seq0);
        assert_eq!(u16::from(r2.sequence_number()), seq0.wrapping_add(1));
        assert_eq!(r1.timestamp(), ts0);
        assert_eq!(r2.timestamp(), ts0.wrapping_add(160));
        assert!(r1.mark() && !r2.mark());
        assert_eq!(r2.payload(), &[0x7F; 160][..]);
        assert_eq!((s.packets_sent(), s.octets_sent()), (2, 320));
    }

    #[test]
    fn talkspurts_and_gaps_set_the_marker() {
        let mut s = sender(3);
        s.packetize(&[1], 160);
        s.talkspurt();
        let p = s.packetize(&[1], 160);
        assert!(RtpReader::new(&p).unwrap().mark());
        let (seq, ts) = (s.next_sequence(), s.next_timestamp());
        s.skip(8000);
        let p = s.packetize(&[1], 160);
        let r = RtpReader::new(&p).unwrap();
        assert!(r.mark());
        assert_eq!(u16::from(r.sequence_number()), seq);
        assert_eq!(r.timestamp(), ts.wrapping_add(8000));
        assert!(!RtpReader::new(&s.packetize(&[1], 160)).unwrap().mark());
    }

    #[test]
    fn sequence_and_timestamp_wrap() {
        let mut s = sender(5);
        s.seq = 65535;
        s.timestamp = u32::MAX - 100;
        let a = s.packetize(&[], 160);
        let b = s.packetize(&[], 160);
        let (ra, rb) = (RtpReader::new(&a).unwrap(), RtpReader::new(&b).unwrap());
        assert_eq!(u16::from(ra.sequence_number()), 65535);
        assert_eq!(u16::from(rb.sequence_number()), 0);
        assert_eq!(rb.timestamp(), 59);
    }
}
