//! SIP transports (RFC 3261 §18): UDP, TCP and TLS, as ractor actors over an abstract
//! [`net::Network`] (real tokio sockets, or the simulator's virtual network).
//!
//! - One transport actor per listener: [`UdpTransport`] (a UDP socket) or
//!   [`StreamTransport`] (a TCP or TLS listener, and the connections it accepts or opens,
//!   each a child actor). Its `pre_start` binds, so a supervisor restart rebinds.
//! - Outbound: [`TransportMsg::Send`] with already serialized bytes and a [`Target`].
//! - Inbound and failures: [`TransportEvent`]s delivered to a [`TransportSink`].
//! - Stream framing is the sans-IO [`framing::Framer`].
//!
//! [`Target`]: crate::vocab::Target

pub mod error;
pub mod event;
pub mod framing;
pub mod msg;
pub mod net;
pub mod stream_args;
pub mod tcp;
pub mod tls;
pub mod udp;

mod conn;
mod conn_io;

pub use error::TransportError;
pub use event::{KeepaliveReply, Sink, TransportEvent, TransportSink};
pub use framing::{Frame, Framer, FramingError};
pub use msg::{ConnIds, StreamOptions, TransportMsg};
pub use net::{Network, TokioNetwork};
pub use stream_args::{Security, StreamArgs};
pub use tcp::{StreamState, StreamTransport};
pub use tls::{PemSource, TlsConfig, TlsConfigError, TlsContext, TlsField, TrustStore};
pub use udp::{udp_too_large, UdpArgs, UdpState, UdpTransport, UDP_MAX_REQUEST};

#[cfg(test)]
mod tests;
