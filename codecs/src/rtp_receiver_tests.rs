use super::*;
use proptest::prelude::*;
use rtp_rs::{RtpPacketBuilder, Seq};

fn packet(ssrc: u32, seq: u16, ts: u32) -> Vec<u8> {
    RtpPacketBuilder::new()
        .payload_type(8)
        .ssrc(ssrc)
        .sequence(Seq::from(seq))
        .timestamp(ts)
        .payload(&[0xD5; 4])
        .build()
        .unwrap()
}

fn arrivals(rx: &mut RtpReceiver, seqs: &[u16]) -> Vec<Arrival> {
    seqs.iter()
        .map(|s| rx.receive(&packet(1, *s, 0)).unwrap().arrival)
        .collect()
}

#[test]
fn fields_are_parsed() {
    let mut rx = RtpReceiver::new();
    let d = packet(0xABCD, 7, 1234);
    let p = rx.receive(&d).unwrap();
    assert_eq!(
        (p.ssrc, p.payload_type, p.sequence, p.timestamp, p.marker),
        (0xABCD, 8, 7, 1234, false)
    );
    assert_eq!(p.payload, &[0xD5; 4]);
    assert_eq!(p.arrival, Arrival::First);
    assert_eq!(rx.ssrc(), Some(0xABCD));
}

#[test]
fn in_order_loss_late_and_duplicates() {
    let mut rx = RtpReceiver::new();
    let got = arrivals(&mut rx, &[10, 11, 14, 12, 12, 14, 13, 15]);
    use Arrival::*;
    assert_eq!(
        got,
        [
            First,
            InOrder { lost: 0 },
            InOrder { lost: 2 },
            Late,
            Duplicate,
            Duplicate,
            Late,
            InOrder { lost: 0 }
        ]
    );
    let st = rx.stats();
    assert_eq!((st.packets, st.duplicates, st.late), (6, 2, 2));
    assert_eq!(rx.expected(), 6);
    assert_eq!(rx.lost(), 0);
    assert!(!Duplicate.is_playable() && Late.is_playable());
}

#[test]
fn extended_sequence_counts_wraps() {
    let mut rx = RtpReceiver::new();
    arrivals(&mut rx, &[65534, 65535, 0, 1]);
    assert_eq!(rx.extended_highest_seq(), Some(65536 + 1));
    let d = packet(1, 65535, 0);
    let late = rx.receive(&d).unwrap();
    assert_eq!(late.arrival, Arrival::Duplicate);
    assert_eq!(late.extended_sequence, 65535);
    let d = packet(1, 5, 0);
    let p = rx.receive(&d).unwrap();
    assert_eq!(
        (p.extended_sequence, p.arrival),
        (65541, Arrival::InOrder { lost: 3 })
    );
    assert_eq!(rx.expected(), 8);
    assert_eq!(rx.lost(), 3);
}

#[test]
fn a_jump_needs_confirmation() {
    let mut rx = RtpReceiver::new();
    let got = arrivals(&mut rx, &[100, 101, 30000, 101, 30000, 30001, 30002]);
    use Arrival::*;
    // 101 again is a duplicate; 30000 twice is not consecutive: still a jump.
    assert_eq!(
        got[..5],
        [First, InOrder { lost: 0 }, Jump, Duplicate, Jump]
    );
    assert_eq!(got[5..], [Restart, InOrder { lost: 0 }]);
    assert_eq!(rx.stats().jumps, 2);
    assert_eq!(rx.extended_highest_seq(), Some(30002));
    assert_eq!(rx.expected(), 2);
}

#[test]
fn ssrc_changes_restart_the_sequence() {
    let mut rx = RtpReceiver::new();
    rx.receive(&packet(1, 10, 0)).unwrap();
    rx.receive(&packet(1, 11, 0)).unwrap();
    let d = packet(2, 5000, 0);
    let p = rx.receive(&d).unwrap();
    assert_eq!(p.arrival, Arrival::First);
    assert_eq!(rx.ssrc(), Some(2));
    assert_eq!(rx.stats().ssrc_changes, 1);
    assert_eq!(rx.expected(), 1);
}

#[test]
fn bad_datagrams_are_typed_errors() {
    let mut rx = RtpReceiver::new();
    assert_eq!(rx.receive(&[0x80; 11]), Err(RtpError::TooShort { len: 11 }));
    let mut v1 = packet(1, 1, 1);
    v1[0] = 0x40;
    assert_eq!(rx.receive(&v1), Err(RtpError::Version(1)));
    let mut csrc = packet(1, 1, 1);
    csrc[0] |= 0x0F; // 15 CSRCs claimed, 4 bytes follow the header
    assert!(matches!(
        rx.receive(&csrc),
        Err(RtpError::HeadersTruncated { .. })
    ));
    let mut pad = packet(1, 1, 1);
    pad[0] |= 0x20;
    *pad.last_mut().unwrap() = 0;
    assert_eq!(rx.receive(&pad), Err(RtpError::Padding(0)));
    let rtcp_rr = [0x80, 201, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0];
    assert_eq!(rx.receive(&rtcp_rr), Err(RtpError::Rtcp(201)));
    assert_eq!(rx.stats().malformed, 5);
    assert_eq!(rx.ssrc(), None);
}

proptest! {
    #[test]
    fn arbitrary_datagrams_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        let mut rx = RtpReceiver::new();
        if let Ok(p) = rx.receive(&bytes) {
            prop_assert!(p.payload.len() + 12 <= bytes.len());
        }
    }

    #[test]
    fn any_sequence_order_keeps_counters_consistent(
        start in any::<u16>(),
        offsets in proptest::collection::vec(0u16..200, 1..60),
    ) {
        let mut rx = RtpReceiver::new();
        for o in &offsets {
            let d = packet(9, start.wrapping_add(*o), 0);
            let p = rx.receive(&d).unwrap();
            // The extension only adds whole cycles.
            prop_assert_eq!(p.extended_sequence as u16, p.sequence);
        }
        let st = rx.stats();
        prop_assert_eq!(st.packets + st.duplicates + st.jumps, offsets.len() as u64);
        prop_assert!(rx.extended_highest_seq().is_some());
    }
}
