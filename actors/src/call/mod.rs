//! Calls, sans-IO. [`IncomingCall`]: the incoming half up to the confirmed dialog (RFC
//! 3261 §13.3.1) — ringing, cancelled (§9.2), not answered in time, rejected, ignored,
//! answered (200 with SDP retransmitted until the ACK). [`EstablishedCall`]: the call
//! once its dialog is confirmed — hang-up, hold/resume, DTMF INFO, the peer's in-dialog
//! requests.
//!
//! The machine sits above the INVITE server transaction: the shell feeds it the
//! transaction's CANCEL and failures, the embedder's reject, and its one timer (the ring
//! timeout); it gives back the responses to send through the transaction and the events
//! for the application.

mod answer;
mod caller;
mod established;
mod established_in;
mod established_out;
mod established_timers;
mod established_types;
mod incoming;
mod outgoing;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod proptests_established;
#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_answer;
#[cfg(test)]
mod tests_established;
#[cfg(test)]
mod tests_established_in;
#[cfg(test)]
mod tests_relocate;

pub use caller::Caller;
pub use established::{
    CallPhase, EstablishedCall, EstablishedConfig, EstablishedInput, EstablishedOutput,
    InCallEvent, PHASE_TRANSITIONS,
};
pub use incoming::{IncomingCall, IncomingConfig};
pub use outgoing::{
    OutgoingCall, OutgoingConfig, OutgoingEvent, OutgoingInput, OutgoingOutput, OutgoingState,
    DEFAULT_MAX_REDIRECTS, TRANSITIONS as OUTGOING_TRANSITIONS,
};

use crate::admission::EndReason;
use crate::sip::{NameAddr, Request, Response};
use bytes::Bytes;
use std::time::Duration;
use tokio::time::Instant;

/// The ring timeout when none is configured: after it the caller gets 480 and the call
/// is missed with [`MissReason::NoAnswer`].
pub const DEFAULT_RING_TIMEOUT: Duration = Duration::from_secs(60);

/// Where an incoming call stands (RFC 3261 §13.3.1, UAS side):
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
///                   |          |
///        ignore()   |          | answer(sdp): 200 + SDP + Contact, UAS dialog,
///        (silent)   V          | 2xx retransmission (Timer G/H at the TU)
///          +-------------+     |
///          |   Ignored   |-----+  CANCEL: 200/487 → Missed{Ignored}
///          +-------------+     |  ring timer: 480 → Missed{Ignored}
///                              |  reject(code), answer(sdp): as from Ringing
///                              V
///                  +-------------+  no ACK within 64·T1: BYE
///                  |  Answered   |-----------------------------> Ended{Timeout}
///                  +-------------+
///                         | ACK for the 2xx
///                         V
///                  +-------------+
///                  |  Confirmed  |  hand the dialog to an [`EstablishedCall`]
///                  +-------------+  ([`IncomingCall::take_dialog`])
/// ```
///
/// Every change is one of [`INCOMING_TRANSITIONS`]. Missed, Rejected, Failed, Ended and
/// Confirmed are final for this machine: inputs after them are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IncomingState {
    /// 180 sent; waiting for the app, a CANCEL or the ring timer (at `deadline`).
    Ringing {
        /// When the ring timer fires.
        deadline: Instant,
    },
    /// The app chose to ignore the call: no ringing here, no response until the caller
    /// gives up or the ring timer fires; then it is missed with [`MissReason::Ignored`].
    Ignored {
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
    /// The INVITE's transaction failed (transport error) before a final answer, or the
    /// INVITE could not create a dialog when answered (400 sent).
    Failed,
    /// 200 with our SDP sent (and retransmitted); waiting for the ACK.
    Answered,
    /// The ACK arrived: the dialog is confirmed; the call goes on in an
    /// [`EstablishedCall`].
    Confirmed,
    /// Answered, but it ended before the ACK (no ACK in 64·T1: BYE sent).
    Ended {
        /// Why ([`EndReason::Timeout`]).
        reason: EndReason,
    },
}

/// The only changes of [`IncomingState`] (by [`IncomingState::name`]).
pub const INCOMING_TRANSITIONS: &[(&str, &str)] = &[
    ("ringing", "ignored"),
    ("ringing", "missed"),
    ("ringing", "rejected"),
    ("ringing", "failed"),
    ("ringing", "answered"),
    ("ignored", "missed"),
    ("ignored", "rejected"),
    ("ignored", "failed"),
    ("ignored", "answered"),
    ("answered", "confirmed"),
    ("answered", "ended"),
];

impl IncomingState {
    /// Whether nothing more can happen to the call in this machine.
    pub fn is_final(self) -> bool {
        !matches!(
            self,
            IncomingState::Ringing { .. } | IncomingState::Ignored { .. } | IncomingState::Answered
        )
    }

    /// The state's snake_case name (`ringing`, `answered`, ...).
    pub fn name(self) -> &'static str {
        match self {
            IncomingState::Ringing { .. } => "ringing",
            IncomingState::Ignored { .. } => "ignored",
            IncomingState::Missed { .. } => "missed",
            IncomingState::Rejected { .. } => "rejected",
            IncomingState::Failed => "failed",
            IncomingState::Answered => "answered",
            IncomingState::Confirmed => "confirmed",
            IncomingState::Ended { .. } => "ended",
        }
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
    /// The app ignored it; then the caller gave up or the ring timer fired.
    Ignored,
}

impl MissReason {
    /// The snake_case name used in events (`cancelled`, `no_answer`).
    pub fn as_str(self) -> &'static str {
        match self {
            MissReason::Cancelled => "cancelled",
            MissReason::NoAnswer => "no_answer",
            MissReason::Ignored => "ignored",
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
    /// final answer). Ignored once answered: the 2xx retransmission decides then.
    TransactionFailed,
    /// The app answers: send 200 with `sdp_answer` (built by the shell with
    /// [`crate::sdp::answer`] from the INVITE's offer) and `local_contact`.
    Answer {
        /// The SDP answer, as bytes (sent with `Content-Type: application/sdp`).
        sdp_answer: Bytes,
        /// Our Contact (the dialog's remote target for the peer).
        local_contact: NameAddr,
    },
    /// The app ignores the call (see [`IncomingState::Ignored`]).
    Ignore,
    /// An ACK arrived in the call's dialog.
    Ack(Request),
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
    /// Send this request in a new client transaction (its Via branch `z9hG4bK` is left
    /// open for the transaction layer): the BYE after no ACK came.
    SendRequest(Request),
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
    /// 200 sent: waiting for the ACK.
    Answered,
    /// The ACK arrived: the call is established.
    Confirmed,
    /// It ended after the answer, before the ACK.
    Ended {
        /// Why.
        reason: EndReason,
        /// The final status involved, if any.
        status: Option<u16>,
    },
}
