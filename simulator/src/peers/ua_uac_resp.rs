//! The UA as client, receiving: responses matched to their transactions and reported;
//! INVITE responses drive the call (ringing, answered and ACKed, re-ACK of a
//! retransmitted 2xx, the ACK and BYE of a 2xx that crossed our CANCEL, rejection).

use super::kit_tx::{Arrival, Transmit};
use super::ua::Ua;
use super::ua_call::Phase;
use super::PeerEvent;
use std::time::Duration;
use switchboard_actors::sip::{Contact, Message, Method, Response};

impl Ua {
    pub(super) fn on_response(&mut self, now: Duration, resp: Response) {
        let Ok(cseq) = resp.cseq() else {
            return;
        };
        match self.tx.on_response(now, &resp) {
            Arrival::New => {}
            _ => {
                if cseq.method == Method::Invite && resp.status.is_success() {
                    self.resend_ack(&resp);
                }
                return;
            }
        }
        self.emit(PeerEvent::ResponseReceived {
            method: cseq.method.to_string(),
            status: resp.status.as_u16(),
        });
        match cseq.method {
            Method::Invite => self.on_invite_response(now, resp, cseq.seq),
            Method::Register => self.on_register_response(now, resp),
            _ => {}
        }
    }

    fn resend_ack(&mut self, resp: &Response) {
        let Some(call) = resp.call_id().ok().and_then(|id| self.calls.get(id)) else {
            return;
        };
        if let Some(ack) = &call.ack {
            let bytes = Message::Request(ack.clone()).to_bytes();
            let (transport, to) = self.dialog_hop(call);
            self.tx.send_raw(Transmit {
                transport,
                to,
                bytes,
            });
        }
    }

    pub(super) fn on_invite_response(&mut self, now: Duration, resp: Response, seq: u32) {
        let Ok(call_id) = resp.call_id().map(str::to_owned) else {
            return;
        };
        let Some(call) = self.calls.get_mut(&call_id) else {
            return;
        };
        let code = resp.status.as_u16();
        if !call.uac || seq != 1 {
            // A response to our re-INVITE.
            let dir = call.reinvite.take();
            if resp.status.is_success() {
                if let Some((ack, hop)) = self.dialog_request(&call_id, Method::Ack, Some(seq)) {
                    self.send_request(now, ack, hop);
                }
                if let Some(d) = dir {
                    let state = if d.is_hold() { "held" } else { "resumed" };
                    self.call_state(&call_id, state, None);
                }
            }
            return;
        }
        if let (Ok(to), true) = (resp.to(), code > 100) {
            if to.tag().is_some() {
                call.remote = to;
            }
        }
        if !resp.status.is_final() {
            if code > 100 && call.phase == Phase::Calling {
                call.phase = Phase::Early;
                self.call_state(&call_id, "ringing", None);
            }
            if code > 100 && self.calls.get(&call_id).is_some_and(|c| c.cancel_pending) {
                self.send_cancel(now, &call_id);
            }
            return;
        }
        if !resp.status.is_success() {
            let cancelled = call.cancelled && code == 487;
            let reason = if cancelled {
                "cancelled".to_owned()
            } else {
                format!("rejected {code}")
            };
            self.end_call(&call_id, &reason);
            return;
        }
        let contact = resp.contacts().ok().and_then(|cs| {
            cs.into_iter().find_map(|c| match c {
                Contact::Addr(a) => Some(a.uri),
                Contact::Wildcard => None,
            })
        });
        if let Some(target) = contact {
            call.target = target;
        }
        call.routes = resp.record_routes().unwrap_or_default();
        call.routes.reverse();
        let hung_up = call.cancelled || call.cancel_pending;
        self.call_state(&call_id, "answered", None);
        if let Some((ack, hop)) = self.dialog_request(&call_id, Method::Ack, Some(1)) {
            if let Some(c) = self.calls.get_mut(&call_id) {
                c.ack = Some(ack.clone());
            }
            self.send_request(now, ack, hop);
        }
        if hung_up {
            // Our CANCEL crossed the 2xx: end the call properly (RFC 3261 §15).
            if let Some(c) = self.calls.get_mut(&call_id) {
                c.phase = Phase::Confirmed;
            }
            self.hangup(now, &call_id);
        } else {
            self.confirmed(now, &call_id);
        }
    }
}
