//! Random input sequences: the invariants hold after every step, every move is in the
//! table, and every table entry is reachable.

use super::table::{Transition, TRANSITIONS};
use super::*;
use proptest::prelude::*;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;

const POLICIES: [CellularPolicy; 3] = [
    CellularPolicy::EndCall,
    CellularPolicy::HoldAndResume,
    CellularPolicy::HoldAndLeave,
];

/// Input number `kind % 17` about `CallKey(key)`.
fn input(kind: u8, key: u8) -> Input {
    let k = CallKey(u64::from(key));
    match kind % 17 {
        0 => Input::IncomingOffered(k),
        1 => Input::DialRequested(k),
        2 => Input::AnswerRequested(k),
        3 => Input::HoldRequested(k),
        4 => Input::ResumeRequested(k),
        5 => Input::Connected(k),
        6 => Input::HoldDone(k),
        7 => Input::HoldFailed(k),
        8 => Input::ResumeDone(k),
        9 => Input::ResumeFailed(k),
        10 => Input::CallEnded(k),
        11 => Input::Cellular(CellularEvent::Ringing),
        12 => Input::Cellular(CellularEvent::Answered),
        13 => Input::Cellular(CellularEvent::Ended),
        14 => Input::EnginePaused,
        15 => Input::EngineResumed,
        _ => Input::IncomingOffered(k),
    }
}

/// Feeds one input and checks everything; returns the decisions.
fn step(m: &mut Admission, i: Input, moves: &mut BTreeSet<Transition>) -> Vec<Decision> {
    let before: BTreeSet<CallKey> = m.calls().map(|(k, _)| k).collect();
    m.handle(i);
    let out: Vec<Decision> = std::iter::from_fn(|| m.poll_output()).collect();
    for mv in m.moves.drain(..) {
        assert!(table::is_legal(mv.0, mv.1, mv.2), "illegal move {mv:?}");
        moves.insert(mv);
    }
    let fresh = match i {
        Input::IncomingOffered(k) | Input::DialRequested(k) => Some(k),
        _ => None,
    };
    let mut finished = BTreeSet::new();
    for d in &out {
        let k = d.key();
        assert!(
            before.contains(&k) || fresh == Some(k),
            "{d:?} about unknown call"
        );
        assert!(!finished.contains(&k), "{d:?} after the call was finished");
        let terminal = match d {
            Decision::End { .. } | Decision::Reject { .. } | Decision::Ignore { .. } => true,
            Decision::Refuse { .. } => m.phase(k).is_none(),
            _ => false,
        };
        if terminal {
            assert_eq!(m.phase(k), None, "{d:?} but the call is still tracked");
            finished.insert(k);
        }
    }
    check_invariants(m);
    out
}

fn check_invariants(m: &Admission) {
    let phases: Vec<Phase> = m.calls().map(|(_, p)| p).collect();
    let count = |f: fn(Phase) -> bool| phases.iter().filter(|p| f(**p)).count();
    let limit = usize::try_from(m.config().call_limit).unwrap();
    assert!(phases.len() <= limit, "over the limit: {phases:?}");
    assert!(count(|p| p == Phase::Active) <= 1, "two active: {phases:?}");
    assert!(
        count(Phase::is_foreground) <= 1,
        "two foreground: {phases:?}"
    );
    assert!(count(Phase::is_waiting) <= 1, "two waiting: {phases:?}");
    if count(Phase::is_waiting) == 1 {
        let holding = count(|p| matches!(p, Phase::Holding | Phase::HoldingForCellular));
        assert_eq!(holding, 1, "a request waits for nothing: {phases:?}");
    }
    let up = m.cellular() == CellularState::Up;
    if up {
        assert_eq!(count(|p| p == Phase::Active), 0, "active during cellular");
        assert_eq!(count(|p| matches!(p, Phase::Incoming) || p.is_waiting()), 0);
    } else {
        assert_eq!(count(|p| p == Phase::HeldByCellular), 0, "{phases:?}");
    }
    if m.config().cellular == CellularPolicy::EndCall {
        let by_cell = count(|p| matches!(p, Phase::HoldingForCellular | Phase::HeldByCellular));
        assert_eq!(by_cell, 0, "EndCall holds nothing: {phases:?}");
    }
}

fn config() -> impl Strategy<Value = AdmissionConfig> {
    (1u32..4, any::<bool>(), 0usize..3).prop_map(|(call_limit, ignore, p)| AdmissionConfig {
        call_limit,
        over_limit: if ignore {
            OverLimit::Ignore
        } else {
            OverLimit::Reject486
        },
        cellular: POLICIES[p],
        single_active: true,
    })
}

proptest! {
    /// Never panics; the call limit, one active call, no decision about an unknown or
    /// finished call, nothing active during a cellular call; every move in the table.
    #[test]
    fn random_inputs_keep_the_invariants(
        cfg in config(),
        inputs in prop::collection::vec((0u8..17, 0u8..5), 0..60),
    ) {
        let mut m = Admission::new(cfg).unwrap();
        let mut moves = BTreeSet::new();
        for (kind, key) in inputs {
            step(&mut m, input(kind, key), &mut moves);
        }
    }
}

/// A long seeded walk where the shell answers the machine's requests a quarter of the time:
/// every entry of the table is taken at least once (no dead entries).
#[test]
fn every_table_entry_is_reachable() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut moves = BTreeSet::new();
    for round in 0..30u32 {
        let cfg = AdmissionConfig {
            call_limit: 1 + round % 3,
            cellular: POLICIES[usize::try_from(round % 3).unwrap()],
            ..AdmissionConfig::default()
        };
        let mut m = Admission::new(cfg).unwrap();
        let mut pending: Vec<Decision> = Vec::new();
        for _ in 0..5_000 {
            let pick = usize::try_from(rng.next_u32()).unwrap();
            let i = match pending.get(pick % pending.len().max(1)) {
                Some(d) if rng.next_u32() % 4 == 0 => {
                    let fail = rng.next_u32() % 4 == 0;
                    match (*d, fail) {
                        (Decision::Hold(k), false) => Input::HoldDone(k),
                        (Decision::Hold(k), true) => Input::HoldFailed(k),
                        (Decision::Resume(k), false) => Input::ResumeDone(k),
                        (Decision::Resume(k), true) => Input::ResumeFailed(k),
                        (d, false) => Input::Connected(d.key()),
                        (d, true) => Input::CallEnded(d.key()),
                    }
                }
                _ => input((rng.next_u32() % 17) as u8, (rng.next_u32() % 4) as u8),
            };
            pending.retain(|d| !matches!(i, Input::HoldDone(k) | Input::HoldFailed(k) | Input::ResumeDone(k) | Input::ResumeFailed(k) | Input::CallEnded(k) | Input::Connected(k) if k == d.key()));
            pending.extend(step(&mut m, i, &mut moves).into_iter().filter(|d| {
                matches!(
                    d,
                    Decision::Hold(_) | Decision::Resume(_) | Decision::Admit(_)
                )
            }));
        }
    }
    let missing: Vec<_> = TRANSITIONS.iter().filter(|t| !moves.contains(t)).collect();
    assert!(missing.is_empty(), "never taken: {missing:?}");
}
