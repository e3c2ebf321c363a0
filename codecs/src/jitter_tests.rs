use super::*;

/// One packet on the wire: arrival time, seq, timestamp, marker.
pub(super) type Arrival = (Duration, u16, u32, bool);

pub(super) fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}

pub(super) fn payload(seq: u16) -> Bytes {
    Bytes::from(seq.to_be_bytes().to_vec())
}

/// Pushes every arrival due by each pop time (stably sorted by time), then pops.
pub(super) fn drive(
    jb: &mut JitterBuffer,
    mut arrivals: Vec<Arrival>,
    pops: impl IntoIterator<Item = Duration>,
) -> Vec<(Duration, Playout)> {
    arrivals.sort_by_key(|a| a.0);
    let mut next = arrivals.into_iter().peekable();
    let mut out = Vec::new();
    for t in pops {
        while let Some((at, seq, ts, marker)) = next.next_if(|a| a.0 <= t) {
            jb.push(at, seq, ts, marker, payload(seq));
        }
        out.push((t, jb.pop(t)));
    }
    out
}

/// Pop times every 20 ms from 0 to `end_ms` inclusive.
pub(super) fn every_20ms(end_ms: u64) -> impl Iterator<Item = Duration> {
    (0..=end_ms / 20).map(|k| ms(20 * k))
}

pub(super) fn frames(out: &[(Duration, Playout)]) -> Vec<u16> {
    out.iter()
        .filter_map(|(_, p)| match p {
            Playout::Frame { seq, .. } => Some(*seq),
            _ => None,
        })
        .collect()
}

/// 8 kHz, 20 ms, with the minimum delay raised to the initial 60 ms so a
/// jitter-free stream has nothing to shrink.
pub(super) fn steady() -> JitterBuffer {
    let config = JitterConfig {
        min_delay_ms: 60,
        ..JitterConfig::default()
    };
    JitterBuffer::new(config).unwrap()
}

/// Packet `i` sent at `20·i` ms, arriving `transit` ms later.
pub(super) fn stream(seqs: impl IntoIterator<Item = u16>, transit: u64) -> Vec<Arrival> {
    seqs.into_iter()
        .map(|i| {
            (
                ms(20 * u64::from(i) + transit),
                i,
                1000 + 160 * u32::from(i),
                i == 0,
            )
        })
        .collect()
}

#[test]
fn in_order_stream_plays_every_packet_once_in_order() {
    let mut jb = steady();
    let out = drive(&mut jb, stream(0..100, 0), every_20ms(2400));
    assert_eq!(frames(&out), (0..100).collect::<Vec<_>>());
    let s = jb.stats();
    assert_eq!(
        (
            s.received,
            s.played,
            s.late,
            s.duplicates,
            s.skipped,
            s.stretched
        ),
        (100, 100, 0, 0, 0, 0)
    );
    // Frames play back to back; after the last, 10 slots (200 ms) are
    // concealed, then the buffer goes quiet.
    assert_eq!(s.lost, 10);
    assert!(matches!(out.last(), Some((_, Playout::Empty))));
    assert_eq!(
        (s.current_delay_ms, s.target_delay_ms, s.jitter_ms),
        (60.0, 60.0, 0.0)
    );
}

#[test]
fn initial_delay_is_honoured() {
    let mut jb = JitterBuffer::new(JitterConfig::default()).unwrap();
    // First packet arrives at 5 ms: nothing before 65 ms, so the pop at 80.
    let out = drive(&mut jb, stream(0..10, 5), every_20ms(100));
    let first = out
        .iter()
        .position(|(_, p)| matches!(p, Playout::Frame { .. }));
    assert_eq!(first, Some(4));
    assert!(out[..4].iter().all(|(_, p)| *p == Playout::Empty));
    assert_eq!(
        out[4].1,
        Playout::Frame {
            seq: 0,
            rtp_ts: 1000,
            payload: payload(0)
        }
    );
    assert_eq!(jb.stats().current_delay_ms, 75.0); // 80 ms − 5 ms of transit
}

#[test]
fn reorder_within_the_delay_is_fixed() {
    let mut arrivals = stream(0..20, 0);
    // 3 arrives before 2 (2 is 25 ms late), 8 before 7.
    arrivals[2].0 = ms(65);
    arrivals[7].0 = ms(150);
    let mut jb = steady();
    let out = drive(&mut jb, arrivals, every_20ms(500));
    assert_eq!(frames(&out), (0..20).collect::<Vec<_>>());
    assert_eq!((jb.stats().late, jb.stats().played), (0, 20));
}

#[test]
fn duplicates_are_dropped_buffered_or_played() {
    let mut arrivals = stream(0..10, 0);
    arrivals.push((ms(21), 1, 1160, false)); // while 1 is buffered
    arrivals.push((ms(130), 0, 1000, false)); // after 0 was played at 60 ms
    let mut jb = steady();
    let out = drive(&mut jb, arrivals, every_20ms(300));
    assert_eq!(frames(&out), (0..10).collect::<Vec<_>>());
    let s = jb.stats();
    assert_eq!((s.received, s.duplicates, s.played, s.late), (12, 2, 10, 0));
}

#[test]
fn a_packet_after_its_slot_is_late_and_the_slot_was_missing() {
    let mut arrivals = stream(0..10, 0);
    arrivals[5].0 = ms(170); // seq 5's slot is the pop at 60 + 5·20 = 160 ms
    let mut jb = steady();
    let out = drive(&mut jb, arrivals, every_20ms(300));
    assert_eq!(
        out[8].1,
        Playout::Missing {
            rtp_ts: 1000 + 5 * 160,
            next: Some(payload(6))
        }
    );
    assert_eq!(frames(&out), vec![0, 1, 2, 3, 4, 6, 7, 8, 9]);
    let s = jb.stats();
    assert_eq!((s.late, s.played), (1, 9));
}

#[test]
fn sequence_and_timestamp_wrap_around() {
    // seq 65533.. and ts u32::MAX − 479..: seq 0 has ts 0.
    let seqs: Vec<u16> = (0..10u16).map(|i| 65533u16.wrapping_add(i)).collect();
    let mut arrivals: Vec<Arrival> = (0..10u32)
        .map(|i| {
            let ts = (u32::MAX - 479).wrapping_add(160 * i);
            (ms(20 * u64::from(i)), seqs[i as usize], ts, i == 0)
        })
        .collect();
    arrivals[3].0 = ms(85); // seq 0 (ts 0) after seq 1 (80 ms), before its slot (120 ms)
    assert_eq!((arrivals[3].1, arrivals[3].2), (0, 0));
    let mut jb = steady();
    let out = drive(&mut jb, arrivals, every_20ms(300));
    assert_eq!(frames(&out), seqs);
    let ts: Vec<u32> = out
        .iter()
        .filter_map(|(_, p)| match p {
            Playout::Frame { rtp_ts, .. } | Playout::Missing { rtp_ts, .. } => Some(*rtp_ts),
            Playout::Empty => None,
        })
        .collect();
    assert_eq!(&ts[2..5], &[u32::MAX - 159, 0, 160]);
    assert!(ts.windows(2).all(|w| (w[1].wrapping_sub(w[0]) as i32) > 0));
    assert_eq!(jb.stats().late, 0);
}

#[test]
fn rfc3550_jitter_of_an_alternating_transit() {
    // Transit alternates 0 / 10 ms: J → 10 ms (J_n = 10 · (1 − (15/16)^n)).
    let arrivals: Vec<Arrival> = (0..201u16)
        .map(|i| {
            (
                ms(20 * u64::from(i) + 10 * u64::from(i % 2)),
                i,
                160 * u32::from(i),
                false,
            )
        })
        .collect();
    let mut jb = steady();
    drive(&mut jb, arrivals, every_20ms(4000));
    let j = jb.stats().jitter_ms;
    assert!(
        (j - 10.0 * (1.0 - (15.0f64 / 16.0).powi(200))).abs() < 1e-9,
        "{j}"
    );
    // Target: max(3·10, p99 spread 10) + 20 = 50 ms, raised to the 60 minimum.
    assert_eq!(jb.stats().target_delay_ms, 60.0);
}

#[test]
fn without_jitter_the_delay_shrinks_to_the_minimum() {
    let mut jb = JitterBuffer::new(JitterConfig::default()).unwrap();
    let out = drive(&mut jb, stream(0..200, 5), every_20ms(4020));
    let s = jb.stats();
    // Starts at 75 ms; one frame skipped per 500 ms while at least a frame
    // above the 20 ms target: 75 → 55 → 35 (a further step would go below 20).
    assert_eq!(
        (s.target_delay_ms, s.current_delay_ms, s.skipped),
        (20.0, 35.0, 2)
    );
    assert_eq!((s.played, s.late, s.lost), (198, 0, 0));
    assert_eq!(frames(&out).len(), 198);
}
