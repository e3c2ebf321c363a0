//! One 20 ms frame through each codec (encode + decode), and 20 ms of
//! 8 kHz audio resampled to 48 kHz: the per-call media CPU budget.
//!
//! `cargo bench -p switchboard-benches --bench codec_frames`
#![allow(missing_docs)] // criterion_group! generates undocumented public functions

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use switchboard_codecs::{decoder, encoder, CodecKind, CodecParams, Resampler};

/// 20 ms of a voice-like signal (harmonics of a 150 Hz pitch plus seeded
/// noise) at `rate`, `channels` interleaved.
fn voice_frame(rate: u32, channels: usize) -> Vec<i16> {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let n = rate as usize / 50;
    (0..n)
        .flat_map(|i| {
            let t = i as f64 / f64::from(rate);
            let voiced: f64 = (1..=5)
                .map(|h| (2.0 * std::f64::consts::PI * 150.0 * h as f64 * t).sin() / h as f64)
                .sum();
            let s = (5000.0 * voiced + rng.gen_range(-300.0..300.0)) as i16;
            std::iter::repeat_n(s, channels)
        })
        .collect()
}

fn codecs(c: &mut Criterion) {
    let mut group = c.benchmark_group("codec_frame_20ms");
    // Both structs are #[non_exhaustive]: start from the defaults.
    let mut stereo = CodecParams::default();
    stereo.opus.channels = 2;
    stereo.opus.bitrate_bps = 64_000;
    let cases = [
        ("pcmu", CodecKind::Pcmu, CodecParams::default()),
        ("pcma", CodecKind::Pcma, CodecParams::default()),
        ("opus_mono_32k", CodecKind::Opus, CodecParams::default()),
        ("opus_stereo_64k", CodecKind::Opus, stereo),
    ];
    for (name, kind, params) in cases {
        let mut enc = encoder(kind, &params).expect("encoder");
        let mut dec = decoder(kind, enc.channels()).expect("decoder");
        let pcm = voice_frame(kind.clock_rate(), usize::from(enc.channels()));
        group.bench_function(name, |b| {
            b.iter(|| {
                let payload = enc.encode(black_box(&pcm)).expect("encode");
                dec.decode(black_box(&payload)).expect("decode")
            })
        });
    }
    group.finish();
}

fn resample(c: &mut Criterion) {
    let pcm = voice_frame(8000, 1);
    let mut resampler = Resampler::new(8000, 48_000, 1).expect("resampler");
    c.bench_function("resample_20ms_8k_to_48k", |b| {
        b.iter(|| resampler.process(black_box(&pcm)))
    });
}

criterion_group!(benches, codecs, resample);
criterion_main!(benches);
