//! How the SIP stack under the supervisor is wired: transports deliver framed bytes to
//! the [`Ingress`], which parses them (answering malformed requests statelessly with
//! 400/416/505/513) and hands valid messages to the transaction layer; the layer sends
//! through the [`StackWire`], which serializes and picks the transport actor.
//!
//! ```text
//! socket ─▶ Transport actor ─▶ Ingress (parse) ─▶ TransactionLayer ─▶ UaCore (TU)
//!    ▲                                                   │
//!    └────────── Transport actor ◀── StackWire ◀─────────┘
//! ```

use crate::event_hub::EventSink;
use crate::events::Event;
use crate::responder::tag_to;
use ractor::ActorRef;
use rand_chacha::ChaCha8Rng;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use switchboard_actors::sip::{
    parse_datagram, parse_stream_message, Fault, HeaderName, Message, Method, ParseError,
    ParseLimits, Request, Response, StatusCode,
};
use switchboard_actors::transaction::{response_target, stamp_received, Backlog, LayerMsg, Wire};
use switchboard_actors::transport::{TransportEvent, TransportMsg, TransportSink};
use switchboard_actors::vocab::{Flow, Inbound, Target, TransportKind};

/// The live transport actors, by listener index. Restarts replace an entry. Read on every
/// send; written only when a transport starts or stops (an uncontended read lock).
#[derive(Debug, Default)]
pub struct TransportRegistry {
    slots: RwLock<Vec<Option<Slot>>>,
}

type Slot = (TransportKind, ActorRef<TransportMsg>);

impl TransportRegistry {
    /// Records the actor serving listener `index`.
    pub fn set(&self, index: usize, kind: TransportKind, actor: ActorRef<TransportMsg>) {
        let mut slots = self.slots.write().unwrap_or_else(|e| e.into_inner());
        if slots.len() <= index {
            slots.resize(index + 1, None);
        }
        slots[index] = Some((kind, actor));
    }

    /// Forgets listener `index` (its actor stopped).
    pub fn clear(&self, index: usize) {
        let mut slots = self.slots.write().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = slots.get_mut(index) {
            *slot = None;
        }
    }

    /// The first live transport of `kind`.
    pub fn pick(&self, kind: TransportKind) -> Option<ActorRef<TransportMsg>> {
        let slots = self.slots.read().unwrap_or_else(|e| e.into_inner());
        slots
            .iter()
            .flatten()
            .find(|(k, _)| *k == kind)
            .map(|(_, a)| a.clone())
    }
}

/// The transaction layer's way out: serializes and casts to the transport of the
/// target's kind. With no such transport the failure goes straight back to the layer.
pub struct StackWire {
    registry: Arc<TransportRegistry>,
    layer: Arc<OnceLock<ActorRef<LayerMsg>>>,
}

impl StackWire {
    /// A wire over `registry`, reporting failures to the layer once it is set.
    pub fn new(registry: Arc<TransportRegistry>, layer: Arc<OnceLock<ActorRef<LayerMsg>>>) -> Self {
        StackWire { registry, layer }
    }

    fn send_bytes(&self, bytes: bytes::Bytes, target: Target) -> bool {
        match self.registry.pick(target.kind) {
            Some(t) => t.cast(TransportMsg::Send { bytes, target }).is_ok(),
            None => false,
        }
    }
}

impl Wire for StackWire {
    fn send(&self, mut message: Message, target: Target) {
        // Every message leaving carries a correct Content-Length: mandatory on streams
        // (RFC 3261 §18.3, §20.14) and harmless on UDP.
        let len = message.body().len();
        message
            .headers_mut()
            .set(HeaderName::ContentLength, len.to_string());
        let bytes = message.to_bytes();
        if !self.send_bytes(bytes, target.clone()) {
            tracing::warn!(kind = %target.kind, to = %target.addr, "no transport for target");
            if let Some(layer) = self.layer.get() {
                let _ = layer.cast(LayerMsg::SendFailed { message });
            }
        }
    }
}

/// Receives every transport event: parses inbound bytes and routes them.
pub struct Ingress {
    layer: ActorRef<LayerMsg>,
    backlog: Backlog,
    bound: usize,
    wire: Arc<StackWire>,
    limits: ParseLimits,
    events: EventSink,
    server: String,
    rng: Mutex<ChaCha8Rng>,
}

impl Ingress {
    /// An ingress feeding `layer`, queueing at most `bound` messages on it (counted by
    /// `backlog`, which the layer shares).
    #[allow(clippy::too_many_arguments)] // one constructor, called once by the supervisor
    pub fn new(
        layer: ActorRef<LayerMsg>,
        backlog: Backlog,
        bound: usize,
        wire: Arc<StackWire>,
        limits: ParseLimits,
        events: EventSink,
        server: String,
        rng: ChaCha8Rng,
    ) -> Ingress {
        Ingress {
            layer,
            backlog,
            bound,
            wire,
            limits,
            events,
            server,
            rng: Mutex::new(rng),
        }
    }

    fn inbound(&self, inbound: Inbound) {
        let Inbound { bytes, flow } = inbound;
        let parsed = match flow.kind {
            TransportKind::Udp => parse_datagram(bytes, &self.limits),
            _ => parse_stream_message(bytes, &self.limits),
        };
        match parsed {
            Ok(message) if self.backlog.try_acquire(self.bound) => {
                if self.layer.cast(LayerMsg::Recv { message, flow }).is_err() {
                    self.backlog.release();
                }
            }
            Ok(message) => self.shed(message, &flow),
            Err(err) => self.refuse(err, &flow),
        }
    }

    /// Answers a malformed request statelessly (RFC 3261 §8.2: the response copies
    /// Via, From, To, Call-ID and CSeq, which the parser salvaged), or drops junk.
    fn refuse(&self, err: ParseError, flow: &Flow) {
        let reason = err.fault.reason_phrase();
        let answer = match (err.fault.status(), err.salvage) {
            (Some(status), Some(req)) if req.method != Method::Ack => Some((status, req)),
            _ => None,
        };
        let Some((mut status, mut req)) = answer else {
            tracing::debug!(from = %flow.remote, %reason, "dropped malformed message");
            self.events.emit(Event::Malformed {
                from: flow.remote,
                status: None,
                reason,
            });
            return;
        };
        // RFC 4475 §3.1.2.18 (mismatch02): an unknown method is better answered 501 than
        // 400 — we would not implement it even if its CSeq matched.
        if matches!(req.method, Method::Other(_)) && err.fault == Fault::CSeqMethodMismatch {
            status = StatusCode::NOT_IMPLEMENTED;
        }
        // RFC 3581 / §18.2.1: the response goes where the request came from when asked.
        let _ = stamp_received(&mut req, flow.remote);
        tracing::info!(from = %flow.remote, status = status.as_u16(), %reason, "refused malformed request");
        self.events.emit(Event::Malformed {
            from: flow.remote,
            status: Some(status.as_u16()),
            reason: reason.clone(),
        });
        self.answer_statelessly(&req, status, &reason, flow);
    }

    /// The layer's queue is full: a request is answered 503 with Retry-After (RFC 3261
    /// §21.5.4) without creating a transaction; anything else is dropped (a response's
    /// sender retransmits, an ACK is absorbed by its INVITE's retransmission).
    fn shed(&self, message: Message, flow: &Flow) {
        tracing::warn!(from = %flow.remote, queued = self.backlog.len(), "transaction layer backlog full: shedding");
        if let Message::Request(mut req) = message {
            if req.method != Method::Ack {
                let _ = stamp_received(&mut req, flow.remote);
                let reason = StatusCode::SERVICE_UNAVAILABLE.canonical_reason();
                self.answer_statelessly(&req, StatusCode::SERVICE_UNAVAILABLE, reason, flow);
            }
        }
    }

    /// Sends `status` for `req` without a transaction, back where §18.2.2 says.
    fn answer_statelessly(&self, req: &Request, status: StatusCode, reason: &str, flow: &Flow) {
        let mut resp = Response::to_request(req, status);
        resp.reason = reason.into();
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        tag_to(req, &mut resp, &mut *rng);
        drop(rng);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers.push(HeaderName::RetryAfter, "1");
        }
        resp.headers.push(HeaderName::Server, self.server.clone());
        let target = match req.top_via() {
            Ok(via) => response_target(&via, flow),
            Err(_) => Target::reply_to(flow),
        };
        self.wire.send(Message::Response(resp), target);
    }
}

impl TransportSink for Ingress {
    fn deliver(&self, event: TransportEvent) {
        match event {
            TransportEvent::Inbound(inbound) => self.inbound(inbound),
            TransportEvent::SendFailed {
                target,
                error,
                bytes,
            } => {
                tracing::warn!(to = %target.addr, %error, "send failed");
                // Our own bytes: they parse. The layer finds the transaction by top Via.
                let parsed = match target.kind {
                    TransportKind::Udp => parse_datagram(bytes, &self.limits),
                    _ => parse_stream_message(bytes, &self.limits),
                };
                if let Ok(message) = parsed {
                    let _ = self.layer.cast(LayerMsg::SendFailed { message });
                }
            }
            TransportEvent::ConnectionClosed { flow, reason } => {
                tracing::debug!(remote = %flow.remote, %reason, "connection closed");
                let _ = self.layer.cast(LayerMsg::ConnectionLost {
                    kind: flow.kind,
                    remote: flow.remote,
                });
            }
            TransportEvent::Keepalive { flow, reply } => {
                let _ = self.layer.cast(LayerMsg::Keepalive { flow, reply });
            }
            other => tracing::debug!(?other, "transport event ignored"),
        }
    }
}

#[cfg(test)]
#[path = "stack_tests.rs"]
mod tests;
