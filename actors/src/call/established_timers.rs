//! The timers of an [`EstablishedCall`]: the 491 back-off, our 2xx to the peer's
//! re-INVITE until its ACK, the Timer B/F backstop of our requests.

use super::established::{EstablishedCall, EstablishedOutput, Sent};
use super::established_out::set_body;
use crate::admission::EndReason;
use crate::dialog::{AckWaitInput, AckWaitOutput, DialogEvent, ReinviteInput};
use crate::sip::Method;
use tokio::time::Instant;

impl EstablishedCall {
    /// A request of ours got no response (Timer B/F, transport error): as a 408. A BYE
    /// still ends the call as hung up; anything else ends it with a courtesy BYE.
    pub(super) fn no_response(&mut self, _now: Instant, sent: Sent) {
        if let Sent::Bye = sent {
            return self.end(self.hangup_reason, None);
        }
        if let Ok(mut bye) = self.dialog.request(Method::Bye) {
            set_body(&mut bye.headers, &mut bye.body, None);
            self.out.push_back(EstablishedOutput::SendRequest(bye));
        }
        self.end(self.unanswered(), Some(408));
    }

    /// The timers: the 491 back-off, our 2xx to their re-INVITE, the backstops.
    pub(super) fn on_timer(&mut self, now: Instant) {
        let _ = self.guard.handle(now, ReinviteInput::Timer);
        while let Some(e) = self.guard.poll_output() {
            if e == DialogEvent::ReinviteRetry {
                self.try_reinvite(now);
            }
        }
        if let Some(t) = self.theirs.as_mut() {
            t.wait.handle(now, AckWaitInput::Timer);
            let (mut resend, mut bye) = (Vec::new(), false);
            while let Some(o) = t.wait.poll_output() {
                match o {
                    AckWaitOutput::Retransmit(r) => resend.push(r),
                    AckWaitOutput::SendBye => bye = true,
                    _ => {}
                }
            }
            let invite = t.invite.clone();
            for r in resend {
                self.out.push_back(EstablishedOutput::SendResponse {
                    to: Box::new(invite.clone()),
                    response: Box::new(r),
                });
            }
            if bye {
                self.theirs = None;
                let _ = self.guard.handle(now, ReinviteInput::ReceivedDone);
                self.hangup(now, EndReason::Timeout);
            }
        }
        let due: Vec<u32> = (self.sent.iter())
            .filter(|(_, (_, at))| *at <= now)
            .map(|(k, _)| *k)
            .collect();
        for k in due {
            if let Some((sent, _)) = self.sent.remove(&k) {
                self.no_response(now, sent);
            }
        }
    }
}
