//! G.711 against reference values.
//!
//! Source of the reference values: the Sun Microsystems `g711.c` (public
//! domain, 1990s; the code SoX, libsndfile and CPython's `audioop` use). The two
//! tables below and the two fingerprints were produced by CPython 3.11's
//! `audioop.ulaw2lin`/`alaw2lin` (every codeword) and `audioop.lin2ulaw`/
//! `lin2alaw` (every 16-bit sample), which implement that reference. The tables
//! are G.711 Tables 1a/2a's decoder outputs scaled to 16 bits: µ-law ±8031 (14
//! bits) × 4 = ±32124, A-law ±4032 (13 bits) × 8 = ±32256.

use crate::g711::*;
use proptest::prelude::*;

// Each row is 16 consecutive codewords, 0x00 first.
#[rustfmt::skip]
const ULAW_REF: [i16; 256] = [
    -32124, -31100, -30076, -29052, -28028, -27004, -25980, -24956, -23932, -22908, -21884, -20860, -19836, -18812, -17788, -16764,
    -15996, -15484, -14972, -14460, -13948, -13436, -12924, -12412, -11900, -11388, -10876, -10364, -9852, -9340, -8828, -8316,
    -7932, -7676, -7420, -7164, -6908, -6652, -6396, -6140, -5884, -5628, -5372, -5116, -4860, -4604, -4348, -4092,
    -3900, -3772, -3644, -3516, -3388, -3260, -3132, -3004, -2876, -2748, -2620, -2492, -2364, -2236, -2108, -1980,
    -1884, -1820, -1756, -1692, -1628, -1564, -1500, -1436, -1372, -1308, -1244, -1180, -1116, -1052, -988, -924,
    -876, -844, -812, -780, -748, -716, -684, -652, -620, -588, -556, -524, -492, -460, -428, -396,
    -372, -356, -340, -324, -308, -292, -276, -260, -244, -228, -212, -196, -180, -164, -148, -132,
    -120, -112, -104, -96, -88, -80, -72, -64, -56, -48, -40, -32, -24, -16, -8, 0,
    32124, 31100, 30076, 29052, 28028, 27004, 25980, 24956, 23932, 22908, 21884, 20860, 19836, 18812, 17788, 16764,
    15996, 15484, 14972, 14460, 13948, 13436, 12924, 12412, 11900, 11388, 10876, 10364, 9852, 9340, 8828, 8316,
    7932, 7676, 7420, 7164, 6908, 6652, 6396, 6140, 5884, 5628, 5372, 5116, 4860, 4604, 4348, 4092,
    3900, 3772, 3644, 3516, 3388, 3260, 3132, 3004, 2876, 2748, 2620, 2492, 2364, 2236, 2108, 1980,
    1884, 1820, 1756, 1692, 1628, 1564, 1500, 1436, 1372, 1308, 1244, 1180, 1116, 1052, 988, 924,
    876, 844, 812, 780, 748, 716, 684, 652, 620, 588, 556, 524, 492, 460, 428, 396,
    372, 356, 340, 324, 308, 292, 276, 260, 244, 228, 212, 196, 180, 164, 148, 132,
    120, 112, 104, 96, 88, 80, 72, 64, 56, 48, 40, 32, 24, 16, 8, 0,
];
#[rustfmt::skip]
const ALAW_REF: [i16; 256] = [
    -5504, -5248, -6016, -5760, -4480, -4224, -4992, -4736, -7552, -7296, -8064, -7808, -6528, -6272, -7040, -6784,
    -2752, -2624, -3008, -2880, -2240, -2112, -2496, -2368, -3776, -3648, -4032, -3904, -3264, -3136, -3520, -3392,
    -22016, -20992, -24064, -23040, -17920, -16896, -19968, -18944, -30208, -29184, -32256, -31232, -26112, -25088, -28160, -27136,
    -11008, -10496, -12032, -11520, -8960, -8448, -9984, -9472, -15104, -14592, -16128, -15616, -13056, -12544, -14080, -13568,
    -344, -328, -376, -360, -280, -264, -312, -296, -472, -456, -504, -488, -408, -392, -440, -424,
    -88, -72, -120, -104, -24, -8, -56, -40, -216, -200, -248, -232, -152, -136, -184, -168,
    -1376, -1312, -1504, -1440, -1120, -1056, -1248, -1184, -1888, -1824, -2016, -1952, -1632, -1568, -1760, -1696,
    -688, -656, -752, -720, -560, -528, -624, -592, -944, -912, -1008, -976, -816, -784, -880, -848,
    5504, 5248, 6016, 5760, 4480, 4224, 4992, 4736, 7552, 7296, 8064, 7808, 6528, 6272, 7040, 6784,
    2752, 2624, 3008, 2880, 2240, 2112, 2496, 2368, 3776, 3648, 4032, 3904, 3264, 3136, 3520, 3392,
    22016, 20992, 24064, 23040, 17920, 16896, 19968, 18944, 30208, 29184, 32256, 31232, 26112, 25088, 28160, 27136,
    11008, 10496, 12032, 11520, 8960, 8448, 9984, 9472, 15104, 14592, 16128, 15616, 13056, 12544, 14080, 13568,
    344, 328, 376, 360, 280, 264, 312, 296, 472, 456, 504, 488, 408, 392, 440, 424,
    88, 72, 120, 104, 24, 8, 56, 40, 216, 200, 248, 232, 152, 136, 184, 168,
    1376, 1312, 1504, 1440, 1120, 1056, 1248, 1184, 1888, 1824, 2016, 1952, 1632, 1568, 1760, 1696,
    688, 656, 752, 720, 560, 528, 624, 592, 944, 912, 1008, 976, 816, 784, 880, 848,
];

/// FNV-1a 64 over the codewords of every sample from -32768 to 32767.
fn fingerprint(law: Law) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for s in i16::MIN..=i16::MAX {
        h = (h ^ u64::from(law.encode(s))).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[test]
fn decode_tables_match_the_reference() {
    assert_eq!(ULAW_DECODE, ULAW_REF);
    assert_eq!(ALAW_DECODE, ALAW_REF);
}

#[test]
fn encoders_match_the_reference_on_every_sample() {
    assert_eq!(fingerprint(Law::Mu), 0xd5ee_23f7_d0ff_ae91);
    assert_eq!(fingerprint(Law::A), 0xf030_666e_b780_cf25);
}

#[test]
fn known_codewords() {
    // (sample, µ-law, A-law) from the reference encoders.
    let cases: [(i16, u8, u8); 9] = [
        (0, 0xFF, 0xD5),
        (-1, 0x7E, 0x55),
        (8, 0xFE, 0xD5),
        (100, 0xF2, 0xD3),
        (-100, 0x72, 0x53),
        (1000, 0xCE, 0xFA),
        (-1000, 0x4E, 0x7A),
        (i16::MAX, 0x80, 0xAA),
        (i16::MIN, 0x00, 0x2A),
    ];
    for (s, mu, a) in cases {
        assert_eq!(ulaw_encode(s), mu, "µ-law of {s}");
        assert_eq!(alaw_encode(s), a, "A-law of {s}");
    }
    // µ-law: 0xFF and 0x7F are +0 and -0; 0x80/0x00 the extremes.
    assert_eq!(ulaw_decode(0xFF), 0);
    assert_eq!(ulaw_decode(0x7F), 0);
    assert_eq!(ulaw_decode(0x80), 32124);
    assert_eq!(ulaw_decode(0x00), -32124);
    // A-law has no zero: 0xD5/0x55 are ±8; 0xAA/0x2A the extremes.
    assert_eq!(alaw_decode(0xD5), 8);
    assert_eq!(alaw_decode(0x55), -8);
    assert_eq!(alaw_decode(0xAA), 32256);
    assert_eq!(alaw_decode(0x2A), -32256);
    assert_eq!(Law::Mu.silence(), 0xFF);
    assert_eq!(Law::A.silence(), 0xD5);
}

#[test]
fn every_codeword_survives_a_round_trip() {
    for law in [Law::Mu, Law::A] {
        for c in 0..=255u8 {
            let x = law.decode(c);
            assert_eq!(law.decode(law.encode(x)), x, "{law:?} {c:#04x}");
            // Only µ-law's negative zero re-encodes to another codeword.
            if !(law == Law::Mu && c == 0x7F) {
                assert_eq!(law.encode(x), c, "{law:?} {c:#04x}");
            }
        }
    }
}

#[test]
fn encoding_is_monotonic() {
    for law in [Law::Mu, Law::A] {
        let mut last = law.decode(law.encode(i16::MIN));
        for s in i16::MIN..=i16::MAX {
            let y = law.decode(law.encode(s));
            assert!(y >= last, "{law:?}: {s} decodes to {y} < {last}");
            last = y;
        }
    }
}

#[test]
fn payload_types_and_names() {
    assert_eq!(Law::Mu.payload_type(), 0);
    assert_eq!(Law::A.payload_type(), 8);
    assert_eq!(Law::from_payload_type(8), Some(Law::A));
    assert_eq!(Law::from_payload_type(0), Some(Law::Mu));
    assert_eq!(Law::from_payload_type(18), None);
    assert_eq!(Law::Mu.encoding_name(), "PCMU");
    assert_eq!(Law::A.encoding_name(), "PCMA");
}

#[test]
fn slice_helpers_append() {
    let mut codes = vec![0x11];
    encode_into(Law::A, &[0, i16::MAX], &mut codes);
    assert_eq!(codes, [0x11, 0xD5, 0xAA]);
    let mut pcm = Vec::new();
    decode_into(Law::A, &codes[1..], &mut pcm);
    assert_eq!(pcm, [8, 32256]);
}

proptest! {
    #[test]
    fn encode_never_panics_and_error_is_bounded(s in any::<i16>()) {
        for law in [Law::Mu, Law::A] {
            let y = i32::from(law.decode(law.encode(s)));
            let x = i32::from(s);
            // Companding error grows with the magnitude (a step is about 1/16
            // of the segment's start); µ-law also clips above 32124.
            let bound = (x.abs() / 16).max(16) + 700;
            prop_assert!((y - x).abs() <= bound, "{law:?}: {x} -> {y}");
        }
    }
}
