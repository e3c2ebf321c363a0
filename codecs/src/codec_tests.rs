use super::*;
use crate::compare::{best_lag, correlation};
use crate::opus::tests::{tone, voice_like};

fn round_trip(kind: CodecKind, params: &CodecParams, input: &[i16]) -> Vec<i16> {
    let mut enc = encoder(kind, params).unwrap();
    let mut dec = decoder(kind, enc.channels()).unwrap();
    let frame = enc.frame_samples() * usize::from(enc.channels());
    input
        .chunks_exact(frame)
        .flat_map(|f| dec.decode(&enc.encode(f).unwrap()).unwrap())
        .collect()
}

#[test]
fn kinds_describe_their_sdp() {
    let rows: Vec<_> = [CodecKind::Pcmu, CodecKind::Pcma, CodecKind::Opus]
        .into_iter()
        .map(|k| {
            (
                k.encoding_name(),
                k.clock_rate(),
                k.default_payload_type(),
                k.channels_in_sdp(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("PCMU", 8000, Some(0), 1),
            ("PCMA", 8000, Some(8), 1),
            ("opus", 48_000, None, 2)
        ]
    );
    assert_eq!(CodecKind::from_encoding_name("OPUS"), Some(CodecKind::Opus));
    assert_eq!(CodecKind::from_encoding_name("pcma"), Some(CodecKind::Pcma));
    assert_eq!(CodecKind::from_encoding_name("G722"), None);
}

#[test]
fn timestamp_steps_and_frame_sizes() {
    let p20 = CodecParams::default();
    for (kind, step, rate) in [
        (CodecKind::Pcmu, 160, 8000),
        (CodecKind::Pcma, 160, 8000),
        (CodecKind::Opus, 960, 48_000),
    ] {
        let enc = encoder(kind, &p20).unwrap();
        assert_eq!(
            (enc.kind(), enc.rtp_timestamp_step(), enc.sample_rate()),
            (kind, step, rate)
        );
        assert_eq!(enc.frame_samples(), step as usize);
    }
    let p10 = CodecParams {
        ptime_ms: 10,
        ..CodecParams::default()
    };
    assert_eq!(
        encoder(CodecKind::Pcma, &p10).unwrap().rtp_timestamp_step(),
        80
    );
    assert_eq!(
        encoder(CodecKind::Opus, &p10).unwrap().rtp_timestamp_step(),
        480
    );
    // Stereo Opus still steps by 960 per 20 ms: the clock counts per channel.
    let stereo = CodecParams {
        opus: OpusConfig {
            channels: 2,
            ..OpusConfig::default()
        },
        ..p20
    };
    let enc = encoder(CodecKind::Opus, &stereo).unwrap();
    assert_eq!((enc.channels(), enc.rtp_timestamp_step()), (2, 960));
}

#[test]
fn bad_parameters_are_errors() {
    let p30 = CodecParams {
        ptime_ms: 30,
        ..CodecParams::default()
    };
    assert!(matches!(
        encoder(CodecKind::Opus, &p30).err(),
        Some(CodecError::Ptime { ptime_ms: 30, .. })
    ));
    assert_eq!(encoder(CodecKind::Pcmu, &p30).unwrap().frame_samples(), 240);
    let p0 = CodecParams {
        ptime_ms: 0,
        ..CodecParams::default()
    };
    assert!(matches!(
        encoder(CodecKind::Pcmu, &p0).err(),
        Some(CodecError::Ptime { .. })
    ));
    assert!(matches!(
        decoder(CodecKind::Pcma, 2).err(),
        Some(CodecError::Channels { channels: 2, .. })
    ));
    assert!(matches!(
        decoder(CodecKind::Opus, 3).err(),
        Some(CodecError::Channels { channels: 3, .. })
    ));
    let bad_opus = CodecParams {
        opus: OpusConfig {
            bitrate_bps: 1,
            ..OpusConfig::default()
        },
        ..CodecParams::default()
    };
    assert!(matches!(
        encoder(CodecKind::Opus, &bad_opus).err(),
        Some(CodecError::Opus(OpusError::Config {
            field: "bitrate_bps",
            ..
        }))
    ));
    let mut enc = encoder(CodecKind::Pcmu, &CodecParams::default()).unwrap();
    assert_eq!(
        enc.encode(&[0; 100]),
        Err(CodecError::FrameLength {
            expected: 160,
            found: 100
        })
    );
}

#[test]
fn every_codec_round_trips_through_the_trait() {
    let g711_in = voice_like(3, 8000, 1.0);
    for kind in [CodecKind::Pcmu, CodecKind::Pcma] {
        let out = round_trip(kind, &CodecParams::default(), &g711_in);
        // G.711 has no delay; measured correlation 0.9999 (about 38 dB SNR).
        assert!(correlation(&g711_in, &out) > 0.999, "{kind:?}");
    }
    let opus_in = voice_like(3, 48_000, 1.0);
    let out = round_trip(CodecKind::Opus, &CodecParams::default(), &opus_in);
    let (lag, corr) = best_lag(&opus_in, &out, 4800, 38_400, 960);
    // Measured: lag 305 (6.4 ms), correlation 0.94.
    assert!(lag <= 960 && corr > 0.9, "lag {lag} corr {corr}");
}

#[test]
fn g711_concealment_repeats_once_at_half_then_silence() {
    let mut dec = decoder(CodecKind::Pcmu, 1).unwrap();
    assert_eq!(dec.conceal(160), vec![0; 160], "nothing heard yet");
    let frame = tone(1000.0, 8000, 0.02, 8000.0);
    let mut enc = encoder(CodecKind::Pcmu, &CodecParams::default()).unwrap();
    let heard = dec.decode(&enc.encode(&frame).unwrap()).unwrap();
    let first = dec.conceal(160);
    assert_eq!(first, heard.iter().map(|s| s / 2).collect::<Vec<_>>());
    assert_eq!(dec.conceal(160), vec![0; 160]);
    assert!(dec.decode_fec(&[0xff; 160], 160).is_none());
    // A good packet re-arms the repetition; lengths other than a frame wrap.
    dec.decode(&enc.encode(&frame).unwrap()).unwrap();
    assert_eq!(dec.conceal(200).len(), 200);
}

#[test]
fn opus_concealment_and_fec_through_the_trait() {
    let params = CodecParams {
        opus: OpusConfig {
            expected_loss_pct: 20,
            ..OpusConfig::default()
        },
        ..CodecParams::default()
    };
    let mut enc = encoder(CodecKind::Opus, &params).unwrap();
    let mut dec = decoder(CodecKind::Opus, 1).unwrap();
    let input = tone(600.0, 48_000, 0.2, 6000.0);
    let packets: Vec<_> = input
        .chunks_exact(960)
        .map(|f| enc.encode(f).unwrap())
        .collect();
    for p in &packets[..5] {
        dec.decode(p).unwrap();
    }
    let recovered = dec.decode_fec(&packets[6], 960).expect("Opus has FEC");
    assert_eq!(recovered.len(), 960);
    // A steady tone is continued by PLC: not silence.
    let plc = dec.conceal(960);
    assert!(plc.iter().map(|s| i32::from(*s).abs()).max().unwrap() > 1000);
    assert!(dec.decode(&[0xff, 0xff, 0xff]).is_err());
}
