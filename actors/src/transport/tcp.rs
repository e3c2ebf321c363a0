//! The stream transport (TCP, or TLS over TCP): a listener actor owning the connection
//! table, with one child actor per connection, accepted or opened.
//!
//! Connection reuse (RFC 3261 §18): a send goes on `target.conn` if that connection is
//! still open (responses on the request's connection, §18.2.2), else on an open connection
//! to `target.addr` (table keyed by kind and remote address), else on a new connection.

use super::conn::{ConnArgs, ConnMsg, Connection};
use super::conn_io::Setup;
use super::error::TransportError;
use super::event::TransportEvent;
use super::msg::{is_transient, InternalMsg, TaskGuard, TransportMsg};
use super::net::TcpListener;
use super::stream_args::{Security, StreamArgs};
use crate::vocab::{ConnId, TransportKind};
use ractor::{Actor, ActorId, ActorProcessingErr, ActorRef, SupervisionEvent};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// The TCP/TLS transport actor. Messages: [`TransportMsg`].
#[derive(Debug, Clone, Copy, Default)]
pub struct StreamTransport;

struct Entry {
    actor: ActorRef<ConnMsg>,
    addr: SocketAddr,
}

/// The running stream transport: its listener and connection table.
pub struct StreamState {
    args: StreamArgs,
    kind: TransportKind,
    local: Option<SocketAddr>,
    conns: HashMap<ConnId, Entry>,
    by_addr: HashMap<(TransportKind, SocketAddr), ConnId>,
    by_actor: HashMap<ActorId, ConnId>,
    _acceptor: Option<TaskGuard>,
}

impl Actor for StreamTransport {
    type Msg = TransportMsg;
    type State = StreamState;
    type Arguments = StreamArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<TransportMsg>,
        args: StreamArgs,
    ) -> Result<StreamState, ActorProcessingErr> {
        let kind = args.kind();
        let (local, acceptor) = match args.listen {
            None => (None, None),
            Some(addr) => {
                if let Security::Tls(tls) = &args.security {
                    if !tls.can_listen() {
                        return Err(Box::new(TransportError::TlsNotConfigured));
                    }
                }
                let listener = args.network.listen_tcp(addr).await?;
                let local = listener.local_addr()?;
                tracing::debug!(%local, %kind, "stream transport listening");
                let task = tokio::spawn(accept_loop(listener, myself));
                (Some(local), Some(TaskGuard(task)))
            }
        };
        Ok(StreamState {
            args,
            kind,
            local,
            conns: HashMap::new(),
            by_addr: HashMap::new(),
            by_actor: HashMap::new(),
            _acceptor: acceptor,
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<TransportMsg>,
        message: TransportMsg,
        state: &mut StreamState,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            TransportMsg::Send { bytes, target } => {
                if target.kind != state.kind {
                    let error = TransportError::WrongKind {
                        expected: state.kind,
                        got: target.kind,
                    };
                    state.args.sink.deliver(TransportEvent::SendFailed {
                        target,
                        error,
                        bytes,
                    });
                    return Ok(());
                }
                let existing = target
                    .conn
                    .filter(|id| state.conns.contains_key(id))
                    .or_else(|| state.by_addr.get(&(state.kind, target.addr)).copied());
                let id = match existing {
                    Some(id) => Some(id),
                    None => {
                        let setup = Setup::Connect {
                            addr: target.addr,
                            server_name: target.server_name.clone(),
                        };
                        state.spawn(&myself, setup, target.addr).await
                    }
                };
                let entry = id.and_then(|id| state.conns.get(&id));
                let sent = entry.map(|e| {
                    e.actor.cast(ConnMsg::Send {
                        bytes: bytes.clone(),
                        target: target.clone(),
                    })
                });
                if !matches!(sent, Some(Ok(()))) {
                    let error = TransportError::Stopped;
                    state.args.sink.deliver(TransportEvent::SendFailed {
                        target,
                        error,
                        bytes,
                    });
                }
            }
            TransportMsg::LocalAddr(reply) => {
                let _ = reply.send(state.local);
            }
            TransportMsg::ConnectionCount(reply) => {
                let _ = reply.send(state.conns.len());
            }
            TransportMsg::Internal(internal) => match internal.0 {
                InternalMsg::SocketFailed(e) => return Err(Box::new(e)),
                InternalMsg::Accepted(conn) => {
                    let remote = conn.remote;
                    state.spawn(&myself, Setup::Accepted(conn), remote).await;
                }
                InternalMsg::ConnGone(id) => {
                    if let Some(entry) = state.forget(id) {
                        let _ = entry.actor.cast(ConnMsg::Shutdown);
                    }
                }
            },
        }
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        _myself: ActorRef<TransportMsg>,
        event: SupervisionEvent,
        state: &mut StreamState,
    ) -> Result<(), ActorProcessingErr> {
        match event {
            SupervisionEvent::ActorTerminated(cell, _, _) => {
                if let Some(id) = state.by_actor.remove(&cell.get_id()) {
                    state.forget(id);
                }
            }
            SupervisionEvent::ActorFailed(cell, error) => {
                if let Some(id) = state.by_actor.remove(&cell.get_id()) {
                    tracing::warn!(id = id.0, %error, "connection actor failed");
                    state.forget(id);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl StreamState {
    /// Starts a connection actor and enters it in the table.
    async fn spawn(
        &mut self,
        myself: &ActorRef<TransportMsg>,
        setup: Setup,
        addr: SocketAddr,
    ) -> Option<ConnId> {
        let id = self.args.conn_ids.next_id();
        let args = ConnArgs {
            id,
            kind: self.kind,
            setup,
            network: self.args.network.clone(),
            tls: match &self.args.security {
                Security::Plain => None,
                Security::Tls(tls) => Some(tls.clone()),
            },
            parent: myself.clone(),
            sink: self.args.sink.clone(),
            options: self.args.options,
        };
        match Actor::spawn_linked(None, Connection, args, myself.get_cell()).await {
            Ok((actor, _)) => {
                self.by_actor.insert(actor.get_id(), id);
                self.by_addr.insert((self.kind, addr), id);
                self.conns.insert(id, Entry { actor, addr });
                Some(id)
            }
            Err(error) => {
                tracing::warn!(%error, "cannot start a connection actor");
                None
            }
        }
    }

    /// Removes a connection from the table.
    fn forget(&mut self, id: ConnId) -> Option<Entry> {
        let entry = self.conns.remove(&id)?;
        let key = (self.kind, entry.addr);
        if self.by_addr.get(&key) == Some(&id) {
            self.by_addr.remove(&key);
        }
        self.by_actor.remove(&entry.actor.get_id());
        Some(entry)
    }
}

/// Accepts connections and hands them to the transport actor.
async fn accept_loop(listener: Arc<dyn TcpListener>, myself: ActorRef<TransportMsg>) {
    loop {
        match listener.accept().await {
            Ok(conn) => {
                if myself.cast(InternalMsg::Accepted(conn).into()).is_err() {
                    return;
                }
            }
            Err(e) if is_transient(&e) => tracing::debug!(error = %e, "accept"),
            Err(e) => {
                let _ = myself.cast(InternalMsg::SocketFailed(e).into());
                return;
            }
        }
    }
}
