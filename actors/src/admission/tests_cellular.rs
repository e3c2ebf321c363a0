//! The cellular interruption policies.

use super::tests::{feed, machine, one_active, A, B};
use super::*;
use Decision as D;
use Input as I;

fn policy(cellular: CellularPolicy) -> AdmissionConfig {
    AdmissionConfig {
        cellular,
        ..AdmissionConfig::default()
    }
}

const ANSWERED: Input = I::Cellular(CellularEvent::Answered);
const ENDED: Input = I::Cellular(CellularEvent::Ended);
const RINGING: Input = I::Cellular(CellularEvent::Ringing);

#[test]
fn cellular_ringing_changes_nothing() {
    let mut m = one_active(AdmissionConfig::default());
    assert_eq!(feed(&mut m, &[RINGING]), []);
    assert_eq!(m.cellular(), CellularState::Ringing);
    assert_eq!(m.phase(A), Some(Phase::Active));
    // New calls still come in and go out while it rings.
    assert_eq!(feed(&mut m, &[I::IncomingOffered(B)]), [D::Admit(B)]);
    // A missed cellular call changes nothing either.
    assert_eq!(feed(&mut m, &[ENDED]), []);
    assert_eq!(m.cellular(), CellularState::Idle);
}

#[test]
fn cellular_answered_ends_the_call_by_default() {
    let mut m = one_active(AdmissionConfig::default());
    let out = feed(&mut m, &[RINGING, ANSWERED]);
    let reason = EndReason::CellularCall;
    assert_eq!(out, [D::End { key: A, reason }]);
    assert_eq!(m.phase(A), None);
    assert_eq!(feed(&mut m, &[ENDED, I::CallEnded(A)]), []);
}

#[test]
fn cellular_answered_with_hold_and_resume() {
    let mut m = one_active(policy(CellularPolicy::HoldAndResume));
    assert_eq!(feed(&mut m, &[ANSWERED]), [D::Hold(A)]);
    assert_eq!(feed(&mut m, &[I::HoldDone(A)]), []);
    assert_eq!(m.phase(A), Some(Phase::HeldByCellular));
    let error = AdmissionError::CellularCallActive;
    let out = feed(&mut m, &[I::ResumeRequested(A)]);
    assert_eq!(out, [D::Refuse { key: A, error }]);
    assert_eq!(feed(&mut m, &[ENDED]), [D::Resume(A)]);
    assert_eq!(feed(&mut m, &[I::ResumeDone(A)]), []);
    assert_eq!(m.phase(A), Some(Phase::Active));
}

#[test]
fn cellular_answered_with_hold_and_leave() {
    let mut m = one_active(policy(CellularPolicy::HoldAndLeave));
    assert_eq!(
        feed(&mut m, &[ANSWERED, I::HoldDone(A), ENDED]),
        [D::Hold(A)]
    );
    assert_eq!(m.phase(A), Some(Phase::Held));
    assert_eq!(feed(&mut m, &[I::ResumeRequested(A)]), [D::Resume(A)]);
}

#[test]
fn cellular_ending_before_the_hold_finishes_still_resumes() {
    let mut m = one_active(policy(CellularPolicy::HoldAndResume));
    feed(&mut m, &[ANSWERED, ENDED]);
    assert_eq!(feed(&mut m, &[I::HoldDone(A)]), [D::Resume(A)]);
    assert_eq!(m.phase(A), Some(Phase::Resuming));
}

#[test]
fn a_failed_hold_for_cellular_ends_the_call() {
    let mut m = one_active(policy(CellularPolicy::HoldAndLeave));
    feed(&mut m, &[ANSWERED]);
    let out = feed(&mut m, &[I::HoldFailed(A)]);
    let reason = EndReason::CellularCall;
    assert_eq!(out, [D::End { key: A, reason }]);
}

#[test]
fn a_user_hold_during_cellular_is_not_resumed() {
    let mut m = one_active(policy(CellularPolicy::HoldAndResume));
    feed(&mut m, &[ANSWERED, I::HoldDone(A)]);
    assert_eq!(feed(&mut m, &[I::HoldRequested(A), ENDED]), []);
    assert_eq!(m.phase(A), Some(Phase::Held));
}

#[test]
fn dial_during_cellular_is_refused() {
    let mut m = machine(AdmissionConfig::default());
    let out = feed(&mut m, &[ANSWERED, I::DialRequested(A)]);
    let error = AdmissionError::CellularCallActive;
    assert_eq!(out, [D::Refuse { key: A, error }]);
    assert_eq!(feed(&mut m, &[ENDED, I::DialRequested(A)]), [D::Admit(A)]);
}

#[test]
fn incoming_during_cellular_is_rejected_486_and_missed() {
    // Even in ignore mode: the cellular rule always answers 486.
    let mut m = machine(AdmissionConfig {
        over_limit: OverLimit::Ignore,
        ..AdmissionConfig::default()
    });
    let out = feed(&mut m, &[ANSWERED, I::IncomingOffered(A)]);
    let reason = RejectReason::CellularCall;
    let reject = D::Reject {
        key: A,
        status: 486,
        reason,
    };
    assert_eq!(out, [reject]);
    assert_eq!(EndReason::from(reason), EndReason::CellularCall);
    assert_eq!(m.calls().count(), 0);
}

#[test]
fn cellular_answered_turns_away_ringing_and_dialling_calls() {
    let mut m = machine(policy(CellularPolicy::HoldAndResume));
    let out = feed(
        &mut m,
        &[I::IncomingOffered(A), I::DialRequested(B), ANSWERED],
    );
    let reject = D::Reject {
        key: A,
        status: 486,
        reason: RejectReason::CellularCall,
    };
    let end = D::End {
        key: B,
        reason: EndReason::CellularCall,
    };
    assert_eq!(out, [D::Admit(A), D::Admit(B), reject, end]);
    assert_eq!(m.calls().count(), 0);
}

#[test]
fn cellular_answered_during_a_swap_keeps_the_hold_and_drops_the_answer() {
    let mut m = one_active(AdmissionConfig::default());
    feed(&mut m, &[I::IncomingOffered(B), I::AnswerRequested(B)]);
    let out = feed(&mut m, &[ANSWERED]);
    let reject = D::Reject {
        key: B,
        status: 486,
        reason: RejectReason::CellularCall,
    };
    assert_eq!(out, [reject]);
    assert_eq!(feed(&mut m, &[I::HoldDone(A)]), []);
    assert_eq!(m.phase(A), Some(Phase::Held));
}
