//! [`Admission`]: the machine, its state, and new calls (offers and dials).

use super::requests::Claim;
use super::table::Trigger;
use super::{
    AdmissionConfig, AdmissionConfigError, AdmissionError, CallKey, CellularState, Decision, Input,
    OverLimit, Phase, RejectReason,
};
use std::collections::{BTreeMap, VecDeque};

/// The call manager's admission machine (see the module docs for the rules).
#[derive(Debug)]
pub struct Admission {
    pub(super) cfg: AdmissionConfig,
    pub(super) calls: BTreeMap<CallKey, Phase>,
    pub(super) cellular: CellularState,
    paused: bool,
    pub(super) out: VecDeque<Decision>,
    /// Every move taken, for the table test.
    #[cfg(test)]
    pub(super) moves: Vec<super::table::Transition>,
}

impl Admission {
    /// A machine with no calls, the radio idle and the engine running.
    pub fn new(cfg: AdmissionConfig) -> Result<Admission, AdmissionConfigError> {
        cfg.validate()?;
        Ok(Admission {
            cfg,
            calls: BTreeMap::new(),
            cellular: CellularState::Idle,
            paused: false,
            out: VecDeque::new(),
            #[cfg(test)]
            moves: Vec::new(),
        })
    }

    /// The settings.
    pub fn config(&self) -> &AdmissionConfig {
        &self.cfg
    }

    /// Where `key` stands; `None` if it is not (or no longer) admitted.
    pub fn phase(&self, key: CallKey) -> Option<Phase> {
        self.calls.get(&key).copied()
    }

    /// The admitted calls and their phases, by key.
    pub fn calls(&self) -> impl Iterator<Item = (CallKey, Phase)> + '_ {
        self.calls.iter().map(|(k, p)| (*k, *p))
    }

    /// The radio, as last reported.
    pub fn cellular(&self) -> CellularState {
        self.cellular
    }

    /// Whether the engine is paused.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Feeds one input. Inputs about unknown calls, or that make no sense in the call's
    /// phase (a late HoldDone, a duplicate offer), are ignored.
    pub fn handle(&mut self, input: Input) {
        match input {
            Input::IncomingOffered(k) => self.on_offered(k),
            Input::DialRequested(k) => self.on_dial(k),
            Input::AnswerRequested(k) => self.on_answer(k),
            Input::HoldRequested(k) => self.on_hold(k),
            Input::ResumeRequested(k) => self.on_resume(k),
            Input::Connected(k) => {
                if self.phase(k) == Some(Phase::Dialling) {
                    self.set(k, Trigger::Connected, Some(Phase::Active));
                }
            }
            Input::HoldDone(k) => self.on_hold_done(k),
            Input::HoldFailed(k) => self.on_hold_failed(k),
            Input::ResumeDone(k) => self.on_resume_done(k),
            Input::ResumeFailed(k) => {
                if self.phase(k) == Some(Phase::Resuming) {
                    self.set(k, Trigger::ResumeFailed, Some(Phase::Held));
                }
            }
            Input::CallEnded(k) => {
                if self.calls.contains_key(&k) {
                    self.set(k, Trigger::Ended, None);
                }
            }
            Input::Cellular(ev) => self.on_cellular(ev),
            Input::EnginePaused => self.paused = true,
            Input::EngineResumed => self.paused = false,
        }
        self.advance();
    }

    /// The next decision, in order.
    pub fn poll_output(&mut self) -> Option<Decision> {
        self.out.pop_front()
    }

    fn on_offered(&mut self, k: CallKey) {
        if self.calls.contains_key(&k) {
            return;
        }
        if self.cellular == CellularState::Up {
            self.reject(k, RejectReason::CellularCall);
        } else if self.at_limit() {
            match self.cfg.over_limit {
                OverLimit::Ignore => self.out.push_back(Decision::Ignore { key: k }),
                _ => self.reject(k, RejectReason::CallLimit),
            }
        } else {
            self.set(k, Trigger::Offered, Some(Phase::Incoming));
            self.out.push_back(Decision::Admit(k));
        }
    }

    fn on_dial(&mut self, k: CallKey) {
        if self.calls.contains_key(&k) {
            return;
        }
        let refusal = if self.paused {
            Some(AdmissionError::Paused)
        } else if self.cellular == CellularState::Up {
            Some(AdmissionError::CellularCallActive)
        } else if self.at_limit() {
            Some(AdmissionError::CallLimit {
                limit: self.cfg.call_limit,
            })
        } else {
            None
        };
        if let Some(error) = refusal {
            return self.refuse(k, error);
        }
        match self.claim() {
            Claim::Free => {
                self.set(k, Trigger::Dial, Some(Phase::Dialling));
                self.out.push_back(Decision::Admit(k));
            }
            Claim::Wait => self.set(k, Trigger::Dial, Some(Phase::DialWaiting)),
            Claim::Busy => self.refuse(k, AdmissionError::SwitchInProgress),
        }
    }

    /// Whether a new call would go beyond the limit.
    fn at_limit(&self) -> bool {
        self.calls.len() >= usize::try_from(self.cfg.call_limit).unwrap_or(usize::MAX)
    }

    /// Lets the waiting request proceed once nothing is in the foreground.
    fn advance(&mut self) {
        if self.calls.values().any(|p| p.is_foreground()) {
            return;
        }
        let Some((k, p)) = self.calls().find(|(_, p)| p.is_waiting()) else {
            return;
        };
        let (to, decision) = match p {
            Phase::Answering => (Phase::Active, Decision::Answer(k)),
            Phase::DialWaiting => (Phase::Dialling, Decision::Admit(k)),
            _ => (Phase::Resuming, Decision::Resume(k)),
        };
        self.set(k, Trigger::SlotFree, Some(to));
        self.out.push_back(decision);
    }

    pub(super) fn reject(&mut self, k: CallKey, reason: RejectReason) {
        self.out.push_back(Decision::Reject {
            key: k,
            status: 486,
            reason,
        });
    }

    pub(super) fn refuse(&mut self, k: CallKey, error: AdmissionError) {
        self.out.push_back(Decision::Refuse { key: k, error });
    }

    /// Moves `k` to `to` (`None`: forgets it), recording the move.
    pub(super) fn set(&mut self, k: CallKey, trigger: Trigger, to: Option<Phase>) {
        let from = match to {
            Some(p) => self.calls.insert(k, p),
            None => self.calls.remove(&k),
        };
        #[cfg(test)]
        if from != to {
            self.moves.push((from, trigger, to));
        }
        let _ = (from, trigger);
    }
}
