//! `EngineSupervisor`: the root of the tree (DESIGN.md, "Supervision tree"). It owns the
//! lifecycle machine, spawns its children linked, and decides what a child's failure
//! means: a transport is restarted and re-bound within its budget; the event hub or the
//! transaction layer failing stops the engine with the reason.
//!
//! ```text
//! EngineSupervisor
//!  ├─ EventHub                 (spawned in pre_start, before anything can emit)
//!  ├─ TransactionLayer         one actor per transaction under it
//!  ├─ UaCore                   answers out-of-dialog requests; call manager for now
//!  │   └─ CallActor × calls    one per incoming call (linked to the UA core: a failure
//!  │                           ends that call only, reported `internal_error`)
//!  ├─ AccountActor × accounts  registration, via Engine::add_account
//!  └─ Transport × listeners    via the TransportSpawner, in start_children
//! ```

use crate::children::{ChildKind, TransportSpawner};
use crate::config::EngineConfig;
use crate::error::EngineError;
use crate::event_hub::EventHub;
use crate::events::Event;
use crate::lifecycle::EngineState;
use crate::rng::EngineRng;
pub use crate::supervisor_state::SupervisorState;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent};
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

/// A reply carrying the outcome of an embedder request.
pub type Reply = RpcReplyPort<Result<(), EngineError>>;

/// Messages to the supervisor.
#[derive(Debug)]
#[non_exhaustive]
pub enum SupervisorMsg {
    /// Start the transaction layer and the listeners; Starting → Running.
    StartChildren(Reply),
    /// Running → Paused.
    Pause(Reply),
    /// Paused → Running (a no-op when already Running).
    Resume(Reply),
    /// → Stopping → Stopped: stops every child, then the hub, then itself.
    Shutdown(Reply),
    /// Send a request outside any dialog (Running only); the reply gets the outcome.
    Request {
        /// The method.
        method: switchboard_actors::sip::Method,
        /// The Request-URI.
        uri: switchboard_actors::sip::SipUri,
        /// The outcome.
        reply: crate::ua_client::RequestReply,
    },
    /// Spawn an account's actor (Running only); the reply gets its handle.
    AddAccount {
        /// The validated account.
        config: crate::account::AccountConfig,
        /// The handle, or why the account cannot be served (`NoTransport`,
        /// `Unresolvable`, `NotRunning`).
        reply: RpcReplyPort<Result<crate::account_handle::Account, EngineError>>,
    },
    /// A parsed push for a registration-free account (Running only).
    Push {
        /// The payload.
        payload: crate::push::PushPayload,
        /// Ok once the account registers; `Push(NoAccount)`, `NotRunning`.
        reply: Reply,
    },
    /// A call message for the UA core (Running only: otherwise it is dropped, and its
    /// reply port with it).
    ToUa(Box<crate::ua::UaMsg>),
    /// Reject the ringing call `call_id` with `code` (Running only).
    RejectCall {
        /// The call's Call-ID.
        call_id: String,
        /// The status (4xx–6xx).
        code: u16,
        /// The outcome.
        reply: Reply,
    },
    /// Connect (`true`) or disconnect (`false`) phone services: re-register the
    /// accounts a disconnect unregistered, or unregister every account (waiting for
    /// the registrars, at most 4 s each, in parallel).
    PhoneServices {
        /// Connect or disconnect.
        connect: bool,
        /// Answered when done.
        reply: Reply,
    },
    /// Replies with counts of what is alive in the tree.
    Stats(RpcReplyPort<crate::stats::EngineStats>),
    /// Check that the listeners' addresses are still the host's and move those that
    /// are not (see [`crate::netwatch`]); the reply gets what moved. Without a reply it
    /// is the periodic check, which re-arms itself.
    CheckNetwork(Option<RpcReplyPort<crate::netwatch::Relocation>>),
    /// A restart timer fired for `listeners[index]`.
    RestartTransport {
        /// The listener.
        index: usize,
    },
}

/// What the supervisor is started with.
pub struct SupervisorArgs {
    /// The validated configuration.
    pub config: EngineConfig,
    /// The engine RNG (children fork from it in spawn order).
    pub rng: EngineRng,
    /// Subscribers that exist before start.
    pub subscribers: Vec<mpsc::Sender<Event>>,
    /// How listeners are started; `None` until transports are wired in.
    pub transports: Option<Arc<dyn TransportSpawner>>,
    /// Where the lifecycle state is published for `Engine::state()`.
    pub state_tx: watch::Sender<EngineState>,
    /// The engine's tracing span (field `engine`).
    pub span: tracing::Span,
    /// Where call records go.
    pub records: crate::call_record::Records,
}

/// The root supervisor actor.
#[derive(Debug, Clone, Copy, Default)]
pub struct EngineSupervisor;

impl Actor for EngineSupervisor {
    type Msg = SupervisorMsg;
    type State = SupervisorState;
    type Arguments = SupervisorArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<SupervisorMsg>,
        mut args: SupervisorArgs,
    ) -> Result<SupervisorState, ActorProcessingErr> {
        let subscribers = std::mem::take(&mut args.subscribers);
        let (hub, _) = Actor::spawn_linked(None, EventHub, subscribers, myself.get_cell())
            .await
            .map_err(|e| EngineError::from_spawn("event_hub", e))?;
        let mut state = SupervisorState::new(args, hub);
        let step = state.lifecycle.start();
        state.transition(step, None)?;
        Ok(state)
    }

    async fn handle(
        &self,
        myself: ActorRef<SupervisorMsg>,
        msg: SupervisorMsg,
        state: &mut SupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            SupervisorMsg::StartChildren(reply) => match state.start_children(&myself).await {
                Ok(()) => {
                    let step = state.lifecycle.started();
                    let _ = reply.send(state.transition(step, None).map(drop));
                }
                Err(e) => {
                    state.fail(&myself, e.to_string()).await;
                    let _ = reply.send(Err(e));
                }
            },
            SupervisorMsg::Pause(reply) => {
                let step = state.lifecycle.pause();
                let result = state.transition(step, None).map(drop);
                if result.is_ok() {
                    state.to_ua(crate::ua::UaMsg::Paused(true));
                }
                let _ = reply.send(result);
            }
            SupervisorMsg::Resume(reply) if state.lifecycle.state() == EngineState::Running => {
                let _ = reply.send(Ok(()));
            }
            SupervisorMsg::Resume(reply) => {
                let step = state.lifecycle.resume();
                let result = state.transition(step, None).map(drop);
                if result.is_ok() {
                    state.to_ua(crate::ua::UaMsg::Paused(false));
                }
                let _ = reply.send(result);
            }
            SupervisorMsg::Shutdown(reply) => {
                let step = state.lifecycle.stop();
                match state.transition(step, None) {
                    Err(e) => drop(reply.send(Err(e))),
                    Ok(_) => {
                        state.teardown().await;
                        let _ = reply.send(Ok(()));
                        myself.stop(None);
                    }
                }
            }
            SupervisorMsg::Request { method, uri, reply } => {
                state.forward_request(method, uri, reply)
            }
            SupervisorMsg::AddAccount { config, reply } => {
                let _ = reply.send(state.add_account(&myself, config).await);
            }
            SupervisorMsg::Push { payload, reply } => {
                let _ = reply.send(state.push(payload).await);
            }
            SupervisorMsg::RejectCall {
                call_id,
                code,
                reply,
            } => state.reject_call(call_id, code, reply),
            SupervisorMsg::ToUa(msg) => state.to_ua(*msg),
            SupervisorMsg::PhoneServices { connect, reply } => {
                let _ = reply.send(state.phone_services(connect).await);
            }
            SupervisorMsg::Stats(reply) => {
                let _ = reply.send(state.stats().await);
            }
            SupervisorMsg::CheckNetwork(reply) => {
                let moved = state.check_network(&myself).await;
                match reply {
                    Some(reply) => drop(reply.send(moved)),
                    None if matches!(
                        state.lifecycle.state(),
                        EngineState::Running | EngineState::Paused
                    ) =>
                    {
                        state.watch_network(&myself)
                    }
                    None => {}
                }
            }
            SupervisorMsg::RestartTransport { index } => {
                if matches!(
                    state.lifecycle.state(),
                    EngineState::Running | EngineState::Paused
                ) {
                    if let Err(e) = state.spawn_transport(&myself, index).await {
                        state.transport_failed(&myself, index, e.to_string());
                    }
                }
            }
        }
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<SupervisorMsg>,
        evt: SupervisionEvent,
        state: &mut SupervisorState,
    ) -> Result<(), ActorProcessingErr> {
        let (cell, reason) = match evt {
            SupervisionEvent::ActorFailed(cell, err) => (cell, err.to_string()),
            SupervisionEvent::ActorTerminated(cell, _, reason) => (
                cell,
                reason.unwrap_or_else(|| "stopped unexpectedly".to_owned()),
            ),
            _ => return Ok(()),
        };
        let Some(kind) = state.children.remove(&cell.get_id()) else {
            return Ok(());
        };
        if matches!(
            state.lifecycle.state(),
            EngineState::Stopping | EngineState::Stopped
        ) {
            return Ok(());
        }
        tracing::error!(parent: &state.span, child = kind.name(), %reason, "child failed");
        match kind {
            ChildKind::Transport { index } => state.transport_failed(&myself, index, reason),
            ChildKind::Account => {
                state.accounts.retain(|a| a.get_id() != cell.get_id());
                state
                    .push_targets
                    .retain(|t| t.actor.get_id() != cell.get_id());
                state.events.emit(Event::ActorFailed {
                    actor: kind.name().to_owned(),
                    reason,
                });
            }
            ChildKind::EventHub | ChildKind::TransactionLayer | ChildKind::UaCore => {
                state.events.emit(Event::ActorFailed {
                    actor: kind.name().to_owned(),
                    reason: reason.clone(),
                });
                state
                    .fail(&myself, format!("{} failed: {reason}", kind.name()))
                    .await;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "supervisor_tests.rs"]
mod tests;
