//! An account's keepalive (RFC 5626 §4.4), the shell side: builds the sans-IO
//! [`KeepaliveMachine`] from the [`AccountConfig`], carries out its probes — CRLFCRLF and
//! STUN bytes straight to the account's transport, OPTIONS as an owned transaction
//! through the UA core — and turns what comes back into machine inputs. The account's
//! actor runs it beside the registration machine (see [`crate::registration`]).

use crate::account::{AccountConfig, KeepaliveMethod};
use crate::outbound::{build_request, parse_target};
use crate::registration::AccountMsg;
use crate::stack::TransportRegistry;
use crate::ua::UaMsg;
use ractor::ActorRef;
use rand_chacha::ChaCha8Rng;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use switchboard_actors::registrar::keepalive_stun::binding_request;
use switchboard_actors::registrar::{
    Input, KeepaliveInput, KeepaliveKind, KeepaliveMachine, KeepaliveOutput, RegistrationEvent,
};
use switchboard_actors::sip::{Method, SipUri};
use switchboard_actors::transaction::TxEvent;
use switchboard_actors::transport::{KeepaliveReply, TransportMsg};
use switchboard_actors::vocab::{Target, TransportKind};
use tokio::time::Instant;

/// What a keepalive step asks of the registration.
#[derive(Debug)]
pub(crate) enum Effect {
    /// Feed this to the registration machine (an observed address).
    Register(Input),
    /// The flow failed: report it and re-register.
    FlowFailed,
}

/// One account's keepalive shell.
pub(crate) struct Keepalive {
    machine: KeepaliveMachine,
    registry: Arc<TransportRegistry>,
    target: Target,
    uri: SipUri,
    local: SocketAddr,
    user_agent: String,
    /// For the OPTIONS' Call-ID and tag.
    rng: ChaCha8Rng,
}

/// The probe for `method` over `kind`: CRLF on streams and OPTIONS on UDP by default.
fn kind_for(method: KeepaliveMethod, kind: TransportKind) -> KeepaliveKind {
    match method {
        KeepaliveMethod::Crlf => KeepaliveKind::Crlf,
        KeepaliveMethod::Options => KeepaliveKind::Options,
        KeepaliveMethod::Stun => KeepaliveKind::Stun,
        _ if kind.is_reliable() => KeepaliveKind::Crlf,
        _ => KeepaliveKind::Options,
    }
}

impl Keepalive {
    /// The keepalive of `cfg` (none when its interval is 0), probing `target` from
    /// `local`; `rng` is the account's, split into streams of its own.
    pub(crate) fn new(
        cfg: &AccountConfig,
        target: &Target,
        local: SocketAddr,
        registry: Arc<TransportRegistry>,
        user_agent: &str,
        rng: &ChaCha8Rng,
    ) -> Option<Keepalive> {
        let secs = cfg.keepalive_secs();
        if secs == 0 {
            return None;
        }
        let kind = kind_for(cfg.keepalive_method, target.kind);
        let token = target.kind.via_token().to_ascii_lowercase();
        let uri = parse_target(&format!("sip:{};transport={token}", target.addr)).ok()?;
        let (mut machine_rng, mut rng) = (rng.clone(), rng.clone());
        machine_rng.set_stream(1);
        rng.set_stream(2);
        let interval = Duration::from_secs(u64::from(secs));
        Some(Keepalive {
            machine: KeepaliveMachine::new(interval, kind, machine_rng),
            registry,
            target: target.clone(),
            uri,
            local,
            user_agent: user_agent.to_owned(),
            rng,
        })
    }

    /// Our listener moved (a network change): probes leave from `local` now.
    pub(crate) fn relocate(&mut self, local: SocketAddr) {
        self.local = local;
    }

    /// Asks the UA core to route this flow's pongs, STUN answers and loss to `owner`.
    pub(crate) fn watch(&self, owner: &ActorRef<AccountMsg>, ua: &ActorRef<UaMsg>) {
        let _ = ua.cast(UaMsg::WatchFlow {
            kind: self.target.kind,
            remote: self.target.addr,
            owner: owner.clone(),
        });
    }

    /// When the machine's timer is due.
    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        self.machine.poll_timeout()
    }

    /// Feeds one input and carries out the probes; returns what the registration must do.
    pub(crate) fn feed(
        &mut self,
        now: Instant,
        input: KeepaliveInput,
        owner: &ActorRef<AccountMsg>,
        ua: &ActorRef<UaMsg>,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.machine.handle(now, input);
        while let Some(out) = self.machine.poll_output() {
            match out {
                KeepaliveOutput::SendCrlfPing => {
                    self.send_raw(bytes::Bytes::from_static(b"\r\n\r\n"));
                    if !self.target.kind.is_reliable() {
                        // A bare CRLF on UDP only keeps the NAT binding: nothing answers it.
                        self.machine.handle(now, KeepaliveInput::Pong);
                    }
                }
                KeepaliveOutput::SendStun { transaction_id } => {
                    let bytes = binding_request(transaction_id);
                    self.send_raw(bytes::Bytes::copy_from_slice(&bytes));
                }
                KeepaliveOutput::SendOptions => {
                    let request = build_request(
                        Method::Options,
                        &self.uri,
                        self.target.kind,
                        self.local,
                        &self.user_agent,
                        &mut self.rng,
                    );
                    let msg = UaMsg::SendFor {
                        request,
                        target: self.target.clone(),
                        owner: owner.clone(),
                    };
                    if ua.cast(msg).is_err() {
                        self.machine.handle(now, KeepaliveInput::Failed);
                    }
                }
                KeepaliveOutput::Observed { ip, port } => {
                    effects.push(Effect::Register(Input::ObservedAddress {
                        received: ip,
                        rport: port,
                    }));
                }
                KeepaliveOutput::FlowFailed => effects.push(Effect::FlowFailed),
                _ => {}
            }
        }
        effects
    }

    fn send_raw(&self, bytes: bytes::Bytes) {
        if let Some(t) = self.registry.pick(self.target.kind) {
            let target = self.target.clone();
            let _ = t.cast(TransportMsg::Send { bytes, target });
        }
    }
}

/// The keepalive's input for the OPTIONS transaction's outcome (none for provisional).
pub(crate) fn from_tx(event: TxEvent) -> Option<KeepaliveInput> {
    match event {
        TxEvent::Response(r) if r.status.as_u16() < 200 => None,
        TxEvent::Response(r) => Some(KeepaliveInput::OptionsResponse {
            observed: switchboard_actors::registrar::responses::observed_address(&r),
        }),
        TxEvent::Timeout
        | TxEvent::TransportError
        | TxEvent::InternalError
        | TxEvent::Terminated => Some(KeepaliveInput::Failed),
        _ => None,
    }
}

/// The keepalive's input for an answer the transport recognised.
pub(crate) fn from_reply(reply: KeepaliveReply) -> Option<KeepaliveInput> {
    match reply {
        KeepaliveReply::Pong => Some(KeepaliveInput::Pong),
        KeepaliveReply::Stun(bytes) => Some(KeepaliveInput::Stun(bytes)),
        _ => None,
    }
}

/// What a registration event means for the keepalive: it runs only while registered.
pub(crate) fn on_registration(e: &RegistrationEvent) -> Option<KeepaliveInput> {
    match e {
        RegistrationEvent::Registered { .. } => Some(KeepaliveInput::Start),
        RegistrationEvent::Registering
        | RegistrationEvent::Unregistering
        | RegistrationEvent::Unregistered
        | RegistrationEvent::Failed { .. } => Some(KeepaliveInput::Stop),
        _ => None,
    }
}
