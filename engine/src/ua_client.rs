//! The client half of the [`crate::ua::UaCore`]: requests the embedder originates
//! outside any dialog (`Engine::options`). Each one becomes a client transaction; its
//! final response, timeout or transport failure answers the embedder and is reported as
//! an event.

use crate::error::EngineError;
use crate::event_hub::EventSink;
use crate::events::Event;
use crate::outbound::{build_request, resolve};
use crate::stack::TransportRegistry;
use ractor::{ActorRef, RpcReplyPort};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use switchboard_actors::sip::{Method, Response, SipUri};
use switchboard_actors::transaction::{LayerMsg, TxEvent, TxId};
use switchboard_actors::transport::TransportMsg;

/// The embedder's answer: the final response, or why there is none.
pub type RequestReply = RpcReplyPort<Result<Response, EngineError>>;

/// A request waiting for its final response.
struct Pending {
    method: Method,
    call_id: String,
    target: SocketAddr,
    reply: RequestReply,
}

/// The requests in flight, by transaction.
#[derive(Default)]
pub(crate) struct Outbound {
    pending: BTreeMap<TxId, Pending>,
}

impl Outbound {
    /// Builds and sends `method` to `uri`; the reply waits for the outcome.
    #[allow(clippy::too_many_arguments)] // the UA's parts, borrowed separately
    pub(crate) async fn send(
        &mut self,
        method: Method,
        uri: SipUri,
        reply: RequestReply,
        layer: &ActorRef<LayerMsg>,
        registry: &TransportRegistry,
        events: &EventSink,
        user_agent: &str,
        rng: &mut ChaCha8Rng,
    ) {
        let target = match resolve(&uri) {
            Ok(t) => t,
            Err(e) => return drop(reply.send(Err(e))),
        };
        let Some(transport) = registry.pick(target.kind) else {
            let _ = reply.send(Err(EngineError::NoTransport {
                transport: target.kind,
            }));
            return;
        };
        let local = match transport.call(TransportMsg::LocalAddr, None).await {
            Ok(ractor::rpc::CallResult::Success(Some(addr))) => addr,
            _ => {
                let _ = reply.send(Err(EngineError::NoTransport {
                    transport: target.kind,
                }));
                return;
            }
        };
        let request = build_request(method.clone(), &uri, target.kind, local, user_agent, rng);
        let call_id = request.call_id().unwrap_or_default().to_owned();
        let to = target.addr;
        let Some(id) = crate::ua_owned::start_transaction(layer, request, target).await else {
            return drop(reply.send(Err(EngineError::EngineGone)));
        };
        events.emit(Event::RequestSent {
            method: method.to_string(),
            to: uri.to_string(),
            call_id: call_id.clone(),
        });
        self.pending.insert(
            id,
            Pending {
                method,
                call_id,
                target: to,
                reply,
            },
        );
    }

    /// A transaction event; true when it belonged to a request of ours.
    pub(crate) fn on_event(&mut self, id: TxId, event: &TxEvent, events: &EventSink) -> bool {
        let Some(p) = self.pending.get(&id) else {
            return false;
        };
        let method = p.method.to_string();
        let outcome = match event {
            TxEvent::Response(r) if r.status.as_u16() < 200 => return true,
            TxEvent::Response(r) => {
                events.emit(Event::ResponseReceived {
                    method: method.clone(),
                    status: r.status.as_u16(),
                    call_id: p.call_id.clone(),
                });
                Ok(r.clone())
            }
            TxEvent::Timeout => Err((
                "timeout",
                EngineError::RequestTimeout {
                    method: method.clone(),
                    target: p.target,
                },
            )),
            TxEvent::TransportError | TxEvent::InternalError | TxEvent::Terminated => Err((
                "transport",
                EngineError::RequestTransport {
                    method: method.clone(),
                    target: p.target,
                },
            )),
            _ => return true,
        };
        let Some(p) = self.pending.remove(&id) else {
            return true;
        };
        let result = outcome.map_err(|(reason, error)| {
            events.emit(Event::RequestFailed {
                method,
                call_id: p.call_id.clone(),
                reason: reason.to_owned(),
            });
            error
        });
        let _ = p.reply.send(result);
        true
    }

    /// How many requests are waiting.
    pub(crate) fn len(&self) -> usize {
        self.pending.len()
    }
}
