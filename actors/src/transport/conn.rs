//! One TCP or TLS connection: a child actor of its [`super::StreamTransport`].
//!
//! It opens (or, accepted, handshakes) the stream in `post_start`, so messages sent to it
//! meanwhile wait in its mailbox. A reader task frames the stream and sends the frames
//! here; this actor delivers messages to the sink, answers pings, writes outbound messages
//! and closes the connection when idle or broken. Closing is a handshake with the parent:
//! the connection reports `ConnGone`, the parent forgets it and replies `Shutdown`; sends
//! that arrive in between are handed back to the parent to go another way.

use super::conn_io::{establish, read_loop, write, Setup};
use super::error::TransportError;
use super::event::{KeepaliveReply, Sink, TransportEvent};
use super::framing::Frame;
use super::msg::{InternalMsg, StreamOptions, TaskGuard, TransportMsg};
use super::net::{BoxStream, Network};
use super::tls::TlsContext;
use crate::vocab::{ConnId, Flow, Inbound, Target, TransportKind};
use bytes::Bytes;
use ractor::{Actor, ActorProcessingErr, ActorRef};
use std::sync::Arc;
use tokio::io::{AsyncWriteExt, WriteHalf};
use tokio::time::{timeout, Instant};

pub(crate) struct ConnArgs {
    pub(crate) id: ConnId,
    pub(crate) kind: TransportKind,
    pub(crate) setup: Setup,
    pub(crate) network: Arc<dyn Network>,
    pub(crate) tls: Option<TlsContext>,
    pub(crate) parent: ActorRef<TransportMsg>,
    pub(crate) sink: Sink,
    pub(crate) options: StreamOptions,
}

pub(crate) enum ConnMsg {
    Send { bytes: Bytes, target: Target },
    Frame(Frame),
    ReadEnded(TransportError),
    IdleCheck,
    Shutdown,
}

pub(crate) struct Connection;

type IdleTimer = TaskGuard<Result<(), ractor::MessagingErr<ConnMsg>>>;

struct Starting {
    setup: Setup,
    kind: TransportKind,
    network: Arc<dyn Network>,
    tls: Option<TlsContext>,
}

enum Phase {
    /// `post_start` is opening the stream.
    Connecting,
    Open {
        writer: WriteHalf<BoxStream>,
        flow: Flow,
        last_activity: Instant,
        _reader: TaskGuard,
        /// The one idle timer (aborted with the phase, re-armed when it fires early).
        idle_timer: IdleTimer,
    },
    /// Never opened: every send fails with this error.
    Failed(TransportError),
    /// Was open, now closed: sends go back to the parent.
    Closing(Flow),
}

pub(crate) struct ConnState {
    id: ConnId,
    parent: ActorRef<TransportMsg>,
    sink: Sink,
    options: StreamOptions,
    starting: Option<Box<Starting>>,
    phase: Phase,
    /// Set before a keepalive ping is written (see `read_loop`).
    pinged: Arc<std::sync::atomic::AtomicBool>,
}

impl Actor for Connection {
    type Msg = ConnMsg;
    type State = ConnState;
    type Arguments = ConnArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<ConnMsg>,
        args: ConnArgs,
    ) -> Result<ConnState, ActorProcessingErr> {
        let starting = Starting {
            setup: args.setup,
            kind: args.kind,
            network: args.network,
            tls: args.tls,
        };
        Ok(ConnState {
            id: args.id,
            parent: args.parent,
            sink: args.sink,
            options: args.options,
            starting: Some(Box::new(starting)),
            phase: Phase::Connecting,
            pinged: Arc::default(),
        })
    }

    async fn post_start(
        &self,
        myself: ActorRef<ConnMsg>,
        state: &mut ConnState,
    ) -> Result<(), ActorProcessingErr> {
        let Some(start) = state.starting.take() else {
            return Ok(());
        };
        let Starting {
            setup,
            kind,
            network,
            tls,
        } = *start;
        let opened = timeout(
            state.options.connect_timeout,
            establish(setup, kind, network.as_ref(), tls.as_ref()),
        )
        .await
        .unwrap_or(Err(TransportError::ConnectTimeout));
        let conn = match opened {
            Ok(conn) => conn,
            Err(error) => {
                tracing::debug!(id = state.id.0, %error, "connection not established");
                state.phase = Phase::Failed(error);
                let _ = state.parent.cast(InternalMsg::ConnGone(state.id).into());
                return Ok(());
            }
        };
        let flow = Flow {
            kind,
            local: conn.local,
            remote: conn.remote,
            conn: Some(state.id),
        };
        let (reader, writer) = tokio::io::split(conn.stream);
        let reader = tokio::spawn(read_loop(
            reader,
            state.options.max_message,
            myself.clone(),
            state.pinged.clone(),
        ));
        state.phase = Phase::Open {
            writer,
            flow,
            last_activity: Instant::now(), // clock-ok: tokio time, paused and driven by the simulator
            _reader: TaskGuard(reader),
            idle_timer: TaskGuard(
                myself.send_after(state.options.idle_timeout, || ConnMsg::IdleCheck),
            ),
        };
        Ok(())
    }

    async fn handle(
        &self,
        myself: ActorRef<ConnMsg>,
        message: ConnMsg,
        state: &mut ConnState,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            ConnMsg::Send { bytes, target } => state.send(bytes, target).await,
            ConnMsg::Frame(frame) => state.received(frame).await,
            ConnMsg::ReadEnded(reason) => state.close(reason).await,
            ConnMsg::IdleCheck => {
                let idle = state.options.idle_timeout;
                if let Phase::Open {
                    last_activity,
                    idle_timer,
                    ..
                } = &mut state.phase
                {
                    let elapsed = last_activity.elapsed();
                    if elapsed >= idle {
                        state.close(TransportError::Idle).await;
                    } else {
                        let rearmed = myself.send_after(idle - elapsed, || ConnMsg::IdleCheck);
                        *idle_timer = TaskGuard(rearmed);
                    }
                }
            }
            ConnMsg::Shutdown => myself.stop(None),
        }
        Ok(())
    }
}

impl ConnState {
    async fn send(&mut self, bytes: Bytes, target: Target) {
        if bytes[..] == b"\r\n\r\n"[..] && matches!(self.phase, Phase::Open { .. }) {
            // Our keepalive ping: the reader takes the next lone CRLF as its pong.
            self.pinged
                .store(true, std::sync::atomic::Ordering::Release);
        }
        let error = match &mut self.phase {
            Phase::Open {
                writer,
                last_activity,
                ..
            } => match write(writer, &bytes, self.options.write_timeout).await {
                Ok(()) => {
                    *last_activity = Instant::now(); // clock-ok: tokio time, paused and driven by the simulator
                    return;
                }
                Err(error) => error,
            },
            Phase::Failed(error) => {
                let error = error.clone();
                self.sink.deliver(TransportEvent::SendFailed {
                    target,
                    error,
                    bytes,
                });
                return;
            }
            Phase::Closing(_) | Phase::Connecting => {
                // The parent has forgotten this connection by now: it goes another way.
                let _ = self.parent.cast(TransportMsg::Send { bytes, target });
                return;
            }
        };
        self.sink.deliver(TransportEvent::SendFailed {
            target,
            error: error.clone(),
            bytes,
        });
        self.close(error).await;
    }

    async fn received(&mut self, frame: Frame) {
        let (flow, writer, last_activity) = match &mut self.phase {
            Phase::Open {
                flow,
                writer,
                last_activity,
                ..
            } => (*flow, writer, last_activity),
            Phase::Closing(flow) => {
                if let Frame::Message(bytes) = frame {
                    let flow = *flow;
                    self.sink
                        .deliver(TransportEvent::Inbound(Inbound { bytes, flow }));
                }
                return;
            }
            Phase::Failed(_) | Phase::Connecting => return,
        };
        *last_activity = Instant::now(); // clock-ok: tokio time, paused and driven by the simulator
        match frame {
            Frame::Message(bytes) => {
                self.sink
                    .deliver(TransportEvent::Inbound(Inbound { bytes, flow }));
            }
            Frame::Ping => {
                // RFC 5626 §4.4.1: a double-CRLF ping is answered with a CRLF pong.
                if let Err(error) = write(writer, b"\r\n", self.options.write_timeout).await {
                    self.close(error).await;
                }
            }
            Frame::Pong => {
                tracing::trace!(id = self.id.0, "keepalive pong");
                let reply = KeepaliveReply::Pong;
                self.sink.deliver(TransportEvent::Keepalive { flow, reply });
            }
        }
    }

    /// Closes an open connection: reports it, and asks the parent to forget it.
    async fn close(&mut self, reason: TransportError) {
        let Phase::Open { flow, .. } = self.phase else {
            return;
        };
        if let Phase::Open { mut writer, .. } =
            std::mem::replace(&mut self.phase, Phase::Closing(flow))
        {
            // Best effort (TLS close_notify, TCP FIN); the reader task ends with the phase.
            let _ = timeout(self.options.write_timeout, writer.shutdown()).await;
        }
        tracing::debug!(id = self.id.0, remote = %flow.remote, %reason, "connection closed");
        self.sink
            .deliver(TransportEvent::ConnectionClosed { flow, reason });
        let _ = self.parent.cast(InternalMsg::ConnGone(self.id).into());
    }
}
