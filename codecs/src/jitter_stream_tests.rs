//! Unit tests of the stream-level events: talkspurts, restarts, overflow,
//! and configuration errors.

use super::tests::{drive, every_20ms, frames, ms, payload, steady, stream};
use super::*;

#[test]
fn talkspurt_after_a_gap_reanchors_on_the_target() {
    let mut arrivals = stream(0..10, 0);
    // 1 s of DTX after seq 9, then a talkspurt: seq 10 with a marker, sent at
    // 1200 ms (ts + 1 s), arriving at 1203 ms.
    for i in 10..15u16 {
        let sent = 1200 + 20 * u64::from(i - 10);
        arrivals.push((ms(sent + 3), i, 1000 + 160 * u32::from(i) + 8000, i == 10));
    }
    let mut jb = steady();
    let out = drive(&mut jb, arrivals, every_20ms(2000));
    let at = |seq: u16| {
        out.iter()
            .find(|(_, p)| matches!(p, Playout::Frame { seq: s, .. } if *s == seq))
            .map(|(t, _)| *t)
    };
    assert_eq!(at(9), Some(ms(240)));
    // Concealed 200 ms (10 slots), then quiet until the fastest packet's
    // transit (0 ms) plus the 60 ms target: 1200 + 60 → the pop at 1260.
    assert_eq!(at(10), Some(ms(1260)));
    assert_eq!(frames(&out), (0..15).collect::<Vec<_>>());
    let s = jb.stats();
    assert_eq!((s.resyncs, s.late), (1, 0));
    assert!(out
        .iter()
        .filter(|(t, _)| *t >= ms(460) && *t < ms(1260))
        .all(|(_, p)| *p == Playout::Empty));
}

#[test]
fn a_source_restart_with_a_marker_resyncs_without_mixing_streams() {
    let mut arrivals = stream(0..10, 0);
    // At 200 ms the source restarts: seq 40000, a new timestamp base.
    for i in 0..10u16 {
        arrivals.push((
            ms(200 + 20 * u64::from(i)),
            40000 + i,
            7_777_777 + 160 * u32::from(i),
            i == 0,
        ));
    }
    let mut jb = steady();
    let out = drive(&mut jb, arrivals, every_20ms(700));
    let played = frames(&out);
    // 0..=6 played by 180 ms; 7, 8, 9 were buffered and are flushed.
    assert_eq!(&played[..7], &[0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(&played[7..], &(40000..40010).collect::<Vec<_>>()[..]);
    let s = jb.stats();
    assert_eq!((s.resyncs, s.discarded, s.late), (1, 3, 0));
    // Re-buffering for the 60 ms target: Empty at 200, 220, 240; 40000 at 260.
    let restart = out.iter().position(|(t, _)| *t == ms(200)).unwrap();
    assert!(out[restart..restart + 3]
        .iter()
        .all(|(_, p)| *p == Playout::Empty));
    assert!(matches!(
        out[restart + 3].1,
        Playout::Frame { seq: 40000, .. }
    ));
}

#[test]
fn a_single_stray_jump_is_discarded_two_confirm_a_restart() {
    let mut jb = steady();
    let mut arrivals = stream(0..10, 0);
    arrivals.push((ms(101), 20000, 5, false)); // stray
    let out = drive(&mut jb, arrivals, every_20ms(400));
    assert_eq!(frames(&out), (0..10).collect::<Vec<_>>());
    assert_eq!((jb.stats().discarded, jb.stats().resyncs), (1, 0));
    // Two consecutive jumped packets: the source restarted.
    jb.push(ms(401), 30000, 99, false, payload(1));
    jb.push(ms(421), 30001, 259, false, payload(2));
    assert_eq!((jb.stats().resyncs, jb.len()), (1, 2));
}

#[test]
fn overflow_drops_the_oldest_and_never_exceeds_capacity() {
    let config = JitterConfig {
        capacity_packets: 12,
        ..JitterConfig::default()
    };
    let mut jb = JitterBuffer::new(config).unwrap();
    for i in 0..15u16 {
        jb.push(ms(u64::from(i)), i, 160 * u32::from(i), false, payload(i));
        assert!(jb.len() <= 12);
    }
    assert_eq!((jb.len(), jb.stats().overflow), (12, 3));
    let played: Vec<u16> = (0..20u64)
        .filter_map(|k| match jb.pop(ms(100 + 20 * k)) {
            Playout::Frame { seq, .. } => Some(seq),
            _ => None,
        })
        .collect();
    assert_eq!(played.first(), Some(&3));
    assert!(played.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn config_errors_name_the_field() {
    let field = |c: JitterConfig| match c.validate() {
        Err(JitterConfigError::Invalid { field, .. }) => field,
        Ok(()) => "ok",
    };
    let d = JitterConfig::default;
    assert_eq!(field(d()), "ok");
    assert_eq!(field(JitterConfig::new(48000, 960)), "ok");
    assert_eq!(
        field(JitterConfig {
            clock_rate: 0,
            ..d()
        }),
        "clock_rate"
    );
    assert_eq!(
        field(JitterConfig {
            frame_samples: 0,
            ..d()
        }),
        "frame_samples"
    );
    assert_eq!(
        field(JitterConfig {
            min_delay_ms: 300,
            ..d()
        }),
        "min_delay_ms"
    );
    assert_eq!(
        field(JitterConfig {
            max_delay_ms: 0,
            ..d()
        }),
        "max_delay_ms"
    );
    assert_eq!(
        field(JitterConfig {
            initial_delay_ms: 10,
            ..d()
        }),
        "initial_delay_ms"
    );
    assert_eq!(
        field(JitterConfig {
            capacity_packets: 10,
            ..d()
        }),
        "capacity_packets"
    );
    let err = JitterBuffer::new(JitterConfig {
        capacity_packets: 0,
        ..d()
    })
    .unwrap_err();
    assert!(err.to_string().contains("`capacity_packets` = 0"), "{err}");
}
