//! Calls, sans-IO. Today: the incoming half up to a final non-2xx answer (RFC 3261
//! §13.3.1) — ringing, cancelled (§9.2), not answered in time, rejected. Answering (200
//! with SDP, the ACK, the confirmed dialog) and outgoing calls come with the calls issue,
//! which extends [`IncomingCall`] with the Answered/Confirmed states.
//!
//! The machine sits above the INVITE server transaction: the shell feeds it the
//! transaction's CANCEL and failures, the embedder's reject, and its one timer (the ring
//! timeout); it gives back the responses to send through the transaction and the events
//! for the application.

mod caller;
mod incoming;
mod outgoing;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use caller::Caller;
pub use incoming::{IncomingCall, IncomingConfig};
pub use outgoing::{
    OutgoingCall, OutgoingConfig, OutgoingEvent, OutgoingInput, OutgoingOutput, OutgoingState,
    DEFAULT_MAX_REDIRECTS, TRANSITIONS as OUTGOING_TRANSITIONS,
};

use crate::sip::{Request, Response};
use std::time::Duration;
use tokio::time::Instant;

/// The ring timeout when none is configured: after it the caller gets 480 and the call
/// is missed with [`MissReason::NoAnswer`].
pub const DEFAULT_RING_TIMEOUT: Duration = Duration::from_secs(60);

/// Where an incoming call stands (RFC 3261 §13.3.1, UAS side, non-2xx outcomes only):
///
/// ```text
///            INVITE (out of dialog, no To tag)
///            send 180 with our To tag; report `incoming`
///                         |
///                         V
///                  +-------------+  CANCEL: 200 to CANCEL, 487 to INVITE
///                  |             |-----------------------------> Missed{Cancelled}
///                  |   Ringing   |  ring timer: 480
///                  |             |-----------------------------> Missed{NoAnswer}
///                  |             |  reject(code) from the app: code (4xx–6xx)
///                  |             |-----------------------------> Rejected{status}
///                  |             |  transaction failed / terminated (transport error)
///                  +-------------+-----------------------------> Failed
///              (calls issue: answer → 200 + SDP → Answered → ACK → Confirmed)
/// ```
///
/// Missed, Rejected and Failed are final: inputs after them are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IncomingState {
    /// 180 sent; waiting for the app, a CANCEL or the ring timer (at `deadline`).
    Ringing {
        /// When the ring timer fires.
        deadline: Instant,
    },
    /// The call ended before anyone answered it.
    Missed {
        /// Why.
        reason: MissReason,
    },
    /// The app rejected it with `status`.
    Rejected {
        /// The final status sent (4xx–6xx).
        status: u16,
    },
    /// The INVITE's transaction failed (transport error) before a final answer.
    Failed,
}

impl IncomingState {
    /// Whether nothing more can happen to the call.
    pub fn is_final(self) -> bool {
        !matches!(self, IncomingState::Ringing { .. })
    }
}

/// Why an incoming call was missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MissReason {
    /// The caller sent CANCEL.
    Cancelled,
    /// Nobody answered before the ring timer.
    NoAnswer,
}

impl MissReason {
    /// The snake_case name used in events (`cancelled`, `no_answer`).
    pub fn as_str(self) -> &'static str {
        match self {
            MissReason::Cancelled => "cancelled",
            MissReason::NoAnswer => "no_answer",
        }
    }
}

/// What the shell feeds an [`IncomingCall`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Input {
    /// A CANCEL matching the INVITE's transaction (its own server transaction gets
    /// [`Output::CancelResponse`]).
    Cancel(Request),
    /// The app rejects the call with this status; a status outside 400..=699 becomes
    /// 603 Decline.
    Reject(u16),
    /// The deadline from [`IncomingCall::poll_timeout`] passed.
    Timer,
    /// The INVITE's server transaction failed (transport error, or it ended without our
    /// final answer).
    TransactionFailed,
}

/// What an [`IncomingCall`] asks the shell to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Output {
    /// Send this response on the INVITE's server transaction.
    Respond(Response),
    /// Send this response on the CANCEL's own server transaction.
    CancelResponse(Response),
    /// Tell the application.
    Event(CallEvent),
}

/// Call progress, for the application.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallEvent {
    /// A new call is ringing here.
    Incoming(Caller),
    /// It ended unanswered.
    Missed(MissReason),
    /// The app rejected it.
    Rejected(u16),
    /// Its transaction failed before a final answer.
    Failed,
}
