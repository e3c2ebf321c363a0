//! The [`crate::ua::UaCore`]'s calls: it is the call manager for now (DESIGN.md's
//! CallManager), spawning one linked [`CallActor`] per out-of-dialog INVITE, routing the
//! INVITE transaction's CANCEL and events to it, and keeping the pushes it was told to
//! expect (`Engine::handle_push`): the INVITE with a pushed Call-ID is attributed to the
//! push's account; a push whose INVITE does not come within `push_wait` is reported
//! `missed` (`not_delivered`). When a pushed call ends, its account unregisters again
//! (unless another pushed call still needs the binding).

use crate::call::{CallActor, CallArgs, CallMsg};
use crate::call_events::ended_event;
use crate::error::EngineError;
use crate::event_hub::EventSink;
use crate::registration::AccountMsg;
use crate::ua::UaMsg;
use ractor::{Actor, ActorRef, RpcReplyPort};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;
use switchboard_actors::admission::{Decision, EndReason, Input as AdmissionInput};
use switchboard_actors::call::IncomingConfig;
use switchboard_actors::sip::{Request, Response, StatusCode};
use switchboard_actors::transaction::{LayerMsg, TxEvent, TxId};
use switchboard_actors::vocab::{Flow, TransportKind};
use tokio::task::JoinHandle;

/// How many pushed Call-IDs are remembered to ignore duplicate pushes.
const RECENT_PUSHES: usize = 256;

/// How long a pushed call's account keeps its binding after the call ended with a
/// final response: the ACK (and retransmitted CANCELs) must still be routable to us
/// through the proxy until the INVITE transaction is done — Timer H, 64×T1 with the
/// default T1, is the longest a non-2xx final response waits for its ACK.
pub(crate) const RELEASE_AFTER: Duration = Duration::from_secs(32);

/// A push waiting for its INVITE.
pub(crate) struct Expected {
    /// The caller, as the payload named them.
    pub(crate) caller: String,
    /// The account's AOR.
    pub(crate) aor: String,
    /// The account's actor (to unregister it afterwards).
    pub(crate) account: ActorRef<AccountMsg>,
    /// Fires `UaMsg::PushExpired` after `push_wait`.
    timer: Option<JoinHandle<()>>,
}

struct Live {
    actor: ActorRef<CallMsg>,
    call_id: String,
    remote: String,
    /// The INVITE's 500, sent if the actor fails.
    internal_error: Response,
    /// The pushed call's account, when it came by push.
    pushed: Option<(String, ActorRef<AccountMsg>)>,
    /// Answered and confirmed: no longer a request in flight.
    up: bool,
}

/// The calls and expected pushes.
#[derive(Default)]
pub(crate) struct Calls {
    live: BTreeMap<TxId, Live>,
    expected: BTreeMap<String, Expected>,
    recent: VecDeque<String>,
    /// Accounts of ended pushed calls, kept registered until [`RELEASE_AFTER`].
    lingering: BTreeMap<u64, (ActorRef<AccountMsg>, JoinHandle<()>)>,
    next_linger: u64,
    /// Every live call's actor, by Call-ID (in-dialog requests, ACKs, commands).
    pub(crate) dialogs: BTreeMap<String, ActorRef<CallMsg>>,
    /// Client transactions started for calls: the call, the CSeq number, the method.
    pub(crate) client: BTreeMap<TxId, (ActorRef<CallMsg>, u32, switchboard_actors::sip::Method)>,
    /// Server transactions of in-dialog requests, by the call they belong to (the ACK
    /// of a re-INVITE's 2xx arrives on it).
    pub(crate) server: BTreeMap<TxId, ActorRef<CallMsg>>,
    /// The network calls bind their media on (the engine's; real sockets by default).
    pub(crate) network: Option<std::sync::Arc<dyn switchboard_actors::transport::net::Network>>,
    /// Admission: the call limit, one active call, cellular, Paused.
    pub(crate) gate: Gate,
    /// Where call records go.
    pub(crate) records: crate::call_record::Records,
    /// Our media settings (codecs, most preferred first; ptime; no-media; DTMF).
    pub(crate) media_settings: crate::config::MediaSettings,
    /// Each live call's record as it started: written with `internal_error` if the
    /// call's actor fails (a failed actor cannot write its own).
    pub(crate) seeds: BTreeMap<String, crate::cdr::CdrBuilder>,
}

fn contact(invite: &Request, flow: &Flow) -> String {
    let user = invite
        .uri
        .to_string()
        .strip_prefix("sip:")
        .and_then(|s| s.split_once('@').map(|(u, _)| u.to_owned()))
        .unwrap_or_default();
    let transport = match flow.kind {
        TransportKind::Udp => "udp",
        TransportKind::Tcp => "tcp",
        TransportKind::Tls => "tls",
    };
    let at = if user.is_empty() {
        String::new()
    } else {
        format!("{user}@")
    };
    format!("<sip:{at}{};transport={transport}>", flow.local)
}

impl Calls {
    /// Starts a call actor for a new INVITE (server transaction `id`). On a spawn
    /// failure the INVITE gets 500.
    #[allow(clippy::too_many_arguments)] // the UA's parts, borrowed separately
    pub(crate) async fn on_invite(
        &mut self,
        id: TxId,
        invite: Request,
        flow: Flow,
        ua: &ActorRef<UaMsg>,
        layer: &ActorRef<LayerMsg>,
        events: &EventSink,
        server: &str,
        rng: &mut ChaCha8Rng,
    ) {
        let call_id = invite.call_id().unwrap_or_default().to_owned();
        let remote = invite.from().map(|f| f.uri.to_string()).unwrap_or_default();
        if self.recent.contains(&call_id) && !self.expected.contains_key(&call_id) {
            // A pushed call already reported missed (its INVITE came after push_wait):
            // the app was told, so it is not offered again; the caller hears 480.
            let mut response = Response::to_request(&invite, StatusCode::TEMPORARILY_UNAVAILABLE);
            crate::responder::tag_to(&invite, &mut response, rng);
            tracing::info!(
                call_id,
                "INVITE of a pushed call already reported missed: 480"
            );
            let _ = layer.cast(LayerMsg::SendResponse { id, response });
            return;
        }
        let pushed = self.expected.remove(&call_id).map(|e| {
            if let Some(t) = e.timer {
                t.abort();
            }
            (e.aor, e.account)
        });
        let key = self.gate.key();
        let mut silent = false;
        let mut rest = Vec::new();
        for d in self.gate.decide(AdmissionInput::IncomingOffered(key)) {
            match d {
                Decision::Ignore { key: k } if k == key => silent = true,
                Decision::Reject {
                    key: k,
                    status,
                    reason,
                } if k == key => {
                    let code = StatusCode::new(status).unwrap_or(StatusCode::BUSY_HERE);
                    let mut response = Response::to_request(&invite, code);
                    crate::responder::tag_to(&invite, &mut response, rng);
                    tracing::info!(call_id, ?reason, status, "INVITE refused by admission");
                    let _ = layer.cast(LayerMsg::SendResponse { id, response });
                    let reason = EndReason::from(reason).as_str();
                    let account = pushed.as_ref().map(|(aor, _)| aor.clone());
                    let mut missed = ended_event(&call_id, &remote, "missed", reason, account);
                    if let crate::events::Event::Call { status: s, .. } = &mut missed {
                        *s = Some(status);
                    }
                    events.emit(missed);
                    if let Some((_, account)) = pushed {
                        self.release(&account);
                    }
                    return;
                }
                other => rest.push(other),
            }
        }
        self.carry_out(rest);
        let ring_timeout = Duration::from_secs(self.gate.cfg.ring_timeout_secs.into());
        let config = IncomingConfig {
            server: server.to_owned(),
            contact: Some(contact(&invite, &flow)),
            ring_timeout,
            ..IncomingConfig::default()
        };
        let contact = config.contact.clone().unwrap_or_default();
        let args = CallArgs {
            start: crate::call::CallStart::Incoming {
                tx: id,
                invite: invite.clone(),
                config,
            },
            layer: layer.clone(),
            events: events.clone(),
            rng: ChaCha8Rng::seed_from_u64(rng.next_u64()),
            ua: ua.clone(),
            account: pushed.as_ref().map(|(aor, _)| aor.clone()),
            network: self
                .network
                .clone()
                .unwrap_or_else(switchboard_actors::transport::net::TokioNetwork::shared),
            local_ip: flow.local.ip(),
            contact,
            remote: remote.clone(),
            admitted: true,
            silent,
            audio: true,
            audio_file: None,
            device: None,
            records: self.records.clone(),
            media_settings: self.media_settings.clone(),
        };
        let mut internal_error = Response::to_request(&invite, StatusCode::SERVER_INTERNAL_ERROR);
        crate::responder::tag_to(&invite, &mut internal_error, rng);
        match Actor::spawn_linked(None, CallActor, args, ua.get_cell()).await {
            Ok((actor, _)) => {
                self.gate.bind(key, &call_id);
                let local = invite.to().map(|t| t.uri.to_string()).unwrap_or_default();
                let account = pushed.as_ref().map(|(aor, _)| aor.clone());
                self.seed(
                    &call_id,
                    crate::cdr::Direction::Incoming,
                    local,
                    &remote,
                    account,
                );
                self.dialogs.insert(call_id.clone(), actor.clone());
                self.live.insert(
                    id,
                    Live {
                        actor,
                        call_id,
                        remote,
                        internal_error,
                        pushed,
                        up: false,
                    },
                );
            }
            Err(e) => {
                tracing::error!(error = %e, "call actor did not start");
                let decisions = self.gate.decide(AdmissionInput::CallEnded(key));
                self.carry_out(decisions);
                let response = internal_error;
                let _ = layer.cast(LayerMsg::SendResponse { id, response });
                if let Some((_, account)) = pushed {
                    self.release(&account);
                }
            }
        }
    }

    /// A CANCEL for INVITE transaction `invite`: true when a live call took it.
    pub(crate) fn on_cancel(&mut self, id: TxId, invite: TxId, request: &Request) -> bool {
        let Some(call) = self.live.get(&invite) else {
            return false;
        };
        let request = request.clone();
        call.actor.cast(CallMsg::Cancel { id, request }).is_ok()
    }

    /// A transaction event: true when it belongs to a live call.
    pub(crate) fn on_event(&mut self, id: TxId, event: &TxEvent) -> bool {
        if self.client_event(id, event) {
            return true;
        }
        let Some(call) = self.live.get(&id) else {
            return false;
        };
        let _ = call.actor.cast(CallMsg::Tx(event.clone()));
        true
    }

    /// The embedder rejects the ringing call `call_id`.
    pub(crate) fn reject(
        &self,
        call_id: &str,
        code: u16,
        reply: RpcReplyPort<Result<(), EngineError>>,
    ) {
        let call = self.live.values().find(|c| c.call_id == call_id);
        match call {
            Some(c) => {
                if let Err(ractor::MessagingErr::SendErr(CallMsg::Reject { reply, .. })) =
                    c.actor.send_message(CallMsg::Reject { code, reply })
                {
                    let _ = reply.send(Err(unknown(call_id)));
                }
            }
            None => drop(reply.send(Err(unknown(call_id)))),
        }
    }

    /// Call `id` reached a final state (its actor stops by itself); a pushed call's
    /// account unregisters [`RELEASE_AFTER`] later.
    pub(crate) fn ended(&mut self, call_id: &str, ua: &ActorRef<UaMsg>) {
        self.dialogs.remove(call_id);
        self.seeds.remove(call_id);
        self.admission_ended(call_id);
        let Some(id) = self
            .live
            .iter()
            .find(|(_, c)| c.call_id == call_id)
            .map(|(id, _)| *id)
        else {
            return;
        };
        let Some(call) = self.live.remove(&id) else {
            return;
        };
        if let Some((_, account)) = call.pushed {
            self.next_linger += 1;
            let (key, me) = (self.next_linger, ua.clone());
            let timer = tokio::spawn(async move {
                tokio::time::sleep(RELEASE_AFTER).await;
                let _ = me.cast(UaMsg::Linger { key });
            });
            self.lingering.insert(key, (account, timer));
        }
    }

    /// Incoming calls not confirmed yet plus pushes waiting (they count as requests in
    /// flight; a call in conversation does not).
    pub(crate) fn len(&self) -> usize {
        self.live.values().filter(|c| !c.up).count() + self.expected.len()
    }

    /// Incoming call `call_id` is confirmed.
    pub(crate) fn confirmed(&mut self, call_id: &str) {
        if let Some(c) = self.live.values_mut().find(|c| c.call_id == call_id) {
            c.up = true;
        }
    }

    /// Hangs up every call (the engine is stopping); how many there were.
    pub(crate) fn hang_up_all(&mut self) -> usize {
        for actor in self.dialogs.values() {
            let command = crate::call::CallCommand::Hangup;
            let reply = admission::nobody();
            let _ = actor.cast(CallMsg::Command { command, reply });
        }
        self.dialogs.len()
    }

    /// Tells every call its listener moved (a network change).
    pub(crate) fn relocate(&self, moved: &crate::netwatch::Relocation) {
        for actor in self.dialogs.values() {
            let _ = actor.cast(CallMsg::Relocate(moved.clone()));
        }
    }

    /// Stops every call actor and push timer (the UA core is stopping).
    pub(crate) fn stop_all(&mut self) {
        for (_, call) in std::mem::take(&mut self.live) {
            call.actor.stop(None);
        }
        for (_, actor) in std::mem::take(&mut self.dialogs) {
            actor.stop(None);
        }
        for (_, e) in std::mem::take(&mut self.expected) {
            if let Some(t) = e.timer {
                t.abort();
            }
        }
        for (_, (_, timer)) in std::mem::take(&mut self.lingering) {
            timer.abort();
        }
    }
}

fn unknown(call_id: &str) -> EngineError {
    EngineError::UnknownCall {
        call_id: call_id.to_owned(),
    }
}

#[path = "ua_admission.rs"]
mod admission;
pub(crate) use admission::Gate;
#[path = "ua_push.rs"]
mod push;
#[path = "ua_calls_route.rs"]
mod route;
