//! The [`OutgoingCall`] machine: inputs, state changes, the INVITE's responses.

use super::build::{self, Ids};
use super::{OutgoingConfig, OutgoingEvent, OutgoingInput, OutgoingOutput, OutgoingState};
use crate::admission::EndReason;
use crate::dialog::{Dialog, DialogSet, SetOutput};
use crate::sip::auth::{DigestClient, DigestCredentials};
use crate::sip::{HeaderName, Request, Uri};
use bytes::Bytes;
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;
use tokio::time::Instant;

use OutgoingState as S;

/// One call we place (see [`OutgoingState`] for the diagram).
#[derive(Debug)]
pub struct OutgoingCall {
    pub(super) cfg: OutgoingConfig,
    pub(super) rng: ChaCha8Rng,
    pub(super) ids: Ids,
    pub(super) state: OutgoingState,
    /// The current INVITE's Request-URI (changed by redirects).
    pub(super) target: Uri,
    /// The current INVITE's CSeq number.
    pub(super) seq: u32,
    pub(super) invite: Option<Request>,
    pub(super) set: Option<DialogSet>,
    /// The dialog sets of INVITEs a 401/407 or 3xx replaced: a late 2xx to one of them
    /// still gets ACK then BYE.
    pub(super) old_sets: Vec<DialogSet>,
    /// The current INVITE's branch, read from a response to it.
    pub(super) branch: Option<String>,
    pub(super) client: Option<DigestClient>,
    pub(super) auth: Vec<(HeaderName, DigestCredentials)>,
    pub(super) auth_rounds: u8,
    pub(super) redirects: u8,
    pub(super) tried: Vec<Uri>,
    /// A hang-up (Cancelled) or the answer timer (NoAnswer): CANCEL sent or pending.
    pub(super) cancel: Option<EndReason>,
    pub(super) answer_deadline: Option<Instant>,
    pub(super) cancel_deadline: Option<Instant>,
    /// What the last Ringing event said about early media.
    pub(super) early_sdp: Option<Option<Bytes>>,
    pub(super) dialog: Option<Dialog>,
    pub(super) out: VecDeque<OutgoingOutput>,
}

impl OutgoingCall {
    /// A call per `cfg`, in Starting; feed [`OutgoingInput::Start`] to place it. The
    /// Call-ID, From tag, ACK branches and digest cnonces come from `rng`.
    pub fn new(_now: Instant, cfg: OutgoingConfig, mut rng: ChaCha8Rng) -> OutgoingCall {
        let ids = Ids::draw(&mut rng);
        let client = cfg
            .credentials
            .as_ref()
            .map(|(user, pw)| DigestClient::new(user.clone(), pw.clone()));
        OutgoingCall {
            target: cfg.request_uri.clone(),
            tried: vec![cfg.request_uri.clone()],
            cfg,
            rng,
            ids,
            state: S::Starting,
            seq: 1,
            invite: None,
            set: None,
            old_sets: Vec::new(),
            branch: None,
            client,
            auth: Vec::new(),
            auth_rounds: 0,
            redirects: 0,
            cancel: None,
            answer_deadline: None,
            cancel_deadline: None,
            early_sdp: None,
            dialog: None,
            out: VecDeque::new(),
        }
    }

    /// Where the call stands.
    pub fn state(&self) -> OutgoingState {
        self.state
    }

    /// The call's Call-ID (the same for every INVITE it sends).
    pub fn call_id(&self) -> &str {
        &self.ids.call_id
    }

    /// The INVITE last sent, if any.
    pub fn invite(&self) -> Option<&Request> {
        self.invite.as_ref()
    }

    /// The confirmed dialog, once: the established call continues with it.
    pub fn take_dialog(&mut self) -> Option<Dialog> {
        self.dialog.take()
    }

    /// The next thing to do.
    pub fn poll_output(&mut self) -> Option<OutgoingOutput> {
        self.out.pop_front()
    }

    /// When to feed [`OutgoingInput::Timer`]: the answer timer before an answer, the
    /// 64·T1 wait after a CANCEL.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            S::Connecting | S::Calling | S::Ringing if self.cancel.is_none() => {
                self.answer_deadline
            }
            S::Cancelling => self.cancel_deadline,
            _ => None,
        }
    }

    /// Feeds one input.
    pub fn handle(&mut self, now: Instant, input: OutgoingInput) {
        match input {
            OutgoingInput::Start if self.state == S::Starting => {
                self.answer_deadline = self.cfg.answer_timeout.map(|d| now + d);
                self.send_invite();
            }
            OutgoingInput::Start => {}
            OutgoingInput::Response(resp) => self.on_response(now, &resp),
            OutgoingInput::CancelRequested => self.cancel_requested(now, EndReason::Cancelled),
            OutgoingInput::Timeout => self.on_failure(EndReason::Timeout),
            OutgoingInput::TransportError => self.on_failure(EndReason::Congestion),
            OutgoingInput::Timer => self.on_timer(now),
        }
    }

    pub(super) fn set_state(&mut self, to: OutgoingState) {
        if self.state == to {
            return;
        }
        let legal = self.state.can_become(to);
        debug_assert!(legal, "{:?} -> {to:?}", self.state);
        if legal {
            self.state = to;
        }
    }

    pub(super) fn end(&mut self, reason: EndReason, status: Option<u16>) {
        if self.state.is_final() {
            return;
        }
        self.set_state(S::Ended);
        self.answer_deadline = None;
        self.cancel_deadline = None;
        self.event(OutgoingEvent::Ended { reason, status });
    }

    pub(super) fn event(&mut self, e: OutgoingEvent) {
        self.out.push_back(OutgoingOutput::Event(e));
    }

    /// Sends the INVITE for the current target and CSeq, with a fresh dialog set.
    pub(super) fn send_invite(&mut self) {
        let invite = build::invite(&self.cfg, &self.ids, &self.target, self.seq, &self.auth);
        let set = match DialogSet::new(invite.clone()) {
            Ok(s) => s,
            Err(_) => return self.end(EndReason::InternalError, None),
        };
        if let Some(old) = self.set.replace(set) {
            self.old_sets.push(old);
        }
        self.invite = Some(invite.clone());
        self.branch = None;
        self.early_sdp = None;
        self.set_state(S::Connecting);
        self.out.push_back(OutgoingOutput::SendInvite(invite));
    }

    /// A new INVITE after a 401/407 or a 3xx: CSeq + 1, same Call-ID and From tag.
    pub(super) fn resend(&mut self) {
        match self.seq.checked_add(1).filter(|s| *s < 1 << 31) {
            Some(s) => self.seq = s,
            None => return self.end(EndReason::InternalError, None),
        }
        self.send_invite();
    }

    pub(super) fn drain(set: &mut DialogSet, out: &mut VecDeque<OutgoingOutput>) {
        while let Some(o) = set.poll_output() {
            match o {
                SetOutput::Ack(a) => out.push_back(OutgoingOutput::SendAck(a)),
                SetOutput::Bye(b) => out.push_back(OutgoingOutput::SendBye(b)),
                _ => {}
            }
        }
    }

    fn cancel_requested(&mut self, now: Instant, reason: EndReason) {
        match self.state {
            S::Starting => self.end(reason, None),
            S::Connecting if self.cancel.is_none() => self.cancel = Some(reason),
            S::Calling | S::Ringing => self.send_cancel(now, reason),
            _ => {}
        }
    }

    fn on_failure(&mut self, reason: EndReason) {
        if matches!(self.state, S::Starting) || self.state.is_final() {
            return;
        }
        self.end(self.cancel.unwrap_or(reason), None);
    }

    fn on_timer(&mut self, now: Instant) {
        match self.state {
            S::Cancelling if self.cancel_deadline.is_some_and(|d| d <= now) => {
                self.end(self.cancel.unwrap_or(EndReason::Cancelled), None);
            }
            S::Connecting | S::Calling | S::Ringing
                if self.answer_deadline.is_some_and(|d| d <= now) =>
            {
                self.answer_deadline = None;
                self.cancel_requested(now, EndReason::NoAnswer);
            }
            _ => {}
        }
    }
}
