//! The call limit, the single active call (hold, swap) and Paused.

use super::*;
use Decision as D;
use Input as I;

pub(super) const A: CallKey = CallKey(1);
pub(super) const B: CallKey = CallKey(2);
pub(super) const C: CallKey = CallKey(3);

pub(super) fn machine(cfg: AdmissionConfig) -> Admission {
    Admission::new(cfg).unwrap()
}

/// Feeds `inputs` and drains the decisions, checking each move against the table.
pub(super) fn feed(m: &mut Admission, inputs: &[Input]) -> Vec<Decision> {
    for i in inputs {
        m.handle(*i);
    }
    for mv in m.moves.drain(..) {
        assert!(
            table::is_legal(mv.0, mv.1, mv.2),
            "move not in the table: {mv:?}"
        );
    }
    std::iter::from_fn(|| m.poll_output()).collect()
}

/// A machine with `A` answered and active.
pub(super) fn one_active(cfg: AdmissionConfig) -> Admission {
    let mut m = machine(cfg);
    let out = feed(&mut m, &[I::IncomingOffered(A), I::AnswerRequested(A)]);
    assert_eq!(out, [D::Admit(A), D::Answer(A)]);
    assert_eq!(m.phase(A), Some(Phase::Active));
    m
}

#[test]
fn invalid_config_is_refused() {
    let cfg = AdmissionConfig {
        call_limit: 0,
        ..AdmissionConfig::default()
    };
    assert!(Admission::new(cfg).is_err());
}

#[test]
fn third_incoming_call_is_rejected_486_with_limit_two() {
    let mut m = one_active(AdmissionConfig::default());
    assert_eq!(feed(&mut m, &[I::IncomingOffered(B)]), [D::Admit(B)]);
    let out = feed(&mut m, &[I::IncomingOffered(C)]);
    let reject = D::Reject {
        key: C,
        status: 486,
        reason: RejectReason::CallLimit,
    };
    assert_eq!(out, [reject]);
    assert_eq!(m.phase(C), None);
    // Once one ends, a new call fits again.
    assert_eq!(
        feed(&mut m, &[I::CallEnded(B), I::IncomingOffered(C)]),
        [D::Admit(C)]
    );
}

#[test]
fn ignore_mode_sends_nothing_and_reports_missed() {
    let cfg = AdmissionConfig {
        call_limit: 1,
        over_limit: OverLimit::Ignore,
        ..AdmissionConfig::default()
    };
    let mut m = one_active(cfg);
    assert_eq!(
        feed(&mut m, &[I::IncomingOffered(B)]),
        [D::Ignore { key: B }]
    );
    assert_eq!(m.phase(B), None);
    // Later news of the ignored call is not about a known call.
    assert_eq!(feed(&mut m, &[I::CallEnded(B), I::AnswerRequested(B)]), []);
}

#[test]
fn dial_beyond_the_limit_is_refused() {
    let mut m = one_active(AdmissionConfig {
        call_limit: 1,
        ..AdmissionConfig::default()
    });
    let out = feed(&mut m, &[I::DialRequested(B)]);
    let error = AdmissionError::CallLimit { limit: 1 };
    assert_eq!(out, [D::Refuse { key: B, error }]);
    assert_eq!(m.phase(A), Some(Phase::Active));
}

#[test]
fn answering_a_second_call_holds_the_first() {
    let mut m = one_active(AdmissionConfig::default());
    let out = feed(&mut m, &[I::IncomingOffered(B), I::AnswerRequested(B)]);
    assert_eq!(out, [D::Admit(B), D::Hold(A)]);
    assert_eq!(m.phase(B), Some(Phase::Answering));
    assert_eq!(feed(&mut m, &[I::HoldDone(A)]), [D::Answer(B)]);
    assert_eq!(m.phase(A), Some(Phase::Held));
    assert_eq!(m.phase(B), Some(Phase::Active));
}

#[test]
fn dialling_while_active_holds_first_then_sends_the_invite() {
    let mut m = one_active(AdmissionConfig::default());
    assert_eq!(feed(&mut m, &[I::DialRequested(B)]), [D::Hold(A)]);
    assert_eq!(m.phase(B), Some(Phase::DialWaiting));
    assert_eq!(feed(&mut m, &[I::HoldDone(A)]), [D::Admit(B)]);
    assert_eq!(feed(&mut m, &[I::Connected(B)]), []);
    assert_eq!(m.phase(B), Some(Phase::Active));
}

#[test]
fn resume_on_the_held_call_swaps() {
    let mut m = one_active(AdmissionConfig::default());
    feed(
        &mut m,
        &[I::IncomingOffered(B), I::AnswerRequested(B), I::HoldDone(A)],
    );
    assert_eq!(feed(&mut m, &[I::ResumeRequested(A)]), [D::Hold(B)]);
    assert_eq!(m.phase(A), Some(Phase::ResumeWaiting));
    assert_eq!(feed(&mut m, &[I::HoldDone(B)]), [D::Resume(A)]);
    assert_eq!(feed(&mut m, &[I::ResumeDone(A)]), []);
    assert_eq!(m.phase(A), Some(Phase::Active));
    assert_eq!(m.phase(B), Some(Phase::Held));
}

#[test]
fn hold_and_resume_a_single_call() {
    let mut m = one_active(AdmissionConfig::default());
    assert_eq!(feed(&mut m, &[I::HoldRequested(A)]), [D::Hold(A)]);
    assert_eq!(feed(&mut m, &[I::HoldDone(A), I::HoldRequested(A)]), []);
    assert_eq!(feed(&mut m, &[I::ResumeRequested(A)]), [D::Resume(A)]);
    assert_eq!(feed(&mut m, &[I::ResumeFailed(A)]), []);
    assert_eq!(m.phase(A), Some(Phase::Held));
}

#[test]
fn a_failed_hold_refuses_the_waiting_answer_and_keeps_it_ringing() {
    let mut m = one_active(AdmissionConfig::default());
    feed(&mut m, &[I::IncomingOffered(B), I::AnswerRequested(B)]);
    let out = feed(&mut m, &[I::HoldFailed(A)]);
    let error = AdmissionError::HoldFailed;
    assert_eq!(out, [D::Refuse { key: B, error }]);
    assert_eq!(m.phase(A), Some(Phase::Active));
    assert_eq!(m.phase(B), Some(Phase::Incoming));
}

#[test]
fn the_held_call_ending_lets_the_waiting_request_proceed() {
    let mut m = one_active(AdmissionConfig::default());
    feed(&mut m, &[I::DialRequested(B)]);
    assert_eq!(feed(&mut m, &[I::CallEnded(A)]), [D::Admit(B)]);
    assert_eq!(m.phase(B), Some(Phase::Dialling));
}

#[test]
fn requests_during_a_switch_are_refused() {
    let mut m = machine(AdmissionConfig {
        call_limit: 3,
        ..AdmissionConfig::default()
    });
    feed(&mut m, &[I::IncomingOffered(A), I::DialRequested(B)]);
    assert_eq!(m.phase(B), Some(Phase::Dialling));
    let out = feed(&mut m, &[I::AnswerRequested(A)]);
    let error = AdmissionError::SwitchInProgress;
    assert_eq!(out, [D::Refuse { key: A, error }]);
    assert_eq!(m.phase(A), Some(Phase::Incoming));
    let out = feed(&mut m, &[I::HoldRequested(A)]);
    let error = AdmissionError::WrongPhase {
        phase: Phase::Incoming,
    };
    assert_eq!(out, [D::Refuse { key: A, error }]);
}

#[test]
fn paused_refuses_dial_but_keeps_calls() {
    let mut m = one_active(AdmissionConfig::default());
    let out = feed(&mut m, &[I::EnginePaused, I::DialRequested(B)]);
    let error = AdmissionError::Paused;
    assert_eq!(out, [D::Refuse { key: B, error }]);
    assert!(m.is_paused());
    assert_eq!(m.phase(A), Some(Phase::Active));
    // Calls in progress go on: incoming calls still ring, hold still works.
    let out = feed(&mut m, &[I::IncomingOffered(C), I::HoldRequested(A)]);
    assert_eq!(out, [D::Admit(C), D::Hold(A)]);
    assert_eq!(
        feed(
            &mut m,
            &[
                I::HoldDone(A),
                I::EngineResumed,
                I::CallEnded(C),
                I::DialRequested(B)
            ]
        ),
        [D::Admit(B)]
    );
}

#[test]
fn news_of_unknown_or_ended_calls_is_ignored() {
    let mut m = one_active(AdmissionConfig::default());
    let late = [
        I::HoldDone(B),
        I::ResumeDone(B),
        I::Connected(B),
        I::AnswerRequested(B),
        I::HoldRequested(B),
        I::CallEnded(B),
        I::IncomingOffered(A), // duplicate
        I::DialRequested(A),
    ];
    assert_eq!(feed(&mut m, &late), []);
    assert_eq!(feed(&mut m, &[I::CallEnded(A), I::HoldRequested(A)]), []);
    assert_eq!(m.calls().count(), 0);
}

#[test]
fn without_single_active_every_call_is_active_at_once() {
    let mut m = Admission::new(AdmissionConfig {
        call_limit: 3,
        single_active: false,
        ..AdmissionConfig::default()
    })
    .unwrap();
    for k in [CallKey(1), CallKey(2), CallKey(3)] {
        m.handle(Input::IncomingOffered(k));
        m.handle(Input::AnswerRequested(k));
    }
    let out: Vec<_> = std::iter::from_fn(|| m.poll_output()).collect();
    let answers = out
        .iter()
        .filter(|d| matches!(d, Decision::Answer(_)))
        .count();
    assert_eq!(answers, 3, "{out:?}");
    assert!(
        !out.iter().any(|d| matches!(d, Decision::Hold(_))),
        "{out:?}"
    );
    assert!(m.calls().all(|(_, p)| p == Phase::Active));
    m.handle(Input::IncomingOffered(CallKey(4)));
    assert!(matches!(m.poll_output(), Some(Decision::Reject { .. })));
}
