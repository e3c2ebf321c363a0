//! RFC 4733 payload layout and digit codes; helpers for the sender tests.

use crate::rtp_packetizer::RtpSender;
use crate::telephone_event::*;
use crate::telephone_event_send::DtmfSender;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rtp_rs::RtpReader;

/// One sent packet's header fields and report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sent {
    pub pt: u8,
    pub marker: bool,
    pub seq: u16,
    pub ts: u32,
    pub ssrc: u32,
    pub report: EventPayload,
}

pub(crate) fn decode(packet: &[u8]) -> Sent {
    let r = RtpReader::new(packet).unwrap();
    Sent {
        pt: r.payload_type(),
        marker: r.mark(),
        seq: u16::from(r.sequence_number()),
        ts: r.timestamp(),
        ssrc: r.ssrc(),
        report: EventPayload::parse(r.payload()).unwrap(),
    }
}

pub(crate) fn rtp(seed: u64) -> RtpSender {
    RtpSender::new(0, &mut ChaCha8Rng::seed_from_u64(seed)).unwrap()
}

/// Polls until the sender is idle, returning each tick's event packet, or
/// None where the media session sent an audio frame instead.
pub(crate) fn drain(tx: &mut DtmfSender, rtp: &mut RtpSender) -> Vec<Option<Sent>> {
    let mut out = Vec::new();
    while !tx.is_idle() {
        let packet = tx.poll(rtp);
        if packet.is_none() {
            let samples = tx.interval_samples();
            rtp.packetize(&vec![0xFF; samples as usize], samples);
        }
        out.push(packet.map(|p| decode(&p)));
    }
    out
}

#[test]
fn payload_layout_matches_rfc_4733_figure_1() {
    // Digit 5, E set, volume -10 dBm0, 800 samples (100 ms at 8 kHz).
    let p = EventPayload {
        event: 5,
        end: true,
        volume: 10,
        duration: 800,
    };
    assert_eq!(p.to_bytes(), [0x05, 0x8A, 0x03, 0x20]);
    assert_eq!(EventPayload::parse(&[0x05, 0x8A, 0x03, 0x20]), Ok(p));
    // R (bit 9) is ignored on receipt and never sent.
    assert_eq!(EventPayload::parse(&[0x05, 0xCA, 0x03, 0x20]), Ok(p));
    let q = EventPayload {
        event: 16,
        end: false,
        volume: 200,
        duration: 0xFFFF,
    };
    assert_eq!(q.to_bytes(), [0x10, 0x3F, 0xFF, 0xFF]);
    assert_eq!(EventPayload::parse(&q.to_bytes()).unwrap().volume, 63);
}

#[test]
fn payload_length_must_be_whole_events() {
    for len in [0usize, 1, 3, 5, 7, 9] {
        assert_eq!(
            EventPayload::parse(&vec![0; len]),
            Err(EventError::Length { len })
        );
    }
    // Two packed events: the first is returned.
    let two = [0x01, 0x80, 0x00, 0xA0, 0x02, 0x00, 0x00, 0x50];
    let first = EventPayload::parse(&two).unwrap();
    assert_eq!((first.event, first.end, first.duration), (1, true, 160));
}

#[test]
fn digits_map_to_rfc_4733_table_7() {
    let all = "0123456789*#ABCD";
    for (code, c) in all.chars().enumerate() {
        assert_eq!(digit_to_event(c), Some(code as u8));
        assert_eq!(event_to_digit(code as u8), Some(c));
        assert_eq!(Key::from_event(code as u8), Key::Digit(c));
    }
    assert_eq!(digit_to_event('b'), Some(13));
    for c in ['E', 'e', ' ', 'x', '+', 'é'] {
        assert_eq!(digit_to_event(c), None);
    }
    assert_eq!(event_to_digit(FLASH), None);
    assert_eq!(Key::from_event(16), Key::Flash);
    assert_eq!(Key::from_event(40), Key::Other(40));
    assert_eq!(Key::Flash.digit(), None);
}

proptest! {
    #[test]
    fn parse_never_panics_and_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..16)) {
        match EventPayload::parse(&bytes) {
            Ok(p) => {
                prop_assert_eq!(bytes.len() % 4, 0);
                let mut again = p.to_bytes();
                again[1] |= bytes[1] & 0x40; // R is dropped
                prop_assert_eq!(&again[..], &bytes[..4]);
            }
            Err(e) => prop_assert_eq!(e, EventError::Length { len: bytes.len() }),
        }
    }
}
