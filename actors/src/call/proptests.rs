use super::tests::{cancel, start};
use super::*;
use proptest::prelude::*;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone)]
enum Step {
    Cancel,
    Reject(u16),
    Timer(u64),
    Failed,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::Cancel),
        any::<u16>().prop_map(Step::Reject),
        (0u64..120_000).prop_map(Step::Timer),
        Just(Step::Failed),
    ]
}

proptest! {
    /// Random inputs never panic, at most one final response goes out, and once the
    /// ring timer is due the call is always in a final state.
    #[test]
    fn random_inputs_end_in_a_final_state(steps in prop::collection::vec(step(), 0..12)) {
        let t0 = Instant::now(); // clock-ok: test code
        let mut now = t0;
        let mut call = start(now);
        let mut finals = 0;
        for s in steps {
            let input = match s {
                Step::Cancel => Input::Cancel(cancel()),
                Step::Reject(c) => Input::Reject(c),
                Step::Timer(ms) => {
                    now += Duration::from_millis(ms);
                    Input::Timer
                }
                Step::Failed => Input::TransactionFailed,
            };
            call.handle(now, input);
            while let Some(o) = call.poll_output() {
                if let Output::Respond(r) = &o {
                    if r.status.is_final() {
                        finals += 1;
                    }
                }
            }
        }
        prop_assert!(finals <= 1);
        if let Some(at) = call.poll_timeout() {
            call.handle(at, Input::Timer);
        }
        prop_assert!(call.state().is_final());
        prop_assert_eq!(call.poll_timeout(), None);
    }
}
