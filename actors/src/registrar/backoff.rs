//! Timing arithmetic: RFC 5626 retry backoff and the refresh point, randomness injected.

use super::config::Backoff;
use rand::Rng;
use std::time::Duration;

/// RFC 5626 §4.5: `min(max, base × 2^(failures-1)) × uniform(0.5..=1.0)`, where
/// `failures` counts this one (the first failure waits base/2..=base).
pub fn retry_wait(b: &Backoff, failures: u32, rng: &mut impl Rng) -> Duration {
    let exp = failures.saturating_sub(1).min(31);
    let upper = b.base.saturating_mul(1u32 << exp).min(b.max);
    upper.mul_f64(rng.gen_range(0.5..=1.0))
}

/// When to refresh a registration granted for `granted` seconds: at `fraction` of it
/// (at half when it is under 10 s) minus a random jitter of up to 10 % of that interval;
/// never sooner than one second.
pub fn refresh_after(granted: u32, fraction: f64, rng: &mut impl Rng) -> Duration {
    let g = Duration::from_secs(u64::from(granted));
    let interval = if granted < 10 {
        g / 2
    } else {
        g.mul_f64(fraction)
    };
    let jitter = interval.mul_f64(rng.gen_range(0.0..=0.1));
    interval.saturating_sub(jitter).max(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn backoff_grows_and_is_capped() {
        let b = Backoff::default();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for _ in 0..200 {
            let w1 = retry_wait(&b, 1, &mut rng).as_secs_f64();
            assert!((15.0..=30.0).contains(&w1), "{w1}");
            let w3 = retry_wait(&b, 3, &mut rng).as_secs_f64();
            assert!((60.0..=120.0).contains(&w3), "{w3}");
            let w = retry_wait(&b, 40, &mut rng).as_secs_f64();
            assert!((900.0..=1800.0).contains(&w), "{w}");
        }
    }

    #[test]
    fn refresh_point_within_jitter() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..200 {
            let r = refresh_after(3600, 0.5, &mut rng).as_secs_f64();
            assert!((1620.0..=1800.0).contains(&r), "{r}");
            let s = refresh_after(6, 0.9, &mut rng).as_secs_f64();
            assert!((2.7..=3.0).contains(&s), "{s}");
        }
        assert_eq!(refresh_after(0, 0.5, &mut rng), Duration::from_secs(1));
    }
}
