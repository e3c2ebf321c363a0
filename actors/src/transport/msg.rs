//! The transport actors' messages and settings.

use super::framing::DEFAULT_MAX_MESSAGE;
use super::net::StreamConn;
use crate::vocab::{ConnId, Target};
use bytes::Bytes;
use ractor::RpcReplyPort;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What a transport actor ([`super::UdpTransport`], [`super::StreamTransport`]) handles.
#[derive(Debug)]
pub enum TransportMsg {
    /// Sends one serialized message. On streams: the connection `target.conn` if it is
    /// still open, else an open connection to `target.addr`, else a new one (RFC 3261 §18).
    /// A failure comes back as [`super::TransportEvent::SendFailed`].
    Send {
        /// The whole message, as it goes on the wire.
        bytes: Bytes,
        /// Where to.
        target: Target,
    },
    /// Replies with the bound local address (`None` for a stream transport not listening).
    LocalAddr(RpcReplyPort<Option<SocketAddr>>),
    /// Replies with the number of open connections (0 for UDP).
    ConnectionCount(RpcReplyPort<usize>),
    /// The transports' own bookkeeping; not for use by other layers.
    Internal(Internal),
}

/// The transports' own messages (opaque outside this module).
#[derive(Debug)]
pub struct Internal(pub(crate) InternalMsg);

#[derive(Debug)]
pub(crate) enum InternalMsg {
    /// The socket or listener failed: the actor fails so its supervisor can rebind.
    SocketFailed(io::Error),
    /// The listener accepted a connection.
    Accepted(StreamConn),
    /// A connection is closing: forget it, then tell it to stop.
    ConnGone(ConnId),
}

impl From<InternalMsg> for TransportMsg {
    fn from(m: InternalMsg) -> TransportMsg {
        TransportMsg::Internal(Internal(m))
    }
}

/// Settings of stream (TCP/TLS) connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamOptions {
    /// A connection with nothing sent or received for this long is closed (default 5 min).
    pub idle_timeout: Duration,
    /// Limit on opening a connection, TLS handshake included (default 10 s).
    pub connect_timeout: Duration,
    /// Limit on writing one message (default 10 s).
    pub write_timeout: Duration,
    /// Largest message accepted, header block plus body (default 64 KiB).
    pub max_message: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            idle_timeout: Duration::from_secs(300),
            connect_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            max_message: DEFAULT_MAX_MESSAGE,
        }
    }
}

/// Allocates connection ids. Share one between all transports (and across their restarts)
/// so a [`ConnId`] names one connection only.
#[derive(Debug, Clone, Default)]
pub struct ConnIds(Arc<AtomicU64>);

impl ConnIds {
    /// A fresh allocator (the first id is 1).
    pub fn new() -> ConnIds {
        ConnIds::default()
    }

    /// The next unused id.
    pub fn next_id(&self) -> ConnId {
        ConnId(self.0.fetch_add(1, Ordering::Relaxed) + 1)
    }
}

/// A background task (socket reader, accept loop) aborted when its owner's state drops,
/// which happens however the owning actor ends.
#[derive(Debug)]
pub(crate) struct TaskGuard<T = ()>(pub(crate) tokio::task::JoinHandle<T>);

impl<T> Drop for TaskGuard<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// I/O errors a socket survives (one peer's trouble, not the socket's).
pub(crate) fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::NotConnected
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
            | io::ErrorKind::TimedOut
    )
}
