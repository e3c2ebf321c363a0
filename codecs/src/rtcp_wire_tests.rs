use super::*;
use proptest::prelude::*;

fn block() -> BlockInfo {
    BlockInfo {
        figures: ReportFigures {
            ssrc: 0x5566_7788,
            fraction_lost: 85,
            cumulative_lost: -2,
            extended_highest_seq: 0x0001_0010,
            jitter: 9,
        },
        lsr: 0xB705_2000,
        dlsr: 0x0005_4000,
    }
}

const INFO: SenderInfo = SenderInfo {
    ntp: 0xE9A1_B2C3_4000_0000,
    rtp_timestamp: 0x0001_F400,
    packets: 250,
    octets: 40_000,
};

#[rustfmt::skip]
const SR_SDES: [u8; 68] = [
    0x81, 0xC8, 0x00, 0x0C, // V=2, RC=1, PT=200 (SR), length 12 words
    0x11, 0x22, 0x33, 0x44, // sender SSRC
    0xE9, 0xA1, 0xB2, 0xC3, 0x40, 0x00, 0x00, 0x00, // NTP (.25 s fraction)
    0x00, 0x01, 0xF4, 0x00, // RTP timestamp
    0x00, 0x00, 0x00, 0xFA, // 250 packets
    0x00, 0x00, 0x9C, 0x40, // 40000 octets
    0x55, 0x66, 0x77, 0x88, // report block about 0x55667788
    0x55, 0xFF, 0xFF, 0xFE, // fraction 85/256, cumulative −2 (24-bit)
    0x00, 0x01, 0x00, 0x10, // extended highest sequence
    0x00, 0x00, 0x00, 0x09, // jitter
    0xB7, 0x05, 0x20, 0x00, // LSR
    0x00, 0x05, 0x40, 0x00, // DLSR 5.25 s
    0x81, 0xCA, 0x00, 0x03, // SDES, 1 chunk, 3 words
    0x11, 0x22, 0x33, 0x44, // chunk SSRC
    0x01, 0x03, b'a', b'@', b'b', 0x00, 0x00, 0x00, // CNAME "a@b", end, pad
];

#[test]
fn sr_with_sdes_is_byte_exact_and_round_trips() {
    let built = build_compound(0x1122_3344, Some(INFO), &[block()], "a@b", false).unwrap();
    assert_eq!(built, SR_SDES);
    let parsed = parse_compound(&built).unwrap();
    assert_eq!(
        parsed,
        vec![
            Parsed::Sr {
                ssrc: 0x1122_3344,
                info: INFO,
                blocks: vec![block()]
            },
            Parsed::Sdes(vec![(0x1122_3344, "a@b".to_owned())]),
        ]
    );
}

#[test]
fn rr_and_bye_round_trip() {
    let built = build_compound(7, None, &[block()], "x", true).unwrap();
    // RR: 8 + 24 octets (length 7); SDES: 4 + 4 + 3 + 1 → 12 (length 2);
    // BYE: 8 octets (length 1).
    assert_eq!(&built[..4], &[0x81, 0xC9, 0x00, 0x07]);
    assert_eq!(&built[32..36], &[0x81, 0xCA, 0x00, 0x02]);
    assert_eq!(&built[44..], &[0x81, 0xCB, 0x00, 0x01, 0, 0, 0, 7]);
    let parsed = parse_compound(&built).unwrap();
    assert_eq!(
        parsed,
        vec![
            Parsed::Rr {
                ssrc: 7,
                blocks: vec![block()]
            },
            Parsed::Sdes(vec![(7, "x".to_owned())]),
            Parsed::Bye {
                ssrcs: vec![7],
                reason: None
            },
        ]
    );
}

#[test]
fn rfc3550_figure_2_round_trip_time() {
    // A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000 (46853.125 s),
    // DLSR = 0x0005:4000 (5.250 s): A − LSR − DLSR = 0x0006:2000 = 6.125 s.
    let rtt = rtt_from_report(0xB710_8000, 0xB705_2000, 0x0005_4000);
    assert_eq!(rtt, Some(Duration::from_millis(6125)));
    // No SR received yet (LSR = 0) or a negative result: no measurement.
    assert_eq!(rtt_from_report(0xB710_8000, 0, 0x0005_4000), None);
    assert_eq!(rtt_from_report(0xB705_2000, 0xB705_2000, 1), None);
}

#[test]
fn ntp_arithmetic() {
    assert_eq!(ntp_compact(0xB44D_B705_2000_1234), 0xB705_2000);
    assert_eq!(to_units_65536(Duration::from_millis(5250)), 0x0005_4000);
    assert_eq!(to_ntp64(Duration::from_millis(1500)), 0x0000_0001_8000_0000);
}

#[test]
fn rtcp_mux_demultiplexing() {
    assert!(is_rtcp(&SR_SDES));
    assert!(is_rtcp(&[0x80, 223]));
    assert!(!is_rtcp(&[0x80, 224])); // RTP PT 96 with marker
    assert!(!is_rtcp(&[0x80, 0])); // PCMU
    assert!(!is_rtcp(&[0x80, 0x80 | 8])); // PCMA with marker
    assert!(!is_rtcp(&[0x40, 200])); // version 1
    assert!(!is_rtcp(&[0x80]));
    assert!(!is_rtcp(&[]));
}

#[test]
fn malformed_compounds_are_errors() {
    assert_eq!(parse_compound(&[0x80, 0]), Err(RtcpError::NotRtcp));
    // Length claims 12 words, 8 octets present.
    assert!(matches!(
        parse_compound(&SR_SDES[..8]),
        Err(RtcpError::Malformed(_))
    ));
    // Trailing garbage after the last packet.
    let mut long = SR_SDES.to_vec();
    long.extend_from_slice(&[0x81, 0xCA]);
    assert!(parse_compound(&long).is_err());
    // Second packet of version 1.
    let mut bad = SR_SDES.to_vec();
    bad[52] = 0x41;
    assert!(parse_compound(&bad).is_err());
}

proptest! {
    #[test]
    fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_compound(&data);
    }

    #[test]
    fn plausible_headers_never_panic(
        first in 0x80u8..=0xBF,
        pt in 192u8..=223,
        words in 0u16..40,
        body in prop::collection::vec(any::<u8>(), 0..160),
    ) {
        let mut data = vec![first, pt];
        data.extend_from_slice(&words.to_be_bytes());
        data.extend_from_slice(&body);
        let _ = parse_compound(&data);
    }

    #[test]
    fn corrupted_reports_never_panic(at in 0usize..68, value in any::<u8>(), cut in 0usize..=68) {
        let mut data = SR_SDES.to_vec();
        data[at] = value;
        data.truncate(cut);
        let _ = parse_compound(&data);
    }
}
