//! The engine's transaction user for requests outside any dialog: reports them as
//! events and answers them through their server transaction with the policy in
//! [`crate::responder`]. An out-of-dialog INVITE becomes a call: the UA core is the call
//! manager for now and spawns one linked call actor per call (`ua_calls`); it
//! also keeps the pushes `Engine::handle_push` told it to expect. In-dialog requests
//! go to their call's actor by Call-ID (`ua_calls_route`); without a call they get 481.

use crate::event_hub::EventSink;
use crate::events::Event;
use crate::stack::TransportRegistry;
use crate::ua_client::Outbound;
use ractor::{Actor, ActorProcessingErr, ActorRef};
use rand_chacha::ChaCha8Rng;
use std::sync::{Arc, OnceLock};
use switchboard_actors::sip::Method;
use switchboard_actors::transaction::{LayerMsg, TuEvent, TxEvent};

#[path = "ua_msg.rs"]
mod msg;
pub use msg::UaMsg;

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
    /// The network calls bind their media on.
    pub network: Arc<dyn switchboard_actors::transport::net::Network>,
    /// The call manager's policies.
    pub calls: crate::config::CallsConfig,
    /// Where call records go.
    pub records: crate::call_record::Records,
    /// Our media settings (codecs, most preferred first; ptime; no-media; DTMF).
    pub media_settings: crate::config::MediaSettings,
}

/// The [`UaCore`]'s state.
pub struct UaState {
    args: UaArgs,
    outbound: Outbound,
    owned: crate::ua_owned::Owned,
    calls: crate::ua_calls::Calls,
    watchers: crate::keepalive_route::Watchers,
}

#[path = "ua_inbound.rs"]
mod inbound;

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
        let mut calls = crate::ua_calls::Calls::default();
        calls.network = Some(args.network.clone());
        calls.gate = crate::ua_calls::Gate::new(args.calls);
        calls.records = args.records.clone();
        calls.media_settings = args.media_settings.clone();
        Ok(UaState {
            args,
            outbound: Outbound::default(),
            owned: crate::ua_owned::Owned::default(),
            calls,
            watchers: crate::keepalive_route::Watchers::default(),
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<UaMsg>,
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
            UaMsg::SendForCall {
                request,
                target,
                call_id,
            } => {
                state
                    .calls
                    .send_for(*request, target, &call_id, &layer)
                    .await;
                return Ok(());
            }
            UaMsg::Dial { dial, reply } => {
                let st = &mut state.args;
                let network = st.network.clone();
                let result = state
                    .calls
                    .dial(
                        *dial,
                        &myself,
                        &layer,
                        &st.registry,
                        &st.events,
                        network,
                        &mut st.rng,
                    )
                    .await;
                let _ = reply.send(result);
                return Ok(());
            }
            UaMsg::CallMedia { call_id, reply } => {
                state.calls.media(&call_id, reply);
                return Ok(());
            }
            UaMsg::CallCommand {
                call_id,
                command,
                reply,
            } => {
                state.calls.command(&call_id, command, reply);
                return Ok(());
            }
            UaMsg::HangUpAll(reply) => {
                let _ = reply.send(state.calls.hang_up_all());
                return Ok(());
            }
            UaMsg::Relocated(moved) => {
                state.calls.relocate(&moved);
                return Ok(());
            }
            UaMsg::CallCount(reply) => {
                let _ = reply.send(state.calls.dialogs.len());
                return Ok(());
            }
            UaMsg::AbandonInvite { call_id } => {
                state.calls.abandon_invite(&call_id, &layer);
                return Ok(());
            }
            UaMsg::PendingCount(reply) => {
                let n = state.outbound.len() + state.owned.len() + state.calls.len();
                let _ = reply.send(n);
                return Ok(());
            }
            msg @ (UaMsg::ExpectPush { .. }
            | UaMsg::PushExpired { .. }
            | UaMsg::CallEnded { .. }
            | UaMsg::CallProgress { .. }
            | UaMsg::Cellular { .. }
            | UaMsg::Paused(_)
            | UaMsg::CallSnapshot { .. }
            | UaMsg::Linger { .. }
            | UaMsg::RejectCall { .. }) => {
                state.calls.on_msg(msg, &myself, &state.args.events);
                return Ok(());
            }
        };
        let st = &mut state.args;
        match event {
            TuEvent::Request { id, request, flow } => {
                state.on_request(id, request, flow, &layer, &myself).await
            }
            TuEvent::Cancel {
                id,
                invite: Some(invite),
                request,
                ..
            } if state.calls.on_cancel(id, invite, &request) => {}
            TuEvent::Cancel {
                id,
                invite,
                request,
                ..
            } => {
                let response = crate::responder::cancel_response(
                    invite.is_some(),
                    &request,
                    &st.server,
                    &mut st.rng,
                );
                if let Some(response) = response {
                    st.events.emit(Event::Answered {
                        method: Method::Cancel.to_string(),
                        status: response.status.as_u16(),
                    });
                    let _ = layer.cast(LayerMsg::SendResponse { id, response });
                }
            }
            TuEvent::StrayAck { request, .. } if state.calls.on_ack(&request) => {}
            TuEvent::StrayAck { .. } => tracing::debug!("ACK outside any transaction ignored"),
            TuEvent::StrayResponse { response, flow } => {
                tracing::debug!(status = response.status.as_u16(), from = %flow.remote, "stray response ignored");
            }
            TuEvent::Transaction { id, event }
                if state.outbound.on_event(id, &event, &st.events) => {}
            TuEvent::Transaction { id, event } if state.owned.owns(id) => {
                state.owned.on_event(id, event)
            }
            TuEvent::Transaction { id, event } if state.calls.on_event(id, &event) => {}
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

    async fn handle_supervisor_evt(
        &self,
        _myself: ActorRef<UaMsg>,
        evt: ractor::SupervisionEvent,
        state: &mut UaState,
    ) -> Result<(), ActorProcessingErr> {
        // A call actor's failure ends that call only (DESIGN.md, failure rules).
        if let ractor::SupervisionEvent::ActorFailed(cell, err) = evt {
            if let Some(layer) = state.args.layer.get().cloned() {
                if state
                    .calls
                    .failed(cell.get_id(), &layer, &state.args.events)
                {
                    state.args.events.emit(Event::ActorFailed {
                        actor: "call".to_owned(),
                        reason: err.to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<UaMsg>,
        state: &mut UaState,
    ) -> Result<(), ActorProcessingErr> {
        state.calls.stop_all();
        Ok(())
    }
}
