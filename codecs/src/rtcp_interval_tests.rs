use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// An RNG whose every draw is `value` (fixed points of the uniform draw).
struct Fixed(u64);

impl RngCore for Fixed {
    fn next_u32(&mut self) -> u32 {
        self.0 as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(0);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        dest.fill(0);
        Ok(())
    }
}

const C: f64 = 1.218_281_828_459_045; // e − 3/2

#[test]
fn compensation_constant() {
    assert!((COMPENSATION - C).abs() < 1e-12);
    // 5 % of 64 kbit/s = 3200 bit/s = 400 octets/s.
    assert_eq!(rtcp_bandwidth(DEFAULT_SESSION_BANDWIDTH_BPS), 400.0);
}

#[test]
fn two_parties_are_held_at_the_minimum() {
    // n · avg / bw = 2 · 200 / 400 = 1 s < 5 s: the minimum dominates for
    // any realistic report size (the halved first minimum up to 500 octets:
    // 2 · 500 / 400 = 2.5 s; the full one up to 1000 octets).
    let full = IntervalInputs::two_party(DEFAULT_SESSION_BANDWIDTH_BPS, 1000.0, false);
    assert_eq!(deterministic_interval(&full), 5.0);
    for avg in [60.0, 100.0, 200.0, 500.0] {
        let i = IntervalInputs::two_party(DEFAULT_SESSION_BANDWIDTH_BPS, avg, false);
        assert_eq!(deterministic_interval(&i), 5.0, "avg {avg}");
        let first = IntervalInputs::two_party(DEFAULT_SESSION_BANDWIDTH_BPS, avg, true);
        assert_eq!(deterministic_interval(&first), 2.5, "avg {avg}");
    }
    // Only a tiny session bandwidth lifts it: 8 kbit/s → 50 octets/s RTCP,
    // 2 · 200 / 50 = 8 s.
    let slow = IntervalInputs::two_party(8000, 200.0, false);
    assert_eq!(deterministic_interval(&slow), 8.0);
}

#[test]
fn large_sessions_scale_with_members_and_split_senders() {
    let mut i = IntervalInputs {
        members: 100,
        senders: 50,
        rtcp_bw: 400.0,
        we_sent: false,
        avg_rtcp_size: 100.0,
        initial: false,
    };
    // 100 · 100 / 400 = 25 s.
    assert_eq!(deterministic_interval(&i), 25.0);
    // 10 senders of 100 (≤ 25 %): senders share 25 % of the bandwidth.
    i.senders = 10;
    i.we_sent = true;
    assert_eq!(deterministic_interval(&i), 10.0); // 10 · 100 / 100
    i.we_sent = false;
    assert_eq!(deterministic_interval(&i), 30.0); // 90 · 100 / 300
}

#[test]
fn first_interval_bounds_with_fixed_draws() {
    let first = IntervalInputs::two_party(DEFAULT_SESSION_BANDWIDTH_BPS, 100.0, true);
    // Draw 0 → 2.5 · 0.5 / C = 1.02604 s; the largest draw → 2.5 · 1.5 / C.
    let low = rtcp_interval(&first, &mut Fixed(0)).as_secs_f64();
    let high = rtcp_interval(&first, &mut Fixed(u64::MAX)).as_secs_f64();
    assert!((low - 1.25 / C).abs() < 1e-9, "{low}");
    assert!((high - 3.75 / C).abs() < 1e-6, "{high}");
    let mid = rtcp_interval(&first, &mut Fixed(1 << 63)).as_secs_f64();
    assert!((mid - 2.5 / C).abs() < 1e-9, "{mid}"); // 2.05207 s
}

#[test]
fn random_intervals_stay_in_bounds_and_average_td_over_c() {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    for (initial, td) in [(true, 2.5), (false, 5.0)] {
        let inputs = IntervalInputs::two_party(DEFAULT_SESSION_BANDWIDTH_BPS, 100.0, initial);
        let n = 20_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let t = rtcp_interval(&inputs, &mut rng).as_secs_f64();
            assert!(
                (0.5 * td / C - 1e-9..=1.5 * td / C + 1e-9).contains(&t),
                "{t}"
            );
            sum += t;
        }
        // Mean Td / C (2.052 s first, 4.104 s after); the standard error of
        // the mean is Td/C/√(12·n) ≈ 0.2 % of it, so 1 % is ample.
        let mean = sum / f64::from(n);
        assert!((mean / (td / C) - 1.0).abs() < 0.01, "{mean}");
    }
}

#[test]
fn average_size_moves_a_sixteenth() {
    // 72 + 28 = 100 octets: an average of 100 stays put.
    assert_eq!(update_avg_size(100.0, 72), 100.0);
    // 232 + 28 = 260: 260/16 + 100·15/16 = 16.25 + 93.75 = 110.
    assert_eq!(update_avg_size(100.0, 232), 110.0);
}

#[test]
fn no_bandwidth_caps_at_an_hour() {
    let mut i = IntervalInputs::two_party(0, 100.0, false);
    i.rtcp_bw = 0.0;
    let t = rtcp_interval(&i, &mut Fixed(1 << 63));
    assert_eq!(t, Duration::from_secs_f64(3600.0 / C));
}
