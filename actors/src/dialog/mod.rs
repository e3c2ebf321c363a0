//! Dialogs (RFC 3261 §12), sans-IO: the state one call's signalling shares between its
//! transactions, and the rules around it that live in the transaction user.
//!
//! - [`Dialog`]: one dialog, UAC or UAS side — identity, route set, remote target,
//!   CSeq bookkeeping; builds in-dialog requests and the ACK for a 2xx, checks the
//!   requests and responses it receives.
//! - [`DialogSet`]: the UAC's dialogs of one INVITE, forked early dialogs included
//!   (§13.2.2.4): the first 2xx wins, another fork's 2xx gets ACK then BYE.
//! - [`AckWait`]: the UAS retransmitting its 2xx until the ACK (§13.3.1.4, Timer G/H
//!   semantics at the TU).
//! - [`ReinviteGuard`]: re-INVITE glare (§14): 491 to a crossing re-INVITE, the random
//!   back-off before retrying ours.
//!
//! Nothing here reads a clock or draws randomness of its own: time comes in as `now`,
//! randomness from the caller's RNG.

mod access;
mod ack_wait;
mod build;
mod create;
mod error;
mod glare;
mod recv;
mod set;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_machines;
#[cfg(test)]
mod tests_uas;

pub use ack_wait::{AckWait, AckWaitInput, AckWaitOutput};
pub use create::Dialog;
pub use error::DialogError;
pub use glare::{ReinviteGuard, ReinviteInput};
pub use set::{DialogSet, SetOutput};

use crate::sip::Method;

/// What identifies a dialog (RFC 3261 §12): Call-ID, local tag, remote tag.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DialogId {
    /// The Call-ID.
    pub call_id: String,
    /// Our tag (From tag on the UAC side, To tag on the UAS side).
    pub local_tag: String,
    /// The peer's tag.
    pub remote_tag: String,
}

/// Which side of the dialog-creating INVITE we were. The UAC owns the Call-ID, which
/// decides the re-INVITE back-off range (§14.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// We sent the INVITE.
    Uac,
    /// We received it.
    Uas,
}

/// Where a dialog stands (RFC 3261 §12, §13.2.2.4, §13.3.1.4, §15):
///
/// ```text
///   1xx with To tag received (UAC)          2xx received (UAC)
///   1xx with To tag sent (UAS)              2xx sent (UAS)
///              |                                  |
///              V                                  |
///        +-----------+   2xx to the INVITE        |
///        |   Early   |-------------------+        |
///        +-----------+                   |        |
///          |     |                       V        V
///          |     |                    +-------------+  re-INVITE, UPDATE, INFO, ...
///          |     |                    |  Confirmed  |<-------------------+
///          |     |                    +-------------+--------------------+
///          |     |                          |
///          |     | BYE received;            | BYE received, or its answer to
///          |     | non-2xx final to the     | ours; 481 or 408 to any request;
///          |     | INVITE; another fork's   | `terminate()`
///          |     | 2xx won                  |
///          V     V                          V
///        +-------------------------------------+
///        |             Terminated              |
///        +-------------------------------------+
/// ```
///
/// Every change of state is one of [`TRANSITIONS`]; Terminated is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DialogState {
    /// Created by a provisional response; can still fail or be replaced by a fork.
    Early,
    /// Created or confirmed by a 2xx.
    Confirmed,
    /// Over: every request on it gets 481.
    Terminated,
}

/// The only changes of [`DialogState`] a dialog makes.
pub const TRANSITIONS: &[(DialogState, DialogState)] = &[
    (DialogState::Early, DialogState::Confirmed),
    (DialogState::Early, DialogState::Terminated),
    (DialogState::Confirmed, DialogState::Terminated),
];

impl DialogState {
    /// Whether `self → to` is in [`TRANSITIONS`].
    pub fn can_become(self, to: DialogState) -> bool {
        TRANSITIONS.contains(&(self, to))
    }
}

/// What the dialog machines tell the application.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DialogEvent {
    /// An early dialog was created (a fork answered 1xx with a To tag).
    Early(DialogId),
    /// The dialog is confirmed (its 2xx arrived, or was sent).
    Confirmed(DialogId),
    /// The dialog ended.
    Terminated(DialogId),
    /// Our 2xx was never ACKed within 64·T1: the dialog should be ended with BYE.
    AckTimeout,
    /// The back-off after a 491 is over: send the re-INVITE again.
    ReinviteRetry,
}

/// Target refresh requests (RFC 3261 §12.2, RFC 3311, RFC 6665 §4.1): they carry a
/// Contact that replaces the remote target.
pub fn is_target_refresh(method: &Method) -> bool {
    matches!(
        method,
        Method::Invite | Method::Update | Method::Subscribe | Method::Notify
    )
}
