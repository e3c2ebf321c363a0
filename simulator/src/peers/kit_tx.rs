//! Minimal transactions for the simulated peers (RFC 3261 §17), written apart from the
//! engine's so a bug is not mirrored on both ends.
//!
//! Client side: a request over UDP is retransmitted (INVITE at Timer A doubling;
//! non-INVITE at Timer E doubling, capped at T2) until a response (INVITE: any; non-INVITE:
//! a final one); with no final response after 64·T1 the transaction times out (Timer B /
//! F; an INVITE that got a provisional waits for ever, as §17.1.1.2 says). Nothing is
//! retransmitted over TCP. A non-2xx final response to INVITE is ACKed here, and its
//! retransmissions re-ACKed. Server side: a retransmitted request gets the last response
//! again; a final response to INVITE over UDP is retransmitted at T1 doubling to T2 until
//! the ACK, for at most 64·T1.

use super::kit_msg::branch_key;
use super::kit_timers::Timers;
use bytes::Bytes;
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::{Message, Method, Request};
use switchboard_actors::vocab::TransportKind;

/// Bytes to put on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// How.
    pub transport: TransportKind,
    /// Where to.
    pub to: SocketAddr,
    /// What.
    pub bytes: Bytes,
}

/// What the transaction layer wants done or reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxOutput {
    /// Send bytes (a first transmission, a retransmission, an ACK).
    Send(Transmit),
    /// A client transaction got no final response in time (Timer B / F).
    Timeout {
        /// The request's method.
        method: Method,
        /// Its Call-ID.
        call_id: String,
    },
    /// A client transaction's request could not be sent (RFC 3261 §8.1.3.1: treat as
    /// a 503 from the transport).
    TransportError {
        /// The request's method.
        method: Method,
        /// Its Call-ID.
        call_id: String,
    },
    /// A final response to INVITE was never ACKed (64·T1 passed).
    AckTimeout {
        /// The INVITE's Call-ID.
        call_id: String,
    },
}

/// How an arriving message relates to the transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// New: the peer's own logic handles it.
    New,
    /// A retransmission: absorbed here (last response re-sent, ACK re-sent).
    Retransmission,
    /// Handled here, not a retransmission: the ACK of a non-2xx final response.
    Absorbed,
    /// A response matching no client transaction.
    Stray,
}

/// Transaction key: branch and method (a CANCEL shares its INVITE's branch).
type Key = (String, String);

#[path = "kit_tx_client.rs"]
mod client;
#[path = "kit_tx_server.rs"]
mod server;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Timer {
    Retransmit(Key),
    Timeout(Key),
    Reap(Key),
    ServerRetransmit(Key),
    ServerGiveUp(Key),
    ServerReap(Key),
}

#[derive(Debug)]
struct ClientTx {
    method: Method,
    call_id: String,
    flow: Transmit,
    interval: Duration,
    provisional: bool,
    completed: bool,
    ack: Option<Bytes>,
    invite: Option<Request>,
}

#[derive(Debug)]
struct ServerTx {
    call_id: String,
    seq: u32,
    transport: TransportKind,
    from: SocketAddr,
    last: Option<(u16, Bytes)>,
    interval: Duration,
    acked: bool,
}

/// Client and server transactions of one peer, with their timers.
#[derive(Debug, Default)]
pub struct Transactions {
    clients: BTreeMap<Key, ClientTx>,
    servers: BTreeMap<Key, ServerTx>,
    timers: Timers<Timer>,
    out: VecDeque<TxOutput>,
}

fn key_of(m: &Message, method: &Method) -> Key {
    (branch_key(m), method.as_str().to_owned())
}

impl Transactions {
    /// No transactions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends bytes outside any transaction (ACK for a 2xx, raw bytes, keepalives).
    pub fn send_raw(&mut self, t: Transmit) {
        self.out.push_back(TxOutput::Send(t));
    }

    /// The next output.
    pub fn poll_output(&mut self) -> Option<TxOutput> {
        self.out.pop_front()
    }

    /// The earliest timer.
    pub fn poll_timeout(&self) -> Option<Duration> {
        self.timers.next()
    }

    /// Fires every timer due at `now`.
    pub fn handle_timeout(&mut self, now: Duration) {
        while let Some((_, timer)) = self.timers.pop_due(now) {
            match timer {
                Timer::Retransmit(_) | Timer::Timeout(_) | Timer::Reap(_) => {
                    self.fire_client(now, timer)
                }
                _ => self.fire_server(now, timer),
            }
        }
    }
}
