use super::*;
use proptest::prelude::*;
use EngineState::*;

#[test]
fn happy_path_with_pause() {
    let mut m: Lifecycle = Lifecycle::new();
    assert_eq!(m.state(), Stopped);
    assert_eq!(m.start(), Ok(Starting));
    assert_eq!(m.started(), Ok(Running));
    assert_eq!(m.pause(), Ok(Paused));
    assert_eq!(m.resume(), Ok(Running));
    assert_eq!(m.pause(), Ok(Paused));
    assert_eq!(m.stop(), Ok(Stopping));
    assert_eq!(m.stopped(), Ok(Stopped));
    assert_eq!(m.failure(), None);
}

#[test]
fn illegal_inputs_are_typed_and_leave_the_state() {
    let mut m: Lifecycle = Lifecycle::new();
    let err = m.pause().unwrap_err();
    assert_eq!(
        err,
        IllegalTransition {
            state: Stopped,
            input: LifecycleInput::Pause
        }
    );
    assert_eq!(m.stop().unwrap_err().input, LifecycleInput::Stop);
    assert_eq!(m.failed("x".into()).unwrap_err().state, Stopped);
    m.start().unwrap();
    assert_eq!(m.start().unwrap_err().state, Starting);
    assert_eq!(m.resume().unwrap_err().input, LifecycleInput::Resume);
    m.started().unwrap();
    assert_eq!(m.resume().unwrap_err().state, Running);
    assert_eq!(m.stopped().unwrap_err().state, Running);
    assert_eq!(m.state(), Running);
}

#[test]
fn failure_goes_to_stopping_and_keeps_the_first_reason() {
    let mut m: Lifecycle = Lifecycle::new();
    m.start().unwrap();
    assert_eq!(m.failed("bind".into()), Ok(Stopping));
    assert_eq!(m.failed("later".into()), Ok(Stopping));
    assert_eq!(m.failure().map(String::as_str), Some("bind"));
    assert_eq!(m.stopped(), Ok(Stopped));
    assert_eq!(m.failure().map(String::as_str), Some("bind"));
    m.start().unwrap();
    assert_eq!(m.failure(), None);
}

fn legal(from: EngineState, input: LifecycleInput, to: EngineState) -> bool {
    use LifecycleInput as I;
    matches!(
        (from, input, to),
        (Stopped, I::Start, Starting)
            | (Starting, I::Started, Running)
            | (Running, I::Pause, Paused)
            | (Paused, I::Resume, Running)
            | (Starting | Running | Paused, I::Stop, Stopping)
            | (Stopping, I::Stopped, Stopped)
            | (Starting | Running | Paused | Stopping, I::Failed, Stopping)
    )
}

fn any_input() -> impl Strategy<Value = LifecycleInput> {
    use LifecycleInput as I;
    prop_oneof![
        Just(I::Start),
        Just(I::Started),
        Just(I::Pause),
        Just(I::Resume),
        Just(I::Stop),
        Just(I::Stopped),
        Just(I::Failed),
    ]
}

proptest! {
    #[test]
    fn random_sequences_only_take_legal_transitions(inputs in proptest::collection::vec(any_input(), 0..64)) {
        let mut m: Lifecycle<u32> = Lifecycle::new();
        for (i, input) in inputs.into_iter().enumerate() {
            let from = m.state();
            let step = match input {
                LifecycleInput::Start => m.start(),
                LifecycleInput::Started => m.started(),
                LifecycleInput::Pause => m.pause(),
                LifecycleInput::Resume => m.resume(),
                LifecycleInput::Stop => m.stop(),
                LifecycleInput::Stopped => m.stopped(),
                LifecycleInput::Failed => m.failed(i as u32),
            };
            match step {
                Ok(to) => {
                    prop_assert!(legal(from, input, to), "{from:?} --{input:?}--> {to:?}");
                    prop_assert_eq!(m.state(), to);
                }
                Err(e) => {
                    prop_assert_eq!(e, IllegalTransition { state: from, input });
                    prop_assert_eq!(m.state(), from);
                    prop_assert!(![Stopped, Starting, Running, Paused, Stopping]
                        .into_iter()
                        .any(|to| legal(from, input, to)));
                }
            }
        }
    }
}
