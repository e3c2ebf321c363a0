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
use crate::sockets::SocketTransports;
use crate::stack::{Ingress, StackWire, TransportRegistry};
use crate::supervisor::{SupervisorArgs, SupervisorMsg};
use crate::ua::{UaArgs, UaCore, UaMsg};
use ractor::{Actor, ActorCell, ActorId, ActorRef};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::OnceLock;
use std::time::Duration;
use switchboard_actors::transaction::{
    Backlog, LayerArgs, LayerMsg, TimerConfig, TransactionLayerActor,
};
use switchboard_actors::transport::Sink;
use tokio::sync::watch;

/// How long teardown waits for one child to stop.
const CHILD_STOP_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a shutdown waits for the calls it hung up to end (a BYE answered, a CANCEL
/// settled); what is left is stopped with the UA core.
const CALLS_END_TIMEOUT: Duration = Duration::from_secs(4);

pub(crate) struct TransportSlot {
    pub(crate) cell: Option<ActorCell>,
    budget: RestartBudget,
    /// The address it is bound to (the real port when the config said 0).
    pub(crate) bound: Option<std::net::SocketAddr>,
}

/// The supervisor's state.
pub struct SupervisorState {
    pub(crate) cfg: EngineConfig,
    pub(crate) records: crate::call_record::Records,
    pub(crate) lifecycle: Lifecycle<String>,
    pub(crate) state_tx: watch::Sender<EngineState>,
    pub(crate) rng: EngineRng,
    pub(crate) events: EventSink,
    pub(crate) children: HashMap<ActorId, ChildKind>,
    pub(crate) transports: Vec<TransportSlot>,
    pub(crate) spawner: Option<Arc<dyn TransportSpawner>>,
    pub(crate) span: tracing::Span,
    pub(crate) stack: Option<Stack>,
    /// The account actors, in the order they were added.
    pub(crate) accounts: Vec<ActorRef<crate::registration::AccountMsg>>,
    /// What pushes are routed by, one per account, in the same order.
    pub(crate) push_targets: Vec<crate::supervisor_push::PushTarget>,
}

/// The running SIP stack's handles (see [`crate::stack`]).
pub(crate) struct Stack {
    layer: ActorRef<LayerMsg>,
    pub(crate) ua: ActorRef<UaMsg>,
    sink: Sink,
    pub(crate) registry: Arc<TransportRegistry>,
}

impl SupervisorState {
    /// The initial state, with the hub already spawned.
    pub(crate) fn new(args: SupervisorArgs, hub: ActorRef<crate::event_hub::HubMsg>) -> Self {
        let transports = (0..args.config.listeners.len())
            .map(|_| TransportSlot {
                cell: None,
                budget: RestartBudget::new(args.config.restart),
                bound: None,
            })
            .collect();
        SupervisorState {
            lifecycle: Lifecycle::new(),
            state_tx: args.state_tx,
            rng: args.rng,
            children: HashMap::from([(hub.get_id(), ChildKind::EventHub)]),
            events: EventSink::new(hub),
            transports,
            spawner: Some(
                args.transports
                    .unwrap_or_else(|| Arc::new(SocketTransports::tokio())),
            ),
            stack: None,
            accounts: Vec::new(),
            push_targets: Vec::new(),
            span: args.span,
            records: args.records.clone(),
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

    /// Hands an embedder's request to the UA core, or refuses it outside Running.
    pub(crate) fn forward_request(
        &self,
        method: switchboard_actors::sip::Method,
        uri: switchboard_actors::sip::SipUri,
        reply: crate::ua_client::RequestReply,
    ) {
        let state = self.lifecycle.state();
        match &self.stack {
            Some(stack) if state == EngineState::Running => {
                if let Err(ractor::MessagingErr::SendErr(UaMsg::Request { reply, .. })) =
                    stack.ua.send_message(UaMsg::Request { method, uri, reply })
                {
                    let _ = reply.send(Err(EngineError::EngineGone));
                }
            }
            _ => drop(reply.send(Err(EngineError::NotRunning { state }))),
        }
    }

    /// Counts what is alive: transactions, requests waiting, listeners.
    pub(crate) async fn stats(&self) -> crate::stats::EngineStats {
        let mut stats = crate::stats::EngineStats {
            listeners: self.transports.iter().filter(|t| t.cell.is_some()).count(),
            accounts: self.accounts.len(),
            ..Default::default()
        };
        if let Some(stack) = &self.stack {
            if let Ok(ractor::rpc::CallResult::Success(n)) =
                stack.layer.call(LayerMsg::Count, None).await
            {
                stats.transactions = n;
            }
            if let Ok(ractor::rpc::CallResult::Success(n)) =
                stack.ua.call(UaMsg::PendingCount, None).await
            {
                stats.pending_requests = n;
            }
        }
        stats
    }

    pub(crate) async fn start_children(
        &mut self,
        myself: &ActorRef<SupervisorMsg>,
    ) -> Result<(), EngineError> {
        for l in self.cfg.exposed_listeners() {
            tracing::warn!(parent: &self.span, addr = %l.addr, "listener is reachable from the network");
        }
        self.spawn_stack(myself).await?;
        for index in 0..self.cfg.listeners.len() {
            self.spawn_transport(myself, index).await?;
        }
        self.watch_network(myself);
        Ok(())
    }

    /// Spawns the transaction layer and the UA core (linked), and builds the ingress
    /// and wire that connect them to the transports.
    async fn spawn_stack(&mut self, myself: &ActorRef<SupervisorMsg>) -> Result<(), EngineError> {
        let registry = Arc::new(TransportRegistry::default());
        let layer_slot = Arc::new(OnceLock::new());
        let ua_args = UaArgs {
            layer: layer_slot.clone(),
            events: self.events.clone(),
            server: self.cfg.user_agent.clone(),
            rng: self.rng.fork("ua_core"),
            registry: registry.clone(),
            network: self.network(),
            calls: self.cfg.calls,
            records: self.records.clone(),
            media_settings: self.cfg.media.clone(),
        };
        let (ua, _) = Actor::spawn_linked(None, UaCore, ua_args, myself.get_cell())
            .await
            .map_err(|e| EngineError::from_spawn("ua_core", e))?;
        self.children.insert(ua.get_id(), ChildKind::UaCore);
        let wire = Arc::new(StackWire::new(registry.clone(), layer_slot.clone()));
        let t = &self.cfg.timers;
        let timers = TimerConfig {
            t1: Duration::from_millis(t.t1),
            t2: Duration::from_millis(t.t2),
            t4: Duration::from_millis(t.t4),
            ..TimerConfig::default()
        };
        let backlog = Backlog::new();
        let layer_args = LayerArgs {
            backlog: backlog.clone(),
            timers,
            rng: self.rng.fork("transactions"),
            wire: wire.clone(),
            tu: Arc::new(ua.clone()),
        };
        let (layer, _) =
            Actor::spawn_linked(None, TransactionLayerActor, layer_args, myself.get_cell())
                .await
                .map_err(|e| EngineError::from_spawn("transaction_layer", e))?;
        self.children
            .insert(layer.get_id(), ChildKind::TransactionLayer);
        let _ = layer_slot.set(layer.clone());
        let limits = self.cfg.limits;
        let sink: Sink = Arc::new(Ingress::new(
            layer.clone(),
            backlog,
            self.cfg.mailbox.transport_inbound,
            wire,
            limits,
            self.events.clone(),
            self.cfg.user_agent.clone(),
            self.rng.fork("ingress"),
        ));
        self.stack = Some(Stack {
            layer,
            ua,
            sink,
            registry,
        });
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
            // Unreachable with the default spawner; kept so a test may run without one.
            tracing::warn!(parent: &self.span, addr = %listener.addr, "no transport wired in; listener not opened");
            return Ok(());
        };
        let Some(stack) = &self.stack else {
            return Ok(());
        };
        let ctx = TransportContext {
            sink: stack.sink.clone(),
            registry: stack.registry.clone(),
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
            slot.bound = Some(spawned.local_addr);
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
        if let Some(stack) = &self.stack {
            stack.registry.clear(index);
        }
        let decision = slot
            .budget
            .failed(tokio::time::Instant::now(), &mut self.rng); // clock-ok: tokio time, paused and driven by the simulator
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
        // Calls first (BYE, CANCEL, 603), then accounts: both send through the stack.
        self.hang_up_calls().await;
        self.stop_accounts(CHILD_STOP_TIMEOUT).await;
        for slot in &mut self.transports {
            if let Some(cell) = slot.cell.take() {
                let _ = cell.stop_and_wait(None, Some(CHILD_STOP_TIMEOUT)).await;
            }
        }
        // The stack after the transports: nothing new can arrive once they are gone.
        if let Some(stack) = self.stack.take() {
            let _ = stack
                .layer
                .get_cell()
                .stop_and_wait(None, Some(CHILD_STOP_TIMEOUT))
                .await;
            let _ = stack
                .ua
                .get_cell()
                .stop_and_wait(None, Some(CHILD_STOP_TIMEOUT))
                .await;
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

    /// Hangs up every call and waits, at most [`CALLS_END_TIMEOUT`], for them to end.
    async fn hang_up_calls(&mut self) {
        let Some(ua) = self.stack.as_ref().map(|s| s.ua.clone()) else {
            return;
        };
        let ask = |m: fn(ractor::RpcReplyPort<usize>) -> UaMsg| {
            let ua = ua.clone();
            async move {
                match ua.call(m, Some(CHILD_STOP_TIMEOUT)).await {
                    Ok(ractor::rpc::CallResult::Success(n)) => n,
                    _ => 0,
                }
            }
        };
        if ask(UaMsg::HangUpAll).await == 0 {
            return;
        }
        let all_ended = async {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                if ask(UaMsg::CallCount).await == 0 {
                    return;
                }
            }
        };
        if tokio::time::timeout(CALLS_END_TIMEOUT, all_ended)
            .await
            .is_err()
        {
            tracing::warn!("calls still up after the shutdown's hang-up wait");
        }
    }

    pub(crate) async fn fail(&mut self, myself: &ActorRef<SupervisorMsg>, reason: String) {
        let step = self.lifecycle.failed(reason.clone());
        let _ = self.transition(step, Some(reason));
        self.teardown().await;
        myself.stop(None);
    }
}
