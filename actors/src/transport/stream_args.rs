//! How a stream transport is started: network, listen address, TCP or TLS, options.

use super::event::Sink;
use super::msg::{ConnIds, StreamOptions};
use super::net::Network;
use super::tls::TlsContext;
use crate::vocab::TransportKind;
use std::net::SocketAddr;
use std::sync::Arc;

/// Plain TCP or TLS.
#[derive(Debug, Clone)]
pub enum Security {
    /// TCP.
    Plain,
    /// TLS over TCP.
    Tls(TlsContext),
}

/// Starting arguments of a [`super::StreamTransport`] (kept by the supervisor to restart it).
#[derive(Clone)]
pub struct StreamArgs {
    /// The network to listen and connect on.
    pub network: Arc<dyn Network>,
    /// The address to listen on; `None` only opens connections (a TLS listener needs
    /// an identity in its [`TlsContext`]).
    pub listen: Option<SocketAddr>,
    /// TCP or TLS.
    pub security: Security,
    /// Where inbound messages, send failures and closed connections go.
    pub sink: Sink,
    /// Connection settings.
    pub options: StreamOptions,
    /// The connection id allocator (share one across transports and restarts).
    pub conn_ids: ConnIds,
}

impl StreamArgs {
    /// TCP with default options and a fresh id allocator.
    pub fn tcp(network: Arc<dyn Network>, listen: Option<SocketAddr>, sink: Sink) -> StreamArgs {
        StreamArgs {
            network,
            listen,
            security: Security::Plain,
            sink,
            options: StreamOptions::default(),
            conn_ids: ConnIds::new(),
        }
    }

    /// TLS with default options and a fresh id allocator.
    pub fn tls(
        network: Arc<dyn Network>,
        listen: Option<SocketAddr>,
        tls: TlsContext,
        sink: Sink,
    ) -> StreamArgs {
        StreamArgs {
            security: Security::Tls(tls),
            ..StreamArgs::tcp(network, listen, sink)
        }
    }

    /// The transport kind these arguments make.
    pub fn kind(&self) -> TransportKind {
        match self.security {
            Security::Plain => TransportKind::Tcp,
            Security::Tls(_) => TransportKind::Tls,
        }
    }
}
