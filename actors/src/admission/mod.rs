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
mod decision;
mod machine;
mod reason;
mod requests;
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
pub use decision::{AdmissionError, Decision, RejectReason};
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
