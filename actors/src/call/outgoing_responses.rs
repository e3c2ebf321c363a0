//! The INVITE's responses: provisional (Calling, Ringing, a pending CANCEL goes out),
//! 2xx (Confirmed, or the CANCEL/200 race), and routing late 2xx to their dialog sets.

use super::build;
use super::machine::OutgoingCall;
use super::{OutgoingEvent, OutgoingOutput, OutgoingState as S};
use crate::admission::EndReason;
use crate::sip::headers::via::MAGIC_COOKIE;
use crate::sip::{Method, Response};
use tokio::time::Instant;

impl OutgoingCall {
    pub(super) fn on_response(&mut self, now: Instant, resp: &Response) {
        let ours = resp.call_id().is_ok_and(|c| c == self.ids.call_id)
            && resp
                .from()
                .is_ok_and(|f| f.tag() == Some(self.ids.from_tag.as_str()));
        let Ok(cseq) = resp.cseq() else { return };
        if !ours || cseq.method != Method::Invite {
            return;
        }
        let success = resp.status.is_success();
        if cseq.seq != self.seq {
            // An earlier INVITE's: only a late 2xx matters (ACK, then BYE).
            if success {
                for set in self.old_sets.iter_mut() {
                    if set.invite().cseq().is_ok_and(|c| c.seq == cseq.seq) {
                        let _ = set.recv_response(resp, &mut self.rng);
                        Self::drain(set, &mut self.out);
                    }
                }
            }
            return;
        }
        let Some(set) = self.set.as_mut() else { return };
        if success || !self.state.is_final() {
            let _ = set.recv_response(resp, &mut self.rng);
            Self::drain(set, &mut self.out);
        }
        if self.state.is_final() {
            return;
        }
        if self.branch.is_none() {
            self.branch = resp
                .top_via()
                .ok()
                .and_then(|v| v.branch)
                .filter(|b| b.len() > MAGIC_COOKIE.len() && b.starts_with(MAGIC_COOKIE))
                .map(str::to_owned);
        }
        if resp.status.is_provisional() {
            self.on_provisional(now, resp);
        } else if success {
            self.on_success(resp);
        } else {
            self.on_final(resp);
        }
    }

    fn on_provisional(&mut self, now: Instant, resp: &Response) {
        if let Some(reason) = self.cancel {
            if self.state != S::Cancelling {
                self.send_cancel(now, reason);
            }
            return;
        }
        if self.state == S::Cancelling {
            return;
        }
        if resp.status.as_u16() == 100 {
            if self.state == S::Connecting {
                self.set_state(S::Calling);
                self.event(OutgoingEvent::Calling);
            }
            return;
        }
        let sdp = is_sdp(resp).then(|| resp.body.clone());
        let report = match &self.early_sdp {
            None => true,
            Some(before) => sdp.is_some() && *before != sdp,
        };
        self.set_state(S::Ringing);
        if report {
            self.early_sdp = Some(sdp.clone());
            self.event(OutgoingEvent::Ringing {
                early_media: sdp.is_some(),
                status: resp.status.as_u16(),
                sdp,
            });
        }
    }

    fn on_success(&mut self, resp: &Response) {
        let code = Some(resp.status.as_u16());
        let Some(set) = self.set.as_mut() else { return };
        let Some(winner) = set.confirmed().cloned() else {
            // A 2xx we cannot make a dialog of (no To tag): nothing to ACK or end.
            return self.end(self.cancel.unwrap_or(EndReason::Rejected), code);
        };
        if let Some(reason) = self.cancel {
            // The CANCEL/200 race (§9.1): the call was answered anyway; end it.
            if let Some(d) = set.dialog_mut(&winner.id().remote_tag) {
                if let Ok(bye) = d.request(Method::Bye) {
                    self.out.push_back(OutgoingOutput::SendBye(bye));
                }
                d.terminate();
            }
            return self.end(reason, code);
        }
        let id = winner.id().clone();
        self.dialog = Some(winner);
        self.set_state(S::Confirmed);
        self.event(OutgoingEvent::Confirmed {
            id,
            sdp: resp.body.clone(),
        });
    }

    pub(super) fn send_cancel(&mut self, now: Instant, reason: EndReason) {
        self.cancel = Some(reason);
        let (Some(invite), Some(branch)) = (&self.invite, &self.branch) else {
            return; // no branch known yet: wait for a response to copy it from
        };
        let cancel = build::cancel(invite, branch);
        self.out.push_back(OutgoingOutput::SendCancel(cancel));
        self.cancel_deadline = Some(now + self.cfg.t1 * 64);
        self.set_state(S::Cancelling);
    }
}

/// Whether a response carries an SDP body.
fn is_sdp(resp: &Response) -> bool {
    !resp.body.is_empty()
        && resp
            .content_type()
            .ok()
            .flatten()
            .is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("application/sdp"))
}
