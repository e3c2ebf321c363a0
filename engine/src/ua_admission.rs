//! The call manager's admission (DESIGN.md's CallManager policies): the UA core feeds
//! the sans-IO [`Admission`] machine what users ask (dial, answer, hold, resume), what
//! calls report ([`Progress`], their end), the cellular radio and Paused, and carries
//! out its [`Decision`]s on the call actors: let an INVITE go, answer, hold, resume,
//! end. A user's request that has to wait (answering while another call goes on hold)
//! gets its reply when its turn comes.

use super::Calls;
use crate::call::{CallCommand, CallMsg, Progress};
use crate::config::CallsConfig;
use crate::error::EngineError;
use ractor::RpcReplyPort;
use std::collections::BTreeMap;
use switchboard_actors::admission::{
    Admission, AdmissionError, CallKey, Decision, EndReason, Input,
};

type Reply = RpcReplyPort<Result<(), EngineError>>;

/// Admission and the calls it knows, by key and by Call-ID.
pub(crate) struct Gate {
    pub(crate) machine: Admission,
    pub(crate) cfg: CallsConfig,
    next: u64,
    keys: BTreeMap<CallKey, String>,
    by_call: BTreeMap<String, CallKey>,
    /// A user's request waiting for its turn (its reply).
    waiting: BTreeMap<CallKey, Reply>,
}

impl Default for Gate {
    fn default() -> Self {
        Gate::new(CallsConfig::default())
    }
}

impl Gate {
    /// A gate with these policies (validated with the engine's config; a bad limit
    /// falls back to the default rather than failing the UA core).
    pub(crate) fn new(cfg: CallsConfig) -> Gate {
        let machine = Admission::new(cfg.admission())
            .or_else(|_| Admission::new(CallsConfig::default().admission()));
        #[allow(clippy::expect_used)] // the default configuration is valid (unit-tested)
        let machine = machine.expect("default admission config is valid");
        Gate {
            machine,
            cfg,
            next: 0,
            keys: BTreeMap::new(),
            by_call: BTreeMap::new(),
            waiting: BTreeMap::new(),
        }
    }

    /// A fresh key for a new call.
    pub(crate) fn key(&mut self) -> CallKey {
        self.next += 1;
        CallKey(self.next)
    }

    /// Names `key`'s call.
    pub(crate) fn bind(&mut self, key: CallKey, call_id: &str) {
        self.keys.insert(key, call_id.to_owned());
        self.by_call.insert(call_id.to_owned(), key);
    }

    /// Feeds `input`; the decisions, in order.
    pub(crate) fn decide(&mut self, input: Input) -> Vec<Decision> {
        self.machine.handle(input);
        std::iter::from_fn(|| self.machine.poll_output()).collect()
    }
}

/// A reply port nobody waits on (decisions the user did not ask for, the UA core's own
/// hang-ups and unregistrations).
pub(crate) fn nobody<T: Send + 'static>() -> RpcReplyPort<T> {
    let (tx, _rx) = ractor::concurrency::oneshot();
    tx.into()
}

impl Calls {
    /// Carries out `decisions` on the call actors.
    pub(crate) fn carry_out(&mut self, decisions: Vec<Decision>) {
        for d in decisions {
            let key = d.key();
            let Some(actor) = self
                .gate
                .keys
                .get(&key)
                .and_then(|c| self.dialogs.get(c))
                .cloned()
            else {
                if let Some(reply) = self.gate.waiting.remove(&key) {
                    let _ = reply.send(Err(EngineError::CallRefused(AdmissionError::HoldFailed)));
                }
                continue;
            };
            let waiting = self.gate.waiting.remove(&key);
            let user = waiting.unwrap_or_else(nobody);
            let command = |command, reply| CallMsg::Command { command, reply };
            let sent = match d {
                Decision::Admit(_) => actor.cast(CallMsg::Proceed),
                Decision::Answer(_) => actor.cast(command(CallCommand::Answer, user)),
                Decision::Hold(_) => actor.cast(command(CallCommand::Hold, user)),
                Decision::Resume(_) => actor.cast(command(CallCommand::Resume, user)),
                Decision::End { reason, .. } => {
                    // A request of the user's waiting on this call: the call ends.
                    let refused = AdmissionError::CellularCallActive;
                    let _ = user.send(Err(EngineError::CallRefused(refused)));
                    actor.cast(CallMsg::End(reason))
                }
                Decision::Refuse { error, .. } => {
                    let _ = user.send(Err(EngineError::CallRefused(error)));
                    if self.gate.machine.phase(key).is_none() {
                        // A dial that waited for a hold which failed: it never starts.
                        let _ = actor.cast(CallMsg::End(EndReason::InternalError));
                    }
                    Ok(())
                }
                // Offers are decided where the INVITE arrives (`on_invite`).
                _ => Ok(()),
            };
            if sent.is_err() {
                tracing::debug!(?key, "decision for a call that is gone");
            }
        }
    }

    /// The user's `command` for a call admission knows: answer, hold and resume go
    /// through it (they may hold the active call first, or be refused). Gives the
    /// command back when it goes straight to the call (any other command, or a call
    /// admission does not know).
    pub(crate) fn gated(
        &mut self,
        call_id: &str,
        command: CallCommand,
        reply: Reply,
    ) -> Option<(CallCommand, Reply)> {
        let Some(&key) = self.gate.by_call.get(call_id) else {
            return Some((command, reply));
        };
        let input = match command {
            CallCommand::Answer => Input::AnswerRequested(key),
            CallCommand::Hold => Input::HoldRequested(key),
            CallCommand::Resume => Input::ResumeRequested(key),
            other => return Some((other, reply)),
        };
        if self.gate.waiting.contains_key(&key) {
            // A request of the user's already waits on this call (e.g. a second resume
            // while the first waits for the hold): refuse this one, keep that one.
            let _ = reply.send(Err(EngineError::CallRefused(
                AdmissionError::SwitchInProgress,
            )));
            return None;
        }
        self.gate.waiting.insert(key, reply);
        let decisions = self.gate.decide(input);
        self.carry_out(decisions);
        let waits = self.gate.machine.phase(key).is_some_and(|p| p.is_waiting());
        if !waits {
            // Nothing to send (e.g. taking over a hold already in place): done.
            if let Some(reply) = self.gate.waiting.remove(&key) {
                let _ = reply.send(Ok(()));
            }
        }
        None
    }

    /// A call reported `progress`.
    pub(crate) fn progress(&mut self, call_id: &str, progress: Progress) {
        if progress == Progress::Connected {
            self.confirmed(call_id);
        }
        let Some(&key) = self.gate.by_call.get(call_id) else {
            return;
        };
        let input = match progress {
            Progress::Connected => Input::Connected(key),
            Progress::HoldDone => Input::HoldDone(key),
            Progress::HoldFailed => Input::HoldFailed(key),
            Progress::ResumeDone => Input::ResumeDone(key),
            Progress::ResumeFailed => Input::ResumeFailed(key),
        };
        let decisions = self.gate.decide(input);
        self.carry_out(decisions);
    }

    /// Call `call_id` is over: admission forgets it (which may let a waiting request
    /// proceed).
    pub(crate) fn admission_ended(&mut self, call_id: &str) {
        let Some(key) = self.gate.by_call.remove(call_id) else {
            return;
        };
        self.gate.keys.remove(&key);
        if let Some(reply) = self.gate.waiting.remove(&key) {
            let _ = reply.send(Err(EngineError::UnknownCall {
                call_id: call_id.to_owned(),
            }));
        }
        let decisions = self.gate.decide(Input::CallEnded(key));
        self.carry_out(decisions);
    }

    /// The radio, or the engine's Paused state, changed.
    pub(crate) fn admission_input(&mut self, input: Input) {
        let decisions = self.gate.decide(input);
        self.carry_out(decisions);
    }
}
