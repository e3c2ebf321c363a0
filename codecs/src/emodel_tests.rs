use super::*;
use proptest::prelude::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn default_connection_is_93_2_and_mos_4_41() {
    let g711 = CodecImpairment::G711_PLC;
    let r = r_factor(g711.ie, g711.bpl, 0.0, 0.0, 1.0);
    assert_eq!(r, 93.2);
    // 1 + 0.035·93.2 + 93.2·33.2·6.8·7e−6 = 1 + 3.262 + 0.147286 = 4.409286
    // (G.107 Annex B: MOS 4.41 for the default R).
    assert!(close(mos_from_r(r), 4.409_286, 1e-6), "{}", mos_from_r(r));
}

#[test]
fn g711_with_plc_under_random_loss() {
    let g = CodecImpairment::G711_PLC;
    // Ie,eff = 95 · Ppl / (Ppl + 25.1):
    //   1 %: 95/26.1 = 3.6398 → R = 89.56
    //   2 %: 190/27.1 = 7.0111 → R = 86.19
    //   5 %: 475/30.1 = 15.7807 → R = 77.42
    for (loss, r_ref, mos_ref) in [(1.0, 89.56, 4.33), (2.0, 86.19, 4.23), (5.0, 77.42, 3.92)] {
        let r = r_factor(g.ie, g.bpl, loss, 0.0, 1.0);
        assert!(close(r, r_ref, 0.01), "{loss} %: R {r}");
        assert!(
            close(mos_from_r(r), mos_ref, 0.01),
            "{loss} %: MOS {}",
            mos_from_r(r)
        );
    }
    // Without concealment (Bpl 4.3) 2 % loss costs far more: 190/6.3 = 30.16.
    let n = CodecImpairment::G711_NO_PLC;
    assert!(close(r_factor(n.ie, n.bpl, 2.0, 0.0, 1.0), 63.04, 0.01));
}

#[test]
fn burstiness_raises_the_impairment() {
    // BurstR = 2 at 5 %: 475 / (2.5 + 25.1) = 17.210 → R = 75.99.
    let r = r_factor(0.0, 25.1, 5.0, 0.0, 2.0);
    assert!(close(r, 75.99, 0.01), "{r}");
    // BurstR below 1 is meaningless and taken as 1 (random loss).
    assert_eq!(
        r_factor(0.0, 25.1, 5.0, 0.0, 0.3),
        r_factor(0.0, 25.1, 5.0, 0.0, 1.0)
    );
}

#[test]
fn delay_impairment_idd() {
    // Ta ≤ 100 ms: no impairment.
    assert_eq!(delay_impairment(0.0), 0.0);
    assert_eq!(delay_impairment(100.0), 0.0);
    // Ta = 150: X = log2 1.5 = 0.58496; (1 + X⁶)^(1/6) = 1.006536,
    // (1 + (X/3)⁶)^(1/6) = 1.0000092 → Idd = 25·(1.006536 − 3.0000275 + 2) = 0.1635.
    assert!(close(delay_impairment(150.0), 0.1635, 1e-4));
    // Ta = 300: X = 1.58496 → Idd = 14.7607; Ta = 400: X = 2 → 25·(65^(1/6)
    // − 3·(1 + 64/729)^(1/6) + 2) = 24.0701.
    assert!(close(delay_impairment(300.0), 14.7607, 1e-4));
    assert!(close(delay_impairment(400.0), 24.0701, 1e-4));
    // R with delay only: 93.04 / 78.44 / 69.13 (MOS 4.41 / 3.96 / 3.56),
    // the familiar knee: barely noticeable at 150 ms, "some users
    // dissatisfied" (R < 80) past ~280 ms.
    let g = CodecImpairment::G711_PLC;
    for (ta, r_ref) in [(150.0, 93.04), (300.0, 78.44), (400.0, 69.13)] {
        assert!(
            close(r_factor(g.ie, g.bpl, 0.0, ta, 1.0), r_ref, 0.01),
            "{ta}"
        );
    }
}

#[test]
fn mos_limits() {
    assert_eq!(mos_from_r(-5.0), 1.0);
    assert_eq!(mos_from_r(f64::NAN), 1.0);
    assert_eq!(mos_from_r(120.0), 4.5);
    assert_eq!(mos_from_r(0.0), 1.0);
    // R = 3 would give 1.105 − 0.1161 = 0.989 from the cubic: floored.
    assert_eq!(mos_from_r(3.0), 1.0);
    // R = 50: 1 + 1.75 + 50·(−10)·50·7e−6 = 2.75 − 0.175 = 2.575.
    assert!(close(mos_from_r(50.0), 2.575, 1e-12));
    assert!(close(mos_from_r(100.0), 4.5, 1e-12));
}

#[test]
fn nonsense_inputs_stay_in_range() {
    assert_eq!(r_factor(0.0, 25.1, f64::NAN, f64::NAN, f64::NAN), 93.2);
    assert_eq!(r_factor(0.0, 25.1, 100.0, 10_000.0, 1.0), 0.0);
    assert_eq!(r_factor(0.0, 25.1, -4.0, -1.0, 1.0), 93.2);
}

proptest! {
    #[test]
    fn more_loss_or_delay_never_raises_r(
        ie in 0.0f64..40.0,
        bpl in 1.0f64..40.0,
        loss in 0.0f64..100.0,
        more_loss in 0.0f64..50.0,
        delay in 0.0f64..1000.0,
        more_delay in 0.0f64..500.0,
        burst in 1.0f64..4.0,
    ) {
        let r = r_factor(ie, bpl, loss, delay, burst);
        prop_assert!((0.0..=100.0).contains(&r));
        prop_assert!(r_factor(ie, bpl, loss + more_loss, delay, burst) <= r + 1e-9);
        prop_assert!(r_factor(ie, bpl, loss, delay + more_delay, burst) <= r + 1e-9);
        let mos = mos_from_r(r);
        prop_assert!((1.0..=4.5).contains(&mos));
    }
}
