//! What the transports report upward, and where they report it.

use super::error::TransportError;
use crate::vocab::{Flow, Inbound, Target};
use std::sync::Arc;

/// An event from a transport to the layer above (the transaction layer).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TransportEvent {
    /// A whole message arrived (a datagram, or a framed stream message).
    Inbound(Inbound),
    /// A message could not be sent: the transaction it belongs to fails (RFC 3261 §17.1.4).
    SendFailed {
        /// Where it was going.
        target: Target,
        /// Why it failed.
        error: TransportError,
        /// The bytes that were not sent, so the layer above can tell which transaction
        /// they belonged to.
        bytes: bytes::Bytes,
    },
    /// A keepalive answer arrived (RFC 5626 §4.4.1): not SIP, for the account that
    /// probes this flow.
    Keepalive {
        /// Where it came from.
        flow: Flow,
        /// What it was.
        reply: KeepaliveReply,
    },
    /// An established (or accepted) connection closed; messages on its flow can no longer
    /// be answered on it.
    ConnectionClosed {
        /// The connection's flow.
        flow: Flow,
        /// Why it closed (peer, idle timeout, framing error…).
        reason: TransportError,
    },
}

/// A keepalive answer a transport recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeepaliveReply {
    /// A CRLF pong on a stream (RFC 5626 §4.4.1).
    Pong,
    /// A STUN message on the UDP socket (RFC 5389), whole.
    Stun(bytes::Bytes),
}

/// Receives transport events. Must not block: it is called from the transport actors.
pub trait TransportSink: Send + Sync + 'static {
    /// Delivers one event.
    fn deliver(&self, event: TransportEvent);
}

/// A shared sink.
pub type Sink = Arc<dyn TransportSink>;

impl<M> TransportSink for ractor::ActorRef<M>
where
    M: ractor::Message + From<TransportEvent>,
{
    fn deliver(&self, event: TransportEvent) {
        if self.cast(M::from(event)).is_err() {
            tracing::debug!("transport event dropped: sink actor stopped");
        }
    }
}

impl TransportSink for tokio::sync::mpsc::UnboundedSender<TransportEvent> {
    fn deliver(&self, event: TransportEvent) {
        if self.send(event).is_err() {
            tracing::debug!("transport event dropped: sink closed");
        }
    }
}

impl TransportSink for tokio::sync::mpsc::Sender<TransportEvent> {
    fn deliver(&self, event: TransportEvent) {
        if let Err(e) = self.try_send(event) {
            tracing::warn!(error = %e, "transport event dropped: sink full or closed");
        }
    }
}
