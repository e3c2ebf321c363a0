//! Client transactions the [`crate::ua::UaCore`] runs on another actor's behalf (an
//! account's REGISTERs and keepalive OPTIONS): it records the transaction's owner as soon as the layer hands
//! back the id — before the UA core reads its next message, so no event of that
//! transaction can be missed — and forwards the outcome to the owner.

use crate::registration::AccountMsg;
use ractor::ActorRef;
use std::collections::BTreeMap;
use switchboard_actors::sip::{Method, Request};
use switchboard_actors::transaction::{LayerMsg, TxEvent, TxId};
use switchboard_actors::vocab::Target;

/// Starts a client transaction for `request`; its id, or `None` when the layer refused
/// it or is gone. Shared by the embedder's requests and the owned ones.
pub(crate) async fn start_transaction(
    layer: &ActorRef<LayerMsg>,
    request: Request,
    target: Target,
) -> Option<TxId> {
    let sent = layer
        .call(
            |reply| LayerMsg::SendRequest {
                request,
                target,
                reply,
            },
            None,
        )
        .await;
    match sent {
        Ok(ractor::rpc::CallResult::Success(Ok(id))) => Some(id),
        _ => None,
    }
}

/// Owned transactions in flight, by id.
#[derive(Default)]
pub(crate) struct Owned {
    owners: BTreeMap<TxId, (ActorRef<AccountMsg>, bool)>,
}

/// The owner's message for an outcome: keepalive OPTIONS apart from REGISTERs.
fn outcome(keepalive: bool, event: TxEvent) -> AccountMsg {
    if keepalive {
        AccountMsg::KeepaliveTx(event)
    } else {
        AccountMsg::Tx(event)
    }
}

impl Owned {
    /// Starts the client transaction; a refused one is reported to `owner` as a
    /// transport error.
    pub(crate) async fn send(
        &mut self,
        request: Request,
        target: Target,
        owner: ActorRef<AccountMsg>,
        layer: &ActorRef<LayerMsg>,
    ) {
        let keepalive = request.method == Method::Options;
        match start_transaction(layer, request, target).await {
            Some(id) => {
                self.owners.insert(id, (owner, keepalive));
            }
            None => {
                tracing::warn!("owned request refused by the transaction layer");
                let _ = owner.cast(outcome(keepalive, TxEvent::TransportError));
            }
        }
    }

    /// Whether transaction `id` is one of ours.
    pub(crate) fn owns(&self, id: TxId) -> bool {
        self.owners.contains_key(&id)
    }

    /// Forwards a final response or failure to the owner and forgets the transaction;
    /// provisional responses are dropped.
    pub(crate) fn on_event(&mut self, id: TxId, event: TxEvent) {
        let forward = match &event {
            TxEvent::Response(r) => r.status.as_u16() >= 200,
            TxEvent::Timeout
            | TxEvent::TransportError
            | TxEvent::InternalError
            | TxEvent::Terminated => true,
            _ => false,
        };
        if !forward {
            return;
        }
        if let Some((owner, keepalive)) = self.owners.remove(&id) {
            let _ = owner.cast(outcome(keepalive, event));
        }
    }

    /// How many owned transactions wait for an outcome.
    pub(crate) fn len(&self) -> usize {
        self.owners.len()
    }
}
