//! Comparing two signals: how much of what was sent is in what was heard. Tests
//! (codecs, media sessions, interop recordings) judge audio by these.

/// Normalised correlation of `a` and `b` over their common length: 1 for the same
/// waveform at any gain, about 0 for unrelated ones; 0 when either is silent.
pub fn correlation(a: &[i16], b: &[i16]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 {
        return 0.0;
    }
    ab / (aa * bb).sqrt()
}

/// The delay (0..=max_lag) at which `output` best matches `input`, with the
/// correlation there; compares `len` samples of `input` from `start`. Lags that run
/// past the end of `output` are skipped; `(0, 0.0)` when none fits.
pub fn best_lag(
    input: &[i16],
    output: &[i16],
    start: usize,
    len: usize,
    max_lag: usize,
) -> (usize, f64) {
    let Some(reference) = input.get(start..start + len) else {
        return (0, 0.0);
    };
    (0..=max_lag)
        .filter_map(|lag| {
            let heard = output.get(start + lag..start + lag + len)?;
            Some((lag, correlation(reference, heard)))
        })
        .fold((0, 0.0), |best, c| if c.1 > best.1 { c } else { best })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delayed_copy_is_found_at_its_delay() {
        let signal: Vec<i16> = (0..400)
            .map(|i| ((i * 37 % 101) as i16 - 50) * 100)
            .collect();
        let mut delayed = vec![0i16; 7];
        delayed.extend(signal.iter().map(|s| s / 2));
        let (lag, c) = best_lag(&signal, &delayed, 0, 300, 20);
        assert_eq!(lag, 7);
        assert!((c - 1.0).abs() < 1e-12, "{c}");
        assert_eq!(correlation(&signal, &[0; 400]), 0.0);
        assert_eq!(best_lag(&signal, &delayed, 390, 300, 5), (0, 0.0));
    }
}
