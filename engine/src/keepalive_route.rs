//! Where the [`crate::ua::UaCore`] sends keepalive answers: the accounts that probe a
//! flow register it (`UaMsg::WatchFlow`); a CRLF pong or STUN message from that remote
//! address, or the loss of the connection to it, is forwarded to each of them. Keepalive
//! answers are not SIP, so they reach the UA core beside the transactions' events (the
//! transport recognises them, the transaction layer passes them on untouched).

use crate::registration::AccountMsg;
use ractor::ActorRef;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use switchboard_actors::transport::KeepaliveReply;
use switchboard_actors::vocab::{Flow, TransportKind};

/// The accounts probing each flow, by transport and server address.
#[derive(Default)]
pub(crate) struct Watchers {
    by_flow: BTreeMap<(TransportKind, SocketAddr), Vec<ActorRef<AccountMsg>>>,
}

impl Watchers {
    /// `owner` probes `remote` over `kind` (registering twice is harmless).
    pub(crate) fn watch(
        &mut self,
        kind: TransportKind,
        remote: SocketAddr,
        owner: ActorRef<AccountMsg>,
    ) {
        let list = self.by_flow.entry((kind, remote)).or_default();
        if !list.iter().any(|o| o.get_id() == owner.get_id()) {
            list.push(owner);
        }
    }

    /// Forwards a keepalive answer to the accounts probing its flow.
    pub(crate) fn reply(&mut self, flow: &Flow, reply: KeepaliveReply) {
        self.tell((flow.kind, flow.remote), |_| {
            AccountMsg::Keepalive(reply.clone())
        });
    }

    /// The connection to `remote` closed: its probing accounts learn the flow is gone.
    pub(crate) fn lost(&mut self, kind: TransportKind, remote: SocketAddr) {
        self.tell((kind, remote), |_| AccountMsg::FlowClosed);
    }

    /// Sends each watcher of `key` its message; stopped accounts are forgotten.
    fn tell(
        &mut self,
        key: (TransportKind, SocketAddr),
        msg: impl Fn(&ActorRef<AccountMsg>) -> AccountMsg,
    ) {
        let Some(list) = self.by_flow.get_mut(&key) else {
            tracing::trace!(remote = %key.1, "keepalive answer for no account");
            return;
        };
        list.retain(|owner| owner.cast(msg(owner)).is_ok());
        if list.is_empty() {
            self.by_flow.remove(&key);
        }
    }
}
