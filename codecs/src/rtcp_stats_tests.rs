use super::*;
use proptest::prelude::*;

/// 20 ms of 8 kHz audio: 160 timestamp units.
const PTIME: Duration = Duration::from_millis(20);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Feeds `seqs` arriving every 20 ms with timestamps 160 apart (constant
/// transit), starting with `stats` already holding the first.
fn feed(stats: &mut ReceptionStats, seqs: &[u16]) {
    for &seq in seqs {
        let k = u64::from(seq.wrapping_sub(stats.seq.base_seq));
        stats.on_packet(PTIME * k as u32, seq, 160 * k as u32);
    }
}

#[test]
fn loss_of_a_sequence_with_gaps() {
    // Sequence 100..=108 with 103, 106 and 107 missing.
    let mut s = ReceptionStats::new(8000, 0xABCD, 100);
    feed(&mut s, &[100, 101, 102, 104, 105, 108]);
    // expected = 108 − 100 + 1 = 9, received = 6 → lost = 3.
    assert_eq!((s.expected(), s.received(), s.cumulative_lost()), (9, 6, 3));
    let r = s.report();
    // fraction = (lost_interval << 8) / expected_interval = 768 / 9 = 85.
    assert_eq!(r.fraction_lost, 85);
    assert_eq!((r.cumulative_lost, r.extended_highest_seq), (3, 108));
    assert!((s.loss_pct() - 100.0 / 3.0).abs() < 1e-9);

    // Next interval: 109..=111 plus two duplicates (A.1 counts them).
    feed(&mut s, &[109, 110, 110, 111, 109]);
    // expected 12, received 11: interval expected 3, received 5 → the
    // interval loss is −2, reported as fraction 0; cumulative 1.
    let r = s.report();
    assert_eq!((r.fraction_lost, r.cumulative_lost), (0, 1));

    // Three more duplicates: received 14 > expected 12 → cumulative −2.
    feed(&mut s, &[111, 111, 111]);
    let r = s.report();
    assert_eq!((r.fraction_lost, r.cumulative_lost), (0, -2));
    assert_eq!(cumulative_lost_to_wire(-2), 0xFF_FFFE);
    assert_eq!(s.loss_pct(), 0.0);
}

#[test]
fn twenty_four_bit_clamp() {
    assert_eq!(clamp_cumulative_lost(10_000_000), 0x7F_FFFF);
    assert_eq!(clamp_cumulative_lost(-9_000_000), -0x80_0000);
    assert_eq!(clamp_cumulative_lost(-5), -5);
    assert_eq!(cumulative_lost_to_wire(0x7F_FFFF), 0x7F_FFFF);
    assert_eq!(cumulative_lost_to_wire(-0x80_0000), 0x80_0000);
    assert_eq!(cumulative_lost_from_wire(0x80_0000), -0x80_0000);
    assert_eq!(cumulative_lost_from_wire(0xFF_FFFF), -1);
    assert_eq!(cumulative_lost_from_wire(0x12_3456), 0x12_3456);
}

#[test]
fn fraction_lost_arithmetic() {
    assert_eq!(fraction_lost(0, 0), 0);
    assert_eq!(fraction_lost(100, 99), 2); // 256 / 100 = 2.56 → 2
    assert_eq!(fraction_lost(4, 2), 128); // half
    assert_eq!(fraction_lost(10, 12), 0); // duplicates
    assert_eq!(fraction_lost(5, 0), 255); // 256 saturates to 255
}

#[test]
fn sequence_wrap_extends_the_highest() {
    let mut s = ReceptionStats::new(8000, 1, 65534);
    for (i, seq) in [65534u16, 65535, 0, 2].into_iter().enumerate() {
        s.on_packet(ms(20 * i as u64), seq, 160 * i as u32);
    }
    // 65536 + 2 = 65538; expected 65538 − 65534 + 1 = 5, one lost (1).
    assert_eq!(s.extended_highest_seq(), 65538);
    assert_eq!((s.expected(), s.cumulative_lost()), (5, 1));
}

#[test]
fn a_jump_counts_only_when_confirmed() {
    let mut s = ReceptionStats::new(8000, 1, 10);
    feed(&mut s, &[10, 11]);
    assert!(!s.on_packet(ms(60), 40_000, 0));
    assert_eq!(s.received(), 2);
    // The next sequential packet confirms a restart: statistics start over.
    assert!(s.on_packet(ms(80), 40_001, 160));
    assert_eq!(
        (s.expected(), s.received(), s.extended_highest_seq()),
        (1, 1, 40_001)
    );
}

#[test]
fn constant_transit_has_no_jitter() {
    let mut s = ReceptionStats::new(8000, 1, 0);
    let seqs: Vec<u16> = (0..200).collect();
    feed(&mut s, &seqs);
    assert_eq!(s.jitter(), 0);
    assert_eq!(s.jitter_ms(), 0.0);
}

#[test]
fn alternating_transit_jitter() {
    // Even packets on time, odd ones 10 ms (80 units) late: |D| = 80 each.
    let mut s = ReceptionStats::new(8000, 1, 0);
    let arrive = |k: u64| ms(20 * k + if k % 2 == 1 { 10 } else { 0 });
    s.on_packet(arrive(0), 0, 0);
    s.on_packet(arrive(1), 1, 160);
    // 16·J = 0 + 80 − ((0 + 8) >> 4) = 80 → J = 5 (= 80/16).
    assert_eq!((s.jitter_q4, s.jitter()), (80, 5));
    s.on_packet(arrive(2), 2, 320);
    // 16·J = 80 + 80 − ((80 + 8) >> 4 = 5) = 155 → J = 9 (9.6875 exactly).
    assert_eq!((s.jitter_q4, s.jitter()), (155, 9));
    assert!((s.jitter_ms() - 155.0 / 16.0 / 8.0).abs() < 1e-12);
    for k in 3..500u64 {
        s.on_packet(arrive(k), k as u16, 160 * k as u32);
    }
    // J converges to |D| = 80 units = 10 ms (the integer form settles at
    // 16·J + 8 ≈ 16·80, i.e. J of 79 or 80).
    assert!((79..=80).contains(&s.jitter()), "{}", s.jitter());
    assert!((s.jitter_ms() - 10.0).abs() < 0.2);
}

proptest! {
    #[test]
    fn wire_form_round_trips(lost in any::<i64>()) {
        let clamped = clamp_cumulative_lost(lost);
        prop_assert_eq!(cumulative_lost_from_wire(cumulative_lost_to_wire(clamped)), clamped);
        prop_assert!(cumulative_lost_to_wire(clamped) <= 0xFF_FFFF);
    }

    #[test]
    fn any_arrivals_keep_figures_sane(
        packets in prop::collection::vec((any::<u16>(), any::<u32>(), 0u64..10_000_000), 1..200)
    ) {
        let mut s = ReceptionStats::new(48_000, 9, packets[0].0);
        for (seq, ts, at_us) in packets {
            s.on_packet(Duration::from_micros(at_us), seq, ts);
            let r = s.report();
            prop_assert!(i64::from(r.cumulative_lost) <= CUMULATIVE_LOST_MAX);
            prop_assert!((0.0..=100.0).contains(&s.loss_pct()));
        }
    }
}
