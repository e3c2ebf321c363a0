//! One type over the four transaction machines, so the layer and the actor shell can
//! hold any of them.

use super::client_invite::ClientInvite;
use super::client_non_invite::ClientNonInvite;
use super::event::{Input, Output};
use super::server_invite::ServerInvite;
use super::server_non_invite::ServerNonInvite;
use tokio::time::Instant;

/// Any transaction machine.
#[derive(Debug)]
pub enum Transaction {
    /// INVITE client transaction.
    ClientInvite(ClientInvite),
    /// Non-INVITE client transaction.
    ClientNonInvite(ClientNonInvite),
    /// INVITE server transaction.
    ServerInvite(ServerInvite),
    /// Non-INVITE server transaction.
    ServerNonInvite(ServerNonInvite),
}

macro_rules! each {
    ($self:expr, $tx:ident => $e:expr) => {
        match $self {
            Transaction::ClientInvite($tx) => $e,
            Transaction::ClientNonInvite($tx) => $e,
            Transaction::ServerInvite($tx) => $e,
            Transaction::ServerNonInvite($tx) => $e,
        }
    };
}

impl Transaction {
    /// Feeds one input.
    pub fn handle(&mut self, now: Instant, input: Input) {
        each!(self, tx => tx.handle(now, input))
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        each!(self, tx => tx.poll_output())
    }

    /// The earliest pending deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        each!(self, tx => tx.poll_timeout())
    }

    /// Whether the machine has reached Terminated.
    pub fn is_terminated(&self) -> bool {
        each!(self, tx => tx.is_terminated())
    }

    /// Whether this is a client transaction.
    pub fn is_client(&self) -> bool {
        matches!(
            self,
            Transaction::ClientInvite(_) | Transaction::ClientNonInvite(_)
        )
    }
}
