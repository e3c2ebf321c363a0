//! Routing to call actors by Call-ID: in-dialog requests (and the ACKs arriving on
//! their server transactions), ACKs of our 2xx outside any transaction, the embedder's
//! commands, the client transactions calls start through the UA core, and a call
//! actor's failure.

use super::Calls;
use crate::call::{CallCommand, CallMsg};
use crate::call_events::ended_event;
use crate::error::EngineError;
use crate::event_hub::EventSink;
use ractor::ActorId;
use ractor::{ActorRef, RpcReplyPort};
use switchboard_actors::sip::Request;
use switchboard_actors::transaction::{LayerMsg, TxEvent, TxId};
use switchboard_actors::vocab::Target;

impl Calls {
    /// Starts a client transaction for call `call_id`; a refused one is reported to
    /// the call as a transport error.
    pub(crate) async fn send_for(
        &mut self,
        request: Request,
        target: Target,
        call_id: &str,
        layer: &ActorRef<LayerMsg>,
    ) {
        let Some(actor) = self.dialogs.get(call_id).cloned() else {
            return;
        };
        let cseq = request.cseq().map_or(0, |c| c.seq);
        let method = request.method.clone();
        match crate::ua_owned::start_transaction(layer, request, target).await {
            Some(id) => {
                self.client.insert(id, (actor, cseq, method));
            }
            None => {
                let event = TxEvent::TransportError;
                let _ = actor.cast(CallMsg::ClientTx {
                    cseq,
                    method,
                    event,
                });
            }
        }
    }

    /// A client transaction's event, or one of an in-dialog request's server
    /// transaction: true when it belongs to a call.
    pub(crate) fn client_event(&mut self, id: TxId, event: &TxEvent) -> bool {
        if let Some(actor) = self.server.get(&id) {
            match event {
                TxEvent::Ack(ack) => drop(actor.cast(CallMsg::Ack(ack.clone()))),
                TxEvent::Terminated => drop(self.server.remove(&id)),
                _ => {}
            }
            return true;
        }
        let Some((actor, cseq, method)) = self.client.get(&id).cloned() else {
            return false;
        };
        if matches!(event, TxEvent::Terminated) {
            self.client.remove(&id);
            return true;
        }
        let _ = actor.cast(CallMsg::ClientTx {
            cseq,
            method,
            event: event.clone(),
        });
        true
    }

    /// An ACK outside any transaction: true when a call's dialog took it.
    pub(crate) fn on_ack(&mut self, ack: &Request) -> bool {
        let Some(actor) = ack.call_id().ok().and_then(|c| self.dialogs.get(c)) else {
            return false;
        };
        actor.cast(CallMsg::Ack(ack.clone())).is_ok()
    }

    /// A request with a To tag: handed to its call (`None`), or given back to be
    /// answered by the out-of-dialog policy (481).
    pub(crate) fn in_dialog(&mut self, id: TxId, request: Request) -> Option<(TxId, Request)> {
        let Some(actor) = request.call_id().ok().and_then(|c| self.dialogs.get(c)) else {
            return Some((id, request));
        };
        match actor.cast(CallMsg::InDialog { id, request }) {
            Ok(()) => {
                self.client_server(id, actor.clone());
                None
            }
            Err(ractor::MessagingErr::SendErr(CallMsg::InDialog { id, request })) => {
                Some((id, request))
            }
            Err(_) => None,
        }
    }

    fn client_server(&mut self, id: TxId, actor: ActorRef<CallMsg>) {
        self.server.insert(id, actor);
    }

    /// Forwards a media report request to call `call_id`.
    pub(crate) fn media(
        &self,
        call_id: &str,
        reply: RpcReplyPort<Option<crate::media::MediaReport>>,
    ) {
        match self.dialogs.get(call_id) {
            Some(actor) => {
                if let Err(ractor::MessagingErr::SendErr(CallMsg::Media(reply))) =
                    actor.send_message(CallMsg::Media(reply))
                {
                    let _ = reply.send(None);
                }
            }
            None => drop(reply.send(None)),
        }
    }

    /// The embedder's `command` for call `call_id`.
    pub(crate) fn command(
        &mut self,
        call_id: &str,
        command: CallCommand,
        reply: RpcReplyPort<Result<(), EngineError>>,
    ) {
        let Some((command, reply)) = self.gated(call_id, command, reply) else {
            return;
        };
        let unknown = || EngineError::UnknownCall {
            call_id: call_id.to_owned(),
        };
        match self.dialogs.get(call_id) {
            Some(actor) => {
                if let Err(ractor::MessagingErr::SendErr(CallMsg::Command { reply, .. })) =
                    actor.send_message(CallMsg::Command { command, reply })
                {
                    let _ = reply.send(Err(unknown()));
                }
            }
            None => drop(reply.send(Err(unknown()))),
        }
    }

    /// Replies with call `call_id`'s state.
    pub(crate) fn snapshot(
        &self,
        call_id: &str,
        reply: RpcReplyPort<Result<crate::call::CallSnapshot, EngineError>>,
    ) {
        let unknown = || EngineError::UnknownCall {
            call_id: call_id.to_owned(),
        };
        match self.dialogs.get(call_id) {
            Some(actor) => {
                let (actor, call_id) = (actor.clone(), call_id.to_owned());
                tokio::spawn(async move {
                    let r = match actor.call(CallMsg::Snapshot, None).await {
                        Ok(ractor::rpc::CallResult::Success(s)) => Ok(s),
                        _ => Err(EngineError::UnknownCall { call_id }),
                    };
                    let _ = reply.send(r);
                });
            }
            None => drop(reply.send(Err(unknown()))),
        }
    }

    /// Abandons call `call_id`'s INVITE client transactions still waiting for a final
    /// response (RFC 3261 §9.1, 64·T1 after the CANCEL).
    pub(crate) fn abandon_invite(&mut self, call_id: &str, layer: &ActorRef<LayerMsg>) {
        let Some(actor) = self.dialogs.get(call_id).map(|a| a.get_id()) else {
            return;
        };
        let ids: Vec<TxId> = self
            .client
            .iter()
            .filter(|(_, (a, _, m))| {
                a.get_id() == actor && *m == switchboard_actors::sip::Method::Invite
            })
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.client.remove(&id);
            let _ = layer.cast(LayerMsg::Abandon(id));
        }
    }

    /// Remembers how call `call_id` started, for [`failed_record`](Self::failed_record).
    pub(crate) fn seed(
        &mut self,
        call_id: &str,
        direction: crate::cdr::Direction,
        local: String,
        remote: &str,
        account: Option<String>,
    ) {
        let now = self.records.now_ms();
        let cdr = crate::cdr::CdrBuilder::new(call_id, direction, local, remote, account, now);
        self.seeds.insert(call_id.to_owned(), cdr);
    }

    /// The record of a call whose actor failed: ended `internal_error` now.
    fn failed_record(&mut self, call_id: &str, events: &EventSink) {
        let Some(mut cdr) = self.seeds.remove(call_id) else {
            return;
        };
        let now = self.records.now_ms();
        cdr.ended(now, "internal_error", None, None);
        let record = cdr.snapshot(now);
        self.records.history.push(record.clone());
        events.emit(crate::events::Event::CallRecord {
            record: Box::new(record),
        });
    }

    /// A call actor failed: the call ends with `internal_error` and the INVITE gets 500
    /// (ignored by the transaction if a final response went out already).
    pub(crate) fn failed(
        &mut self,
        actor: ActorId,
        layer: &ActorRef<LayerMsg>,
        events: &EventSink,
    ) -> bool {
        let gone: Vec<String> = self
            .dialogs
            .iter()
            .filter(|(_, a)| a.get_id() == actor)
            .map(|(c, _)| c.clone())
            .collect();
        for call_id in &gone {
            self.dialogs.remove(call_id);
            self.admission_ended(call_id);
            self.failed_record(call_id, events);
        }
        let Some(id) = self
            .live
            .iter()
            .find(|(_, c)| c.actor.get_id() == actor)
            .map(|(id, _)| *id)
        else {
            let found = !gone.is_empty();
            for call_id in gone {
                events.emit(ended_event(&call_id, "", "ended", "internal_error", None));
            }
            return found;
        };
        if let Some(call) = self.live.remove(&id) {
            let account = call.pushed.as_ref().map(|(aor, _)| aor.clone());
            events.emit(ended_event(
                &call.call_id,
                &call.remote,
                "failed",
                "internal_error",
                account,
            ));
            let response = call.internal_error;
            let _ = layer.cast(LayerMsg::SendResponse { id, response });
            if let Some((_, account)) = call.pushed {
                self.release(&account);
            }
        }
        true
    }
}
