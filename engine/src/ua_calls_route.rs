//! Routing to call actors by Call-ID: in-dialog requests, ACKs of our 2xx, the
//! embedder's commands, and the client transactions calls start through the UA core.

use super::Calls;
use crate::call::{CallCommand, CallMsg};
use crate::error::EngineError;
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
        &self,
        call_id: &str,
        command: CallCommand,
        reply: RpcReplyPort<Result<(), EngineError>>,
    ) {
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
}
