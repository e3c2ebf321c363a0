//! The [`CallActor`](crate::call::CallActor)'s side of admission: the INVITE waits
//! for [`CallMsg::Proceed`]; admission may end the call with its own reason
//! ([`CallMsg::End`]: a cellular call); holds and resumes report how they settled
//! ([`Progress`]); and the call's state for `Call::is_on_hold`.

use crate::call::{established, CallMsg, CallSnapshot, CallState, Machine, Progress};
use crate::ua::UaMsg;
use ractor::ActorRef;
use switchboard_actors::admission::EndReason;
use switchboard_actors::call::{EstablishedInput, Input, OutgoingInput};

impl CallState {
    /// Admission's messages; `None` when `msg` is not one of them.
    pub(crate) async fn on_gate(
        &mut self,
        myself: &ActorRef<CallMsg>,
        msg: CallMsg,
    ) -> Option<CallMsg> {
        match msg {
            CallMsg::Proceed => {
                if !self.admitted && matches!(self.machine, Machine::Out(_)) {
                    self.admitted = true;
                    self.emit("connecting", None, None);
                    self.feed_out(myself, Some(OutgoingInput::Start)).await;
                }
            }
            CallMsg::End(reason) => self.end_for(myself, reason).await,
            CallMsg::Relocate(moved) => self.relocate(myself, &moved).await,
            CallMsg::Snapshot(reply) => drop(reply.send(self.snapshot())),
            other => return Some(other),
        }
        None
    }

    /// Ends the call because admission said so; its end reports `reason`.
    pub(crate) async fn end_for(&mut self, myself: &ActorRef<CallMsg>, reason: EndReason) {
        self.end_override = Some(reason);
        match &self.machine {
            Machine::Out(_) if !self.admitted => {
                // Never sent: nothing to cancel.
                self.emit_end(reason, None);
                self.machine = Machine::Done;
                self.settle(myself);
            }
            Machine::Out(_) => {
                self.feed_out(myself, Some(OutgoingInput::CancelRequested))
                    .await
            }
            Machine::In(_) => self.feed_in(myself, Some(Input::Reject(480))).await,
            Machine::Up(_) => {
                established(self, EstablishedInput::Hangup);
                self.drain_up(myself);
            }
            Machine::Done => {}
        }
    }

    /// Tells admission how a hold or resume settled (`ok`: accepted).
    pub(crate) fn settled_switch(&mut self, ok: bool) {
        let progress = match (self.switching.take(), ok) {
            (Some(Progress::HoldDone), true) => Progress::HoldDone,
            (Some(Progress::HoldDone), false) => Progress::HoldFailed,
            (Some(Progress::ResumeDone), true) => Progress::ResumeDone,
            (Some(Progress::ResumeDone), false) => Progress::ResumeFailed,
            _ => return,
        };
        self.report(progress);
    }

    /// Reports `progress` to the call manager.
    pub(crate) fn report(&self, progress: Progress) {
        let call_id = self.call_id.clone();
        let _ = self.ua.cast(UaMsg::CallProgress { call_id, progress });
    }

    fn snapshot(&self) -> CallSnapshot {
        let (phase, on_hold) = match &self.machine {
            Machine::In(_) => ("ringing", false),
            Machine::Out(_) => ("dialling", false),
            Machine::Up(m) => ("confirmed", m.is_on_hold()),
            Machine::Done => ("ended", false),
        };
        CallSnapshot {
            phase,
            on_hold,
            remote_hold: self.remote_hold,
            muted: self.muted,
            record: self.details(),
        }
    }
}
