use super::*;
use crate::compare::{best_lag, correlation};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A sine of `freq` Hz, `secs` long at `rate`, peak `amp`.
pub(crate) fn tone(freq: f64, rate: u32, secs: f64, amp: f64) -> Vec<i16> {
    let n = (f64::from(rate) * secs) as usize;
    (0..n)
        .map(|i| {
            (amp * (2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate)).sin()) as i16
        })
        .collect()
}

/// A voice-like test signal: five harmonics of a pitch gliding between 110
/// and 240 Hz, cut into syllables (3 per second, half of the time silent),
/// over seeded background noise 30 dB down.
pub(crate) fn voice_like(seed: u64, rate: u32, secs: f64) -> Vec<i16> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = (f64::from(rate) * secs) as usize;
    let mut phase = 0.0f64;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            let f0 = 175.0 + 65.0 * (2.0 * std::f64::consts::PI * 0.7 * t).sin();
            phase += 2.0 * std::f64::consts::PI * f0 / f64::from(rate);
            let voiced: f64 = (1..=5).map(|h| (h as f64 * phase).sin() / h as f64).sum();
            let env = (2.0 * std::f64::consts::PI * 3.0 * t).sin().max(0.0).sqrt();
            let noise = rng.gen_range(-1.0..1.0) * 300.0;
            (6000.0 * env * voiced + noise).clamp(-32768.0, 32767.0) as i16
        })
        .collect()
}

fn round_trip(config: &OpusConfig, pcm: &[i16]) -> (Vec<Vec<u8>>, Vec<i16>) {
    let mut enc = OpusEncoder::new(config).unwrap();
    let mut dec = OpusDecoder::new(config.channels).unwrap();
    let frame = enc.frame_samples() * usize::from(config.channels);
    let packets: Vec<Vec<u8>> = pcm
        .chunks_exact(frame)
        .map(|f| enc.encode(f).unwrap())
        .collect();
    let out = packets
        .iter()
        .flat_map(|p| dec.decode(p).unwrap())
        .collect();
    (packets, out)
}

#[test]
fn tone_round_trip_correlates_after_the_codec_delay() {
    let input = tone(1000.0, 48_000, 1.0, 8000.0);
    let (packets, output) = round_trip(&OpusConfig::default(), &input);
    assert_eq!(packets.len(), 50);
    assert_eq!(output.len(), input.len());
    // Skip the first 100 ms (encoder start-up), compare 0.8 s.
    // A tone's best lag is only defined modulo its 48-sample period.
    let (lag, corr) = best_lag(&input, &output, 4800, 38_400, 960);
    assert!(lag <= 960);
    // Measured 0.9993 (libopus 1.3.1): a 1 kHz tone at 32 kbit/s is coded
    // near-transparently; 0.98 leaves room for other libopus versions.
    assert!(corr > 0.98, "correlation {corr}");
}

#[test]
fn bitrate_setting_drives_packet_size() {
    let input = voice_like(11, 48_000, 4.0);
    let mut sizes = Vec::new();
    for bitrate in [16_000u32, 32_000, 64_000] {
        let config = OpusConfig {
            bitrate_bps: bitrate,
            ..OpusConfig::default()
        };
        let (packets, _) = round_trip(&config, &input);
        let avg = packets.iter().map(Vec::len).sum::<usize>() as f64 / packets.len() as f64;
        let target = f64::from(bitrate) * 0.020 / 8.0;
        assert!(
            (avg - target).abs() <= 0.3 * target,
            "{bitrate}: avg {avg} bytes, target {target}"
        );
        sizes.push(avg);
    }
    assert!(sizes[0] < sizes[1] && sizes[1] < sizes[2], "{sizes:?}");
    // set_bitrate on a running encoder takes effect too.
    let mut enc = OpusEncoder::new(&OpusConfig::default()).unwrap();
    enc.set_bitrate(12_000).unwrap();
    let bytes: usize = input
        .chunks_exact(960)
        .map(|f| enc.encode(f).unwrap().len())
        .sum();
    let avg = bytes as f64 / (input.len() / 960) as f64;
    assert!((avg - 30.0).abs() <= 9.0, "avg {avg}");
    assert_eq!(enc.config().bitrate_bps, 12_000);
}

#[test]
fn fec_recovers_a_lost_frame_better_than_concealment() {
    let input = voice_like(5, 48_000, 3.0);
    let config = OpusConfig {
        expected_loss_pct: 20,
        ..OpusConfig::default()
    };
    let (packets, output) = round_trip(&config, &input);
    let (lag, _) = best_lag(&input, &output, 4800, 48_000, 960);
    // libopus' VoIP delay is 6.5 ms (312 samples: 2.5 ms decoder overlap and
    // 4 ms encoder look-ahead); the filters' phase moves the peak a little.
    let lookahead = OpusEncoder::new(&config).unwrap().lookahead();
    assert_eq!(lookahead, 312);
    assert!(lag.abs_diff(lookahead) <= 16, "lag {lag}");
    let (mut fec_total, mut plc_total) = (0.0, 0.0);
    // Each loss hits the first frame of a syllable, where PLC can only
    // extend the silence before it while the next packet's LBRR (SILK's
    // FEC) carries a coarse copy of the new sound.
    for lost in [17usize, 34, 51, 67, 84, 101, 117, 134] {
        let original = &input[lost * 960 - lag..(lost + 1) * 960 - lag];
        let mut a = OpusDecoder::new(1).unwrap();
        let mut b = OpusDecoder::new(1).unwrap();
        for p in &packets[..lost] {
            a.decode(p).unwrap();
            b.decode(p).unwrap();
        }
        let fec = a.decode_fec(&packets[lost + 1], 960).unwrap();
        let plc = b.conceal(960);
        assert_eq!((fec.len(), plc.len()), (960, 960));
        let (fc, pc) = (correlation(original, &fec), correlation(original, &plc));
        assert!(fc > 0.6 && fc > pc, "frame {lost}: FEC {fc}, PLC {pc}");
        fec_total += fc;
        plc_total += pc;
    }
    // Measured (libopus 1.3.1): FEC 0.83 on average, PLC 0.18.
    let (fec_mean, plc_mean) = (fec_total / 8.0, plc_total / 8.0);
    assert!(
        fec_mean > 0.75 && fec_mean - plc_mean > 0.4,
        "FEC {fec_mean} vs PLC {plc_mean}"
    );
}

#[test]
fn dtx_turns_silence_into_tiny_packets() {
    let silence = vec![0i16; 96_000];
    let dtx = OpusConfig {
        dtx: true,
        ..OpusConfig::default()
    };
    let (packets, _) = round_trip(&dtx, &silence);
    let tiny = packets.iter().filter(|p| OpusEncoder::is_dtx(p)).count();
    assert!(tiny >= 80, "{tiny} of {} packets are DTX", packets.len());
    let (plain, _) = round_trip(&OpusConfig::default(), &silence);
    assert_eq!(plain.iter().filter(|p| OpusEncoder::is_dtx(p)).count(), 0);
}

#[test]
fn stereo_round_trip_keeps_the_channels_apart() {
    let left = tone(440.0, 48_000, 1.0, 8000.0);
    let right = voice_like(9, 48_000, 1.0);
    let input: Vec<i16> = left
        .iter()
        .zip(&right)
        .flat_map(|(l, r)| [*l, *r])
        .collect();
    let config = OpusConfig {
        channels: 2,
        bitrate_bps: 64_000,
        ..OpusConfig::default()
    };
    let (_, output) = round_trip(&config, &input);
    assert_eq!(output.len(), input.len());
    let out_l: Vec<i16> = output.iter().step_by(2).copied().collect();
    let out_r: Vec<i16> = output.iter().skip(1).step_by(2).copied().collect();
    // The voice channel fixes the delay (a tone's lag is ambiguous).
    let (lag, corr_r) = best_lag(&right, &out_r, 4800, 38_400, 960);
    let corr_l = correlation(&left[4800..43_200], &out_l[4800 + lag..43_200 + lag]);
    let cross = correlation(&left[4800..43_200], &out_r[4800 + lag..43_200 + lag]);
    // Measured 0.995 (tone) and 0.937 (voice at ~32 kbit/s per channel).
    assert!(corr_l > 0.95 && corr_r > 0.9, "{corr_l} {corr_r}");
    assert!(cross.abs() < 0.1, "left leaks into right: {cross}");
}

#[test]
fn bad_config_names_the_field() {
    let cases = [
        (
            "channels",
            OpusConfig {
                channels: 3,
                ..OpusConfig::default()
            },
        ),
        (
            "bitrate_bps",
            OpusConfig {
                bitrate_bps: 5_999,
                ..OpusConfig::default()
            },
        ),
        (
            "bitrate_bps",
            OpusConfig {
                bitrate_bps: 510_001,
                ..OpusConfig::default()
            },
        ),
        (
            "expected_loss_pct",
            OpusConfig {
                expected_loss_pct: 101,
                ..OpusConfig::default()
            },
        ),
        (
            "frame_ms",
            OpusConfig {
                frame_ms: 30,
                ..OpusConfig::default()
            },
        ),
    ];
    for (name, config) in cases {
        match OpusEncoder::new(&config) {
            Err(OpusError::Config { field, .. }) => assert_eq!(field, name),
            other => panic!("{name}: {other:?}"),
        }
    }
    let err = OpusConfig {
        frame_ms: 30,
        ..OpusConfig::default()
    }
    .validate()
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Opus config `frame_ms` = 30 is out of range (10, 20, 40 or 60)"
    );
    assert!(matches!(
        OpusDecoder::new(0),
        Err(OpusError::Config {
            field: "channels",
            ..
        })
    ));
    let mut enc = OpusEncoder::new(&OpusConfig::default()).unwrap();
    assert!(matches!(
        enc.set_expected_loss(120),
        Err(OpusError::Config {
            field: "expected_loss_pct",
            ..
        })
    ));
    assert_eq!(
        enc.encode(&[0; 959]),
        Err(OpusError::FrameLength {
            expected: 960,
            found: 959
        })
    );
}

#[test]
fn frame_durations_and_concealment_lengths() {
    for ms in [10u16, 20, 40, 60] {
        let config = OpusConfig {
            frame_ms: ms,
            ..OpusConfig::default()
        };
        let mut enc = OpusEncoder::new(&config).unwrap();
        let mut dec = OpusDecoder::new(1).unwrap();
        let packet = enc.encode(&vec![0; usize::from(ms) * 48]).unwrap();
        assert_eq!(dec.decode(&packet).unwrap().len(), usize::from(ms) * 48);
    }
    let mut dec = OpusDecoder::new(2).unwrap();
    assert_eq!(dec.conceal(961).len(), 1922);
    assert_eq!(dec.conceal(0).len(), 0);
    assert_eq!(dec.conceal(12_000).len(), 24_000);
    assert_eq!(dec.decode(&[]), Err(OpusError::EmptyPayload));
    assert!(matches!(
        dec.decode_fec(&[0x08, 0], 100),
        Err(OpusError::FrameLength { expected: 120, .. })
    ));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1500), stereo: bool) {
        let mut dec = OpusDecoder::new(if stereo { 2 } else { 1 }).unwrap();
        if let Ok(pcm) = dec.decode(&bytes) {
            prop_assert!(pcm.len() <= MAX_FRAME_SAMPLES * 2);
        }
        let _ = dec.decode_fec(&bytes, 960);
        prop_assert_eq!(dec.conceal(480).len(), if stereo { 960 } else { 480 });
    }
}
