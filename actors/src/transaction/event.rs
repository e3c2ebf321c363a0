//! What goes into and comes out of a transaction machine.

use crate::sip::{Message, Request, Response};
use crate::vocab::Target;

/// An input to a transaction machine (`handle(now, input)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A response from the network (client transactions).
    RecvResponse(Response),
    /// A request from the network matching this transaction: a retransmission, or the
    /// ACK of a server INVITE transaction (server transactions).
    RecvRequest(Request),
    /// The TU sends a response (server transactions).
    SendResponse(Response),
    /// A deadline returned by `poll_timeout()` has passed; every due timer fires.
    Timer,
    /// The transport failed to deliver a message of this transaction.
    TransportError,
}

/// What a transaction reports to its transaction user.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TxEvent {
    /// A response for the TU (client transactions; retransmissions are absorbed, except
    /// 2xx retransmissions in the RFC 6026 Accepted state, which the TU must see).
    Response(Response),
    /// An ACK matching a server INVITE transaction in the Accepted state (RFC 6026).
    Ack(Request),
    /// Timer B, F or H fired: the transaction failed for lack of an answer.
    Timeout,
    /// The transport failed to deliver (RFC 3261 §17.1.4, §17.2.4).
    TransportError,
    /// The transaction's actor failed (panicked); reported by the shell, never by a machine.
    InternalError,
    /// The transaction reached Terminated; nothing more will come from it.
    Terminated,
}

/// An output of a transaction machine (`poll_output()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Send a message.
    Transmit {
        /// The message.
        message: Message,
        /// Where to.
        target: Target,
    },
    /// Tell the TU.
    ToTu(TxEvent),
}
