//! Property tests: whatever the network does (reordering, duplication, loss,
//! jitter) or whatever garbage arrives, the buffer never panics, never plays
//! a packet twice, keeps its output timestamps increasing and stays bounded.

use super::tests::payload;
use super::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

/// One sent packet: dropped?, arrival delays of its copies (ms), marker.
type Sent = (bool, Vec<u64>, bool);

fn sent() -> impl Strategy<Value = Sent> {
    (
        prop::bool::weighted(0.1),
        prop::collection::vec(0u64..600, 1..=3),
        prop::bool::weighted(0.05),
    )
}

fn config(capacity: usize, initial: u32) -> JitterConfig {
    JitterConfig {
        capacity_packets: capacity,
        initial_delay_ms: initial,
        ..JitterConfig::default()
    }
}

fn check_accounting(jb: &JitterBuffer, pending: u64) {
    let s = jb.stats();
    let settled = s.played + s.duplicates + s.late + s.overflow + s.skipped + s.discarded;
    assert!(s.received >= settled + jb.len() as u64);
    assert!(s.received <= settled + jb.len() as u64 + pending);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_jittery_lossy_duplicating_network(
        packets in prop::collection::vec(sent(), 1..200),
        seq0 in any::<u16>(),
        ts0 in any::<u32>(),
        phase in 0u64..20,
        capacity in 11usize..60,
        initial in 20u32..=200,
    ) {
        let mut jb = JitterBuffer::new(config(capacity, initial)).unwrap();
        let mut arrivals = Vec::new();
        for (i, (dropped, delays, marker)) in packets.iter().enumerate() {
            let seq = seq0.wrapping_add(i as u16);
            let ts = ts0.wrapping_add(160 * i as u32);
            for d in delays.iter().filter(|_| !dropped) {
                arrivals.push((Duration::from_millis(20 * i as u64 + d), seq, ts, *marker));
            }
        }
        arrivals.sort_by_key(|a| a.0);
        let distinct: BTreeSet<u16> = arrivals.iter().map(|a| a.1).collect();
        let end = 20 * packets.len() as u64 + 1000;
        let mut next = arrivals.into_iter().peekable();
        let (mut played, mut last_ts) = (BTreeSet::new(), None::<u32>);
        for t in (0..end / 20).map(|k| Duration::from_millis(20 * k + phase)) {
            while let Some((at, seq, ts, marker)) = next.next_if(|a| a.0 <= t) {
                jb.push(at, seq, ts, marker, payload(seq));
                prop_assert!(jb.len() <= capacity);
            }
            let (ts, seq) = match jb.pop(t) {
                Playout::Frame { seq, rtp_ts, payload: p } => {
                    // The right payload and timestamp for that sequence number.
                    prop_assert_eq!(p, payload(seq));
                    let i = seq.wrapping_sub(seq0);
                    prop_assert_eq!(rtp_ts, ts0.wrapping_add(160 * u32::from(i)));
                    prop_assert!(played.insert(seq), "seq {} played twice", seq);
                    (rtp_ts, Some(seq))
                }
                Playout::Missing { rtp_ts, .. } => (rtp_ts, None),
                Playout::Empty => continue,
            };
            if let Some(prev) = last_ts {
                prop_assert!((ts.wrapping_sub(prev) as i32) > 0, "ts {} after {} (seq {:?})", ts, prev, seq);
            }
            last_ts = Some(ts);
            prop_assert!(jb.len() <= capacity);
        }
        let s = jb.stats();
        prop_assert!(s.played as usize <= distinct.len());
        prop_assert_eq!(s.played as usize, played.len());
        // Delays under 600 ms never look like a source restart.
        prop_assert_eq!(s.discarded, 0);
        check_accounting(&jb, 0);
        prop_assert!(s.target_delay_ms >= 20.0 && s.target_delay_ms <= 200.0);
    }

    #[test]
    fn arbitrary_input_never_panics_and_stays_bounded(
        ops in prop::collection::vec(
            (0u64..300, any::<bool>(), any::<u16>(), any::<u32>(), any::<bool>(), 0usize..4),
            1..300,
        ),
        capacity in 11usize..30,
    ) {
        let mut jb = JitterBuffer::new(config(capacity, 60)).unwrap();
        let (mut now, mut pushed) = (0u64, BTreeSet::new());
        for (dt, is_pop, seq, ts, marker, len) in ops {
            now += dt;
            let t = Duration::from_millis(now);
            if is_pop {
                let _ = jb.pop(t);
            } else {
                pushed.insert((seq, ts));
                jb.push(t, seq, ts, marker, vec![0xAB; len]);
            }
            prop_assert!(jb.len() <= capacity);
            check_accounting(&jb, 1);
        }
        prop_assert!(jb.stats().played as usize <= pushed.len());
    }

    #[test]
    fn extreme_times_never_panic(
        times in prop::collection::vec(any::<u64>(), 1..50),
        seqs in prop::collection::vec(any::<u16>(), 1..50),
    ) {
        let mut jb = JitterBuffer::new(JitterConfig::new(48_000, 960)).unwrap();
        for (i, (t, seq)) in times.iter().zip(seqs.iter().cycle()).enumerate() {
            let now = Duration::from_nanos(*t).saturating_mul(1_000_000);
            jb.push(now, *seq, (*t as u32).wrapping_mul(7), i % 3 == 0, vec![1]);
            let _ = jb.pop(now);
        }
        prop_assert!(jb.len() <= 50);
    }
}
