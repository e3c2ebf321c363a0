//! The UA as client, receiving: responses matched to their transactions and reported;
//! INVITE responses drive the call (ringing, answered and ACKed, re-ACK of a
//! retransmitted 2xx, the ACK and BYE of a 2xx that crossed our CANCEL, rejection).

use super::kit_msg::new_branch;
use super::kit_tx::{Arrival, Transmit};
use super::ua::{Ua, UaTimer};
use super::ua_call::Phase;
use super::PeerEvent;
use rand::RngCore;
use std::time::Duration;
use switchboard_actors::sip::auth::{DigestChallenge, DigestClient, Password};
use switchboard_actors::sip::{Contact, HeaderName, Message, Method, Response};

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

    /// Answers a 401/407 to our INVITE (RFC 3261 §22.2): the same INVITE with the next
    /// CSeq, a new branch and credentials for the challenge. False when there is no
    /// password or no challenge we can answer (the call then ends as rejected).
    fn retry_invite_with_auth(&mut self, now: Duration, call_id: &str, resp: &Response) -> bool {
        let (challenge_name, auth_name) = if resp.status.as_u16() == 401 {
            (HeaderName::WwwAuthenticate, HeaderName::Authorization)
        } else {
            (
                HeaderName::ProxyAuthenticate,
                HeaderName::ProxyAuthorization,
            )
        };
        let values = resp.headers.get_all(&challenge_name).map(|v| v.as_str());
        let (Some(password), Ok(challenge)) = (
            self.cfg.password.clone(),
            DigestChallenge::first_supported(values),
        ) else {
            return false;
        };
        let Some(call) = self.calls.get(call_id) else {
            return false;
        };
        let (mut req, hop, seq) = (call.invite.clone(), call.flow, call.cseq + 1);
        let mut client = DigestClient::new(self.cfg.user.clone(), Password::new(password));
        let uri = req.uri.to_string();
        let creds = client.respond(&challenge, "INVITE", &uri, &req.body, &mut self.rng);
        let branch = new_branch(&mut self.rng);
        if let Some(via) = req
            .headers
            .get(&HeaderName::Via)
            .map(|v| v.as_str().to_owned())
        {
            let top = match via.find(";branch=") {
                Some(at) => format!("{};branch={branch}", via.get(..at).unwrap_or_default()),
                None => format!("{via};branch={branch}"),
            };
            req.headers.set(HeaderName::Via, top);
        }
        req.headers.set(HeaderName::CSeq, format!("{seq} INVITE"));
        req.headers.remove(&HeaderName::Authorization);
        req.headers.remove(&HeaderName::ProxyAuthorization);
        req.headers.push(auth_name, creds.to_string());
        if let Some(call) = self.calls.get_mut(call_id) {
            call.invite = req.clone();
            call.cseq = seq;
            call.auth_tries += 1;
        }
        self.send_request(now, req, hop);
        true
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
        let first = call.invite.cseq().map_or(1, |c| c.seq);
        if !call.uac || seq != first {
            // A response to our re-INVITE.
            let dir = call.reinvite.take();
            if code == 491 {
                // Glare (RFC 3261 §14.1): the Call-ID's owner retries after 2.1–4 s,
                // the other side after 0–2 s, in units of 10 ms.
                let owner = call.uac;
                if let Some(d) = dir {
                    let ticks = u64::from(self.rng.next_u32() % 200);
                    let wait = Duration::from_millis(if owner {
                        2100 + ticks * 19 / 2
                    } else {
                        ticks * 10
                    });
                    self.timers
                        .set(now + wait, UaTimer::ReinviteRetry(call_id.clone(), d));
                }
                return;
            }
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
        if matches!(code, 401 | 407)
            && call.auth_tries < 2
            && !call.cancelled
            && self.retry_invite_with_auth(now, &call_id, &resp)
        {
            return;
        }
        let Some(call) = self.calls.get_mut(&call_id) else {
            return;
        };
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
        if let Some((ack, hop)) = self.dialog_request(&call_id, Method::Ack, Some(seq)) {
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
