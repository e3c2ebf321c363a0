//! A new request outside any dialog, as the [`UaCore`](super::UaCore) receives it: a
//! `request_received` event, then either a new call (an INVITE without a To tag that
//! passes the responder's checks) or the out-of-dialog policy's answer.

use super::{UaMsg, UaState};
use crate::events::Event;
use crate::responder::{has_to_tag, refuse, respond_out_of_dialog};
use ractor::ActorRef;
use switchboard_actors::sip::{Method, Request};
use switchboard_actors::transaction::{LayerMsg, TxId};
use switchboard_actors::vocab::Flow;
use tracing::Instrument;

impl UaState {
    /// Handles request `request` of server transaction `id`, received over `flow`.
    pub(super) async fn on_request(
        &mut self,
        id: TxId,
        request: Request,
        flow: Flow,
        layer: &ActorRef<LayerMsg>,
        myself: &ActorRef<UaMsg>,
    ) {
        let st = &mut self.args;
        let call_id = request.call_id().unwrap_or_default().to_owned();
        let span = tracing::debug_span!("ua", call_id = %call_id, method = %request.method);
        st.events.emit(Event::RequestReceived {
            method: request.method.to_string(),
            from: flow.remote,
            call_id,
        });
        let new_call =
            request.method == Method::Invite && !has_to_tag(&request) && refuse(&request).is_none();
        if new_call {
            let (events, server) = (st.events.clone(), st.server.clone());
            let calls = &mut self.calls;
            calls
                .on_invite(
                    id,
                    request,
                    flow,
                    myself,
                    layer,
                    &events,
                    &server,
                    &mut st.rng,
                )
                .instrument(span)
                .await;
            return;
        }
        let _entered = span.enter();
        if has_to_tag(&request) {
            let Some((id, request)) = self.calls.in_dialog(id, request) else {
                return;
            };
            return self.answer_out_of_dialog(id, request, layer);
        }
        self.answer_out_of_dialog(id, request, layer);
    }

    fn answer_out_of_dialog(&mut self, id: TxId, request: Request, layer: &ActorRef<LayerMsg>) {
        let st = &mut self.args;
        if let Some(response) = respond_out_of_dialog(&request, &st.server, &mut st.rng) {
            st.events.emit(Event::Answered {
                method: request.method.to_string(),
                status: response.status.as_u16(),
            });
            let _ = layer.cast(LayerMsg::SendResponse { id, response });
        }
    }
}
