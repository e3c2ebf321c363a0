//! The supervisor's children and the typed integration points for the ones that live
//! in `switchboard-actors`.
//!
//! Transports are started through a [`TransportSpawner`], not named directly: the real
//! one starts `switchboard_actors::transport` listeners, the simulator plugs in its
//! virtual network (DESIGN.md, "Determinism": sockets sit behind a transport trait).
//! The supervisor calls it once per listener at start and again on every restart.

use crate::config::{ListenerConfig, ParseLimits};
use crate::error::EngineError;
use crate::event_hub::EventSink;
use crate::stack::TransportRegistry;
use futures::future::BoxFuture;
use ractor::ActorCell;
use rand_chacha::ChaCha8Rng;
use std::net::SocketAddr;
use std::sync::Arc;
use switchboard_actors::transport::Sink;

/// What a supervised child is, so a failure can be handled by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChildKind {
    /// The event hub. Its failure stops the engine: subscribers' channels live in it and
    /// cannot be carried over to a new hub.
    EventHub,
    /// The transport actor of `listeners[index]`; restarted and re-bound on failure
    /// within the restart budget.
    Transport {
        /// Index into `EngineConfig::listeners`.
        index: usize,
    },
    /// The transaction layer. Its failure stops the engine: every transaction's state
    /// lives under it (a failing *transaction* only ends that transaction).
    TransactionLayer,
    /// The out-of-dialog transaction user ([`crate::ua::UaCore`]). Its failure stops
    /// the engine: it holds no per-call state, and requests cannot be answered without it.
    UaCore,
    /// An account's registration actor ([`crate::registration::AccountActor`]). Its
    /// failure ends that account only (reported as `actor_failed`).
    Account,
}

impl ChildKind {
    /// A short name for logs and events.
    pub fn name(self) -> &'static str {
        match self {
            ChildKind::EventHub => "event_hub",
            ChildKind::Transport { .. } => "transport",
            ChildKind::TransactionLayer => "transaction_layer",
            ChildKind::UaCore => "ua_core",
            ChildKind::Account => "account",
        }
    }
}

/// What a transport actor is given when it is (re)started.
#[derive(Clone)]
#[non_exhaustive]
pub struct TransportContext {
    /// Index of the listener in the config (stable across restarts).
    pub index: usize,
    /// The listener to bind.
    pub listener: ListenerConfig,
    /// Limits for framing/parsing what it receives.
    pub limits: ParseLimits,
    /// Where to report `TransportError`s and the like.
    pub events: EventSink,
    /// Its own RNG, forked from the engine RNG in spawn order.
    pub rng: ChaCha8Rng,
    /// Where the transport delivers what it receives (the stack's [`crate::stack::Ingress`]).
    pub sink: Sink,
    /// Where the spawner records the started actor, so the stack's wire can send
    /// through it (replaced on restart).
    pub registry: Arc<TransportRegistry>,
}

impl std::fmt::Debug for TransportContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransportContext")
            .field("index", &self.index)
            .field("listener", &self.listener)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// A transport actor that started and bound its socket.
#[derive(Debug, Clone)]
pub struct SpawnedTransport {
    /// The actor, linked to the supervisor (`spawn_linked(.., supervisor)`), so its
    /// failure reaches `handle_supervisor_evt`.
    pub cell: ActorCell,
    /// The address actually bound (the real port when the config asked for port 0).
    pub local_addr: SocketAddr,
}

/// Starts one listener's transport actor, linked to `supervisor`, and resolves once the
/// socket is bound. A bind failure is returned as [`EngineError::Bind`] naming the
/// address (at start, it fails `Engine::start`; on a restart, it counts against the
/// restart budget).
pub trait TransportSpawner: Send + Sync + 'static {
    /// Spawns the actor for `ctx.listener`.
    fn spawn(
        &self,
        ctx: TransportContext,
        supervisor: ActorCell,
    ) -> BoxFuture<'static, Result<SpawnedTransport, EngineError>>;

    /// The network the transports run on, for media sockets; `None`: the real one
    /// ([`TokioNetwork`](switchboard_actors::transport::net::TokioNetwork)).
    fn network(&self) -> Option<Arc<dyn switchboard_actors::transport::net::Network>> {
        None
    }
}
