//! [`DialogError`]: why a dialog refused a message or an action, with the SIP status a
//! request refused for that reason gets.

use crate::sip::{Fault, Method, StatusCode};
use thiserror::Error;

/// Why a dialog refused something. Sorted by fault: the peer's message first, then
/// the peer's timing, then our own use of the API.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DialogError {
    // --- the peer's message ---
    /// A header the dialog needs is missing or does not parse.
    #[error("bad message: {0}")]
    BadMessage(#[from] Fault),
    /// A dialog-creating message lacks a tag (From on a request, To on a response).
    #[error("the {0} header has no tag")]
    MissingTag(&'static str),
    /// The message carries no usable Contact (absent where required, or `*`).
    #[error("no usable Contact")]
    BadContact,
    /// Call-ID or tags match no dialog (RFC 3261 §12.2.2).
    #[error("no dialog matches the message")]
    NoDialog,
    /// A response that is not to the INVITE of this dialog set.
    #[error("the response is not to this INVITE")]
    NotOurInvite,
    // --- the peer's timing ---
    /// The request's CSeq is lower than the last one received (RFC 3261 §12.2.2).
    #[error("CSeq {got} is lower than the last received ({last})")]
    CSeqOutOfOrder {
        /// The request's sequence number.
        got: u32,
        /// The last one received.
        last: u32,
    },
    /// A re-INVITE arrived while ours is pending (RFC 3261 §14.2).
    #[error("re-INVITE glare: ours is pending")]
    Glare,
    /// A re-INVITE arrived while theirs is still being answered (RFC 3261 §14.2).
    #[error("a re-INVITE of the peer is still in progress")]
    InviteInProgress,
    // --- our own use ---
    /// The dialog is terminated: nothing more can be sent on it.
    #[error("the dialog is terminated")]
    Terminated,
    /// An INVITE transaction is in progress in either direction, or the 491 back-off
    /// is running (RFC 3261 §14.1).
    #[error("an INVITE transaction is in progress on the dialog")]
    RequestPending,
    /// This method is not built by [`super::Dialog::request`] (ACK, CANCEL).
    #[error("{0} is not sent as a new in-dialog request")]
    WrongMethod(Method),
    /// The local CSeq reached 2**31 − 1 (RFC 3261 §8.1.1.5).
    #[error("the local CSeq is exhausted")]
    CSeqExhausted,
}

impl DialogError {
    /// The status a request refused for this reason is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            DialogError::BadMessage(_) | DialogError::MissingTag(_) | DialogError::BadContact => {
                StatusCode::BAD_REQUEST
            }
            DialogError::NoDialog | DialogError::NotOurInvite | DialogError::Terminated => {
                StatusCode::CALL_DOES_NOT_EXIST
            }
            DialogError::CSeqOutOfOrder { .. }
            | DialogError::InviteInProgress
            | DialogError::CSeqExhausted
            | DialogError::WrongMethod(_) => StatusCode::SERVER_INTERNAL_ERROR,
            DialogError::Glare | DialogError::RequestPending => StatusCode::REQUEST_PENDING,
        }
    }
}
