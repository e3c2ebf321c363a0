//! [`Admission`]: the user's answer, hold and resume, and how a request claims the
//! foreground (holding the active call first).

use super::table::Trigger;
use super::{Admission, AdmissionError, CallKey, CellularState, Decision, Phase};

/// Whether a request that needs the foreground may proceed.
pub(super) enum Claim {
    /// Nothing is in the foreground: go ahead.
    Free,
    /// The foreground call is going on hold (a Hold may just have been queued): wait.
    Wait,
    /// A call is being set up or resumed, or another request already waits.
    Busy,
}

impl Admission {
    pub(super) fn on_answer(&mut self, k: CallKey) {
        match self.phase(k) {
            None | Some(Phase::Answering) => {}
            Some(Phase::Incoming) if self.cellular == CellularState::Up => {
                self.refuse(k, AdmissionError::CellularCallActive)
            }
            Some(Phase::Incoming) => match self.claim() {
                Claim::Free => {
                    self.set(k, Trigger::Answer, Some(Phase::Active));
                    self.out.push_back(Decision::Answer(k));
                }
                Claim::Wait => self.set(k, Trigger::Answer, Some(Phase::Answering)),
                Claim::Busy => self.refuse(k, AdmissionError::SwitchInProgress),
            },
            Some(phase) => self.refuse(k, AdmissionError::WrongPhase { phase }),
        }
    }

    pub(super) fn on_resume(&mut self, k: CallKey) {
        match self.phase(k) {
            None | Some(Phase::Active | Phase::Resuming | Phase::ResumeWaiting) => {}
            Some(Phase::Held | Phase::HeldByCellular) if self.cellular == CellularState::Up => {
                self.refuse(k, AdmissionError::CellularCallActive)
            }
            Some(Phase::Held) => match self.claim() {
                Claim::Free => {
                    self.set(k, Trigger::Resume, Some(Phase::Resuming));
                    self.out.push_back(Decision::Resume(k));
                }
                Claim::Wait => self.set(k, Trigger::Resume, Some(Phase::ResumeWaiting)),
                Claim::Busy => self.refuse(k, AdmissionError::SwitchInProgress),
            },
            Some(phase) => self.refuse(k, AdmissionError::WrongPhase { phase }),
        }
    }

    pub(super) fn on_hold(&mut self, k: CallKey) {
        let to = match self.phase(k) {
            None | Some(Phase::Held | Phase::Holding) => return,
            Some(Phase::Active) => {
                self.out.push_back(Decision::Hold(k));
                Phase::Holding
            }
            // The user takes over a hold the policy (or a swap) started.
            Some(Phase::HoldingForCellular) => Phase::Holding,
            Some(Phase::HeldByCellular | Phase::ResumeWaiting) => Phase::Held,
            Some(Phase::Resuming) => return self.refuse(k, AdmissionError::SwitchInProgress),
            Some(phase) => return self.refuse(k, AdmissionError::WrongPhase { phase }),
        };
        self.set(k, Trigger::Hold, Some(to));
    }

    /// Decides whether a request needing the foreground may go ahead, putting the active
    /// call on hold (queuing its [`Decision::Hold`]) when there is one.
    pub(super) fn claim(&mut self) -> Claim {
        if !self.cfg.single_active {
            return Claim::Free;
        }
        let mut active = None;
        let mut holding = false;
        for (k, p) in self.calls() {
            match p {
                Phase::Dialling | Phase::Resuming => return Claim::Busy,
                p if p.is_waiting() => return Claim::Busy,
                Phase::Active => active = Some(k),
                Phase::Holding | Phase::HoldingForCellular => holding = true,
                _ => {}
            }
        }
        if let Some(a) = active {
            self.set(a, Trigger::Displaced, Some(Phase::Holding));
            self.out.push_back(Decision::Hold(a));
            Claim::Wait
        } else if holding {
            Claim::Wait
        } else {
            Claim::Free
        }
    }
}
