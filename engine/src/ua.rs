//! The engine's transaction user for requests outside any dialog: reports them as
//! events and answers them through their server transaction with the policy in
//! [`crate::responder`]. Dialogs and calls take over INVITE-initiated requests in the
//! calls issue; this actor stays the fallback for everything else.

use crate::event_hub::EventSink;
use crate::events::Event;
use crate::responder::respond_out_of_dialog;
use crate::stack::TransportRegistry;
use crate::ua_client::{Outbound, RequestReply};
use ractor::{Actor, ActorProcessingErr, ActorRef};
use rand_chacha::ChaCha8Rng;
use std::sync::{Arc, OnceLock};
use switchboard_actors::sip::{Method, Response, SipUri, StatusCode};
use switchboard_actors::transaction::{LayerMsg, TuEvent, TxEvent};

/// Messages of the [`UaCore`] actor.
#[derive(Debug)]
#[non_exhaustive]
pub enum UaMsg {
    /// An event from the transaction layer.
    Tu(TuEvent),
    /// The embedder sends `method` to `uri` outside any dialog; the reply gets the final
    /// response or why there is none.
    Request {
        /// The method (OPTIONS).
        method: Method,
        /// The Request-URI (and where it is sent).
        uri: SipUri,
        /// The outcome.
        reply: RequestReply,
    },
    /// Replies with the number of requests waiting for a final response.
    PendingCount(ractor::RpcReplyPort<usize>),
    /// Send `request` to `target` through a new client transaction on `owner`'s behalf
    /// (an account's REGISTER): the transaction's events go to `owner` (see
    /// [`crate::ua_owned`]).
    SendFor {
        /// The complete request (top Via branch left for the layer).
        request: switchboard_actors::sip::Request,
        /// Where it goes.
        target: switchboard_actors::vocab::Target,
        /// Who gets the transaction's outcome.
        owner: ActorRef<crate::registration::AccountMsg>,
    },
    /// `owner` probes the flow to `remote` over `kind` (RFC 5626 keepalive): pongs and
    /// STUN answers from there, and the connection's loss, go to it.
    WatchFlow {
        /// The transport.
        kind: switchboard_actors::vocab::TransportKind,
        /// The server's address.
        remote: std::net::SocketAddr,
        /// Who probes it.
        owner: ActorRef<crate::registration::AccountMsg>,
    },
}

impl From<TuEvent> for UaMsg {
    fn from(e: TuEvent) -> UaMsg {
        UaMsg::Tu(e)
    }
}

/// What the [`UaCore`] starts with.
pub struct UaArgs {
    /// The transaction layer, set once it is spawned (it needs this actor as its TU).
    pub layer: Arc<OnceLock<ActorRef<LayerMsg>>>,
    /// Where events go.
    pub events: EventSink,
    /// The `Server` header value.
    pub server: String,
    /// To tags for responses; tags and Call-IDs for requests.
    pub rng: ChaCha8Rng,
    /// The transports, to send requests from.
    pub registry: Arc<TransportRegistry>,
}

/// The [`UaCore`]'s state.
pub struct UaState {
    args: UaArgs,
    outbound: Outbound,
    owned: crate::ua_owned::Owned,
    watchers: crate::keepalive_route::Watchers,
}

/// The out-of-dialog transaction user.
#[derive(Debug, Clone, Copy, Default)]
pub struct UaCore;

impl Actor for UaCore {
    type Msg = UaMsg;
    type State = UaState;
    type Arguments = UaArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<UaMsg>,
        args: UaArgs,
    ) -> Result<UaState, ActorProcessingErr> {
        Ok(UaState {
            args,
            outbound: Outbound::default(),
            owned: crate::ua_owned::Owned::default(),
            watchers: crate::keepalive_route::Watchers::default(),
        })
    }

    async fn handle(
        &self,
        _myself: ActorRef<UaMsg>,
        msg: UaMsg,
        state: &mut UaState,
    ) -> Result<(), ActorProcessingErr> {
        let Some(layer) = state.args.layer.get().cloned() else {
            tracing::warn!("message before the transaction layer was wired; dropped");
            return Ok(());
        };
        let event = match msg {
            UaMsg::Tu(event) => event,
            UaMsg::Request { method, uri, reply } => {
                let st = &mut state.args;
                state
                    .outbound
                    .send(
                        method,
                        uri,
                        reply,
                        &layer,
                        &st.registry,
                        &st.events,
                        &st.server,
                        &mut st.rng,
                    )
                    .await;
                return Ok(());
            }
            UaMsg::SendFor {
                request,
                target,
                owner,
            } => {
                state.owned.send(request, target, owner, &layer).await;
                return Ok(());
            }
            UaMsg::WatchFlow {
                kind,
                remote,
                owner,
            } => {
                state.watchers.watch(kind, remote, owner);
                return Ok(());
            }
            UaMsg::PendingCount(reply) => {
                let _ = reply.send(state.outbound.len() + state.owned.len());
                return Ok(());
            }
        };
        let st = &mut state.args;
        match event {
            TuEvent::Request { id, request, flow } => {
                let call_id = request.call_id().unwrap_or_default().to_owned();
                let span = tracing::debug_span!("ua", call_id = %call_id, method = %request.method);
                let _entered = span.enter();
                st.events.emit(Event::RequestReceived {
                    method: request.method.to_string(),
                    from: flow.remote,
                    call_id,
                });
                if let Some(response) = respond_out_of_dialog(&request, &st.server, &mut st.rng) {
                    st.events.emit(Event::Answered {
                        method: request.method.to_string(),
                        status: response.status.as_u16(),
                    });
                    let _ = layer.cast(LayerMsg::SendResponse { id, response });
                }
            }
            TuEvent::Cancel {
                id,
                invite,
                request,
                ..
            } => {
                // No INVITE stays pending here yet (they are answered at once), so a
                // matching CANCEL just gets its 200 (RFC 3261 §9.2); without one, 481.
                let response = match invite {
                    Some(_) => {
                        let mut r = Response::to_request(&request, StatusCode::OK);
                        r.headers.push(
                            switchboard_actors::sip::HeaderName::Server,
                            st.server.clone(),
                        );
                        Some(r)
                    }
                    None => respond_out_of_dialog(&request, &st.server, &mut st.rng),
                };
                if let Some(response) = response {
                    st.events.emit(Event::Answered {
                        method: Method::Cancel.to_string(),
                        status: response.status.as_u16(),
                    });
                    let _ = layer.cast(LayerMsg::SendResponse { id, response });
                }
            }
            TuEvent::StrayAck { .. } => tracing::debug!("ACK outside any transaction ignored"),
            TuEvent::StrayResponse { response, flow } => {
                tracing::debug!(status = response.status.as_u16(), from = %flow.remote, "stray response ignored");
            }
            TuEvent::Transaction { id, event }
                if state.outbound.on_event(id, &event, &st.events) => {}
            TuEvent::Transaction { id, event } if state.owned.owns(id) => {
                state.owned.on_event(id, event)
            }
            TuEvent::Transaction { id, event } => match event {
                TxEvent::TransportError | TxEvent::Timeout | TxEvent::InternalError => {
                    tracing::warn!(?id, ?event, "transaction failed");
                }
                _ => tracing::trace!(?id, ?event, "transaction event"),
            },
            TuEvent::Keepalive { flow, reply } => state.watchers.reply(&flow, reply),
            TuEvent::ConnectionLost { kind, remote } => state.watchers.lost(kind, remote),
            other => tracing::debug!(?other, "transaction-layer event ignored"),
        }
        Ok(())
    }
}
