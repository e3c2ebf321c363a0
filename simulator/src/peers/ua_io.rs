//! The UA's edges: received bytes parsed and matched to transactions (junk reported as
//! malformed, salvageable requests answered 400 / 505 / 513, CRLF keepalives ponged),
//! and the transaction layer's output moved out as sends and events.

use super::kit_msg::{build_response, is_keepalive, new_tag, parse_message};
use super::kit_tx::{Arrival, Transmit, TxOutput};
use super::ua::Ua;
use super::{PeerEvent, PeerOutput};
use bytes::Bytes;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::{Message, Method};
use switchboard_actors::vocab::TransportKind;

impl Ua {
    /// Moves the transaction layer's output out, reacting to its timeouts.
    pub(super) fn drain(&mut self, now: Duration) {
        while let Some(o) = self.tx.poll_output() {
            match o {
                TxOutput::Send(t) => self.out.push_back(PeerOutput::Send {
                    transport: t.transport,
                    to: t.to,
                    bytes: t.bytes,
                }),
                TxOutput::Timeout { method, call_id } => {
                    self.emit(PeerEvent::TransactionTimeout {
                        method: method.to_string(),
                    });
                    self.on_tx_timeout(now, &method, &call_id);
                }
                TxOutput::TransportError { method, call_id } => {
                    self.on_transport_error(now, &method, &call_id)
                }
                TxOutput::AckTimeout { call_id } => self.on_ack_timeout(now, &call_id),
            }
        }
    }

    pub(super) fn on_message(
        &mut self,
        now: Duration,
        transport: TransportKind,
        from: SocketAddr,
        bytes: Bytes,
    ) {
        if is_keepalive(&bytes) {
            if transport.is_reliable() && bytes.starts_with(b"\r\n\r\n") {
                let pong = Bytes::from_static(b"\r\n");
                self.tx.send_raw(Transmit {
                    transport,
                    to: from,
                    bytes: pong,
                });
            }
            return;
        }
        match parse_message(transport, bytes) {
            Ok(Message::Request(req)) => {
                let arrival = self.tx.on_request(now, &req, transport, from);
                self.emit(PeerEvent::RequestReceived {
                    method: req.method.to_string(),
                    call_id: req.call_id().unwrap_or("").to_owned(),
                    retransmission: arrival == Arrival::Retransmission,
                });
                if arrival == Arrival::New {
                    self.on_request(now, req, (transport, from));
                }
            }
            Ok(Message::Response(resp)) => self.on_response(now, resp),
            Err(e) => {
                self.emit(PeerEvent::Malformed {
                    reason: e.fault.to_string(),
                });
                let (Some(req), Some(status)) = (e.salvage, e.fault.status()) else {
                    return;
                };
                if req.method == Method::Ack {
                    return;
                }
                let tag = new_tag(&mut self.rng);
                let mut resp = build_response(&req, status, Some(&tag));
                resp.reason = e.fault.reason_phrase().replace(['\r', '\n'], " ").into();
                self.send_response(now, &req, resp, (transport, from));
            }
        }
    }
}
