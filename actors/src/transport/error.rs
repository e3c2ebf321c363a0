//! Transport errors: why a send failed or a connection closed.

use super::framing::FramingError;
use crate::vocab::TransportKind;
use std::io;
use std::sync::Arc;
use thiserror::Error;

/// Why a transport could not deliver a message, or why a connection ended. The transaction
/// layer fails the transaction on a send error (RFC 3261 §17.1.4).
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum TransportError {
    /// Sending a datagram failed.
    #[error("datagram send failed: {0}")]
    Send(Arc<io::Error>),
    /// Opening a connection failed (refused, unreachable…).
    #[error("connect failed: {0}")]
    Connect(Arc<io::Error>),
    /// Opening a connection or its TLS handshake took longer than the connect timeout.
    #[error("connect or handshake timed out")]
    ConnectTimeout,
    /// The TLS handshake failed (a certificate not trusted or not for this name, a protocol
    /// error): the rustls error says which.
    #[error("TLS handshake failed: {0}")]
    Tls(rustls::Error),
    /// The TLS handshake failed on an I/O error.
    #[error("TLS handshake failed: {0}")]
    TlsIo(Arc<io::Error>),
    /// The name to verify the server certificate against is not a valid DNS name or IP.
    #[error("invalid TLS server name {0:?}")]
    InvalidServerName(String),
    /// TLS was asked of a transport without TLS configured, or a listener without an
    /// identity (certificate and key) accepted a connection.
    #[error("TLS not configured")]
    TlsNotConfigured,
    /// Writing to the connection failed.
    #[error("write failed: {0}")]
    Write(Arc<io::Error>),
    /// A write did not complete within the write timeout.
    #[error("write timed out")]
    WriteTimeout,
    /// Reading from the connection failed.
    #[error("read failed: {0}")]
    Read(Arc<io::Error>),
    /// The peer closed the connection.
    #[error("connection closed by peer")]
    ClosedByPeer,
    /// The connection was idle longer than the idle timeout and was closed.
    #[error("connection idle")]
    Idle,
    /// The stream could not be framed (RFC 3261 §18.3); the connection was closed.
    #[error("framing error: {0}")]
    Framing(#[from] FramingError),
    /// The transport is stopping (or could not start a connection actor).
    #[error("transport stopping")]
    Stopped,
    /// The message was sent to the transport of another kind.
    #[error("{got} message sent to the {expected} transport")]
    WrongKind {
        /// This transport's kind.
        expected: TransportKind,
        /// The target's kind.
        got: TransportKind,
    },
}

impl TransportError {
    /// Classifies a failed TLS handshake: a rustls error (certificate, protocol) if the
    /// I/O error carries one.
    pub(crate) fn from_handshake(e: io::Error) -> TransportError {
        match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            Some(tls) => TransportError::Tls(tls.clone()),
            None => TransportError::TlsIo(Arc::new(e)),
        }
    }
}
