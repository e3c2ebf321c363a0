//! The UA as server inside a call: re-INVITE (hold and resume from the offer's
//! direction; 491 while our own re-INVITE is pending), CANCEL of a ringing call (200,
//! then 487 for the INVITE), INFO with DTMF.

use super::kit_msg::build_response;
use super::kit_sdp::direction;
use super::ua::Ua;
use super::PeerEvent;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::{HeaderName, Request, StatusCode};
use switchboard_actors::vocab::TransportKind;

type Flow = (TransportKind, SocketAddr);

impl Ua {
    pub(super) fn on_reinvite(&mut self, now: Duration, req: Request, flow: Flow) {
        let Some(id) = self.dialog_of(&req) else {
            return self.reply(now, &req, StatusCode::CALL_DOES_NOT_EXIST, flow);
        };
        if self.calls.get(&id).is_some_and(|c| c.reinvite.is_some()) {
            // Our own re-INVITE is pending: glare (RFC 3261 §14.2).
            let pending = StatusCode::new(491).unwrap_or(StatusCode::SERVER_INTERNAL_ERROR);
            return self.reply(now, &req, pending, flow);
        }
        let hold = direction(std::str::from_utf8(&req.body).unwrap_or("")).is_hold();
        let tag = self
            .calls
            .get(&id)
            .and_then(|c| c.local.tag().map(str::to_owned));
        let mut resp = build_response(&req, StatusCode::OK, tag.as_deref());
        resp.headers
            .push(HeaderName::Contact, self.contact(flow.0).to_string());
        self.attach_sdp(&req, &mut resp);
        self.send_response(now, &req, resp, flow);
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let was_held = std::mem::replace(&mut call.held, hold);
        match (was_held, hold) {
            (false, true) => self.call_state(&id, "held", None),
            (true, false) => self.call_state(&id, "resumed", None),
            _ => {}
        }
    }

    pub(super) fn on_cancel(&mut self, now: Duration, req: Request, flow: Flow) {
        let branch = req.top_via().ok().and_then(|v| v.branch.map(str::to_owned));
        let id = req.call_id().ok().map(str::to_owned).filter(|id| {
            self.calls.get(id).is_some_and(|c| {
                !c.uac
                    && c.invite
                        .top_via()
                        .ok()
                        .and_then(|v| v.branch.map(str::to_owned))
                        == branch
            })
        });
        let Some(id) = id else {
            return self.reply(now, &req, StatusCode::CALL_DOES_NOT_EXIST, flow);
        };
        self.reply(now, &req, StatusCode::OK, flow);
        self.finish_incoming(now, &id, 487, "cancelled");
    }

    pub(super) fn on_info(&mut self, now: Duration, req: Request, flow: Flow) {
        let Some(id) = self.dialog_of(&req) else {
            return self.reply(now, &req, StatusCode::CALL_DOES_NOT_EXIST, flow);
        };
        let body = String::from_utf8_lossy(&req.body).into_owned();
        let ctype = req
            .content_type()
            .ok()
            .flatten()
            .unwrap_or("")
            .to_ascii_lowercase();
        let digit = if ctype.starts_with("application/dtmf-relay") {
            body.lines().find_map(|l| {
                l.trim()
                    .strip_prefix("Signal=")
                    .map(|d| d.trim().to_owned())
            })
        } else if ctype.starts_with("application/dtmf") {
            Some(body.trim().to_owned())
        } else {
            None
        };
        self.reply(now, &req, StatusCode::OK, flow);
        if let Some(digit) = digit.filter(|d| !d.is_empty()) {
            self.emit(PeerEvent::Dtmf { call_id: id, digit });
        }
    }
}
