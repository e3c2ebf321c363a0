//! SIP transactions (RFC 3261 §17, corrected by RFC 6026).
//!
//! - Four sans-IO machines, one per RFC state diagram: [`ClientInvite`],
//!   [`ClientNonInvite`], [`ServerInvite`], [`ServerNonInvite`], and [`Transaction`]
//!   over them. Each takes `handle(now, Input)`, gives `poll_output()` (transmit or
//!   tell the TU) and `poll_timeout()`.
//! - Matching ([`key`]), Via stamping ([`stamp_received`]) and response routing
//!   ([`response_target()`]).
//! - [`TransactionLayer`]: the sans-IO demultiplexer over them.
//! - Actor shells ([`actor`]): one [`TransactionActor`] per transaction, supervised by
//!   a [`TransactionLayerActor`].

pub mod actor;
pub mod backlog;
pub mod client_invite;
pub mod client_non_invite;
pub mod event;
pub mod key;
pub mod layer;
pub mod layer_actor;
pub mod layer_api;
pub mod machine;
pub mod received;
pub mod response_target;
pub mod server_invite;
pub mod server_non_invite;
pub mod timers;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod testkit;

pub use actor::{TransactionActor, TransactionArgs, TuSink, TxMsg, Wire};
pub use backlog::Backlog;
pub use client_invite::{build_ack, ClientInvite, ClientInviteState};
pub use client_non_invite::{ClientNonInvite, ClientNonInviteState};
pub use event::{Input, Output, TxEvent};
pub use key::{ClientKey, KeyError, ServerKey};
pub use layer::{LayerError, LayerOutput, TransactionLayer, TuEvent, TxId};
pub use layer_actor::{LayerArgs, LayerMsg, TransactionLayerActor};
pub use machine::Transaction;
pub use received::stamp_received;
pub use response_target::response_target;
pub use server_invite::{ServerInvite, ServerInviteState};
pub use server_non_invite::{ServerNonInvite, ServerNonInviteState};
pub use timers::{TimerConfig, TimerConfigError};
