//! The supervisor's state and what it does with it: lifecycle steps, spawning and
//! restarting transports, teardown. The actor in [`crate::supervisor`] only routes
//! messages and supervision events here.

use crate::children::{ChildKind, TransportContext, TransportSpawner};
use crate::config::EngineConfig;
use crate::error::EngineError;
use crate::event_hub::EventSink;
use crate::events::Event;
use crate::lifecycle::{EngineState, IllegalTransition, Lifecycle};
use crate::restart::{RestartBudget, RestartDecision};
use crate::rng::EngineRng;
use crate::supervisor::{SupervisorArgs, SupervisorMsg};
use ractor::{ActorCell, ActorId, ActorRef};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How long teardown waits for one child to stop.
const CHILD_STOP_TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) struct TransportSlot {
    cell: Option<ActorCell>,
    budget: RestartBudget,
}

/// The supervisor's state.
pub struct SupervisorState {
    pub(crate) cfg: EngineConfig,
    pub(crate) lifecycle: Lifecycle<String>,
    pub(crate) state_tx: watch::Sender<EngineState>,
    pub(crate) rng: EngineRng,
    pub(crate) events: EventSink,
    pub(crate) children: HashMap<ActorId, ChildKind>,
    pub(crate) transports: Vec<TransportSlot>,
    pub(crate) spawner: Option<Arc<dyn TransportSpawner>>,
    pub(crate) span: tracing::Span,
    // INTEGRATION(transaction): `transaction: Option<ActorRef<TransactionMsg>>`.
}

impl SupervisorState {
    /// The initial state, with the hub already spawned.
    pub(crate) fn new(args: SupervisorArgs, hub: ActorRef<crate::event_hub::HubMsg>) -> Self {
        let transports = (0..args.config.listeners.len())
            .map(|_| TransportSlot {
                cell: None,
                budget: RestartBudget::new(args.config.restart),
            })
            .collect();
        SupervisorState {
            lifecycle: Lifecycle::new(),
            state_tx: args.state_tx,
            rng: args.rng,
            children: HashMap::from([(hub.get_id(), ChildKind::EventHub)]),
            events: EventSink::new(hub),
            transports,
            spawner: args.transports,
            span: args.span,
            cfg: args.config,
        }
    }

    /// Applies a lifecycle step: publishes the state and emits `Event::Engine`.
    pub(crate) fn transition(
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

    pub(crate) async fn start_children(
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

    pub(crate) async fn spawn_transport(
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

    pub(crate) fn transport_failed(
        &mut self,
        myself: &ActorRef<SupervisorMsg>,
        index: usize,
        reason: String,
    ) {
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
    pub(crate) async fn teardown(&mut self) {
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

    pub(crate) async fn fail(&mut self, myself: &ActorRef<SupervisorMsg>, reason: String) {
        let step = self.lifecycle.failed(reason.clone());
        let _ = self.transition(step, Some(reason));
        self.teardown().await;
        myself.stop(None);
    }
}
