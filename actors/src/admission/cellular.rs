//! [`Admission`]: the re-INVITE outcomes (hold/resume done or failed) and the cellular
//! radio's events, where the policy applies.

use super::table::Trigger;
use super::{
    Admission, AdmissionError, CallKey, CellularEvent, CellularPolicy, CellularState, Decision,
    EndReason, Phase, RejectReason,
};

impl Admission {
    fn cellular_up(&self) -> bool {
        self.cellular == CellularState::Up
    }

    fn waiter(&self) -> Option<(CallKey, Phase)> {
        self.calls().find(|(_, p)| p.is_waiting())
    }

    fn end(&mut self, k: CallKey, trigger: Trigger) {
        self.set(k, trigger, None);
        self.out.push_back(Decision::End {
            key: k,
            reason: EndReason::CellularCall,
        });
    }

    pub(super) fn on_hold_done(&mut self, k: CallKey) {
        let to = match self.phase(k) {
            Some(Phase::Holding) => Phase::Held,
            Some(Phase::HoldingForCellular) if self.cellular_up() => Phase::HeldByCellular,
            // The cellular call ended before the hold finished: the policy applies now,
            // unless the user asked for something else meanwhile.
            Some(Phase::HoldingForCellular)
                if self.cfg.cellular == CellularPolicy::HoldAndResume
                    && self.waiter().is_none() =>
            {
                self.out.push_back(Decision::Resume(k));
                Phase::Resuming
            }
            Some(Phase::HoldingForCellular) => Phase::Held,
            _ => return,
        };
        self.set(k, Trigger::HoldDone, Some(to));
    }

    pub(super) fn on_hold_failed(&mut self, k: CallKey) {
        if !matches!(
            self.phase(k),
            Some(Phase::Holding | Phase::HoldingForCellular)
        ) {
            return;
        }
        if self.cellular_up() {
            // It cannot stay in conversation during a cellular call.
            return self.end(k, Trigger::HoldFailed);
        }
        self.set(k, Trigger::HoldFailed, Some(Phase::Active));
        let Some((w, p)) = self.waiter() else {
            return;
        };
        let back = match p {
            Phase::Answering => Some(Phase::Incoming),
            Phase::ResumeWaiting => Some(Phase::Held),
            _ => None,
        };
        self.set(w, Trigger::SlotLost, back);
        self.refuse(w, AdmissionError::HoldFailed);
    }

    pub(super) fn on_resume_done(&mut self, k: CallKey) {
        if self.phase(k) != Some(Phase::Resuming) {
            return;
        }
        if self.cellular_up() {
            // Only a hold policy leaves a call resuming while a cellular call is up.
            self.set(k, Trigger::ResumeDone, Some(Phase::HoldingForCellular));
            self.out.push_back(Decision::Hold(k));
        } else {
            self.set(k, Trigger::ResumeDone, Some(Phase::Active));
        }
    }

    pub(super) fn on_cellular(&mut self, ev: CellularEvent) {
        match (ev, self.cellular) {
            (CellularEvent::Ringing, CellularState::Idle) => {
                self.cellular = CellularState::Ringing;
            }
            (CellularEvent::Answered, CellularState::Idle | CellularState::Ringing) => {
                self.cellular = CellularState::Up;
                self.on_cellular_answered();
            }
            (CellularEvent::Ended, CellularState::Up) => {
                self.cellular = CellularState::Idle;
                self.on_cellular_ended();
            }
            (CellularEvent::Ended, _) => self.cellular = CellularState::Idle,
            _ => {}
        }
    }

    fn on_cellular_answered(&mut self) {
        let hold = self.cfg.cellular != CellularPolicy::EndCall;
        let calls: Vec<_> = self.calls().collect();
        for (k, p) in calls {
            let t = Trigger::CellularAnswered;
            match p {
                Phase::Incoming | Phase::Answering => {
                    self.set(k, t, None);
                    self.reject(k, RejectReason::CellularCall);
                }
                Phase::DialWaiting => {
                    self.set(k, t, None);
                    self.refuse(k, AdmissionError::CellularCallActive);
                }
                Phase::ResumeWaiting => self.set(k, t, Some(Phase::Held)),
                Phase::Active if hold => {
                    self.set(k, t, Some(Phase::HoldingForCellular));
                    self.out.push_back(Decision::Hold(k));
                }
                // Held after ResumeDone (see `on_resume_done`).
                Phase::Resuming if hold => {}
                Phase::Dialling | Phase::Active | Phase::Resuming => self.end(k, t),
                Phase::Holding
                | Phase::Held
                | Phase::HoldingForCellular
                | Phase::HeldByCellular => {}
            }
        }
    }

    fn on_cellular_ended(&mut self) {
        let held: Vec<_> = self
            .calls()
            .filter(|(_, p)| *p == Phase::HeldByCellular)
            .map(|(k, _)| k)
            .collect();
        for k in held {
            let resume = self.cfg.cellular == CellularPolicy::HoldAndResume
                && !self
                    .calls
                    .values()
                    .any(|p| p.is_foreground() || p.is_waiting());
            if resume {
                self.set(k, Trigger::CellularEnded, Some(Phase::Resuming));
                self.out.push_back(Decision::Resume(k));
            } else {
                self.set(k, Trigger::CellularEnded, Some(Phase::Held));
            }
        }
    }
}
