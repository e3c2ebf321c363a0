//! The mix-minus: worked numbers, clipping, absent parties, and a proptest.

use crate::mixer::{Mixer, MixerError};
use proptest::prelude::*;

#[test]
fn three_parties_each_hear_the_other_two() {
    let mut m = Mixer::new(3, 4);
    m.push(0, &[100, -200, 300, 0]).unwrap();
    m.push(1, &[10, 20, -30, 40]).unwrap();
    m.push(2, &[1, 2, 3, -4]).unwrap();
    assert_eq!(
        m.mix(),
        [
            vec![11, 22, -27, 36],    // 1 + 2
            vec![101, -198, 303, -4], // 0 + 2
            vec![110, -180, 270, 40], // 0 + 1
        ]
    );
}

#[test]
fn sums_clip_at_the_16_bit_limits() {
    let mut m = Mixer::new(3, 3);
    m.push(0, &[30_000, -30_000, 20_000]).unwrap();
    m.push(1, &[30_000, -30_000, -20_000]).unwrap();
    m.push(2, &[2_767, -2_768, 0]).unwrap();
    let out = m.mix();
    // 30000 + 2767 = 32767 exactly; 30000 + 30000 clips; -30000 - 2768 = -32768.
    assert_eq!(out[0], [32_767, -32_768, -20_000]);
    assert_eq!(out[2], [32_767, -32_768, 0]);
    // Clipping is of the others' sum: party 2's own loud voice is not in it.
    m.push(0, &[i16::MAX, 0, 0]).unwrap();
    m.push(1, &[i16::MIN, 0, 0]).unwrap();
    m.push(2, &[i16::MAX, 0, 0]).unwrap();
    assert_eq!(m.mix()[2], [-1, 0, 0]);
}

#[test]
fn own_voice_is_never_heard() {
    let mut m = Mixer::new(4, 2);
    m.push(3, &[1234, -1234]).unwrap();
    let out = m.mix();
    assert_eq!(out[3], [0, 0]);
    assert!(out[..3].iter().all(|o| o == &[1234, -1234]));
}

#[test]
fn a_party_without_a_frame_is_silent_and_still_hears() {
    let mut m = Mixer::new(3, 2);
    m.push(0, &[5, 6]).unwrap();
    m.push(1, &[7, 8]).unwrap();
    m.mix();
    // Next tick only party 0 speaks: last tick's frame of party 1 is gone.
    m.push(0, &[1, 1]).unwrap();
    assert!(m.has_frame(0) && !m.has_frame(1));
    assert_eq!(m.mix(), [vec![0, 0], vec![1, 1], vec![1, 1]]);
    assert!(!m.has_frame(0));
    // A second push in one tick replaces the first.
    m.push(2, &[9, 9]).unwrap();
    m.push(2, &[3, 3]).unwrap();
    assert_eq!(m.mix()[0], [3, 3]);
}

#[test]
fn bad_pushes_are_refused() {
    let mut m = Mixer::new(2, 160);
    assert_eq!(
        m.push(2, &[0; 160]),
        Err(MixerError::NoSuchParty {
            party: 2,
            parties: 2
        })
    );
    assert_eq!(
        m.push(1, &[0; 80]),
        Err(MixerError::FrameLength {
            party: 1,
            len: 80,
            expected: 160
        })
    );
    assert_eq!((m.parties(), m.frame_samples()), (2, 160));
    assert!(Mixer::new(0, 160).mix().is_empty());
}

proptest! {
    #[test]
    fn output_is_the_saturated_sum_of_the_others(
        frames in proptest::collection::vec(
            proptest::option::of(proptest::collection::vec(any::<i16>(), 8)), 1..6),
    ) {
        let mut m = Mixer::new(frames.len(), 8);
        for (p, f) in frames.iter().enumerate() {
            if let Some(f) = f { m.push(p, f).unwrap(); }
        }
        let out = m.mix();
        for (i, heard) in out.iter().enumerate() {
            for (k, s) in heard.iter().enumerate() {
                let sum: i32 = frames.iter().enumerate()
                    .filter(|(j, _)| *j != i)
                    .filter_map(|(_, f)| f.as_ref().map(|f| i32::from(f[k])))
                    .sum();
                prop_assert_eq!(i32::from(*s), sum.clamp(-32768, 32767));
            }
        }
    }
}
