//! Answering an [`IncomingCall`]: the 200 with our SDP, the UAS dialog, the 2xx
//! retransmission until the ACK (RFC 3261 §13.3.1.4) and the hand-off of the confirmed
//! dialog.

use super::{CallEvent, IncomingCall, IncomingState, Input, Output};
use crate::admission::EndReason;
use crate::dialog::{AckWait, AckWaitInput, AckWaitOutput, Dialog};
use crate::sip::{HeaderName, Method, NameAddr, Request, Response, StatusCode};
use bytes::Bytes;
use tokio::time::Instant;

/// The Content-Type of an SDP body.
pub(super) const APPLICATION_SDP: &str = "application/sdp";

impl IncomingCall {
    /// The INVITE being answered (its body is the peer's SDP offer).
    pub fn invite(&self) -> &Request {
        &self.invite
    }

    /// The UAS dialog, once answered.
    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }

    /// Hands the confirmed dialog over (once, in [`IncomingState::Confirmed`]) to build
    /// the [`super::EstablishedCall`] with.
    pub fn take_dialog(&mut self) -> Option<Dialog> {
        match self.state {
            IncomingState::Confirmed => self.dialog.take(),
            _ => None,
        }
    }

    /// Ringing or ignored → Answered: 200 with the SDP answer, Contact, Content-Type and
    /// Content-Length; the UAS dialog (confirmed by the 2xx); the ACK wait. An INVITE that
    /// cannot create a dialog (no Contact, no From tag) gets the error's status (400) and
    /// the call fails.
    pub(super) fn answer(&mut self, now: Instant, sdp: Bytes, contact: NameAddr) {
        let mut dialog = match Dialog::uas(&self.invite, &self.to_tag, contact.clone()) {
            Ok(d) => d,
            Err(e) => return self.finish(e.status(), IncomingState::Failed),
        };
        let mut ok = self.response(StatusCode::OK);
        ok.headers.push(HeaderName::Contact, contact.to_string());
        ok.headers.push(HeaderName::ContentType, APPLICATION_SDP);
        ok.headers
            .push(HeaderName::ContentLength, sdp.len().to_string());
        ok.body = sdp;
        dialog.response_sent(ok.status);
        self.ack_wait = Some(AckWait::new(now, ok.clone(), &self.cfg.timers));
        self.dialog = Some(dialog);
        self.state = IncomingState::Answered;
        self.out.push_back(Output::Respond(ok));
        self.out.push_back(Output::Event(CallEvent::Answered));
    }

    /// Answered: the ACK confirms; the timer retransmits the 2xx or, after 64·T1, sends
    /// BYE and ends with [`EndReason::Timeout`]; a late CANCEL gets 200 and changes
    /// nothing (§9.2).
    pub(super) fn handle_answered(&mut self, now: Instant, input: Input) {
        let (Some(wait), Some(dialog)) = (self.ack_wait.as_mut(), self.dialog.as_mut()) else {
            return;
        };
        match input {
            Input::Ack(ack) if dialog.matches(&ack) => {
                wait.handle(now, AckWaitInput::Ack(ack));
                if wait.is_acked() {
                    self.ack_wait = None;
                    self.state = IncomingState::Confirmed;
                    self.out.push_back(Output::Event(CallEvent::Confirmed));
                }
            }
            Input::Timer => {
                wait.handle(now, AckWaitInput::Timer);
                while let Some(o) = wait.poll_output() {
                    match o {
                        AckWaitOutput::Retransmit(r) => self.out.push_back(Output::Respond(r)),
                        AckWaitOutput::SendBye => {
                            if let Ok(bye) = dialog.request(Method::Bye) {
                                self.out.push_back(Output::SendRequest(bye));
                            }
                            dialog.terminate();
                        }
                        _ => {}
                    }
                }
                if wait.is_timed_out() {
                    self.ack_wait = None;
                    let reason = EndReason::Timeout;
                    self.state = IncomingState::Ended { reason };
                    let ended = CallEvent::Ended {
                        reason,
                        status: None,
                    };
                    self.out.push_back(Output::Event(ended));
                }
            }
            Input::Cancel(cancel) => {
                let mut ok = Response::to_request(&cancel, StatusCode::OK);
                self.stamp(&mut ok, &cancel);
                self.out.push_back(Output::CancelResponse(ok));
            }
            _ => {}
        }
    }
}
