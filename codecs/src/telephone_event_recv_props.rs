//! Receiver proptests: each digit reported once, in order, under loss,
//! duplication and reordering of the sender's real packets.

use crate::telephone_event_recv::{DigitEvent, DtmfReceiver};
use crate::telephone_event_recv_tests::{events, feed, send, ts};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rtp_rs::RtpReader;

/// Started timestamps in order, and the Ended report following each Started.
fn check_pairs(got: &[DigitEvent], sent_ts: &[u32]) -> Result<Vec<usize>, TestCaseError> {
    let mut order = Vec::new();
    let mut open: Option<u32> = None;
    for e in got {
        match *e {
            DigitEvent::Started { timestamp, .. } => {
                prop_assert!(open.is_none(), "started before the previous ended");
                let i = sent_ts.iter().position(|t| *t == timestamp).unwrap();
                prop_assert!(
                    order.last().is_none_or(|last| *last < i),
                    "out of order or twice"
                );
                order.push(i);
                open = Some(timestamp);
            }
            DigitEvent::Ended { timestamp, .. } => {
                prop_assert_eq!(open.take(), Some(timestamp));
            }
        }
    }
    prop_assert!(open.is_none());
    Ok(order)
}

/// The digits (event, duration ms) as sent by a `DtmfSender`: the plan, each
/// event's packets, and each event's timestamp.
#[allow(clippy::type_complexity)] // three parallel views of one send, for the checks
fn sent_for(digits: &[(u8, u32)], seed: u64) -> (Vec<(char, u32)>, Vec<Vec<Vec<u8>>>, Vec<u32>) {
    let plan: Vec<(char, u32)> = digits
        .iter()
        .map(|(e, ms)| (crate::event_to_digit(*e).unwrap(), *ms))
        .collect();
    let sent = send(seed, &plan);
    let sent_ts = sent.iter().map(|e| ts(&e[0])).collect();
    (plan, sent, sent_ts)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn each_digit_once_under_loss_and_duplication(
        digits in proptest::collection::vec((0u8..16, 40u32..200), 1..6),
        loss in 0.0..0.5f64,
        seed in any::<u64>(),
    ) {
        let (plan, sent, sent_ts) = sent_for(&digits, seed);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut rx = DtmfReceiver::new(8000);
        for event in &sent {
            let mut kept: Vec<&Vec<u8>> = Vec::new();
            for p in event {
                let end = RtpReader::new(p).unwrap().payload()[1] & 0x80 != 0;
                if end || !rng.gen_bool(loss) {
                    for _ in 0..rng.gen_range(1..=3) { kept.push(p); }
                }
            }
            // Reordering inside the event.
            for _ in 0..kept.len() / 2 {
                let i = rng.gen_range(0..kept.len());
                let j = rng.gen_range(0..kept.len());
                kept.swap(i, j);
            }
            for p in kept { feed(&mut rx, p); }
        }
        let got = events(&mut rx);
        let order = check_pairs(&got, &sent_ts)?;
        prop_assert_eq!(order, (0..sent.len()).collect::<Vec<_>>());
        for (e, (_, ms)) in got.iter().filter(|e| matches!(e, DigitEvent::Ended { .. })).zip(&plan) {
            let DigitEvent::Ended { duration_ms, .. } = e else { unreachable!() };
            prop_assert_eq!(*duration_ms, (*ms).max(40));
        }
    }

    #[test]
    fn at_most_once_and_in_order_under_any_loss_and_reordering(
        digits in proptest::collection::vec((0u8..16, 40u32..200), 1..6),
        loss in 0.0..1.0f64,
        seed in any::<u64>(),
    ) {
        let (_, sent, sent_ts) = sent_for(&digits, seed);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut all: Vec<&Vec<u8>> = Vec::new();
        for p in sent.iter().flatten() {
            if !rng.gen_bool(loss) {
                for _ in 0..rng.gen_range(1..=2) { all.push(p); }
            }
        }
        for i in 0..all.len() {
            let j = (i + rng.gen_range(0..8)).min(all.len() - 1);
            all.swap(i, j);
        }
        let mut rx = DtmfReceiver::new(8000);
        for p in &all { feed(&mut rx, p); }
        if let Some(deadline) = rx.poll_timeout() { rx.handle_timeout(deadline); }
        let got = events(&mut rx);
        let order = check_pairs(&got, &sent_ts)?;
        if all.is_empty() { prop_assert!(order.is_empty()); } else { prop_assert!(!order.is_empty()); }
    }
}
