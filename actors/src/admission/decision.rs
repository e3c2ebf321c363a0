//! What admission decides: [`Decision`], and the reasons it carries.

use super::{CallKey, EndReason, Phase};

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
    /// Put the call on hold (re-INVITE); report [`Input::HoldDone`](super::Input::HoldDone) or
    /// [`Input::HoldFailed`](super::Input::HoldFailed).
    Hold(CallKey),
    /// Take the call off hold (re-INVITE); report [`Input::ResumeDone`](super::Input::ResumeDone) or
    /// [`Input::ResumeFailed`](super::Input::ResumeFailed).
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
