//! The transaction layer: matches received messages to transactions, creates server
//! transactions for new requests and client transactions for the TU's requests
//! (RFC 3261 §17). Sans-IO: it owns the key → [`TxId`] maps, not the machines. It
//! hands each new machine out in [`LayerOutput::Spawn`] and routes inputs to it with
//! [`LayerOutput::Deliver`], so its owner (the actor shell, one actor per transaction,
//! or an inline driver in a simulation) runs the machines and their timers. The layer
//! itself has no timers, hence no `poll_timeout`.

use super::event::Input;
use super::key::{first_via_parm, top_via, ClientKey, KeyError, ServerKey};
pub use super::layer_api::{LayerError, LayerOutput, TuEvent, TxId};
use super::machine::Transaction;
use super::received::{set_top_via, stamp_received};
use super::response_target::response_target;
use super::timers::{TimerConfig, TimerConfigError};
use super::{ClientInvite, ClientNonInvite, ServerInvite, ServerNonInvite};
use crate::sip::{HeaderName, HeaderValue, Message, Method, Request, Response, Via};
use crate::vocab::{Flow, Target, TransportKind};
use rand::RngCore;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use tokio::time::Instant;

/// The transaction layer machine.
#[derive(Debug)]
pub struct TransactionLayer {
    cfg: TimerConfig,
    rng: ChaCha8Rng,
    next_id: u64,
    servers: HashMap<ServerKey, TxId>,
    clients: HashMap<ClientKey, TxId>,
    live: HashMap<TxId, Key>,
    /// Client transactions sent over a connection-oriented transport, with where to:
    /// when that connection is lost, they fail at once (see [`Self::connection_lost`]).
    streamed: BTreeMap<TxId, (TransportKind, SocketAddr)>,
    out: VecDeque<LayerOutput>,
}

#[derive(Debug, Clone)]
enum Key {
    Client(ClientKey),
    Server(ServerKey),
}

impl TransactionLayer {
    /// A layer with validated timers; branch ids come from `rng`.
    pub fn new(cfg: TimerConfig, rng: ChaCha8Rng) -> Result<TransactionLayer, TimerConfigError> {
        cfg.validate()?;
        Ok(TransactionLayer {
            cfg,
            rng,
            next_id: 1,
            servers: HashMap::new(),
            clients: HashMap::new(),
            live: HashMap::new(),
            streamed: BTreeMap::new(),
            out: VecDeque::new(),
        })
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<LayerOutput> {
        self.out.pop_front()
    }

    /// How many transactions are live.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// Whether no transaction is live.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// A fresh RFC 3261 branch: the magic cookie and 96 random bits.
    pub fn new_branch(&mut self) -> String {
        format!(
            "{}{:016x}{:08x}",
            crate::sip::headers::via::MAGIC_COOKIE,
            self.rng.next_u64(),
            self.rng.next_u32()
        )
    }

    fn alloc(&mut self, key: Key) -> TxId {
        let id = TxId(self.next_id);
        self.next_id += 1;
        match &key {
            Key::Client(k) => self.clients.insert(k.clone(), id),
            Key::Server(k) => self.servers.insert(k.clone(), id),
        };
        self.live.insert(id, key);
        id
    }

    fn tell_tu(&mut self, event: TuEvent) {
        self.out.push_back(LayerOutput::ToTu(event));
    }

    /// A message arrived from the transport (already parsed and validated).
    pub fn recv(&mut self, now: Instant, message: Message, flow: Flow) {
        match message {
            Message::Request(r) => self.recv_request(now, r, flow),
            Message::Response(r) => self.recv_response(r, flow),
        }
    }

    fn recv_response(&mut self, response: Response, flow: Flow) {
        match ClientKey::from_response(&response).map(|k| self.clients.get(&k).copied()) {
            Ok(Some(id)) => self.out.push_back(LayerOutput::Deliver {
                id,
                input: Input::RecvResponse(response),
            }),
            Ok(None) | Err(KeyError::NoBranch) => {
                self.tell_tu(TuEvent::StrayResponse { response, flow })
            }
            Err(e) => tracing::debug!(error = %e, "unmatchable response dropped"),
        }
    }

    fn recv_request(&mut self, now: Instant, mut request: Request, flow: Flow) {
        let key = stamp_received(&mut request, flow.remote)
            .and_then(|()| ServerKey::from_request(&request));
        let key = match key {
            Ok(key) => key,
            Err(e) => return tracing::debug!(error = %e, "unmatchable request dropped"),
        };
        if let Some(&id) = self.servers.get(&key) {
            let input = Input::RecvRequest(request);
            return self.out.push_back(LayerOutput::Deliver { id, input });
        }
        if request.method == Method::Ack {
            return self.tell_tu(TuEvent::StrayAck { request, flow });
        }
        let target = match top_via(&request.headers) {
            Ok(via) => response_target(&via, &flow),
            Err(_) => Target::reply_to(&flow),
        };
        let invite = key
            .cancelled_invite()
            .and_then(|k| self.servers.get(&k).copied());
        let is_cancel = request.method == Method::Cancel;
        let transaction = if request.method == Method::Invite {
            Transaction::ServerInvite(ServerInvite::new(now, request.clone(), target, self.cfg))
        } else {
            Transaction::ServerNonInvite(ServerNonInvite::new(target, self.cfg))
        };
        let id = self.alloc(Key::Server(key));
        let call_id = request.call_id().unwrap_or_default().into();
        self.out.push_back(LayerOutput::Spawn {
            id,
            transaction,
            call_id,
        });
        self.tell_tu(if is_cancel {
            TuEvent::Cancel {
                id,
                invite,
                request,
                flow,
            }
        } else {
            TuEvent::Request { id, request, flow }
        });
    }

    /// Starts a client transaction for a request from the TU. The request must carry
    /// its top Via (sent-by and transport); the layer sets a fresh branch, except on a
    /// CANCEL that already carries its INVITE's RFC 3261 branch (§9.1).
    pub fn send_request(
        &mut self,
        now: Instant,
        mut request: Request,
        target: Target,
    ) -> Result<TxId, LayerError> {
        if request.method == Method::Ack {
            return Err(LayerError::AckNeedsNoTransaction);
        }
        let new_top = {
            let via = top_via(&request.headers).map_err(LayerError::BadVia)?;
            let keep = request.method == Method::Cancel && via.is_rfc3261_branch();
            (!keep).then(|| with_branch(&via, &self.new_branch()))
        };
        if let Some(via_parm) = new_top {
            replace_top_via(&mut request, via_parm);
        }
        let key = ClientKey::from_request(&request).map_err(LayerError::BadVia)?;
        if self.clients.contains_key(&key) {
            return Err(LayerError::Duplicate);
        }
        let call_id = request.call_id().unwrap_or_default().into();
        let reliable = target
            .kind
            .is_reliable()
            .then_some((target.kind, target.addr));
        let transaction = if request.method == Method::Invite {
            Transaction::ClientInvite(ClientInvite::new(now, request, target, self.cfg))
        } else {
            Transaction::ClientNonInvite(ClientNonInvite::new(now, request, target, self.cfg))
        };
        let id = self.alloc(Key::Client(key));
        if let Some(dest) = reliable {
            self.streamed.insert(id, dest);
        }
        self.out.push_back(LayerOutput::Spawn {
            id,
            transaction,
            call_id,
        });
        Ok(id)
    }

    /// The TU answers through server transaction `id`.
    pub fn send_response(&mut self, id: TxId, response: Response) -> Result<(), LayerError> {
        match self.live.get(&id) {
            Some(Key::Server(_)) => {
                let input = Input::SendResponse(response);
                self.out.push_back(LayerOutput::Deliver { id, input });
                Ok(())
            }
            _ => Err(LayerError::UnknownTransaction(id)),
        }
    }

    /// Sends a message outside any transaction (the ACK of a 2xx, a 2xx retransmission
    /// after the server transaction ended). The caller supplies the Via.
    pub fn send_stateless(&mut self, message: Message, target: Target) {
        self.out
            .push_back(LayerOutput::Transmit { message, target });
    }

    /// The transport could not send `message`: the transaction that sent it (matched by
    /// its top Via, as for received messages) gets a transport error.
    pub fn send_failed(&mut self, message: &Message) -> Option<TxId> {
        let id = match message {
            Message::Request(r) => ClientKey::from_request(r)
                .ok()
                .and_then(|k| self.clients.get(&k).copied()),
            Message::Response(r) => {
                server_key_of_response(r).and_then(|k| self.servers.get(&k).copied())
            }
        }?;
        self.out.push_back(LayerOutput::Deliver {
            id,
            input: Input::TransportError,
        });
        Some(id)
    }

    /// A connection to `remote` over `kind` closed (reset, timed out, closed by the
    /// peer). Client transactions that went to that address over that transport wait
    /// for a response that can no longer come on it (RFC 3261 §18.1.2: responses return
    /// on the request's connection), so each gets a transport error now instead of
    /// waiting for Timer B/F (§17.1.4). Returns them, in id order.
    pub fn connection_lost(&mut self, kind: TransportKind, remote: SocketAddr) -> Vec<TxId> {
        let lost: Vec<TxId> = self
            .streamed
            .iter()
            .filter(|(_, dest)| **dest == (kind, remote))
            .map(|(id, _)| *id)
            .collect();
        for id in &lost {
            self.streamed.remove(id);
            self.out.push_back(LayerOutput::Deliver {
                id: *id,
                input: Input::TransportError,
            });
        }
        lost
    }

    /// Forgets transaction `id` (it terminated, or its actor died). Returns whether it
    /// was live.
    pub fn remove(&mut self, id: TxId) -> bool {
        self.streamed.remove(&id);
        match self.live.remove(&id) {
            Some(Key::Client(k)) => self.clients.remove(&k).is_some(),
            Some(Key::Server(k)) => self.servers.remove(&k).is_some(),
            None => false,
        }
    }
}

/// The server key a response we sent belongs to (RFC 3261 branches only: an RFC 2543
/// key needs the Request-URI, which a response lacks).
fn server_key_of_response(response: &Response) -> Option<ServerKey> {
    let via = top_via(&response.headers).ok()?;
    let cseq = response.headers.get(&HeaderName::CSeq)?;
    let method = crate::sip::CSeq::parse(cseq.as_str()).ok()?.method;
    Some(ServerKey::Rfc3261 {
        branch: via.branch.filter(|_| via.is_rfc3261_branch())?.into(),
        sent_by: (via.host.to_ascii_lowercase().into(), via.port),
        method,
    })
}

/// The via-parm with its branch replaced by (or extended with) `branch`.
fn with_branch(via: &Via<'_>, branch: &str) -> String {
    let mut out = format!("SIP/2.0/{} {}", via.transport, via.host);
    if let Some(port) = via.port {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(";branch=");
    out.push_str(branch);
    for (name, value) in via
        .params()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("branch"))
    {
        out.push(';');
        out.push_str(name);
        if let Some(v) = value {
            out.push('=');
            out.push_str(v);
        }
    }
    out
}

fn replace_top_via(request: &mut Request, via_parm: String) {
    let rest = request
        .headers
        .get(&HeaderName::Via)
        .map(|v| {
            let full = v.as_str();
            full[first_via_parm(full).len()..].to_owned()
        })
        .unwrap_or_default();
    set_top_via(
        request,
        HeaderValue::from_string(format!("{via_parm}{rest}")),
    );
}

#[cfg(test)]
#[path = "layer_tests.rs"]
mod tests;
