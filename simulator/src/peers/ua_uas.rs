//! The UA as server: answering INVITE per its behaviour (ringing, answering, rejecting,
//! never answering, ignoring), re-INVITE (hold / resume), ACK, BYE, CANCEL (200, then
//! 487 for the INVITE), OPTIONS, INFO with DTMF; 481 outside a dialog, 405 / 501 for
//! methods it does not do.

use super::kit_msg::{build_response, new_tag};
use super::ua::{status, Ua, UaTimer};
use super::ua_call::{Call, Phase};
use super::{InviteBehaviour, OptionsBehaviour};
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::{Contact, HeaderName, Method, Request, Response, StatusCode, Uri};
use switchboard_actors::vocab::TransportKind;

/// The methods a UA answers.
pub(super) const ALLOW: &str = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO";

type Flow = (TransportKind, SocketAddr);

/// Whether a Request-URI's user is a telephone number: digits, optional leading `+`.
pub(super) fn is_number_uri(uri: &Uri) -> bool {
    let user = match uri {
        Uri::Sip(s) => s.user.as_deref().unwrap_or(""),
        Uri::Absolute(a) => {
            a.0.strip_prefix("tel:")
                .unwrap_or("")
                .split(';')
                .next()
                .unwrap_or("")
        }
    };
    let digits = user.strip_prefix('+').unwrap_or(user);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

impl Ua {
    pub(super) fn on_request(&mut self, now: Duration, req: Request, flow: Flow) {
        let in_dialog = req.to().ok().is_some_and(|t| t.tag().is_some());
        match &req.method {
            Method::Invite if in_dialog => self.on_reinvite(now, req, flow),
            Method::Invite => self.on_invite(now, req, flow),
            Method::Ack => {
                let id = req.call_id().unwrap_or("").to_owned();
                if self
                    .calls
                    .get(&id)
                    .is_some_and(|c| c.phase == Phase::Answered)
                {
                    self.confirmed(now, &id);
                }
            }
            Method::Bye => match self.dialog_of(&req) {
                Some(id) => {
                    self.reply(now, &req, StatusCode::OK, flow);
                    self.end_call(&id, "bye");
                }
                None => self.reply(now, &req, StatusCode::CALL_DOES_NOT_EXIST, flow),
            },
            Method::Cancel => self.on_cancel(now, req, flow),
            Method::Options => match self.cfg.on_options {
                OptionsBehaviour::Answer => self.reply(now, &req, StatusCode::OK, flow),
                OptionsBehaviour::Ignore => {}
                OptionsBehaviour::Status(code) => self.reply(now, &req, status(code), flow),
            },
            Method::Info => self.on_info(now, req, flow),
            Method::Other(_) => self.reply(now, &req, StatusCode::NOT_IMPLEMENTED, flow),
            _ => self.reply(now, &req, StatusCode::METHOD_NOT_ALLOWED, flow),
        }
    }

    /// An out-of-dialog style answer: a fresh To tag (or the dialog's), Allow on
    /// 200-to-OPTIONS and 405.
    pub(super) fn reply(&mut self, now: Duration, req: &Request, code: StatusCode, flow: Flow) {
        let tag = new_tag(&mut self.rng);
        let mut resp = build_response(req, code, Some(&tag));
        if code == StatusCode::METHOD_NOT_ALLOWED || req.method == Method::Options {
            resp.headers.push(HeaderName::Allow, ALLOW);
            resp.headers.push(HeaderName::Accept, "application/sdp");
        }
        self.send_response(now, req, resp, flow);
    }

    /// The call a request belongs to: same Call-ID, To tag ours, not over.
    pub(super) fn dialog_of(&self, req: &Request) -> Option<String> {
        let id = req.call_id().ok()?;
        let call = self.calls.get(id)?;
        let to = req.to().ok()?;
        (call.phase != Phase::Ended && to.tag() == call.local.tag()).then(|| id.to_owned())
    }

    fn on_invite(&mut self, now: Duration, req: Request, flow: Flow) {
        let Ok(call_id) = req.call_id().map(str::to_owned) else {
            return;
        };
        if self.calls.contains_key(&call_id) {
            // Same Call-ID, new branch: a merged or looped request (RFC 3261 §8.2.2.2).
            let loop_detected = StatusCode::new(482).unwrap_or(StatusCode::BAD_REQUEST);
            return self.reply(now, &req, loop_detected, flow);
        }
        if self.profile.numbers_only && !is_number_uri(&req.uri) {
            return self.reply(now, &req, StatusCode::NOT_FOUND, flow);
        }
        let behaviour = self.cfg.on_invite;
        if behaviour == InviteBehaviour::Ignore {
            return;
        }
        let (Ok(mut local), Ok(remote)) = (req.to(), req.from()) else {
            return;
        };
        local.set_param("tag", Some(&new_tag(&mut self.rng)));
        let target = req
            .contacts()
            .ok()
            .and_then(|cs| {
                cs.into_iter().find_map(|c| match c {
                    Contact::Addr(a) => Some(a.uri),
                    Contact::Wildcard => None,
                })
            })
            .unwrap_or_else(|| remote.uri.clone());
        self.call_seq += 1;
        let call = Call {
            seq: self.call_seq,
            uac: false,
            phase: Phase::Early,
            local,
            remote,
            target,
            routes: req.record_routes().unwrap_or_default(),
            cseq: 0,
            flow,
            invite: req,
            ack: None,
            cancel_pending: false,
            cancelled: false,
            held: false,
            planned: None,
            reinvite: None,
            auth_tries: 0,
        };
        self.calls.insert(call_id.clone(), call);
        let (planned, after) = match behaviour {
            InviteBehaviour::Answer { after } => (Some(200), Some(after)),
            InviteBehaviour::Reject { code, after } => (Some(code), Some(after)),
            InviteBehaviour::Busy => {
                return self.finish_incoming(now, &call_id, 486, "rejected 486")
            }
            _ => (None, None),
        };
        let early = if self.profile.early_media { 183 } else { 180 };
        self.invite_response(now, &call_id, early);
        self.call_state(&call_id, "ringing", None);
        if let (Some(code), Some(after)) = (planned, after) {
            if let Some(c) = self.calls.get_mut(&call_id) {
                c.planned = Some(code);
            }
            self.timers.set(now + after.0, UaTimer::Final(call_id));
        }
    }

    /// Sends a response to the call's INVITE: our tag, Contact and the Record-Routes on
    /// 1xx/2xx, an SDP answer on 183/200.
    fn invite_response(&mut self, now: Duration, call_id: &str, code: u16) {
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        let (req, flow) = (call.invite.clone(), call.flow);
        let mut resp = build_response(&req, status(code), call.local.tag());
        if code < 300 {
            for rr in req.headers.get_all(&HeaderName::RecordRoute) {
                resp.headers.push(HeaderName::RecordRoute, rr.clone());
            }
            resp.headers
                .push(HeaderName::Contact, self.contact(flow.0).to_string());
        }
        if code == 183 || code == 200 {
            self.attach_sdp(&req, &mut resp);
        }
        self.send_response(now, &req, resp, flow);
    }

    /// The answer to the request's offer, or an offer of ours when it had none.
    pub(super) fn attach_sdp(&mut self, req: &Request, resp: &mut Response) {
        let sdp = match std::str::from_utf8(&req.body) {
            Ok(offer) if offer.contains("m=audio") => self.sdp.answer(offer),
            _ => self.sdp.offer(super::kit_sdp::Direction::SendRecv),
        };
        resp.set_body("application/sdp", sdp.into());
    }

    /// The `Final` timer: answer (200 + SDP) or reject as planned.
    pub(super) fn send_planned_final(&mut self, now: Duration, call_id: &str) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        if call.phase != Phase::Early {
            return;
        }
        match call.planned.take() {
            Some(200) => {
                call.phase = Phase::Answered;
                self.invite_response(now, call_id, 200);
                self.call_state(call_id, "answered", None);
            }
            Some(code) => self.finish_incoming(now, call_id, code, &format!("rejected {code}")),
            None => {}
        }
    }

    /// Ends a ringing incoming call with a final failure.
    pub(super) fn finish_incoming(
        &mut self,
        now: Duration,
        call_id: &str,
        code: u16,
        reason: &str,
    ) {
        if self
            .calls
            .get(call_id)
            .is_some_and(|c| c.phase == Phase::Early)
        {
            self.invite_response(now, call_id, code);
            self.end_call(call_id, reason);
        }
    }
}
