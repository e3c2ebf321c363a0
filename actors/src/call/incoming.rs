//! [`IncomingCall`]: one incoming call from its INVITE to a final non-2xx answer or the
//! confirmed dialog (answering itself is in `answer.rs`).

use super::{CallEvent, Caller, IncomingState, Input, MissReason, Output, DEFAULT_RING_TIMEOUT};
use crate::dialog::{AckWait, Dialog};
use crate::sip::{HeaderName, Method, Request, Response, StatusCode};
use crate::transaction::TimerConfig;
use rand::RngCore;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// What an incoming call needs besides its INVITE.
#[derive(Debug, Clone)]
pub struct IncomingConfig {
    /// How long it rings before the caller gets 480 (default 60 s).
    pub ring_timeout: Duration,
    /// The `Server` header value of our responses; empty: none.
    pub server: String,
    /// Our Contact for the early dialog the 180 creates (RFC 3261 §12.1.1), e.g.
    /// `<sip:alice@10.0.0.1:5060;transport=udp>`; `None`: no Contact header.
    pub contact: Option<String>,
    /// T1/T2 for retransmitting our 2xx until the ACK (RFC 3261 §13.3.1.4).
    pub timers: TimerConfig,
}

impl Default for IncomingConfig {
    fn default() -> Self {
        IncomingConfig {
            ring_timeout: DEFAULT_RING_TIMEOUT,
            server: String::new(),
            contact: None,
            timers: TimerConfig::default(),
        }
    }
}

/// One incoming call (see [`IncomingState`] for the diagram).
#[derive(Debug)]
pub struct IncomingCall {
    pub(super) invite: Request,
    pub(super) to_tag: String,
    pub(super) cfg: IncomingConfig,
    pub(super) state: IncomingState,
    caller: Caller,
    pub(super) out: VecDeque<Output>,
    /// The UAS dialog, from the answer on.
    pub(super) dialog: Option<Dialog>,
    /// The 2xx retransmission while Answered.
    pub(super) ack_wait: Option<AckWait>,
}

impl IncomingCall {
    /// Starts ringing for `invite` (an out-of-dialog INVITE without a To tag): queues
    /// 180 Ringing with a To tag drawn from `rng` and the `incoming` event.
    pub fn new(
        now: Instant,
        invite: Request,
        cfg: IncomingConfig,
        rng: &mut impl RngCore,
    ) -> IncomingCall {
        let caller = Caller::from_invite(&invite);
        let mut call = IncomingCall {
            to_tag: format!("{:016x}", rng.next_u64()),
            state: IncomingState::Ringing {
                deadline: now + cfg.ring_timeout,
            },
            cfg,
            caller: caller.clone(),
            invite,
            out: VecDeque::new(),
            dialog: None,
            ack_wait: None,
        };
        let ringing = call.response(StatusCode::RINGING);
        call.out.push_back(Output::Respond(ringing));
        call.out
            .push_back(Output::Event(CallEvent::Incoming(caller)));
        call
    }

    /// Where the call stands.
    pub fn state(&self) -> IncomingState {
        self.state
    }

    /// Who is calling.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// The INVITE's Call-ID (empty if it had none).
    pub fn call_id(&self) -> &str {
        self.invite.call_id().unwrap_or_default()
    }

    /// The To tag of every response of ours.
    pub fn to_tag(&self) -> &str {
        &self.to_tag
    }

    /// Feeds one input; inputs after a final state are ignored.
    pub fn handle(&mut self, now: Instant, input: Input) {
        let (deadline, ignored) = match self.state {
            IncomingState::Ringing { deadline } => (deadline, false),
            IncomingState::Ignored { deadline } => (deadline, true),
            IncomingState::Answered => return self.handle_answered(now, input),
            _ => return,
        };
        let missed = |reason| IncomingState::Missed {
            reason: if ignored { MissReason::Ignored } else { reason },
        };
        match input {
            Input::Cancel(cancel) => {
                let mut ok = Response::to_request(&cancel, StatusCode::OK);
                self.stamp(&mut ok, &cancel);
                self.out.push_back(Output::CancelResponse(ok));
                self.finish(
                    StatusCode::REQUEST_TERMINATED,
                    missed(MissReason::Cancelled),
                );
            }
            Input::Reject(code) => {
                let status = StatusCode::new(code)
                    .filter(|s| (400..=699).contains(&s.as_u16()))
                    .unwrap_or(StatusCode::DECLINE);
                self.finish(
                    status,
                    IncomingState::Rejected {
                        status: status.as_u16(),
                    },
                );
            }
            Input::Timer if now >= deadline => self.finish(
                StatusCode::TEMPORARILY_UNAVAILABLE,
                missed(MissReason::NoAnswer),
            ),
            Input::Timer => {}
            Input::TransactionFailed => {
                self.state = IncomingState::Failed;
                self.out.push_back(Output::Event(CallEvent::Failed));
            }
            Input::Answer {
                sdp_answer,
                local_contact,
            } => self.answer(now, sdp_answer, local_contact),
            Input::Ignore => self.state = IncomingState::Ignored { deadline },
            // An ACK before our 2xx absorbs a non-2xx in the transaction, never here.
            Input::Ack(_) => {}
        }
    }

    /// The next thing to do.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When [`Input::Timer`] is due: the ring timer while ringing or ignored, the next
    /// 2xx retransmission or giving up on the ACK while answered.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            IncomingState::Ringing { deadline } | IncomingState::Ignored { deadline } => {
                Some(deadline)
            }
            IncomingState::Answered => self.ack_wait.as_ref().and_then(AckWait::poll_timeout),
            _ => None,
        }
    }

    /// Sends the final `status` and moves to `state`, reporting it.
    pub(super) fn finish(&mut self, status: StatusCode, state: IncomingState) {
        let resp = self.response(status);
        self.out.push_back(Output::Respond(resp));
        self.state = state;
        let event = match state {
            IncomingState::Missed { reason } => CallEvent::Missed(reason),
            IncomingState::Rejected { status } => CallEvent::Rejected(status),
            _ => CallEvent::Failed,
        };
        self.out.push_back(Output::Event(event));
    }

    /// A response to the INVITE with our To tag, Server and (on 1xx) Contact.
    pub(super) fn response(&self, status: StatusCode) -> Response {
        let mut resp = Response::to_request(&self.invite, status);
        self.stamp(&mut resp, &self.invite);
        // RFC 3261 §12.1.1: a dialog-creating response (101-199, 2xx) carries the
        // request's Record-Route, so the caller routes its ACK and BYE through the
        // proxies that asked to stay in the path.
        let code = status.as_u16();
        if (101..300).contains(&code) {
            let rr: Vec<_> = self
                .invite
                .headers
                .get_all(&HeaderName::RecordRoute)
                .cloned()
                .collect();
            for value in rr {
                resp.headers.push(HeaderName::RecordRoute, value);
            }
        }
        if status.is_provisional() && self.invite.method == Method::Invite {
            if let Some(c) = &self.cfg.contact {
                resp.headers.push(HeaderName::Contact, c.clone());
            }
        }
        resp
    }

    /// Our To tag (when `req`'s To has none) and the Server header.
    pub(super) fn stamp(&self, resp: &mut Response, req: &Request) {
        let untagged = req.to().is_ok_and(|t| t.tag().is_none());
        if untagged {
            if let Some(to) = req.headers.get(&HeaderName::To) {
                let tagged = format!("{};tag={}", to.as_str(), self.to_tag);
                resp.headers.set(HeaderName::To, tagged);
            }
        }
        if !self.cfg.server.is_empty() {
            resp.headers
                .push(HeaderName::Server, self.cfg.server.clone());
        }
    }
}
