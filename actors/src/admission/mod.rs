//! Call admission, sans-IO: the call manager's call limit, the single active call
//! (hold/resume swaps), the cellular-interruption policy and the engine's Paused state.
//!
//! The machine knows calls only by an opaque [`CallKey`] the shell gives it. The shell
//! feeds it what the user asks ([`Input::AnswerRequested`], ...), what the calls report
//! ([`Input::HoldDone`], [`Input::CallEnded`], ...) and what the phone reports
//! ([`Input::Cellular`]); it gives back [`Decision`]s, in order, from
//! [`Admission::poll_output`]. It has no clock, no timer and no I/O.
//!
//! Per call ([`Phase`]; the full list of legal moves is [`table::TRANSITIONS`]):
//!
//! ```text
//!  offered ──► Incoming ──answer──► Active ◄──connected── Dialling ◄── dial
//!                 │ (another Active: Hold it)  ▲ │                        ▲
//!                 └──► Answering ──hold done───┘ │hold / displaced       │
//!                      DialWaiting ─hold done────┼───────────────────────┘
//!                                                ▼
//!            Resuming ◄──resume── Held ◄──hold done── Holding
//!               │ done                 ▲ (another Active: ResumeWaiting first)
//!               └──► Active            │
//!  cellular answered (hold policies): Active ─► HoldingForCellular ─► HeldByCellular
//!  cellular ended: HeldByCellular ─► Resuming (HoldAndResume) | Held (HoldAndLeave)
//! ```
//!
//! At most one call is in the foreground (Dialling, Active, Holding, HoldingForCellular
//! or Resuming) and at most one waits for it to go on hold (Answering, DialWaiting,
//! ResumeWaiting). A request that needs the foreground while a call is Dialling or
//! Resuming, or while another request already waits, is refused with
//! [`AdmissionError::SwitchInProgress`].

mod cellular;
mod config;
mod machine;
mod reason;
pub mod table;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_cellular;

pub use config::{
    AdmissionConfig, AdmissionConfigError, CellularPolicy, OverLimit, DEFAULT_CALL_LIMIT,
};
pub use machine::Admission;
pub use reason::{EndReason, Side};

/// A call, as the shell names it (opaque; unique among live calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallKey(pub u64);

/// Where one call stands, as far as admission is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    /// Incoming and admitted: ringing here.
    Incoming,
    /// The user answered; waiting for the active call to go on hold.
    Answering,
    /// The user dialled; waiting for the active call to go on hold before the INVITE.
    DialWaiting,
    /// Outgoing, INVITE sent, not answered yet.
    Dialling,
    /// In conversation (the one unheld call).
    Active,
    /// Our hold re-INVITE is out (the user's hold, or a swap).
    Holding,
    /// Held by us.
    Held,
    /// The user resumed it; waiting for the active call to go on hold.
    ResumeWaiting,
    /// Our resume re-INVITE is out.
    Resuming,
    /// Our hold re-INVITE is out because a cellular call was answered.
    HoldingForCellular,
    /// Held because of a cellular call; the policy decides what happens when it ends.
    HeldByCellular,
}

impl Phase {
    /// Whether the call holds the foreground (at most one call does).
    pub fn is_foreground(self) -> bool {
        matches!(
            self,
            Phase::Dialling
                | Phase::Active
                | Phase::Holding
                | Phase::HoldingForCellular
                | Phase::Resuming
        )
    }

    /// Whether the call waits for the foreground call to go on hold.
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            Phase::Answering | Phase::DialWaiting | Phase::ResumeWaiting
        )
    }
}

/// What the phone's OS reports about a cellular (PSTN) call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CellularEvent {
    /// A cellular call rings (changes nothing here).
    Ringing,
    /// A cellular call was answered or placed: it is up.
    Answered,
    /// The cellular call ended (or stopped ringing).
    Ended,
}

/// The cellular radio, as admission sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CellularState {
    /// No cellular call.
    #[default]
    Idle,
    /// A cellular call rings.
    Ringing,
    /// A cellular call is up.
    Up,
}

/// What the shell feeds [`Admission::handle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input {
    /// A new incoming call (its INVITE arrived).
    IncomingOffered(CallKey),
    /// The user places a new call.
    DialRequested(CallKey),
    /// The user answers an incoming call.
    AnswerRequested(CallKey),
    /// The user puts a call on hold.
    HoldRequested(CallKey),
    /// The user resumes a held call (swapping with the active one, if any).
    ResumeRequested(CallKey),
    /// An outgoing call was answered by the far end.
    Connected(CallKey),
    /// The hold re-INVITE a [`Decision::Hold`] asked for succeeded.
    HoldDone(CallKey),
    /// The hold re-INVITE failed; the call is still in conversation.
    HoldFailed(CallKey),
    /// The resume re-INVITE a [`Decision::Resume`] asked for succeeded.
    ResumeDone(CallKey),
    /// The resume re-INVITE failed; the call is still held.
    ResumeFailed(CallKey),
    /// The call is over, whatever the reason (including after a [`Decision::End`]).
    CallEnded(CallKey),
    /// The phone's cellular radio (`engine.cellular(...)`).
    Cellular(CellularEvent),
    /// The engine went to Paused (app in background).
    EnginePaused,
    /// The engine is Running again.
    EngineResumed,
}

/// Why an incoming call was turned away (reported missed with this reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectReason {
    /// The call limit was reached.
    CallLimit,
    /// A cellular call is up.
    CellularCall,
}

impl From<RejectReason> for EndReason {
    fn from(r: RejectReason) -> EndReason {
        match r {
            RejectReason::CallLimit => EndReason::CallLimit,
            RejectReason::CellularCall => EndReason::CellularCall,
        }
    }
}

/// Why a user's request (dial, answer, hold, resume) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum AdmissionError {
    /// The call limit is reached.
    #[error("the call limit ({limit}) is reached")]
    CallLimit {
        /// The configured limit.
        limit: u32,
    },
    /// A cellular call is up.
    #[error("a cellular call is active")]
    CellularCallActive,
    /// The engine is paused (app in background): no new outgoing calls.
    #[error("the engine is paused")]
    Paused,
    /// Another call is being set up, resumed, or switched to.
    #[error("another call is being set up or switched")]
    SwitchInProgress,
    /// The call cannot do that in its current phase.
    #[error("the call cannot do that in phase {phase:?}")]
    WrongPhase {
        /// Where the call stands.
        phase: Phase,
    },
    /// The active call could not be put on hold, so the request could not proceed.
    #[error("the active call could not be put on hold")]
    HoldFailed,
}

/// What admission tells the shell to do, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Incoming: let it ring (send 180, report `incoming`). Outgoing: send the INVITE.
    Admit(CallKey),
    /// Send the 200 for the user's answer.
    Answer(CallKey),
    /// Answer the incoming call `status` (486) and report it missed with `reason`.
    Reject {
        /// The call.
        key: CallKey,
        /// The final status to send.
        status: u16,
        /// Why (the missed reason).
        reason: RejectReason,
    },
    /// Send nothing to this incoming call; report it missed with reason `CallLimit`.
    Ignore {
        /// The call.
        key: CallKey,
    },
    /// Fail the user's request. A refused dial is forgotten; a refused answer, hold or
    /// resume leaves the call where it was.
    Refuse {
        /// The call.
        key: CallKey,
        /// Why.
        error: AdmissionError,
    },
    /// Put the call on hold (re-INVITE); report [`Input::HoldDone`] or
    /// [`Input::HoldFailed`].
    Hold(CallKey),
    /// Take the call off hold (re-INVITE); report [`Input::ResumeDone`] or
    /// [`Input::ResumeFailed`].
    Resume(CallKey),
    /// End the call (BYE, or CANCEL if unanswered) with `reason`; admission forgets it.
    End {
        /// The call.
        key: CallKey,
        /// Why.
        reason: EndReason,
    },
}

impl Decision {
    /// The call the decision is about.
    pub fn key(&self) -> CallKey {
        match *self {
            Decision::Admit(k)
            | Decision::Answer(k)
            | Decision::Hold(k)
            | Decision::Resume(k)
            | Decision::Reject { key: k, .. }
            | Decision::Ignore { key: k }
            | Decision::Refuse { key: k, .. }
            | Decision::End { key: k, .. } => k,
        }
    }
}
