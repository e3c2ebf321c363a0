//! Judging audio that went through a real peer: a test signal with structure (so that
//! only the same signal correlates with it), WAV files in and out, and where in a
//! recording the signal is heard and how well ([`heard`]).
//!
//! The signal is a sequence of 160 ms "syllables", each two tones at frequencies drawn
//! from a seeded RNG (300–3000 Hz, inside every codec's band) plus band-limited noise
//! at -20 dB, with 10 ms raised-cosine fades. A pure sine would correlate with any sine
//! of the same pitch (baresip's own source is a 440 Hz sine) and has a periodic
//! autocorrelation (any lag that is a multiple of its period matches); this signal
//! matches itself only at the true lag, and another seed's signal correlates with it
//! by chance only (|c| ≲ 0.1).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::f64::consts::PI;
use std::path::Path;
use std::time::Duration;
use switchboard_codecs::compare::best_lag;
use switchboard_codecs::Resampler;

/// The rate of the test signal and of the engine's WAV source.
pub const RATE: u32 = 8000;
/// Samples per syllable (160 ms).
const SYLLABLE: usize = 1280;
/// Fade in/out per syllable (10 ms).
const FADE: usize = 80;

/// `secs` seconds of the test signal at [`RATE`] for `seed`.
pub fn test_signal(seed: u64, secs: f64) -> Vec<i16> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let total = (secs * f64::from(RATE)) as usize;
    let mut out = Vec::with_capacity(total);
    let mut low = 0.0f64; // one-pole low-pass state of the noise
    while out.len() < total {
        let tones: [(f64, f64, f64); 2] = std::array::from_fn(|_| {
            (
                rng.gen_range(300.0..3000.0),
                rng.gen_range(0.3..1.0),
                rng.gen_range(0.0..2.0 * PI),
            )
        });
        let level = rng.gen_range(0.4..1.0);
        for i in 0..SYLLABLE.min(total - out.len()) {
            let t = i as f64 / f64::from(RATE);
            let edge = i.min(SYLLABLE - 1 - i);
            let fade = if edge < FADE {
                0.5 - 0.5 * (PI * edge as f64 / FADE as f64).cos()
            } else {
                1.0
            };
            let tone: f64 = tones
                .iter()
                .map(|(f, a, p)| a * (2.0 * PI * f * t + p).sin())
                .sum();
            low = 0.7 * low + 0.3 * rng.gen_range(-1.0..1.0);
            let x = level * fade * (0.5 * tone + 0.1 * low);
            out.push((x * 14_000.0) as i16);
        }
    }
    out
}

/// Writes `samples` as a 16-bit mono WAV at [`RATE`] (what `DialOptions::audio_file`
/// plays).
pub fn write_wav(path: &Path, samples: &[i16]) -> Result<(), hound::Error> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec)?;
    for s in samples {
        w.write_sample(*s)?;
    }
    w.finalize()
}

/// A 16-bit WAV of any rate and channel count as mono (channels averaged) at [`RATE`];
/// with the file's rate and channels. Errors on a header that does not describe the
/// file yet (libsndfile writes the sizes when it closes the file).
pub fn read_as_mono_8k(path: &Path) -> Result<(Vec<i16>, u32, u16), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reader = hound::WavReader::new(std::io::Cursor::new(&bytes))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let spec = reader.spec();
    if spec.bits_per_sample != 16 || spec.sample_format != hound::SampleFormat::Int {
        return Err(format!("{}: not 16-bit PCM: {spec:?}", path.display()));
    }
    let declared = reader.len() as usize * 2;
    if declared == 0 || declared + 44 > bytes.len() {
        return Err(format!(
            "{}: header declares {declared} data bytes, file has {} (not closed yet?)",
            path.display(),
            bytes.len()
        ));
    }
    let samples: Vec<i16> = reader
        .into_samples::<i16>()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let ch = usize::from(spec.channels.max(1));
    let mono: Vec<i16> = samples
        .chunks_exact(ch)
        .map(|f| (f.iter().map(|s| i32::from(*s)).sum::<i32>() / ch as i32) as i16)
        .collect();
    let mut rs = Resampler::new(spec.sample_rate, RATE, 1).map_err(|e| e.to_string())?;
    let mut out = rs.process(&mono);
    out.extend(rs.flush());
    Ok((out, spec.sample_rate, spec.channels))
}

/// [`read_as_mono_8k`], retried every 100 ms for at most `limit` (the peer finishes the
/// file when its call ends).
pub async fn wait_recording(path: &Path, limit: Duration) -> (Vec<i16>, u32, u16) {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match read_as_mono_8k(path) {
            Ok(r) => return r,
            Err(e) if tokio::time::Instant::now() >= deadline => {
                panic!("recording unusable after {limit:?}: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// One window of the source and where it was heard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowMatch {
    /// The window's first sample in the source.
    pub start: usize,
    /// Recording position minus source position (negative: the recording lacks the
    /// source's beginning).
    pub lag: i64,
    /// Normalised correlation at that lag.
    pub correlation: f64,
}

/// How far the recording may lead or trail the source (1 s).
const MAX_SHIFT: usize = RATE as usize;
/// Re-alignment allowed between windows (60 ms: a jitter buffer adapting by a few
/// packets).
const DRIFT: usize = 480;

/// Samples of the coarse search for the first window (250 ms).
const COARSE: usize = 2000;

/// Where `windows` windows of `len` samples of `source`, every `step` samples from
/// `first`, are heard in `recording`: a coarse search of the first window's first
/// 250 ms within ±1 s, then each window within ±60 ms of the previous lag.
pub fn heard(
    source: &[i16],
    recording: &[i16],
    first: usize,
    len: usize,
    step: usize,
    windows: usize,
) -> Vec<WindowMatch> {
    // Padding in front turns a recording that starts late into a positive lag.
    let mut padded = vec![0i16; MAX_SHIFT];
    padded.extend_from_slice(recording);
    let (mut around, _) = best_lag(source, &padded, first, len.min(COARSE), 2 * MAX_SHIFT);
    let mut out = Vec::new();
    for w in 0..windows {
        let start = first + w * step;
        let lo = around.saturating_sub(DRIFT);
        // best_lag searches lags 0..=max from `start`: shift the recording by `lo`.
        let shifted = padded.get(lo..).unwrap_or_default();
        let (lag, correlation) = best_lag(source, shifted, start, len, around + DRIFT - lo);
        around = lo + lag;
        out.push(WindowMatch {
            start,
            lag: around as i64 - MAX_SHIFT as i64,
            correlation,
        });
    }
    out
}

#[cfg(test)]
#[path = "audio_check_tests.rs"]
mod tests;
