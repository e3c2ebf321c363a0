//! The transaction layer's actor shell. It runs the [`TransactionLayer`] machine and
//! spawns one [`TransactionActor`] per transaction, linked as its child. A child that
//! panics fails its own transaction only: the TU gets `InternalError` then
//! `Terminated` for that id, and the layer carries on.

use super::actor::{TransactionActor, TransactionArgs, TuSink, TxMsg, Wire};
use super::backlog::Backlog;
use super::event::TxEvent;
use super::layer::{LayerError, LayerOutput, TransactionLayer, TuEvent, TxId};
use super::timers::TimerConfig;
use crate::sip::{Message, Request, Response};
use crate::vocab::{Flow, Target};
use ractor::{Actor, ActorId, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::time::Instant;

/// Messages to the [`TransactionLayerActor`].
#[derive(Debug)]
pub enum LayerMsg {
    /// From the transport: a parsed, validated message and where it came from.
    Recv {
        /// The message.
        message: Message,
        /// Its flow.
        flow: Flow,
    },
    /// From the TU: start a client transaction (see [`TransactionLayer::send_request`]).
    SendRequest {
        /// The request, with its top Via (the layer sets the branch).
        request: Request,
        /// Where to send it.
        target: Target,
        /// Gets the transaction id, or why it was refused.
        reply: RpcReplyPort<Result<TxId, LayerError>>,
    },
    /// From the TU: answer through server transaction `id`. Unknown ids are logged.
    SendResponse {
        /// The server transaction.
        id: TxId,
        /// The response.
        response: Response,
    },
    /// From the TU: send outside any transaction (ACK for 2xx).
    SendStateless {
        /// The message.
        message: Message,
        /// Where to.
        target: Target,
    },
    /// From the transport: sending this message failed.
    SendFailed {
        /// The message that could not be sent.
        message: Message,
    },
    /// From the transport: the connection to `remote` over `kind` closed; client
    /// transactions sent that way fail with a transport error.
    ConnectionLost {
        /// The transport.
        kind: crate::vocab::TransportKind,
        /// The remote end.
        remote: std::net::SocketAddr,
    },
    /// From the transport: a keepalive answer, passed to the TU as it is.
    Keepalive {
        /// Where it came from.
        flow: Flow,
        /// What it was.
        reply: crate::transport::KeepaliveReply,
    },
    /// Replies with the number of live transaction actors.
    Count(RpcReplyPort<usize>),
    /// The TU gives up on client transaction `id` (RFC 3261 §9.1: an INVITE with no
    /// final response 64·T1 after its CANCEL counts as terminated): it stops at once,
    /// without telling the TU.
    Abandon(TxId),
    /// Test hook: make the actor of transaction `id` panic.
    #[cfg(any(test, feature = "test-hooks"))]
    PanicTransaction(TxId),
}

/// Arguments of the [`TransactionLayerActor`].
pub struct LayerArgs {
    /// Timer values (validated at start).
    pub timers: TimerConfig,
    /// The seeded RNG for branch ids.
    pub rng: ChaCha8Rng,
    /// The transport.
    pub wire: Arc<dyn Wire>,
    /// The TU.
    pub tu: Arc<dyn TuSink>,
    /// Counts [`LayerMsg::Recv`] messages queued by the sender; the layer releases one
    /// as it takes each (see [`Backlog`]).
    pub backlog: Backlog,
}

/// The state of the [`TransactionLayerActor`].
pub struct LayerState {
    layer: TransactionLayer,
    children: HashMap<TxId, ActorRef<TxMsg>>,
    ids: HashMap<ActorId, TxId>,
    wire: Arc<dyn Wire>,
    tu: Arc<dyn TuSink>,
    backlog: Backlog,
}

/// The transaction layer as an actor, supervising one actor per transaction.
#[derive(Debug, Clone, Copy, Default)]
pub struct TransactionLayerActor;

impl LayerState {
    /// Test hook (feature `test-hooks`): a request carrying `X-Switchboard-Test: panic`
    /// makes its server transaction's actor panic, so tests over real sockets can show
    /// that one failed transaction leaves the engine and the others running.
    #[cfg(any(test, feature = "test-hooks"))]
    fn test_panic_hook(&self, event: &TuEvent) {
        if let TuEvent::Request { id, request, .. } = event {
            let name = crate::sip::HeaderName::Other("X-Switchboard-Test".into());
            if request
                .headers
                .get(&name)
                .is_some_and(|v| v.as_str() == "panic")
            {
                if let Some(child) = self.children.get(id) {
                    let _ = child.send_message(TxMsg::Panic);
                }
            }
        }
    }

    async fn drain(&mut self, myself: &ActorRef<LayerMsg>) {
        while let Some(out) = self.layer.poll_output() {
            match out {
                LayerOutput::Spawn {
                    id,
                    transaction,
                    call_id,
                } => {
                    let args = TransactionArgs {
                        span: tracing::debug_span!("transaction", id = id.0, call_id = %call_id),
                        id,
                        transaction,
                        wire: self.wire.clone(),
                        tu: self.tu.clone(),
                    };
                    match TransactionActor::spawn_linked(
                        None,
                        TransactionActor,
                        args,
                        myself.get_cell(),
                    )
                    .await
                    {
                        Ok((child, _)) => {
                            self.ids.insert(child.get_id(), id);
                            self.children.insert(id, child);
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, ?id, "transaction actor failed to start");
                            self.fail(id);
                        }
                    }
                }
                LayerOutput::Deliver { id, input } => {
                    let sent = self
                        .children
                        .get(&id)
                        .map(|c| c.send_message(TxMsg::Input(input)));
                    if !matches!(sent, Some(Ok(()))) {
                        tracing::debug!(?id, "input for a finished transaction dropped");
                    }
                }
                LayerOutput::Transmit { message, target } => self.wire.send(message, target),
                LayerOutput::ToTu(event) => {
                    #[cfg(any(test, feature = "test-hooks"))]
                    self.test_panic_hook(&event);
                    self.tu.deliver(event)
                }
            }
        }
    }

    fn fail(&mut self, id: TxId) {
        self.layer.remove(id);
        self.children.remove(&id);
        for event in [TxEvent::InternalError, TxEvent::Terminated] {
            self.tu.deliver(TuEvent::Transaction { id, event });
        }
    }
}

impl Actor for TransactionLayerActor {
    type Msg = LayerMsg;
    type State = LayerState;
    type Arguments = LayerArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<LayerMsg>,
        args: LayerArgs,
    ) -> Result<LayerState, ActorProcessingErr> {
        Ok(LayerState {
            layer: TransactionLayer::new(args.timers, args.rng)?,
            children: HashMap::new(),
            ids: HashMap::new(),
            wire: args.wire,
            tu: args.tu,
            backlog: args.backlog,
        })
    }

    /// The layer stops (engine shutdown, or its failure): its transactions stop with it
    /// rather than living on until their timers end them (found by the simulator's
    /// sweep: a server transaction outlived the engine by Timer J).
    async fn post_stop(
        &self,
        _myself: ActorRef<LayerMsg>,
        state: &mut LayerState,
    ) -> Result<(), ActorProcessingErr> {
        for child in state.children.values() {
            child.stop(Some("transaction layer stopped".to_owned()));
        }
        Ok(())
    }

    async fn handle(
        &self,
        myself: ActorRef<LayerMsg>,
        message: LayerMsg,
        state: &mut LayerState,
    ) -> Result<(), ActorProcessingErr> {
        let now = Instant::now(); // clock-ok: tokio time, paused and driven by the simulator
        match message {
            LayerMsg::Recv { message, flow } => {
                state.backlog.release();
                state.layer.recv(now, message, flow)
            }
            LayerMsg::SendRequest {
                request,
                target,
                reply,
            } => {
                let result = state.layer.send_request(now, request, target);
                state.drain(&myself).await;
                let _ = reply.send(result);
            }
            LayerMsg::SendResponse { id, response } => {
                if let Err(e) = state.layer.send_response(id, response) {
                    tracing::debug!(error = %e, "response from the TU dropped");
                }
            }
            LayerMsg::SendStateless { message, target } => {
                state.layer.send_stateless(message, target)
            }
            LayerMsg::SendFailed { message } => {
                state.layer.send_failed(&message);
            }
            LayerMsg::ConnectionLost { kind, remote } => {
                let lost = state.layer.connection_lost(kind, remote);
                if !lost.is_empty() {
                    tracing::debug!(%remote, count = lost.len(), "connection lost; its client transactions fail");
                }
                state.drain(&myself).await;
                state.tu.deliver(TuEvent::ConnectionLost { kind, remote });
            }
            LayerMsg::Keepalive { flow, reply } => {
                state.tu.deliver(TuEvent::Keepalive { flow, reply });
            }
            LayerMsg::Count(reply) => {
                let _ = reply.send(state.children.len());
            }
            LayerMsg::Abandon(id) => {
                if let Some(child) = state.children.get(&id) {
                    child.stop(Some("abandoned by the TU".to_owned()));
                }
            }
            #[cfg(any(test, feature = "test-hooks"))]
            LayerMsg::PanicTransaction(id) => {
                if let Some(child) = state.children.get(&id) {
                    let _ = child.send_message(TxMsg::Panic);
                }
            }
        }
        state.drain(&myself).await;
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        _myself: ActorRef<LayerMsg>,
        event: SupervisionEvent,
        state: &mut LayerState,
    ) -> Result<(), ActorProcessingErr> {
        match event {
            SupervisionEvent::ActorTerminated(cell, _, _) => {
                if let Some(id) = state.ids.remove(&cell.get_id()) {
                    state.children.remove(&id);
                    state.layer.remove(id);
                }
            }
            SupervisionEvent::ActorFailed(cell, err) => {
                if let Some(id) = state.ids.remove(&cell.get_id()) {
                    tracing::warn!(?id, error = %err, "transaction actor failed");
                    state.fail(id);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "actor_tests.rs"]
mod tests;
