//! The embedder's handle: [`Engine`] and its [`EngineBuilder`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), switchboard::EngineError> {
//! use futures::StreamExt;
//! use switchboard::{Engine, EngineConfig};
//! let mut builder = Engine::builder().config(EngineConfig::default());
//! let mut early = builder.subscribe();          // sees `starting` and `listening`
//! let engine = builder.start().await?;          // Stopped → Starting → Running
//! let mut events = engine.events();             // from now on
//! engine.pause().await?;
//! engine.resume().await?;
//! engine.shutdown().await?;                     // Stopping → Stopped
//! while let Some(event) = early.next().await { println!("{}", event.to_json()); }
//! # Ok(()) }
//! ```

use crate::account::AccountConfig;
use crate::account_handle::Account;
use crate::children::TransportSpawner;
use crate::config::EngineConfig;
use crate::error::EngineError;
use crate::event_hub::{EventSink, EventStream};
use crate::lifecycle::EngineState;
use crate::rng::EngineRng;
use crate::stats::EngineStats;
use crate::supervisor::{EngineSupervisor, Reply, SupervisorArgs, SupervisorMsg};
use ractor::rpc::CallResult;
use ractor::{Actor, ActorRef};
use rand::RngCore;
use std::sync::Arc;
use switchboard_actors::sip::{Method, Response};
use tokio::sync::{mpsc, watch, Mutex};
use tokio::task::JoinHandle;

/// Configures and starts an [`Engine`].
#[derive(Default)]
pub struct EngineBuilder {
    config: EngineConfig,
    subscribers: Vec<mpsc::Sender<crate::Event>>,
    transports: Option<Arc<dyn TransportSpawner>>,
    records: crate::call_record::Records,
}

impl EngineBuilder {
    /// Uses this configuration (validated by [`start`](Self::start)).
    pub fn config(mut self, config: EngineConfig) -> Self {
        self.config = config;
        self
    }

    /// Plugs in how listeners are opened: the real transports, or the simulator's
    /// virtual network. Without one, configured listeners are not opened.
    pub fn transports(mut self, spawner: Arc<dyn TransportSpawner>) -> Self {
        self.transports = Some(spawner);
        self
    }

    /// Stamps call records with this clock instead of the system's (tests, the
    /// simulator's virtual time).
    pub fn clock(mut self, clock: Arc<dyn crate::clock::WallClock>) -> Self {
        self.records.clock = clock;
        self
    }

    /// An event stream that sees everything from the first `starting` event on. Its
    /// buffer is the configured `event_channel_bound`, so call this after
    /// [`config`](Self::config).
    pub fn subscribe(&mut self) -> EventStream {
        let (tx, stream) = EventStream::channel(self.config.event_channel_bound);
        self.subscribers.push(tx);
        stream
    }

    /// Validates the config and starts the tree: Stopped → Starting → Running. On a
    /// failure (e.g. [`EngineError::Bind`]) the started children are stopped again and
    /// the engine ends in Stopped.
    pub async fn start(self) -> Result<Engine, EngineError> {
        self.config.validate()?;
        let mut rng = EngineRng::new(self.config.seed);
        let id = format!("{:08x}", rng.fork("engine").next_u32());
        // ERROR level so the span (and its `engine` field) is kept under any filter that
        // lets any engine log through.
        let span = tracing::error_span!("engine", engine = %id);
        let (state_tx, state_rx) = watch::channel(EngineState::Stopped);
        let event_bound = self.config.event_channel_bound;
        let args = SupervisorArgs {
            config: self.config,
            rng,
            subscribers: self.subscribers,
            transports: self.transports,
            state_tx,
            span,
            records: self.records.clone(),
        };
        let (supervisor, join) = Actor::spawn(None, EngineSupervisor, args)
            .await
            .map_err(|e| EngineError::from_spawn("supervisor", e))?;
        let hub = supervisor
            .get_children()
            .into_iter()
            .next()
            .map(ActorRef::from)
            .ok_or(EngineError::EngineGone)?;
        let engine = Engine {
            id,
            supervisor,
            events: EventSink::new(hub),
            state: state_rx,
            event_bound,
            join: Mutex::new(Some(join)),
            records: self.records,
        };
        if let Err(e) = engine.request(SupervisorMsg::StartChildren).await {
            engine.wait_stopped().await;
            return Err(e);
        }
        Ok(engine)
    }
}

/// A running engine. Call [`shutdown`](Self::shutdown) to stop it cleanly; dropping a
/// handle that is not stopped kills the tree without the final events (sockets close).
pub struct Engine {
    id: String,
    supervisor: ActorRef<SupervisorMsg>,
    events: EventSink,
    state: watch::Receiver<EngineState>,
    event_bound: usize,
    join: Mutex<Option<JoinHandle<()>>>,
    records: crate::call_record::Records,
}

impl Engine {
    /// A builder with the default configuration.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// The engine id used in tracing spans (derived from the seed).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The current lifecycle state.
    pub fn state(&self) -> EngineState {
        *self.state.borrow()
    }

    /// A new event stream, from now on. Works in any state; it ends after the engine
    /// reaches Stopped (immediately if it already has).
    pub fn events(&self) -> EventStream {
        self.events.subscribe(self.event_bound)
    }

    /// Running → Paused; `NotRunning` in any other state.
    pub async fn pause(&self) -> Result<(), EngineError> {
        self.request(SupervisorMsg::Pause).await
    }

    /// Paused → Running (Ok when already Running); `NotRunning` otherwise.
    pub async fn resume(&self) -> Result<(), EngineError> {
        self.request(SupervisorMsg::Resume).await
    }

    /// Stops the whole tree and waits for it: → Stopping → Stopped. `NotRunning` if
    /// it is already stopped.
    pub async fn shutdown(&self) -> Result<(), EngineError> {
        self.request(SupervisorMsg::Shutdown).await?;
        self.wait_stopped().await;
        Ok(())
    }

    /// Sends OPTIONS to `target` (a `sip:`/`sips:` URI with an IP host; `transport=`
    /// picks the transport) and waits for the final response (RFC 3261 §11: a peer's
    /// capabilities, or a keepalive). Errors: `InvalidTarget`, `Unresolvable`,
    /// `NoTransport`, `RequestTimeout` (Timer F), `RequestTransport`, `NotRunning`.
    /// Emits `request_sent`, then `response_received` or `request_failed`.
    pub async fn options(&self, target: &str) -> Result<Response, EngineError> {
        let uri = crate::outbound::parse_target(target)?;
        let method = Method::Options;
        match self
            .supervisor
            .call(|reply| SupervisorMsg::Request { method, uri, reply }, None)
            .await
        {
            Ok(CallResult::Success(result)) => result,
            _ => Err(self.gone()),
        }
    }

    /// Adds an account (Running only): validates it (a bad field is
    /// [`EngineError::Account`] naming it) and starts its actor under the supervisor.
    /// It does not register until [`Account::register`]. Other errors: `NoTransport`
    /// (no listener of the account's transport), `Unresolvable` (server or proxy given
    /// as a host name), `NotRunning`.
    pub async fn add_account(&self, config: AccountConfig) -> Result<Account, EngineError> {
        config.validate()?;
        match self
            .supervisor
            .call(|reply| SupervisorMsg::AddAccount { config, reply }, None)
            .await
        {
            Ok(CallResult::Success(result)) => result,
            _ => Err(self.gone()),
        }
    }

    /// "Disconnect phone services" (the app goes offline for SIP): every account
    /// removes its binding (REGISTER with Expires: 0), and this returns when the
    /// registrars have answered (at most 4 s). Accounts stay; calls in progress are not
    /// touched. Errors: `NotRunning`.
    pub async fn disconnect_phone_services(&self) -> Result<(), EngineError> {
        self.phone_services(false).await
    }

    /// "Connect phone services": the accounts that were registered (or registering)
    /// when [`Engine::disconnect_phone_services`] ran register again; returns at once,
    /// progress comes as `registration` events. Errors: `NotRunning`.
    pub async fn connect_phone_services(&self) -> Result<(), EngineError> {
        self.phone_services(true).await
    }

    async fn phone_services(&self, connect: bool) -> Result<(), EngineError> {
        match self
            .supervisor
            .call(
                |reply| SupervisorMsg::PhoneServices { connect, reply },
                None,
            )
            .await
        {
            Ok(CallResult::Success(result)) => result,
            _ => Err(self.gone()),
        }
    }

    /// Handles a push the app's backend sent for a registration-free account (RFC 8599
    /// style; see [`crate::push`]): parses `payload` (JSON `call_id`, `caller`, `token`,
    /// optional `server`; unknown fields ignored), picks the account
    /// ([`crate::push::pick_account`]: a registration-free account whose server or
    /// domain matches `server`, or the only one), sets its session token and registers
    /// it with its push Contact parameters so the proxy releases the held INVITE.
    /// Returns once the REGISTER is under way; the call is then reported as a `call`
    /// event `incoming`, or `missed` (`not_delivered`) when its INVITE does not come
    /// within the account's `push_wait`. A second push for the same Call-ID is ignored
    /// (Ok). Errors: `Push` (a malformed payload, naming the field; `NoAccount`),
    /// `NotRunning`.
    pub async fn handle_push(&self, payload: &str) -> Result<(), EngineError> {
        let payload = crate::push::PushPayload::parse(payload)?;
        match self
            .supervisor
            .call(|reply| SupervisorMsg::Push { payload, reply }, None)
            .await
        {
            Ok(CallResult::Success(result)) => result,
            _ => Err(self.gone()),
        }
    }

    /// Rejects the ringing incoming call `call_id` with `code` (4xx–6xx, e.g. 486 Busy
    /// Here or 603 Decline; other codes send 603). The call ends as `rejected`.
    /// Errors: `UnknownCall` (no such call rings: it ended meanwhile), `NotRunning`.
    /// Answering comes with the calls issue.
    pub async fn reject_call(&self, call_id: &str, code: u16) -> Result<(), EngineError> {
        let call_id = call_id.to_owned();
        match self
            .supervisor
            .call(
                |reply| SupervisorMsg::RejectCall {
                    call_id,
                    code,
                    reply,
                },
                None,
            )
            .await
        {
            Ok(CallResult::Success(result)) => result,
            _ => Err(self.gone()),
        }
    }

    /// Counts of what is alive in the tree (transactions, requests waiting, listeners).
    pub async fn stats(&self) -> Result<EngineStats, EngineError> {
        match self.supervisor.call(SupervisorMsg::Stats, None).await {
            Ok(CallResult::Success(stats)) => Ok(stats),
            _ => Err(self.gone()),
        }
    }

    /// Tells the engine the device's network changed (call it from the OS callback:
    /// Android's `ConnectivityManager.NetworkCallback`, iOS's `NWPathMonitor`). The
    /// engine checks its listeners at once instead of at the next periodic check
    /// (`[network] check_interval_secs`): a listener whose address is gone is re-bound
    /// on the host's new address, accounts re-register and calls re-INVITE from there
    /// (see [`crate::netwatch`]). Returns what moved (empty: every address is still
    /// there). Errors: `EngineGone`.
    pub async fn network_changed(&self) -> Result<crate::netwatch::Relocation, EngineError> {
        let ask = |reply| SupervisorMsg::CheckNetwork(Some(reply));
        match self.supervisor.call(ask, None).await {
            Ok(CallResult::Success(moved)) => Ok(moved),
            _ => Err(self.gone()),
        }
    }

    /// The way to the UA core, for call handles.
    pub(crate) fn link(&self) -> crate::call_handle::UaLink {
        crate::call_handle::UaLink {
            supervisor: self.supervisor.clone(),
            state: self.state.clone(),
            history: self.records.history.clone(),
        }
    }

    /// Where call records go.
    pub(crate) fn records(&self) -> &crate::call_record::Records {
        &self.records
    }

    fn gone(&self) -> EngineError {
        match self.state() {
            EngineState::Running | EngineState::Paused => EngineError::EngineGone,
            state => EngineError::NotRunning { state },
        }
    }

    async fn wait_stopped(&self) {
        if let Some(join) = self.join.lock().await.take() {
            let _ = join.await;
        }
    }

    async fn request(&self, msg: fn(Reply) -> SupervisorMsg) -> Result<(), EngineError> {
        match self.supervisor.call(msg, None).await {
            Ok(CallResult::Success(result)) => result,
            // The supervisor is gone: report the state it left behind.
            _ => Err(self.gone()),
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if self.state() != EngineState::Stopped {
            self.supervisor
                .stop(Some("engine handle dropped".to_owned()));
        }
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
