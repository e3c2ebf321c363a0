//! Our side of an [`EstablishedCall`]: BYE, hold/resume re-INVITEs (with the 491
//! back-off, RFC 3261 §14.1), DTMF INFO, the responses to them, the timers.

use super::answer::APPLICATION_SDP;
use super::established::{
    CallPhase, EstablishedCall, EstablishedOutput, InCallEvent, Sent, Target,
};
use crate::admission::{EndReason, Side};
use crate::dialog::ReinviteInput;
use crate::sdp::{accept_answer, hold_offer, reoffer, SessionDescription};
use crate::sip::{HeaderName, Method, Request, Response, StatusCode};
use bytes::Bytes;
use tokio::time::Instant;

/// The Content-Type of a DTMF INFO body.
pub(super) const DTMF_RELAY: &str = "application/dtmf-relay";

/// Sets `body` with its Content-Type and Content-Length (`None`: empty, length 0).
pub(super) fn set_body(
    headers: &mut crate::sip::Headers,
    body: &mut Bytes,
    typed: Option<(&str, Vec<u8>)>,
) {
    match typed {
        Some((ct, b)) => {
            headers.set(HeaderName::ContentType, ct.to_owned());
            headers.set(HeaderName::ContentLength, b.len().to_string());
            *body = Bytes::from(b);
        }
        None => headers.set(HeaderName::ContentLength, "0"),
    }
}

impl EstablishedCall {
    /// Sends a new request of ours and remembers it until its final response or the
    /// Timer B/F backstop (64·T1).
    fn send(&mut self, now: Instant, mut req: Request, body: Option<(&str, Vec<u8>)>, sent: Sent) {
        set_body(&mut req.headers, &mut req.body, body);
        let seq = req.cseq().map_or(0, |c| c.seq);
        let sent = match sent {
            Sent::Reinvite { offer, target, .. } => Sent::Reinvite {
                invite: Box::new(req.clone()),
                offer,
                target,
            },
            other => other,
        };
        self.sent.insert(seq, (sent, now + self.cfg.timers.t1 * 64));
        self.out.push_back(EstablishedOutput::SendRequest(req));
    }

    /// Active → HangingUp with a BYE; the call ends with `reason` on its final response.
    pub(super) fn hangup(&mut self, now: Instant, reason: EndReason) {
        if self.phase != CallPhase::Active {
            return;
        }
        self.hangup_reason = reason;
        self.forget_sent();
        self.theirs = None;
        self.dtmf.clear();
        self.want = None;
        match self.dialog.request(Method::Bye) {
            Ok(bye) => {
                self.phase = CallPhase::HangingUp;
                self.send(now, bye, None, Sent::Bye);
            }
            Err(_) => self.end(reason, None),
        }
    }

    /// Records the app's wish and sends the re-INVITE if the guard allows it now.
    pub(super) fn want_reinvite(&mut self, now: Instant, target: Target) {
        self.want = Some(target);
        self.try_reinvite(now);
    }

    /// Sends the wished re-INVITE unless one is in progress (either side) or the
    /// back-off runs; a wish already in effect is dropped.
    pub(super) fn try_reinvite(&mut self, now: Instant) {
        let Some(target) = self.want else { return };
        let desired = match target {
            Target::Hold(k) => Some(k),
            Target::Resume => None,
            Target::Relocate => self.held,
        };
        let in_effect = target != Target::Relocate && desired == self.held;
        if self.phase != CallPhase::Active || (in_effect && !self.guard.is_pending()) {
            self.want = None;
            return;
        }
        if self.guard.handle(now, ReinviteInput::Send).is_err() {
            return;
        }
        let offer = match (target, self.held) {
            (Target::Hold(kind), _) => hold_offer(&self.local_sdp, kind),
            (Target::Relocate, Some(kind)) => {
                let moved = reoffer(&self.local_sdp, &self.cfg.local_media);
                let mut held = hold_offer(&moved, kind);
                held.origin = moved.origin;
                held
            }
            (Target::Resume | Target::Relocate, _) => {
                reoffer(&self.local_sdp, &self.cfg.local_media)
            }
        };
        let Ok(invite) = self.dialog.request(Method::Invite) else {
            let _ = self.guard.handle(
                now,
                ReinviteInput::Answered(StatusCode::SERVER_INTERNAL_ERROR),
            );
            self.want = None;
            return;
        };
        self.want = None;
        let body = Some((APPLICATION_SDP, offer.to_bytes()));
        let sent = Sent::Reinvite {
            invite: Box::new(invite.clone()),
            offer: Box::new(offer),
            target,
        };
        self.send(now, invite, body, sent);
    }

    /// Sends the next queued DTMF digit when no INFO is out.
    pub(super) fn next_info(&mut self, now: Instant) {
        if self.phase != CallPhase::Active
            || self.sent.values().any(|(s, _)| matches!(s, Sent::Info))
        {
            return;
        }
        let Some(digit) = self.dtmf.pop_front() else {
            return;
        };
        let Ok(info) = self.dialog.request(Method::Info) else {
            return;
        };
        let body = format!(
            "Signal={digit}\r\nDuration={}\r\n",
            self.cfg.dtmf_duration_ms
        );
        self.send(now, info, Some((DTMF_RELAY, body.into_bytes())), Sent::Info);
    }

    /// A response to a request of ours.
    pub(super) fn on_response(&mut self, now: Instant, resp: Response) {
        let Ok(cseq) = resp.cseq() else { return };
        if !self.dialog.matches_response(&resp) || resp.status.is_provisional() {
            return;
        }
        let _ = self.dialog.recv_response(&resp);
        let code = resp.status.as_u16();
        let Some((sent, _)) = self.sent.remove(&cseq.seq) else {
            // A retransmitted 2xx to our last re-INVITE: the same ACK again.
            if let Some(invite) = self.last_reinvite.clone() {
                if resp.status.is_success() && cseq.method == Method::Invite {
                    if let Ok(ack) = self.dialog.acknowledge(&invite, &resp, &mut self.rng) {
                        self.out.push_back(EstablishedOutput::SendAck(ack));
                    }
                }
            }
            return;
        };
        match sent {
            Sent::Bye => self.end(self.hangup_reason, Some(code)),
            // §12.2.1.2: the dialog is gone (the dialog terminated itself).
            _ if code == 408 => self.end(self.unanswered(), Some(code)),
            // The peer lost the dialog: as a hang-up of theirs.
            _ if code == 481 => self.end(EndReason::Normal { by: Side::Remote }, Some(code)),
            Sent::Info => self.next_info(now),
            Sent::Reinvite {
                invite,
                offer,
                target,
            } => self.reinvite_answered(now, *invite, *offer, target, &resp),
        }
    }

    /// The final answer to our re-INVITE: a 2xx is ACKed and its SDP checked (an
    /// unacceptable answer ends the call with BYE, §14.1 / RFC 3264 §7); 491 keeps the
    /// wish for after the back-off; another failure leaves the session as it was.
    fn reinvite_answered(
        &mut self,
        now: Instant,
        invite: Request,
        offer: SessionDescription,
        target: Target,
        resp: &Response,
    ) {
        let status = resp.status;
        let _ = self.guard.handle(now, ReinviteInput::Answered(status));
        if status.is_success() {
            if let Ok(ack) = self.dialog.acknowledge(&invite, resp, &mut self.rng) {
                self.out.push_back(EstablishedOutput::SendAck(ack));
            }
            self.last_reinvite = Some(invite);
            let agreed = SessionDescription::parse(&resp.body)
                .ok()
                .and_then(|a| accept_answer(&offer, &a).ok());
            let Some(neg) = agreed else {
                return self.hangup(now, EndReason::MediaChanged);
            };
            self.local_sdp = offer;
            self.held = match target {
                Target::Hold(k) => Some(k),
                Target::Resume => None,
                Target::Relocate => self.held,
            };
            if target == Target::Relocate {
                self.relocating = false;
            }
            self.event(match target {
                Target::Hold(k) => InCallEvent::Held(k),
                Target::Resume => InCallEvent::Resumed,
                Target::Relocate => InCallEvent::Relocated,
            });
            self.set_negotiated(neg, false);
        } else {
            // The offer's version is spent either way (RFC 3264 §8).
            self.local_sdp.origin = offer.origin;
            if status == StatusCode::REQUEST_PENDING {
                self.want.get_or_insert(target);
            } else if target == Target::Relocate {
                // The peer will not send to our new address: the call cannot go on.
                return self.hangup(now, EndReason::NetworkChange);
            } else {
                self.event(InCallEvent::ReinviteFailed(status.as_u16()));
            }
        }
        self.try_reinvite(now);
    }

    /// Records what is agreed; `from_their_offer`: also detect the peer's hold.
    pub(super) fn set_negotiated(&mut self, neg: crate::sdp::Negotiated, from_their_offer: bool) {
        if from_their_offer && neg.remote_hold != self.remote_hold {
            self.remote_hold = neg.remote_hold;
            self.event(if neg.remote_hold {
                InCallEvent::RemoteHold
            } else {
                InCallEvent::RemoteResume
            });
        }
        if self.negotiated.as_ref() != Some(&neg) {
            self.event(InCallEvent::MediaChanged(neg.clone()));
        }
        self.negotiated = Some(neg);
    }
}
