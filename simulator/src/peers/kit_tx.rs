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

use super::kit_msg::{ack_for_failure, branch_key, T1, T2, T4, TIMEOUT};
use super::kit_timers::Timers;
use bytes::Bytes;
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::{Message, Method, Request, Response};
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

    /// Sends `req` to `to`; starts a client transaction unless it is an ACK.
    pub fn send_request(
        &mut self,
        now: Duration,
        req: Request,
        transport: TransportKind,
        to: SocketAddr,
    ) {
        let method = req.method.clone();
        let call_id = req.call_id().unwrap_or("").to_owned();
        let invite = (method == Method::Invite).then(|| req.clone());
        let msg = Message::Request(req);
        let flow = Transmit {
            transport,
            to,
            bytes: msg.to_bytes(),
        };
        self.out.push_back(TxOutput::Send(flow.clone()));
        if method == Method::Ack {
            return;
        }
        let key = key_of(&msg, &method);
        if !transport.is_reliable() {
            self.timers.set(now + T1, Timer::Retransmit(key.clone()));
        }
        self.timers.set(now + TIMEOUT, Timer::Timeout(key.clone()));
        let tx = ClientTx {
            method,
            call_id,
            flow,
            interval: T1,
            provisional: false,
            completed: false,
            ack: None,
            invite,
        };
        self.clients.insert(key, tx);
    }

    /// Matches a response to its client transaction (RFC 3261 §17.1.3).
    pub fn on_response(&mut self, now: Duration, resp: &Response) -> Arrival {
        let Ok(cseq) = resp.cseq() else {
            return Arrival::Stray;
        };
        let msg = Message::Response(resp.clone());
        let key = key_of(&msg, &cseq.method);
        let Some(tx) = self.clients.get_mut(&key) else {
            return Arrival::Stray;
        };
        let is_invite = tx.method == Method::Invite;
        if tx.completed {
            if let Some(ack) = &tx.ack {
                self.out.push_back(TxOutput::Send(Transmit {
                    bytes: ack.clone(),
                    ..tx.flow.clone()
                }));
            }
            return Arrival::Retransmission;
        }
        if !resp.status.is_final() {
            tx.provisional = true;
            if is_invite {
                self.timers.cancel(&Timer::Retransmit(key.clone()));
                self.timers.cancel(&Timer::Timeout(key));
            }
            return Arrival::New;
        }
        tx.completed = true;
        self.timers.cancel(&Timer::Retransmit(key.clone()));
        self.timers.cancel(&Timer::Timeout(key.clone()));
        if is_invite && !resp.status.is_success() {
            if let Some(inv) = &tx.invite {
                let ack = Message::Request(ack_for_failure(inv, resp)).to_bytes();
                self.out.push_back(TxOutput::Send(Transmit {
                    bytes: ack.clone(),
                    ..tx.flow.clone()
                }));
                tx.ack = Some(ack);
            }
        }
        let linger = if is_invite { TIMEOUT } else { T4 };
        self.timers.set(now + linger, Timer::Reap(key));
        Arrival::New
    }

    /// Matches a request to a server transaction (RFC 3261 §17.2.3). A retransmission
    /// gets the last response again. An ACK is matched to its INVITE by branch (non-2xx)
    /// or by Call-ID and CSeq number (2xx); it stops the response retransmissions, and is
    /// `New` only when it acknowledges a 2xx for the first time.
    pub fn on_request(
        &mut self,
        now: Duration,
        req: &Request,
        transport: TransportKind,
        from: SocketAddr,
    ) -> Arrival {
        let msg = Message::Request(req.clone());
        let seq = req.cseq().map(|c| c.seq).unwrap_or(0);
        let call_id = req.call_id().unwrap_or("").to_owned();
        if req.method == Method::Ack {
            let by_branch = key_of(&msg, &Method::Invite);
            let key = if self.servers.contains_key(&by_branch) {
                Some(by_branch)
            } else {
                self.servers
                    .iter()
                    .find(|(k, s)| k.1 == "INVITE" && s.call_id == call_id && s.seq == seq)
                    .map(|(k, _)| k.clone())
            };
            let Some(key) = key else {
                return Arrival::New;
            };
            let Some(tx) = self.servers.get_mut(&key) else {
                return Arrival::New;
            };
            self.timers.cancel(&Timer::ServerRetransmit(key.clone()));
            self.timers.cancel(&Timer::ServerGiveUp(key));
            let success = tx
                .last
                .as_ref()
                .is_some_and(|(s, _)| (200..300).contains(s));
            let first = !std::mem::replace(&mut tx.acked, true);
            return match (first, success) {
                (true, true) => Arrival::New,
                (true, false) => Arrival::Absorbed,
                (false, _) => Arrival::Retransmission,
            };
        }
        let key = key_of(&msg, &req.method);
        if let Some(tx) = self.servers.get(&key) {
            if let Some((_, bytes)) = &tx.last {
                self.out.push_back(TxOutput::Send(Transmit {
                    transport: tx.transport,
                    to: tx.from,
                    bytes: bytes.clone(),
                }));
            }
            return Arrival::Retransmission;
        }
        let tx = ServerTx {
            call_id,
            seq,
            transport,
            from,
            last: None,
            interval: T1,
            acked: false,
        };
        self.servers.insert(key.clone(), tx);
        // Forgotten eventually even if never answered (Ignore behaviours).
        self.timers.set(now + TIMEOUT * 2, Timer::ServerReap(key));
        Arrival::New
    }

    /// Sends `resp` to the request `req` on the flow it came in on, and remembers it for
    /// retransmissions. Without a server transaction (a refused malformed request) the
    /// response goes to `fallback`.
    pub fn respond(
        &mut self,
        now: Duration,
        req: &Request,
        resp: Response,
        fallback: (TransportKind, SocketAddr),
    ) {
        let status = resp.status.as_u16();
        let bytes = Message::Response(resp).to_bytes();
        let key = key_of(&Message::Request(req.clone()), &req.method);
        let Some(tx) = self.servers.get_mut(&key) else {
            let (transport, to) = fallback;
            self.out.push_back(TxOutput::Send(Transmit {
                transport,
                to,
                bytes,
            }));
            return;
        };
        self.out.push_back(TxOutput::Send(Transmit {
            transport: tx.transport,
            to: tx.from,
            bytes: bytes.clone(),
        }));
        tx.last = Some((status, bytes));
        if status < 200 {
            return;
        }
        self.timers
            .cancel_where(|t| matches!(t, Timer::ServerReap(k) if *k == key));
        if req.method == Method::Invite {
            if !tx.transport.is_reliable() {
                self.timers
                    .set(now + T1, Timer::ServerRetransmit(key.clone()));
            }
            self.timers
                .set(now + TIMEOUT, Timer::ServerGiveUp(key.clone()));
        }
        self.timers.set(now + TIMEOUT + T4, Timer::ServerReap(key));
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
            self.fire(now, timer);
        }
    }

    fn fire(&mut self, now: Duration, timer: Timer) {
        match timer {
            Timer::Retransmit(key) => {
                let Some(tx) = self.clients.get_mut(&key) else {
                    return;
                };
                self.out.push_back(TxOutput::Send(tx.flow.clone()));
                tx.interval = if tx.method == Method::Invite {
                    tx.interval * 2
                } else if tx.provisional {
                    T2
                } else {
                    (tx.interval * 2).min(T2)
                };
                self.timers.set(now + tx.interval, Timer::Retransmit(key));
            }
            Timer::Timeout(key) => {
                self.timers.cancel(&Timer::Retransmit(key.clone()));
                if let Some(tx) = self.clients.remove(&key) {
                    self.out.push_back(TxOutput::Timeout {
                        method: tx.method,
                        call_id: tx.call_id,
                    });
                }
            }
            Timer::Reap(key) => {
                self.clients.remove(&key);
            }
            Timer::ServerRetransmit(key) => {
                let Some(tx) = self.servers.get_mut(&key) else {
                    return;
                };
                if let Some((_, bytes)) = &tx.last {
                    self.out.push_back(TxOutput::Send(Transmit {
                        transport: tx.transport,
                        to: tx.from,
                        bytes: bytes.clone(),
                    }));
                }
                tx.interval = (tx.interval * 2).min(T2);
                self.timers
                    .set(now + tx.interval, Timer::ServerRetransmit(key));
            }
            Timer::ServerGiveUp(key) => {
                self.timers.cancel(&Timer::ServerRetransmit(key.clone()));
                if let Some(tx) = self.servers.get(&key) {
                    self.out.push_back(TxOutput::AckTimeout {
                        call_id: tx.call_id.clone(),
                    });
                }
            }
            Timer::ServerReap(key) => {
                self.servers.remove(&key);
            }
        }
    }
}
