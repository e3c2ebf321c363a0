//! Server transactions (RFC 3261 §17.2): absorb retransmitted requests, remember and
//! re-send the last response, retransmit final responses to INVITE until the ACK.

use super::{key_of, Arrival, ServerTx, Timer, Transactions, Transmit, TxOutput};
use crate::peers::kit_msg::{T1, T2, T4, TIMEOUT};
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::{Message, Method, Request, Response};
use switchboard_actors::vocab::TransportKind;

impl Transactions {
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

    pub(super) fn fire_server(&mut self, now: Duration, timer: Timer) {
        match timer {
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
            _ => {}
        }
    }
}
