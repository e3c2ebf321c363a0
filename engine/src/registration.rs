//! One actor per account ([`AccountActor`]): the shell around the sans-IO
//! [`RegistrationMachine`] and, while registered, its keepalive (`crate::keepalive`). It
//! feeds the machines the embedder's requests, the outcome of each REGISTER's and
//! keepalive OPTIONS' transaction (through the [`crate::ua::UaCore`], `UaMsg::SendFor`),
//! the flow's pongs and STUN answers (`UaMsg::WatchFlow`) and ONE timer armed at the
//! earlier of their deadlines; it sends the machine's REGISTERs, reports its events as
//! [`Event::Registration`](crate::Event::Registration) and publishes `is_registered` on a watch channel. An observed
//! address from a keepalive goes to the registration (NAT rebinding: re-REGISTER); a
//! failed flow is reported (`flow_failed`) and re-registers (RFC 5626 §4.4.1).

use crate::account::AccountConfig;
use crate::event_hub::EventSink;
use crate::keepalive::{from_reply, from_tx, Keepalive};
use crate::registration_events::inputs;
use crate::registration_setup::setup;
use crate::stack::TransportRegistry;
use crate::ua::UaMsg;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;
use switchboard_actors::registrar::{Input, KeepaliveInput, RegistrationMachine};
use switchboard_actors::sip::auth::Password;
use switchboard_actors::transaction::TxEvent;
use switchboard_actors::transport::KeepaliveReply;
use switchboard_actors::vocab::Target;
use tokio::sync::watch;
use tokio::time::Instant;

/// Messages of an [`AccountActor`].
#[derive(Debug)]
#[non_exhaustive]
pub enum AccountMsg {
    /// Register (and keep registered); the reply comes at once.
    Register(RpcReplyPort<()>),
    /// Remove the binding; the reply comes at once.
    Unregister(RpcReplyPort<()>),
    /// Replace the credentials (used from the next REGISTER on).
    SetCredentials {
        /// The digest user name.
        auth_username: String,
        /// The digest password.
        password: Option<Password>,
        /// Answered once the machine has them.
        reply: RpcReplyPort<()>,
    },
    /// Replace the extra headers of every REGISTER (a registration-free account's
    /// session token), used from the next REGISTER on.
    SetHeaders {
        /// The headers.
        headers: Vec<(switchboard_actors::sip::HeaderName, String)>,
        /// Answered once the machine has them.
        reply: RpcReplyPort<()>,
    },
    /// The outcome of the REGISTER's transaction, forwarded by the UA core.
    Tx(TxEvent),
    /// The engine is stopping: remove the binding if there is one; the reply comes
    /// once no REGISTER is in flight any more.
    Shutdown(RpcReplyPort<()>),
    /// "Disconnect phone services": like `Shutdown`, but the account stays and
    /// remembers whether it was wanted registered, for `Connect`.
    Disconnect(RpcReplyPort<()>),
    /// "Connect phone services": register again if `Disconnect` found the account
    /// wanted registered; the reply comes at once.
    Connect(RpcReplyPort<()>),
    /// Replies with the address of record.
    Aor(RpcReplyPort<String>),
    /// Replies with the Service-Route of the current binding (RFC 3608), in order.
    ServiceRoute(RpcReplyPort<Vec<String>>),
    /// Replies with what a call from this account needs.
    DialSetup(RpcReplyPort<crate::ua_dial::DialSetup>),
    /// The armed timer fired (the arming number; stale ones are ignored).
    Timer(u64),
    /// The outcome of a keepalive OPTIONS' transaction, forwarded by the UA core.
    KeepaliveTx(TxEvent),
    /// A pong or STUN answer on the account's flow, forwarded by the UA core.
    Keepalive(KeepaliveReply),
    /// The connection the account's flow ran on closed.
    FlowClosed,
    /// A listener moved to a new address (a network change): re-register from there
    /// with the new Contact; the reply comes once no REGISTER is in flight any more.
    Relocated(RpcReplyPort<()>),
    /// Replies with the address REGISTERs are sent to.
    Server(RpcReplyPort<std::net::SocketAddr>),
}

/// What an [`AccountActor`] starts with.
pub struct AccountArgs {
    /// The validated account.
    pub config: AccountConfig,
    /// The UA core that runs its transactions.
    pub ua: ActorRef<UaMsg>,
    /// The transports (for the Contact's address).
    pub registry: Arc<TransportRegistry>,
    /// Where events go.
    pub events: EventSink,
    /// The machine's RNG (Call-ID, tags, jitter).
    pub rng: ChaCha8Rng,
    /// The engine's User-Agent, when the account names none.
    pub user_agent: String,
    /// Where `is_registered` is published.
    pub registered: watch::Sender<bool>,
}

/// The account actor's state.
pub struct AccountState {
    machine: RegistrationMachine,
    keepalive: Option<Keepalive>,
    aor: String,
    target: Target,
    ua: ActorRef<UaMsg>,
    events: EventSink,
    registered: watch::Sender<bool>,
    timer: crate::one_timer::OneTimer,
    /// The engine's shutdown waits for the unregistration on this.
    closing: Option<RpcReplyPort<()>>,
    /// Set by `Disconnect` when the account was wanted registered.
    reconnect: bool,
    /// `account` span (field `aor`; the REGISTERs' `call_id`) its work runs in.
    span: tracing::Span,
    /// The supervisor's wait for the re-registration after a network change.
    relocated: Option<RpcReplyPort<()>>,
    /// The account, the transports and the engine's User-Agent: the Contact again
    /// after a network change.
    config: AccountConfig,
    registry: Arc<TransportRegistry>,
    user_agent: String,
}

/// One account's registration shell.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountActor;

#[path = "keepalive_run.rs"]
mod run;
use run::Work;

fn now() -> Instant {
    Instant::now() // clock-ok: tokio time, paused and driven by the simulator
}

impl Actor for AccountActor {
    type Msg = AccountMsg;
    type State = AccountState;
    type Arguments = AccountArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<AccountMsg>,
        args: AccountArgs,
    ) -> Result<AccountState, ActorProcessingErr> {
        let s = setup(&args.config, &args.registry, &args.user_agent).await?;
        let user_agent = s.reg.user_agent.clone();
        let keepalive = Keepalive::new(
            &args.config,
            &s.target,
            s.local,
            args.registry.clone(),
            &user_agent,
            &args.rng,
        );
        if let Some(ka) = &keepalive {
            ka.watch(&myself, &args.ua);
        }
        let aor = s.reg.aor.to_string();
        let machine = RegistrationMachine::new(s.reg, args.rng);
        let span = tracing::info_span!("account", aor = %aor, call_id = %machine.call_id());
        Ok(AccountState {
            aor,
            machine,
            keepalive,
            target: s.target,
            ua: args.ua,
            events: args.events,
            registered: args.registered,
            timer: Default::default(),
            closing: None,
            reconnect: false,
            span,
            relocated: None,
            config: args.config,
            registry: args.registry,
            user_agent: args.user_agent,
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<AccountMsg>,
        msg: AccountMsg,
        state: &mut AccountState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            AccountMsg::Register(reply) => {
                state.feed(&myself, Input::Register);
                let _ = reply.send(());
            }
            AccountMsg::Unregister(reply) => {
                state.feed(&myself, Input::Unregister);
                let _ = reply.send(());
            }
            AccountMsg::SetCredentials {
                auth_username,
                password,
                reply,
            } => {
                let input = Input::SetCredentials {
                    auth_username,
                    password,
                };
                state.feed(&myself, input);
                let _ = reply.send(());
            }
            AccountMsg::SetHeaders { headers, reply } => {
                state.feed(&myself, Input::SetHeaders(headers));
                let _ = reply.send(());
            }
            AccountMsg::Tx(event) => {
                for input in inputs(event) {
                    state.feed(&myself, input);
                }
            }
            AccountMsg::Timer(arming) if state.timer.fired(arming) => {
                let timers = [Work::Reg(Input::Timer), Work::Ka(KeepaliveInput::Timer)];
                state.run(&myself, timers);
            }
            AccountMsg::KeepaliveTx(event) => state.run(&myself, from_tx(event).map(Work::Ka)),
            AccountMsg::Keepalive(reply) => state.run(&myself, from_reply(reply).map(Work::Ka)),
            AccountMsg::FlowClosed => state.run(&myself, [Work::Ka(KeepaliveInput::FlowClosed)]),
            AccountMsg::Timer(_) => {}
            AccountMsg::Shutdown(reply) => {
                state.closing = Some(reply);
                state.feed(&myself, Input::Unregister);
            }
            AccountMsg::Disconnect(reply) => {
                state.reconnect |= state.machine.wanted();
                state.closing = Some(reply);
                state.feed(&myself, Input::Unregister);
            }
            AccountMsg::Connect(reply) => {
                if std::mem::take(&mut state.reconnect) {
                    state.feed(&myself, Input::Register);
                }
                let _ = reply.send(());
            }
            AccountMsg::Aor(reply) => {
                let _ = reply.send(state.aor.clone());
            }
            AccountMsg::DialSetup(reply) => {
                let _ = reply.send(crate::ua_dial::DialSetup::of(&state.machine));
            }
            AccountMsg::Relocated(reply) => {
                match setup(&state.config, &state.registry, &state.user_agent).await {
                    Ok(s) => {
                        if let Some(ka) = &mut state.keepalive {
                            ka.relocate(s.local);
                        }
                        state.relocated = Some(reply);
                        let contact = s.reg.contact;
                        state.feed(&myself, Input::Relocated { contact });
                    }
                    Err(e) => {
                        tracing::warn!(parent: &state.span, error = %e, "no Contact after the network change");
                        let _ = reply.send(());
                    }
                }
            }
            AccountMsg::Server(reply) => drop(reply.send(state.target.addr)),
            AccountMsg::ServiceRoute(reply) => {
                let route = state.machine.service_route().iter();
                let _ = reply.send(route.map(ToString::to_string).collect());
            }
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<AccountMsg>,
        state: &mut AccountState,
    ) -> Result<(), ActorProcessingErr> {
        state.timer.disarm();
        state.registered.send_replace(false);
        Ok(())
    }
}
