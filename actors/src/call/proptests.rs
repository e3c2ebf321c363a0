use super::tests::cancel;
use super::tests_answer::{ack, answer_input, ringing, ANSWER_SDP};
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
    Answer,
    Ignore,
    Ack,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::Cancel),
        any::<u16>().prop_map(Step::Reject),
        (0u64..120_000).prop_map(Step::Timer),
        Just(Step::Failed),
        Just(Step::Answer),
        Just(Step::Ignore),
        Just(Step::Ack),
    ]
}

proptest! {
    /// Random inputs never panic, only [`INCOMING_TRANSITIONS`] happen, at most one final
    /// response goes out (a 2xx and its retransmissions count once), and once the timers
    /// run out the call is always in a final state.
    #[test]
    fn random_inputs_end_in_a_final_state(steps in prop::collection::vec(step(), 0..12)) {
        let t0 = Instant::now(); // clock-ok: test code
        let mut now = t0;
        let mut call = ringing(now);
        let mut first_final = None;
        for s in steps {
            let input = match s {
                Step::Cancel => Input::Cancel(cancel()),
                Step::Reject(c) => Input::Reject(c),
                Step::Timer(ms) => {
                    now += Duration::from_millis(ms);
                    Input::Timer
                }
                Step::Failed => Input::TransactionFailed,
                Step::Answer => answer_input(ANSWER_SDP),
                Step::Ignore => Input::Ignore,
                Step::Ack => Input::Ack(ack(call.to_tag())),
            };
            let before = call.state().name();
            call.handle(now, input);
            let after = call.state().name();
            prop_assert!(before == after || INCOMING_TRANSITIONS.contains(&(before, after)));
            while let Some(o) = call.poll_output() {
                if let Output::Respond(r) = &o {
                    if r.status.is_final() {
                        match first_final {
                            // Only a 2xx is sent again (retransmission until the ACK).
                            Some(f) => prop_assert!(f == 200 && r.status.as_u16() == 200),
                            None => first_final = Some(r.status.as_u16()),
                        }
                    }
                }
            }
        }
        for _ in 0..100 {
            let Some(at) = call.poll_timeout() else { break };
            call.handle(at, Input::Timer);
        }
        prop_assert!(call.state().is_final());
        prop_assert_eq!(call.poll_timeout(), None);
    }
}
