//! The vocabulary the lifecycles exchange: transports, flows and the messages between
//! the transport and transaction layers. Kept in one module so every actor speaks it.

use bytes::Bytes;
use std::fmt;
use std::net::SocketAddr;

/// A SIP transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TransportKind {
    /// UDP datagrams.
    Udp,
    /// TCP stream, messages framed by Content-Length.
    Tcp,
    /// TLS over TCP (rustls).
    Tls,
}

impl TransportKind {
    /// The Via transport token.
    pub fn via_token(self) -> &'static str {
        match self {
            TransportKind::Udp => "UDP",
            TransportKind::Tcp => "TCP",
            TransportKind::Tls => "TLS",
        }
    }

    /// Recognises a Via transport token (case-insensitive).
    pub fn from_via_token(token: &str) -> Option<TransportKind> {
        [TransportKind::Udp, TransportKind::Tcp, TransportKind::Tls]
            .into_iter()
            .find(|k| k.via_token().eq_ignore_ascii_case(token))
    }

    /// Whether messages travel over a reliable stream (no retransmission timers A/E/G).
    pub fn is_reliable(self) -> bool {
        !matches!(self, TransportKind::Udp)
    }

    /// The RFC 3261 default port (5060, or 5061 for TLS).
    pub fn default_port(self) -> u16 {
        match self {
            TransportKind::Tls => 5061,
            _ => 5060,
        }
    }
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.via_token())
    }
}

/// Identifies one stream connection within the transport layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// Where a message came from or goes to: the transport, both addresses, and for
/// streams the connection it travelled on (RFC 3261 §18: responses go back on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Flow {
    /// The transport.
    pub kind: TransportKind,
    /// Our address (the listener's, or the connection's local end).
    pub local: SocketAddr,
    /// The peer's address (source of what we received).
    pub remote: SocketAddr,
    /// The connection, for TCP/TLS.
    pub conn: Option<ConnId>,
}

/// A framed message received by a transport, not yet parsed.
#[derive(Debug, Clone)]
pub struct Inbound {
    /// One whole SIP message (datagram, or a Content-Length framed stream message).
    pub bytes: Bytes,
    /// Where it came from.
    pub flow: Flow,
}

/// Where to send a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The transport to use.
    pub kind: TransportKind,
    /// The destination address.
    pub addr: SocketAddr,
    /// An existing connection to prefer (responses on the request's connection); the
    /// transport falls back to (or opens) a connection to `addr` if it is gone.
    pub conn: Option<ConnId>,
    /// For TLS: the name to verify the server certificate against.
    pub server_name: Option<String>,
}

impl Target {
    /// Sends back along a received flow.
    pub fn reply_to(flow: &Flow) -> Target {
        Target {
            kind: flow.kind,
            addr: flow.remote,
            conn: flow.conn,
            server_name: None,
        }
    }
}
