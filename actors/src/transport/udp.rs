//! The UDP transport: one socket, one actor. Datagrams are delivered whole; there is no
//! connection state (RFC 3261 §18.1, §18.2).

use super::error::TransportError;
use super::event::{KeepaliveReply, Sink, TransportEvent};
use super::msg::{is_transient, InternalMsg, TaskGuard, TransportMsg};
use super::net::{Network, UdpSocket};
use crate::registrar::keepalive_stun::is_stun;
use crate::vocab::{Flow, Inbound, TransportKind};
use bytes::Bytes;
use ractor::{Actor, ActorProcessingErr, ActorRef};
use std::net::SocketAddr;
use std::sync::Arc;

/// The largest message RFC 3261 §18.1.1 lets a request travel over UDP: within 200 bytes
/// of a 1500-byte path MTU.
pub const UDP_MAX_REQUEST: usize = 1300;

/// Whether a request of `len` bytes is too large for UDP (RFC 3261 §18.1.1: larger than
/// 1300 bytes when the path MTU is unknown). Switching such a request to TCP is the
/// decision of the layer above (it knows whether the peer supports TCP and rewrites the
/// Via transport); [`UdpTransport`] only logs a warning when asked to send one.
pub fn udp_too_large(len: usize) -> bool {
    len > UDP_MAX_REQUEST
}

/// Largest datagram read (the IPv4 UDP maximum).
const RECV_BUFFER: usize = 65_535;

/// Starting arguments of a [`UdpTransport`] (kept by the supervisor to restart it).
#[derive(Clone)]
pub struct UdpArgs {
    /// The network to bind on.
    pub network: Arc<dyn Network>,
    /// The address to bind (port 0: ephemeral).
    pub bind: SocketAddr,
    /// Where inbound datagrams and send failures go.
    pub sink: Sink,
}

/// The UDP transport actor. Messages: [`TransportMsg`].
#[derive(Debug, Clone, Copy, Default)]
pub struct UdpTransport;

/// The running UDP transport.
pub struct UdpState {
    socket: Arc<dyn UdpSocket>,
    local: SocketAddr,
    sink: Sink,
    _reader: TaskGuard,
}

impl Actor for UdpTransport {
    type Msg = TransportMsg;
    type State = UdpState;
    type Arguments = UdpArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<TransportMsg>,
        args: UdpArgs,
    ) -> Result<UdpState, ActorProcessingErr> {
        let socket = args.network.bind_udp(args.bind).await?;
        let local = socket.local_addr()?;
        tracing::debug!(%local, "UDP transport bound");
        let reader = tokio::spawn(read_loop(socket.clone(), local, args.sink.clone(), myself));
        Ok(UdpState {
            socket,
            local,
            sink: args.sink,
            _reader: TaskGuard(reader),
        })
    }

    async fn handle(
        &self,
        _myself: ActorRef<TransportMsg>,
        message: TransportMsg,
        state: &mut UdpState,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            TransportMsg::Send { bytes, target } => {
                if target.kind != TransportKind::Udp {
                    let error = TransportError::WrongKind {
                        expected: TransportKind::Udp,
                        got: target.kind,
                    };
                    state.sink.deliver(TransportEvent::SendFailed {
                        target,
                        error,
                        bytes,
                    });
                    return Ok(());
                }
                if udp_too_large(bytes.len()) && !bytes.starts_with(b"SIP/2.0 ") {
                    tracing::warn!(
                        len = bytes.len(),
                        to = %target.addr,
                        "request larger than 1300 bytes sent over UDP (RFC 3261 §18.1.1)"
                    );
                }
                if let Err(e) = state.socket.send_to(&bytes, target.addr).await {
                    let error = TransportError::Send(Arc::new(e));
                    state.sink.deliver(TransportEvent::SendFailed {
                        target,
                        error,
                        bytes,
                    });
                }
            }
            TransportMsg::LocalAddr(reply) => {
                let _ = reply.send(Some(state.local));
            }
            TransportMsg::ConnectionCount(reply) => {
                let _ = reply.send(0);
            }
            TransportMsg::Internal(internal) => match internal.0 {
                InternalMsg::SocketFailed(e) => return Err(Box::new(e)),
                other => tracing::debug!(?other, "UDP transport: unexpected internal message"),
            },
        }
        Ok(())
    }
}

/// Receives datagrams and hands them to the sink; reports a socket failure to the actor.
async fn read_loop(
    socket: Arc<dyn UdpSocket>,
    local: SocketAddr,
    sink: Sink,
    myself: ActorRef<TransportMsg>,
) {
    let mut buf = vec![0u8; RECV_BUFFER];
    loop {
        match socket.recv_from(&mut buf).await {
            Ok((n, remote)) => {
                let Some(datagram) = buf.get(..n) else {
                    continue;
                };
                // Empty datagrams and CRLF keepalives carry nothing to deliver.
                if datagram.iter().all(|b| matches!(b, b'\r' | b'\n')) {
                    continue;
                }
                let flow = Flow {
                    kind: TransportKind::Udp,
                    local,
                    remote,
                    conn: None,
                };
                let bytes = Bytes::copy_from_slice(datagram);
                // STUN shares the SIP socket (RFC 5626 §4.4.2): never for the SIP parser.
                if is_stun(datagram) {
                    let reply = KeepaliveReply::Stun(bytes);
                    sink.deliver(TransportEvent::Keepalive { flow, reply });
                    continue;
                }
                sink.deliver(TransportEvent::Inbound(Inbound { bytes, flow }));
            }
            Err(e) if is_transient(&e) => tracing::debug!(error = %e, "UDP receive"),
            Err(e) => {
                let _ = myself.cast(InternalMsg::SocketFailed(e).into());
                return;
            }
        }
    }
}
