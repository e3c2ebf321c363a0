//! Opus below 48 kHz: narrowband from an 8 kHz source, decoding straight to a
//! sink's rate, the RTP clock staying at 48 kHz.

use super::opus::tests::voice_like;
use super::*;
use crate::compare::best_lag;

#[test]
fn the_lowest_rate_keeping_the_band_is_chosen() {
    assert_eq!(opus_rate_for(8_000), 8_000);
    assert_eq!(opus_rate_for(11_025), 12_000);
    assert_eq!(opus_rate_for(16_000), 16_000);
    assert_eq!(opus_rate_for(44_100), 48_000);
    assert_eq!(opus_rate_for(96_000), 48_000);
}

#[test]
fn an_8_khz_voice_goes_through_narrowband_and_comes_back() {
    let config = OpusConfig {
        sample_rate: 8_000,
        ..OpusConfig::default()
    };
    let mut enc = OpusEncoder::new(&config).unwrap();
    assert_eq!(enc.frame_samples(), 160);
    assert_eq!(
        config.rtp_step(),
        960,
        "the RTP clock is 48 kHz whatever the PCM rate"
    );
    let mut dec = OpusDecoder::with_rate(1, 8_000).unwrap();
    let input = voice_like(7, 8_000, 2.0);
    let mut output = Vec::new();
    for frame in input.chunks_exact(160) {
        let packet = enc.encode(frame).unwrap();
        // TOC byte (RFC 6716 §3.1): configs 0-3 are SILK narrowband.
        assert!(
            packet[0] >> 3 <= 3,
            "narrowband SILK, config {}",
            packet[0] >> 3
        );
        output.extend(dec.decode(&packet).unwrap());
    }
    assert_eq!(output.len(), input.len());
    let (_, c) = best_lag(&input, &output, 2_000, 8_000, 200);
    assert!(c > 0.7, "correlation {c}");
    // Concealment and FEC count in samples at the decoder's rate (2.5 ms = 20).
    assert_eq!(dec.conceal(160).len(), 160);
    let next = enc.encode(&input[..160]).unwrap();
    assert_eq!(dec.decode_fec(&next, 160).unwrap().len(), 160);
    assert!(dec.decode_fec(&next, 150).is_err());
}

#[test]
fn a_48_khz_stream_decodes_to_16_khz_mono_and_g711_stays_at_8() {
    let mut enc = OpusEncoder::new(&OpusConfig::default()).unwrap();
    let mut dec = decoder_at(CodecKind::Opus, 1, 16_000).unwrap();
    assert_eq!((dec.sample_rate(), dec.channels()), (16_000, 1));
    let packet = enc.encode(&voice_like(3, 48_000, 0.02)).unwrap();
    assert_eq!(dec.decode(&packet).unwrap().len(), 320);
    assert!(matches!(
        decoder_at(CodecKind::Pcmu, 1, 16_000),
        Err(CodecError::SampleRate { rate: 16_000, .. })
    ));
    let bad = OpusConfig {
        sample_rate: 44_100,
        ..OpusConfig::default()
    };
    assert!(matches!(
        OpusEncoder::new(&bad),
        Err(OpusError::Config {
            field: "sample_rate",
            ..
        })
    ));
}
