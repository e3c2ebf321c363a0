use super::*;
use crate::compare::{best_lag, correlation};
use crate::opus::tests::tone;
use proptest::prelude::*;

fn rms(x: &[i16]) -> f64 {
    (x.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

fn one_shot(from: u32, to: u32, input: &[i16]) -> Vec<i16> {
    let mut r = Resampler::new(from, to, 1).unwrap();
    let mut out = r.process(input);
    out.extend(r.flush());
    out
}

#[test]
fn tone_survives_8k_to_48k_and_back() {
    let input = tone(1000.0, 8000, 1.0, 8000.0);
    let up = one_shot(8000, 48_000, &input);
    assert_eq!(up.len(), 48_000);
    let down = one_shot(48_000, 8000, &up);
    assert_eq!(down.len(), 8000);
    let (lag, corr) = best_lag(&input, &down, 400, 7000, 160);
    // The filter delay is compensated: no lag left, and the tone (well inside
    // both pass bands) comes back nearly untouched (measured 0.9999).
    assert_eq!(lag, 0);
    assert!(corr > 0.995, "correlation {corr}");
    assert!((rms(&down[400..7400]) / rms(&input[400..7400]) - 1.0).abs() < 0.05);
}

#[test]
fn output_length_follows_the_ratio() {
    for (from, to) in [
        (8000, 48_000),
        (16_000, 48_000),
        (48_000, 16_000),
        (44_100, 48_000),
        (48_000, 8000),
    ] {
        let input = tone(440.0, from, 0.37, 5000.0);
        let mut r = Resampler::new(from, to, 1).unwrap();
        let streamed = r.process(&input);
        let expected = (input.len() as u64 * u64::from(to)).div_ceil(u64::from(from)) as usize;
        // While streaming, at most one block plus the filter delay is held back.
        let held = expected - streamed.len();
        assert!(
            held <= 2 * (to as usize).div_ceil(50),
            "{from}->{to}: held {held}"
        );
        let tail = r.flush();
        assert_eq!(streamed.len() + tail.len(), expected, "{from}->{to}");
    }
}

#[test]
fn anti_aliasing_at_48k_to_8k() {
    let kept = one_shot(48_000, 8000, &tone(3500.0, 48_000, 0.5, 10_000.0));
    let folded = one_shot(48_000, 8000, &tone(6000.0, 48_000, 0.5, 10_000.0));
    let reference = rms(&tone(3500.0, 8000, 0.5, 10_000.0));
    let kept_db = 20.0 * (rms(&kept[400..3600]) / reference).log10();
    let folded_db = 20.0 * (rms(&folded[400..3600]) / reference).log10();
    assert!(kept_db > -1.0, "3.5 kHz lost {kept_db} dB");
    // 6 kHz would alias to 2 kHz; it must be at least 20 dB down (measured far lower).
    assert!(folded_db < -20.0, "6 kHz only {folded_db} dB down");
}

#[test]
fn stereo_and_identity() {
    let left = tone(500.0, 16_000, 0.2, 6000.0);
    let stereo: Vec<i16> = left.iter().flat_map(|s| [*s, -*s]).collect();
    let mut r = Resampler::new(16_000, 48_000, 2).unwrap();
    let mut out = r.process(&stereo);
    out.extend(r.flush());
    assert_eq!(out.len(), 2 * 9600);
    assert!(out
        .chunks_exact(2)
        .all(|f| (i32::from(f[0]) + i32::from(f[1])).abs() <= 1));
    let up_left: Vec<i16> = out.iter().step_by(2).copied().collect();
    let expected = tone(500.0, 48_000, 0.2, 6000.0);
    assert!(correlation(&expected[960..8640], &up_left[960..8640]) > 0.995);

    let mut same = Resampler::new(8000, 8000, 1).unwrap();
    assert_eq!(same.process(&[1, 2, 3]), vec![1, 2, 3]);
    assert!(same.flush().is_empty());
    assert_eq!(same.block_frames(), 0);
}

#[test]
fn bad_parameters_are_errors() {
    assert!(matches!(
        Resampler::new(0, 8000, 1),
        Err(ResampleError::Rate { hz: 0 })
    ));
    assert!(matches!(
        Resampler::new(8000, 1_000_000, 1),
        Err(ResampleError::Rate { .. })
    ));
    assert!(matches!(
        Resampler::new(8000, 48_000, 0),
        Err(ResampleError::Channels { channels: 0 })
    ));
}

proptest! {
    #[test]
    fn any_chunking_gives_the_one_shot_output(
        cuts in proptest::collection::vec(0usize..700, 0..12),
        rates in prop::sample::select(vec![(8000u32, 48_000u32), (48_000, 8000), (44_100, 48_000), (16_000, 48_000)]),
        channels in 1u16..=2,
    ) {
        // Cuts may split a stereo frame: the half frame waits for its pair.
        let mono = tone(700.0, rates.0, 0.25, 7000.0);
        let input: Vec<i16> = mono.iter().flat_map(|s| std::iter::repeat_n(*s, usize::from(channels))).collect();
        let mut whole_r = Resampler::new(rates.0, rates.1, channels).unwrap();
        let mut whole = whole_r.process(&input);
        whole.extend(whole_r.flush());
        let expected = (mono.len() as u64 * u64::from(rates.1)).div_ceil(u64::from(rates.0)) as usize;
        prop_assert_eq!(whole.len(), expected * usize::from(channels));
        let mut r = Resampler::new(rates.0, rates.1, channels).unwrap();
        let mut out = Vec::new();
        let mut rest = &input[..];
        for cut in cuts {
            let (head, tail) = rest.split_at(cut.min(rest.len()));
            out.extend(r.process(head));
            rest = tail;
        }
        out.extend(r.process(rest));
        out.extend(r.flush());
        prop_assert_eq!(out, whole);
    }
}
