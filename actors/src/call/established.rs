//! [`EstablishedCall`]: a call whose dialog is confirmed, until it ends (RFC 3261 §12.2,
//! §14, §15; RFC 3264 §8; RFC 6086 INFO). Our requests are in `established_out.rs`, the
//! peer's in `established_in.rs`.

pub use super::established_types::{
    EstablishedConfig, EstablishedInput, EstablishedOutput, InCallEvent,
};
use crate::admission::EndReason;
use crate::dialog::{AckWait, Dialog, ReinviteGuard};
use crate::sdp::{HoldKind, Negotiated, SessionDescription};
use crate::sip::Request;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, VecDeque};
use tokio::time::Instant;

/// Where an established call stands:
///
/// ```text
///   confirmed dialog
///         |           hold/resume (re-INVITE; 491 → back-off → again), mute,
///         V           DTMF INFO, the peer's re-INVITE/UPDATE/INFO
///   +-----------+ <------+
///   |  Active   | -------+
///   +-----------+
///     |       |  BYE received: 200; 481/408 or no response to a request of
///     |       |  ours; no ACK for our 2xx (BYE); an answer we cannot accept (BYE)
///     | hangup V
///     | BYE  +-------+
///     +----->| Ended |  Ended{reason, status} reported once; inputs ignored
///     |      +-------+
///     V          ^
///   +-----------+ | final response to the BYE, or Timer F (64·T1), or
///   | HangingUp |-+ the peer's BYE
///   +-----------+
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CallPhase {
    /// Talking (or on hold).
    Active,
    /// Our BYE is out.
    HangingUp,
    /// Over.
    Ended,
}

/// The only changes of [`CallPhase`].
pub const PHASE_TRANSITIONS: &[(CallPhase, CallPhase)] = &[
    (CallPhase::Active, CallPhase::HangingUp),
    (CallPhase::Active, CallPhase::Ended),
    (CallPhase::HangingUp, CallPhase::Ended),
];

/// What a re-INVITE of ours asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    Hold(HoldKind),
    Resume,
    /// A new Contact and media address, the hold state unchanged.
    Relocate,
}

/// A request of ours waiting for its final response.
#[derive(Debug, Clone)]
pub(super) enum Sent {
    Bye,
    Info,
    Reinvite {
        invite: Box<Request>,
        offer: Box<SessionDescription>,
        target: Target,
    },
}

/// The peer's re-INVITE we answered 2xx, until its ACK.
#[derive(Debug)]
pub(super) struct Theirs {
    pub(super) invite: Request,
    pub(super) wait: AckWait,
    /// The offer we put in the 2xx when their re-INVITE had none (answer in the ACK).
    pub(super) offered: Option<SessionDescription>,
}

/// One established call (see [`CallPhase`]).
#[derive(Debug)]
pub struct EstablishedCall {
    pub(super) dialog: Dialog,
    pub(super) cfg: EstablishedConfig,
    pub(super) local_sdp: SessionDescription,
    pub(super) negotiated: Option<Negotiated>,
    pub(super) guard: ReinviteGuard,
    pub(super) rng: ChaCha8Rng,
    pub(super) phase: CallPhase,
    pub(super) held: Option<HoldKind>,
    pub(super) remote_hold: bool,
    pub(super) muted: bool,
    pub(super) want: Option<Target>,
    pub(super) sent: BTreeMap<u32, (Sent, Instant)>,
    pub(super) last_reinvite: Option<Request>,
    pub(super) theirs: Option<Theirs>,
    pub(super) dtmf: VecDeque<char>,
    pub(super) hangup_reason: EndReason,
    /// Our address moved and the peer has not accepted the new one yet: what gets no
    /// answer now ends the call with `NetworkChange`, not `Timeout`.
    pub(super) relocating: bool,
    pub(super) out: VecDeque<EstablishedOutput>,
}

impl EstablishedCall {
    /// Takes over a confirmed `dialog` whose session is `local_sdp` (the last description
    /// we sent) and `negotiated`; randomness (re-INVITE back-off, ACK branches) from `rng`.
    pub fn new(
        dialog: Dialog,
        local_sdp: SessionDescription,
        negotiated: Option<Negotiated>,
        cfg: EstablishedConfig,
        mut rng: ChaCha8Rng,
    ) -> EstablishedCall {
        let guard = ReinviteGuard::new(dialog.role(), ChaCha8Rng::seed_from_u64(rng.next_u64()));
        EstablishedCall {
            remote_hold: negotiated.as_ref().is_some_and(|n| n.remote_hold),
            dialog,
            cfg,
            local_sdp,
            negotiated,
            guard,
            rng,
            phase: CallPhase::Active,
            held: None,
            muted: false,
            want: None,
            sent: BTreeMap::new(),
            last_reinvite: None,
            theirs: None,
            dtmf: VecDeque::new(),
            hangup_reason: EndReason::Normal {
                by: crate::admission::Side::Local,
            },
            relocating: false,
            out: VecDeque::new(),
        }
    }

    /// Feeds one input; after [`CallPhase::Ended`] inputs are ignored.
    pub fn handle(&mut self, now: Instant, input: EstablishedInput) {
        if self.phase == CallPhase::Ended {
            return;
        }
        let active = self.phase == CallPhase::Active;
        match input {
            EstablishedInput::Hangup => self.hangup(now, self.hangup_reason),
            EstablishedInput::Hold(kind) if active => self.want_reinvite(now, Target::Hold(kind)),
            EstablishedInput::Resume if active => self.want_reinvite(now, Target::Resume),
            EstablishedInput::Mute if !self.muted => {
                self.muted = true;
                self.event(InCallEvent::Muted);
            }
            EstablishedInput::Unmute if self.muted => {
                self.muted = false;
                self.event(InCallEvent::Unmuted);
            }
            EstablishedInput::SendDtmf(digits) if active => {
                let valid = digits.chars().map(|c| c.to_ascii_uppercase());
                self.dtmf
                    .extend(valid.filter(|c| c.is_ascii_digit() || "*#ABCD".contains(*c)));
                self.next_info(now);
            }
            EstablishedInput::Request(req) => self.on_request(now, req),
            EstablishedInput::Response(resp) => self.on_response(now, resp),
            EstablishedInput::RequestFailed { cseq } => {
                if let Some((sent, _)) = self.sent.remove(&cseq) {
                    self.no_response(now, sent);
                }
            }
            EstablishedInput::Timer => self.on_timer(now),
            EstablishedInput::Relocate {
                contact,
                address,
                port,
            } if active => {
                self.dialog.relocate(contact);
                self.cfg.local_media.address = address;
                self.cfg.local_media.port = port;
                self.relocating = true;
                self.want_reinvite(now, Target::Relocate);
            }
            _ => {}
        }
    }

    /// The next thing to do.
    pub fn poll_output(&mut self) -> Option<EstablishedOutput> {
        self.out.pop_front()
    }

    /// When [`EstablishedInput::Timer`] is due: the 491 back-off, the 2xx
    /// retransmission to the peer's re-INVITE, the Timer B/F backstop of our requests.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.phase == CallPhase::Ended {
            return None;
        }
        let sent = self.sent.values().map(|(_, at)| *at);
        let theirs = self.theirs.as_ref().and_then(|t| t.wait.poll_timeout());
        sent.chain(theirs).chain(self.guard.poll_timeout()).min()
    }

    /// Where the call stands.
    pub fn phase(&self) -> CallPhase {
        self.phase
    }

    /// Whether we put the peer on hold (and they accepted).
    pub fn is_on_hold(&self) -> bool {
        self.held.is_some()
    }

    /// Whether the peer put us on hold.
    pub fn remote_hold(&self) -> bool {
        self.remote_hold
    }

    /// Whether our media is muted.
    pub fn is_muted(&self) -> bool {
        self.muted
    }

    /// The dialog.
    pub fn dialog(&self) -> &Dialog {
        &self.dialog
    }

    /// What is agreed for the audio stream now.
    pub fn negotiated(&self) -> Option<&Negotiated> {
        self.negotiated.as_ref()
    }

    /// The last session description we sent.
    pub fn local_sdp(&self) -> &SessionDescription {
        &self.local_sdp
    }

    /// Forgets every request of ours, giving up a re-INVITE still out.
    pub(super) fn forget_sent(&mut self) {
        if self.reinvite_pending() {
            self.out.push_back(EstablishedOutput::AbandonReinvite);
        }
        self.sent.clear();
    }

    /// Whether a re-INVITE of ours is out.
    pub fn reinvite_pending(&self) -> bool {
        (self.sent.values()).any(|(s, _)| matches!(s, Sent::Reinvite { .. }))
    }

    /// Why the call ends when a request of ours gets no answer.
    pub(super) fn unanswered(&self) -> EndReason {
        if self.relocating {
            EndReason::NetworkChange
        } else {
            EndReason::Timeout
        }
    }

    pub(super) fn event(&mut self, e: InCallEvent) {
        self.out.push_back(EstablishedOutput::Event(e));
    }

    /// Ends the call once: the dialog terminated, everything pending dropped.
    pub(super) fn end(&mut self, reason: EndReason, status: Option<u16>) {
        if self.phase == CallPhase::Ended {
            return;
        }
        self.phase = CallPhase::Ended;
        self.dialog.terminate();
        self.forget_sent();
        self.theirs = None;
        self.dtmf.clear();
        self.want = None;
        self.event(InCallEvent::Ended { reason, status });
    }
}
