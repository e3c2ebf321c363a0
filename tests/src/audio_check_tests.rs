use super::*;
use switchboard_codecs::{decoder, encoder, CodecKind, CodecParams};

/// 4 s of signal, windows of 1 s at 0.5, 1.5, 2.5 s: what the interop test checks.
fn windows(source: &[i16], recording: &[i16]) -> Vec<WindowMatch> {
    heard(source, recording, 4000, 8000, 8000, 3)
}

/// `pcm` (8 kHz mono) through `kind` and back, decoded like baresip does (Opus: to
/// 48 kHz stereo), written as the WAV baresip's sndfile module writes and read back.
fn through(kind: CodecKind, bitrate: u32, pcm: &[i16], name: &str) -> Vec<i16> {
    let mut params = CodecParams::default();
    params.opus.bitrate_bps = bitrate;
    let mut enc = encoder(kind, &params).unwrap();
    let channels = if kind == CodecKind::Opus { 2 } else { 1 };
    let mut dec = decoder(kind, channels).unwrap();
    let mut up = Resampler::new(RATE, enc.sample_rate(), 1).unwrap();
    let mut input = up.process(pcm);
    input.extend(up.flush());
    let mut decoded = Vec::new();
    for frame in input.chunks_exact(enc.frame_samples()) {
        decoded.extend(dec.decode(&enc.encode(frame).unwrap()).unwrap());
    }
    let path = std::env::temp_dir().join(format!("sb-audio-{}-{name}.wav", std::process::id()));
    let spec = hound::WavSpec {
        channels,
        sample_rate: dec.sample_rate(),
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for s in &decoded {
        w.write_sample(*s).unwrap();
    }
    w.finalize().unwrap();
    let (mono, rate, ch) = read_as_mono_8k(&path).unwrap();
    assert_eq!((rate, ch), (dec.sample_rate(), channels));
    let _ = std::fs::remove_file(&path);
    mono
}

#[test]
fn the_signal_matches_itself_only_at_its_own_lag() {
    let s = test_signal(7, 4.0);
    assert_eq!(s.len(), 32_000);
    assert_eq!(s, test_signal(7, 4.0), "seeded");
    let peak = s.iter().map(|x| x.unsigned_abs()).max().unwrap();
    assert!((4_000..=20_000).contains(&peak), "{peak}");
    // Away from lag 0 (and past a few samples of the low-pass), no strong match.
    let (lag, c) = best_lag(&s, &s, 4000, 8000, 0);
    assert_eq!((lag, c.round()), (0, 1.0));
    let off: Vec<f64> = (1..200)
        .map(|d| switchboard_codecs::compare::correlation(&s[4000..12000], &s[4000 + d..12000 + d]))
        .collect();
    let worst = off.iter().fold(0.0f64, |m, c| m.max(c.abs()));
    assert!(worst < 0.6, "{worst}");
    // Another seed: chance level only, even at its best lag.
    let other = test_signal(8, 4.0);
    let m = windows(&s, &other);
    assert!(m.iter().all(|w| w.correlation < 0.2), "{m:?}");
}

#[test]
fn a_late_or_delayed_recording_is_found() {
    let s = test_signal(3, 4.0);
    // The peer lost the first 100 ms.
    let m = windows(&s, &s[800..]);
    assert!(
        m.iter().all(|w| w.lag == -800 && w.correlation > 0.999),
        "{m:?}"
    );
    // The peer's jitter buffer delays by 60 ms, then adds 20 ms more.
    let mut late = vec![0i16; 480];
    late.extend_from_slice(&s[..12_000]);
    late.extend(std::iter::repeat_n(0, 160));
    late.extend_from_slice(&s[12_000..]);
    let m = windows(&s, &late);
    assert_eq!(
        m.iter().map(|w| w.lag).collect::<Vec<_>>(),
        [480, 640, 640],
        "{m:?}"
    );
    assert!(m.iter().all(|w| w.correlation > 0.99), "{m:?}");
}

/// What the codecs alone do to the signal (no network, no jitter buffer): the
/// ceiling of what the interop test can measure, printed for the threshold's notes.
/// Opus at 16, 28 (baresip's `opus_bitrate`) and 32 kbit/s (our default).
#[test]
fn the_signal_survives_g711_and_opus() {
    let s = test_signal(11, 4.0);
    let other = test_signal(12, 4.0);
    for (kind, bitrate, floor) in [
        (CodecKind::Pcmu, 0, 0.99),
        (CodecKind::Pcma, 0, 0.99),
        (CodecKind::Opus, 16_000, 0.6),
        (CodecKind::Opus, 28_000, 0.7),
        (CodecKind::Opus, 32_000, 0.7),
    ] {
        let heard_s = through(kind, bitrate.max(6_000), &s, &format!("{kind:?}{bitrate}"));
        let m = windows(&s, &heard_s);
        let wrong = windows(&other, &heard_s);
        eprintln!("{kind:?} {bitrate}: same {m:?}\n  other seed {wrong:?}");
        assert!(m.iter().all(|w| w.correlation > floor), "{kind:?} {m:?}");
        assert!(
            wrong.iter().all(|w| w.correlation < 0.2),
            "{kind:?} {wrong:?}"
        );
    }
}
