//! The peer's requests in an [`EstablishedCall`] (RFC 3261 §12.2.2, §14.2, §15.1.2;
//! RFC 3311 UPDATE; RFC 6086 INFO with `application/dtmf-relay`).

use super::answer::APPLICATION_SDP;
use super::established::{CallPhase, EstablishedCall, EstablishedOutput, InCallEvent, Theirs};
use super::established_out::{set_body, DTMF_RELAY};
use crate::admission::{EndReason, Side};
use crate::dialog::{AckWait, AckWaitInput, DialogError, ReinviteInput};
use crate::sdp::{accept_answer, reanswer, reoffer, LocalMedia, SessionDescription};
use crate::sip::{HeaderName, Method, Request, Response, StatusCode};
use rand::Rng;
use tokio::time::Instant;

/// The methods we take in a dialog (the Allow of our 405s and OPTIONS answers).
pub const ALLOW: &str = "INVITE, ACK, BYE, CANCEL, UPDATE, INFO, OPTIONS";

/// A DTMF digit from a dtmf-relay body (`Signal=5`; `10`/`11` as `*`/`#`, 12–15 A–D).
pub(super) fn dtmf_signal(body: &[u8]) -> Option<char> {
    let text = std::str::from_utf8(body).ok()?;
    let value = text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        k.trim().eq_ignore_ascii_case("signal").then(|| v.trim())
    })?;
    match value {
        "10" => Some('*'),
        "11" => Some('#'),
        "12" => Some('A'),
        "13" => Some('B'),
        "14" => Some('C'),
        "15" => Some('D'),
        v => {
            let mut chars = v.chars();
            let c = chars.next()?.to_ascii_uppercase();
            (chars.next().is_none() && (c.is_ascii_digit() || "*#ABCD".contains(c))).then_some(c)
        }
    }
}

fn content_type(req: &Request) -> String {
    req.headers
        .get(&HeaderName::ContentType)
        .map(|v| {
            v.as_str()
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

impl EstablishedCall {
    /// Answers `req` with `status` (and `body`, typed).
    fn respond(&mut self, req: &Request, status: StatusCode, body: Option<(&str, Vec<u8>)>) {
        let mut resp = Response::to_request(req, status);
        if status == StatusCode::METHOD_NOT_ALLOWED || req.method == Method::Options {
            resp.headers.push(HeaderName::Allow, ALLOW);
        }
        if status.is_success() && matches!(req.method, Method::Invite | Method::Update) {
            let contact = self.dialog.local_contact().to_string();
            resp.headers.push(HeaderName::Contact, contact);
        }
        set_body(&mut resp.headers, &mut resp.body, body);
        self.out.push_back(EstablishedOutput::SendResponse {
            to: Box::new(req.clone()),
            response: Box::new(resp),
        });
    }

    /// Our media as we answer now: the configured one, narrowed by our own hold.
    fn answering_media(&self) -> LocalMedia {
        let mut local = self.cfg.local_media.clone();
        if let Some(k) = self.held {
            local.direction = local.direction.intersect(k.direction());
        }
        local
    }

    /// A request of the peer in the dialog.
    pub(super) fn on_request(&mut self, now: Instant, req: Request) {
        match req.method {
            Method::Invite
            | Method::Ack
            | Method::Bye
            | Method::Cancel
            | Method::Update
            | Method::Info
            | Method::Options => {}
            Method::Other(_) => return self.respond(&req, StatusCode::NOT_IMPLEMENTED, None),
            _ => return self.respond(&req, StatusCode::METHOD_NOT_ALLOWED, None),
        }
        if let Err(e) = self.dialog.recv_request(&req) {
            if req.method != Method::Ack {
                self.respond(&req, e.status(), None);
            }
            return;
        }
        if self.phase == CallPhase::HangingUp && req.method != Method::Bye {
            if req.method != Method::Ack {
                self.respond(&req, StatusCode::CALL_DOES_NOT_EXIST, None);
            }
            return;
        }
        match req.method {
            Method::Bye => {
                self.respond(&req, StatusCode::OK, None);
                let reason = match self.phase {
                    CallPhase::HangingUp => self.hangup_reason,
                    _ => EndReason::Normal { by: Side::Remote },
                };
                self.end(reason, None);
            }
            Method::Ack => self.on_ack(now, req),
            Method::Invite => self.on_reinvite(now, req),
            Method::Update => self.on_update(req),
            Method::Info => self.on_info(req),
            // CANCEL: our final answer is out already, so it has no effect (§9.2).
            _ => self.respond(&req, StatusCode::OK, None),
        }
    }

    /// Their offer: our answer, what is agreed and the peer's hold; Err: the status.
    fn answer_offer(&mut self, body: &[u8]) -> Result<Vec<u8>, StatusCode> {
        let offer = SessionDescription::parse(body).map_err(|_| StatusCode::BAD_REQUEST)?;
        let local = self.answering_media();
        let ans = reanswer(&self.local_sdp, self.negotiated.as_ref(), &offer, &local);
        let neg = ans.negotiated.ok_or(NOT_ACCEPTABLE_HERE)?;
        let bytes = ans.sdp.to_bytes();
        self.local_sdp = ans.sdp;
        self.set_negotiated(neg, true);
        Ok(bytes)
    }

    /// A re-INVITE (§14.2): 491 on glare, 500 + Retry-After while theirs is in
    /// progress; else 200 with our answer (or our offer, when theirs had none) and
    /// the 2xx retransmission until the ACK.
    fn on_reinvite(&mut self, now: Instant, req: Request) {
        if let Err(e) = self.guard.handle(now, ReinviteInput::Received) {
            let mut resp = Response::to_request(&req, e.status());
            if e == DialogError::InviteInProgress {
                let secs = self.rng.gen_range(0..=10u32);
                resp.headers.push(HeaderName::RetryAfter, secs.to_string());
            }
            set_body(&mut resp.headers, &mut resp.body, None);
            let (to, response) = (Box::new(req), Box::new(resp));
            self.out
                .push_back(EstablishedOutput::SendResponse { to, response });
            return;
        }
        let (body, offered) = if req.body.is_empty() {
            let offer = reoffer(&self.local_sdp, &self.answering_media());
            (offer.to_bytes(), Some(offer))
        } else {
            match self.answer_offer(&req.body) {
                Ok(b) => (b, None),
                Err(status) => {
                    let _ = self.guard.handle(now, ReinviteInput::ReceivedDone);
                    return self.respond(&req, status, None);
                }
            }
        };
        self.respond(&req, StatusCode::OK, Some((APPLICATION_SDP, body)));
        if let Some(EstablishedOutput::SendResponse { response, .. }) = self.out.back() {
            let wait = AckWait::new(now, (**response).clone(), &self.cfg.timers);
            self.theirs = Some(Theirs {
                invite: req,
                wait,
                offered,
            });
        }
    }

    /// The ACK for our 2xx to their re-INVITE (with the answer, when we offered).
    fn on_ack(&mut self, now: Instant, ack: Request) {
        let Some(t) = self.theirs.as_mut() else {
            return;
        };
        t.wait.handle(now, AckWaitInput::Ack(ack.clone()));
        if !t.wait.is_acked() {
            return;
        }
        let offered = t.offered.take();
        self.theirs = None;
        let _ = self.guard.handle(now, ReinviteInput::ReceivedDone);
        if let Some(offer) = offered {
            let agreed = SessionDescription::parse(&ack.body)
                .ok()
                .and_then(|a| accept_answer(&offer, &a).ok());
            match agreed {
                Some(neg) => {
                    self.local_sdp = offer;
                    self.set_negotiated(neg, true);
                }
                None => self.hangup(now, EndReason::MediaChanged),
            }
        }
        self.try_reinvite(now);
    }

    /// UPDATE (RFC 3311): 491 while an offer of ours is out, else 200 (with our answer
    /// to its offer, if it carries one).
    fn on_update(&mut self, req: Request) {
        if req.body.is_empty() {
            return self.respond(&req, StatusCode::OK, None);
        }
        if self.guard.is_pending() {
            return self.respond(&req, StatusCode::REQUEST_PENDING, None);
        }
        match self.answer_offer(&req.body) {
            Ok(b) => self.respond(&req, StatusCode::OK, Some((APPLICATION_SDP, b))),
            Err(status) => self.respond(&req, status, None),
        }
    }

    /// INFO: a dtmf-relay digit is reported; an empty one is fine; other bodies 415.
    fn on_info(&mut self, req: Request) {
        if req.body.is_empty() {
            return self.respond(&req, StatusCode::OK, None);
        }
        if content_type(&req) != DTMF_RELAY {
            return self.respond(&req, UNSUPPORTED_MEDIA_TYPE, None);
        }
        match dtmf_signal(&req.body) {
            Some(d) => {
                self.respond(&req, StatusCode::OK, None);
                self.event(InCallEvent::DtmfReceived(d));
            }
            None => self.respond(&req, StatusCode::BAD_REQUEST, None),
        }
    }
}

/// 488 Not Acceptable Here.
const NOT_ACCEPTABLE_HERE: StatusCode = match StatusCode::new(488) {
    Some(s) => s,
    None => StatusCode::BAD_REQUEST,
};

/// 415 Unsupported Media Type.
const UNSUPPORTED_MEDIA_TYPE: StatusCode = match StatusCode::new(415) {
    Some(s) => s,
    None => StatusCode::BAD_REQUEST,
};
