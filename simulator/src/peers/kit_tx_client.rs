//! Client transactions (RFC 3261 §17.1): send, retransmit over UDP, match responses,
//! ACK non-2xx finals to INVITE, time out.

use super::{key_of, Arrival, ClientTx, Timer, Transactions, Transmit, TxOutput};
use crate::peers::kit_msg::{ack_for_failure, T1, T2, T4, TIMEOUT};
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::{Message, Method, Request, Response};
use switchboard_actors::vocab::TransportKind;

impl Transactions {
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

    /// The world could not deliver to `to` over `transport` (TCP refused or broken):
    /// every client transaction still waiting for a final response on that flow fails.
    pub fn on_send_failed(&mut self, transport: TransportKind, to: SocketAddr) {
        let failed: Vec<_> = self
            .clients
            .iter()
            .filter(|(_, tx)| !tx.completed && tx.flow.transport == transport && tx.flow.to == to)
            .map(|(k, _)| k.clone())
            .collect();
        for key in failed {
            self.timers.cancel(&Timer::Retransmit(key.clone()));
            self.timers.cancel(&Timer::Timeout(key.clone()));
            if let Some(tx) = self.clients.remove(&key) {
                self.out.push_back(TxOutput::TransportError {
                    method: tx.method,
                    call_id: tx.call_id,
                });
            }
        }
    }

    pub(super) fn fire_client(&mut self, now: Duration, timer: Timer) {
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
            _ => {}
        }
    }
}
