//! [`OutgoingCall`]: one call we place, from the INVITE to its 2xx or its end (RFC 3261
//! §13.2, §9.1 CANCEL, §22.2 digest, §8.1.3.4 redirects), sans-IO.
//!
//! The machine sits above the INVITE client transaction: the shell sends the requests it
//! gives back (INVITE and CANCEL each in a client transaction, ACK straight to the
//! transport, BYE in a new client transaction), feeds it every response to the INVITE
//! (provisional and final, 2xx retransmissions included), the transaction's Timer B and
//! transport failures, the user's hang-up and its one timer.
//!
//! Decisions worth knowing:
//! - The CANCEL copies the INVITE's top Via *with its branch* (§9.1). The shell does
//!   not need to say which branch the transaction layer chose: a CANCEL is only sent
//!   after a provisional response, and that response's top Via carries the branch.
//! - A re-sent INVITE (after 401/407 or a 3xx) keeps the Call-ID, the From tag and the
//!   To, with CSeq + 1 (§8.1.3.4, §22.2); a redirect only changes the Request-URI.
//!   The route set (outbound proxy / Service-Route) stays pre-loaded.
//! - ACKs for 2xx come complete (their branch drawn from the machine's RNG: they are
//!   no transaction's); INVITE, CANCEL and BYE leave `branch=z9hG4bK` (the INVITE and
//!   BYE) for the transaction layer to complete, or carry the INVITE's (the CANCEL).
//! - Late offers (an INVITE without SDP, the answer in the ACK) are not supported: the
//!   offer is required for audio; an empty offer sends an INVITE without a body.

#[path = "outgoing_build.rs"]
mod build;
#[path = "outgoing_config.rs"]
mod config;
#[path = "outgoing_final.rs"]
mod finals;
#[path = "outgoing_machine.rs"]
mod machine;
#[cfg(test)]
#[path = "outgoing_proptests.rs"]
mod proptests;
#[path = "outgoing_responses.rs"]
mod responses;
#[cfg(test)]
#[path = "outgoing_testkit.rs"]
mod testkit;
#[cfg(test)]
#[path = "outgoing_tests.rs"]
mod tests;
#[cfg(test)]
#[path = "outgoing_tests_auth.rs"]
mod tests_auth;
#[cfg(test)]
#[path = "outgoing_tests_end.rs"]
mod tests_end;

pub use config::{OutgoingConfig, DEFAULT_MAX_REDIRECTS};
pub use machine::OutgoingCall;

use crate::admission::EndReason;
use crate::dialog::DialogId;
use crate::sip::{Request, Response};
use bytes::Bytes;

/// Where an outgoing call stands (RFC 3261 §13.2, §9.1):
///
/// ```text
///                  Starting
///                     | Start: send INVITE
///                     V
///   +------------------------------------+  401/407 (answered with credentials),
///   |             Connecting             |<-------------------------------------+
///   +------------------------------------+  3xx (followed): INVITE, CSeq+1      |
///      | 100             | 18x                                                  |
///      V                 |                                                      |
///   +---------+  18x     V                                                      |
///   | Calling |----->+---------+  18x with new SDP: Ringing again               |
///   +---------+      | Ringing |                                                |
///      |             +---------+                                                |
///      |                 |                                                      |
///      +--------+--------+--------------------------------------------------->--+
///               |        (from Calling or Ringing too)
///               |
///   from Connecting, Calling or Ringing:
///     2xx: ACK ---------------------------------------------------> Confirmed
///     CANCEL sent (hang-up or answer timer; from Connecting only
///       once a 1xx arrived, until then it waits) ------------------> Cancelling
///     other final 3xx-6xx, exhausted auth/redirects, Timer B,
///       transport error (a hang-up waiting for its 1xx: Cancelled) -> Ended
///
///   Cancelling:
///     487 or any other non-2xx final, Timer B, 64*T1 --------------> Ended{Cancelled}
///     2xx (the CANCEL/200 race): ACK, then BYE --------------------> Ended{Cancelled}
/// ```
///
/// (An answer-timer CANCEL ends with NoAnswer instead of Cancelled.) Confirmed and
/// Ended are final: a 2xx arriving after them still gets its ACK, and a BYE when it is
/// not the call's. Every change of state is one of [`TRANSITIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutgoingState {
    /// Built, nothing sent yet.
    Starting,
    /// An INVITE is out, no provisional response to it yet.
    Connecting,
    /// 100 Trying: a server is handling the INVITE.
    Calling,
    /// 180/183 (or another 1xx above 100): the far end is alerting.
    Ringing,
    /// CANCEL sent, waiting for the INVITE's final response.
    Cancelling,
    /// A 2xx arrived and was ACKed: the call is up (see [`OutgoingCall::take_dialog`]).
    Confirmed,
    /// Over without a call.
    Ended,
}

impl OutgoingState {
    /// Whether nothing more can change the state.
    pub fn is_final(self) -> bool {
        matches!(self, OutgoingState::Confirmed | OutgoingState::Ended)
    }

    /// Whether `self → to` is in [`TRANSITIONS`].
    pub fn can_become(self, to: OutgoingState) -> bool {
        TRANSITIONS.contains(&(self, to))
    }
}

use OutgoingState as S;

/// The only changes of [`OutgoingState`] an [`OutgoingCall`] makes.
pub const TRANSITIONS: &[(OutgoingState, OutgoingState)] = &[
    (S::Starting, S::Connecting),
    (S::Starting, S::Ended),
    (S::Connecting, S::Calling),
    (S::Connecting, S::Ringing),
    (S::Connecting, S::Cancelling),
    (S::Connecting, S::Confirmed),
    (S::Connecting, S::Ended),
    (S::Calling, S::Connecting),
    (S::Calling, S::Ringing),
    (S::Calling, S::Cancelling),
    (S::Calling, S::Confirmed),
    (S::Calling, S::Ended),
    (S::Ringing, S::Connecting),
    (S::Ringing, S::Cancelling),
    (S::Ringing, S::Confirmed),
    (S::Ringing, S::Ended),
    (S::Cancelling, S::Ended),
];

/// What the shell feeds an [`OutgoingCall`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum OutgoingInput {
    /// Place the call: the first INVITE goes out.
    Start,
    /// A response to one of our INVITEs (provisional, final, retransmitted 2xx).
    /// Responses to other requests are ignored.
    Response(Response),
    /// The user hangs up before an answer.
    CancelRequested,
    /// The INVITE's client transaction timed out (Timer B).
    Timeout,
    /// The INVITE could not be sent (treated as a 503, RFC 3261 §8.1.3.1).
    TransportError,
    /// The deadline from [`OutgoingCall::poll_timeout`] passed.
    Timer,
}

/// What an [`OutgoingCall`] asks the shell to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutgoingOutput {
    /// Send this INVITE in a new client transaction (its branch is open).
    SendInvite(Request),
    /// Send this CANCEL in a new client transaction; it carries the INVITE's branch.
    SendCancel(Request),
    /// Send this ACK for a 2xx straight to the transport (its branch is complete).
    SendAck(Request),
    /// Send this BYE in a new client transaction (its branch is open): it ends a 2xx
    /// that came too late (after our CANCEL, or from a losing fork).
    SendBye(Request),
    /// Tell the application.
    Event(OutgoingEvent),
}

/// Call progress, for the application.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutgoingEvent {
    /// A server is handling the INVITE (100 Trying).
    Calling,
    /// The far end alerts (18x).
    Ringing {
        /// The 1xx carried SDP: media flows before the answer.
        early_media: bool,
        /// Its status.
        status: u16,
        /// The early SDP answer, if any.
        sdp: Option<Bytes>,
    },
    /// Answered: the dialog is up (take it with [`OutgoingCall::take_dialog`]).
    Confirmed {
        /// The dialog.
        id: DialogId,
        /// The 2xx's body: the SDP answer.
        sdp: Bytes,
    },
    /// Over without a call.
    Ended {
        /// Why.
        reason: EndReason,
        /// The final status behind it, if a response ended it.
        status: Option<u16>,
    },
}
