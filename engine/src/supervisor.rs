//! `EngineSupervisor`: the root of the tree (DESIGN.md, "Supervision tree"). It owns the
//! lifecycle machine, spawns its children linked, and decides what a child's failure
//! means: a transport is restarted and re-bound within its budget; the event hub or the
//! transaction layer failing stops the engine with the reason.
//!
//! ```text
//! EngineSupervisor
//!  ├─ EventHub                 (spawned in pre_start, before anything can emit)
//!  ├─ TransactionLayer         INTEGRATION(transaction), in start_children
//!  └─ Transport × listeners    via the TransportSpawner, in start_children
//! ```

use crate::children::{ChildKind, TransportContext, TransportSpawner};
use crate::config::EngineConfig;
use crate::error::EngineError;
use crate::event_hub::{EventHub, EventSink};
use crate::events::Event;
use crate::lifecycle::{EngineState, IllegalTransition, Lifecycle};
use crate::restart::{RestartBudget, RestartDecision};
use crate::rng::EngineRng;
use ractor::{
    Actor, ActorCell, ActorId, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// How long teardown waits for one child to stop.
const CHILD_STOP_TIMEOUT: Duration = Duration::from_secs(5);

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
}

struct TransportSlot {
    cell: Option<ActorCell>,
    budget: RestartBudget,
}

/// The supervisor's state.
pub struct SupervisorState {
    cfg: EngineConfig,
    lifecycle: Lifecycle<String>,
    state_tx: watch::Sender<EngineState>,
    rng: EngineRng,
    events: EventSink,
    children: HashMap<ActorId, ChildKind>,
    transports: Vec<TransportSlot>,
    spawner: Option<Arc<dyn TransportSpawner>>,
    span: tracing::Span,
    // INTEGRATION(transaction): `transaction: Option<ActorRef<TransactionMsg>>`.
}

/// The root supervisor actor.
#[derive(Debug, Clone, Copy, Default)]
pub struct EngineSupervisor;

impl SupervisorState {
    /// Applies a lifecycle step: publishes the state and emits `Event::Engine`.
    fn transition(
        &mut self,
        step: Result<EngineState, IllegalTransition>,
        reason: Option<String>,
    ) -> Result<EngineState, EngineError> {
        let state = step.map_err(|e| EngineError::NotRunning { state: e.state })?;
        self.state_tx.send_replace(state);
        tracing::info!(parent: &self.span, %state, ?reason, "engine state");
        self.events.emit(Event::Engine { state, reason });
        Ok(state)
    }

    async fn start_children(
        &mut self,
        myself: &ActorRef<SupervisorMsg>,
    ) -> Result<(), EngineError> {
        for l in self.cfg.exposed_listeners() {
            tracing::warn!(parent: &self.span, addr = %l.addr, "listener is reachable from the network");
        }
        // INTEGRATION(transaction): spawn the TransactionLayer here, linked to `myself`,
        // before the transports (they deliver `Inbound` to it); record it in `children`
        // as `ChildKind::TransactionLayer` and keep its ActorRef for `TransportContext`.
        for index in 0..self.cfg.listeners.len() {
            self.spawn_transport(myself, index).await?;
        }
        Ok(())
    }

    async fn spawn_transport(
        &mut self,
        myself: &ActorRef<SupervisorMsg>,
        index: usize,
    ) -> Result<(), EngineError> {
        let Some(listener) = self.cfg.listeners.get(index).cloned() else {
            return Ok(());
        };
        let Some(spawner) = self.spawner.clone() else {
            // INTEGRATION(transport): until the lead passes the real spawner
            // (EngineBuilder::transports), configured listeners are not opened.
            tracing::warn!(parent: &self.span, addr = %listener.addr, "no transport wired in; listener not opened");
            return Ok(());
        };
        let ctx = TransportContext {
            index,
            rng: self.rng.fork(&format!("transport:{index}")),
            listener: listener.clone(),
            limits: self.cfg.limits,
            events: self.events.clone(),
        };
        let spawned = spawner.spawn(ctx, myself.get_cell()).await?;
        self.children
            .insert(spawned.cell.get_id(), ChildKind::Transport { index });
        if let Some(slot) = self.transports.get_mut(index) {
            slot.cell = Some(spawned.cell);
        }
        self.events.emit(Event::Listening {
            transport: listener.transport,
            addr: spawned.local_addr,
        });
        Ok(())
    }

    fn transport_failed(&mut self, myself: &ActorRef<SupervisorMsg>, index: usize, reason: String) {
        let (Some(slot), Some(listener)) = (
            self.transports.get_mut(index),
            self.cfg.listeners.get(index),
        ) else {
            return;
        };
        slot.cell = None;
        let decision = slot
            .budget
            .failed(tokio::time::Instant::now(), &mut self.rng);
        let restarting = matches!(decision, RestartDecision::RestartAfter(_));
        tracing::warn!(parent: &self.span, addr = %listener.addr, %reason, restarting, "transport failed");
        self.events.emit(Event::TransportError {
            transport: listener.transport,
            addr: listener.addr,
            reason,
            restarting,
        });
        if let RestartDecision::RestartAfter(delay) = decision {
            myself.send_after(delay, move || SupervisorMsg::RestartTransport { index });
        }
    }

    /// Stops every child but the hub, reaches Stopped, then drains and stops the hub so
    /// the final `engine stopped` event reaches subscribers before their streams end.
    async fn teardown(&mut self) {
        // INTEGRATION(transaction): stop the TransactionLayer after the transports.
        for slot in &mut self.transports {
            if let Some(cell) = slot.cell.take() {
                let _ = cell.stop_and_wait(None, Some(CHILD_STOP_TIMEOUT)).await;
            }
        }
        self.children.retain(|_, kind| *kind == ChildKind::EventHub);
        let step = self.lifecycle.stopped();
        let _ = self.transition(step, None);
        let _ = self
            .events
            .hub()
            .drain_and_wait(Some(CHILD_STOP_TIMEOUT))
            .await;
        self.children.clear();
    }

    async fn fail(&mut self, myself: &ActorRef<SupervisorMsg>, reason: String) {
        let step = self.lifecycle.failed(reason.clone());
        let _ = self.transition(step, Some(reason));
        self.teardown().await;
        myself.stop(None);
    }
}

impl Actor for EngineSupervisor {
    type Msg = SupervisorMsg;
    type State = SupervisorState;
    type Arguments = SupervisorArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<SupervisorMsg>,
        args: SupervisorArgs,
    ) -> Result<SupervisorState, ActorProcessingErr> {
        let (hub, _) = Actor::spawn_linked(None, EventHub, args.subscribers, myself.get_cell())
            .await
            .map_err(|e| EngineError::from_spawn("event_hub", e))?;
        let transports = (0..args.config.listeners.len())
            .map(|_| TransportSlot {
                cell: None,
                budget: RestartBudget::new(args.config.restart),
            })
            .collect();
        let mut state = SupervisorState {
            lifecycle: Lifecycle::new(),
            state_tx: args.state_tx,
            rng: args.rng,
            children: HashMap::from([(hub.get_id(), ChildKind::EventHub)]),
            events: EventSink::new(hub),
            transports,
            spawner: args.transports,
            span: args.span,
            cfg: args.config,
        };
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
                // INTEGRATION: forward Pause to the children once they act on it.
                let step = state.lifecycle.pause();
                let _ = reply.send(state.transition(step, None).map(drop));
            }
            SupervisorMsg::Resume(reply) if state.lifecycle.state() == EngineState::Running => {
                let _ = reply.send(Ok(()));
            }
            SupervisorMsg::Resume(reply) => {
                let step = state.lifecycle.resume();
                let _ = reply.send(state.transition(step, None).map(drop));
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
            ChildKind::EventHub | ChildKind::TransactionLayer => {
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
