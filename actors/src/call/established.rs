//! [`EstablishedCall`]: a call whose dialog is confirmed, until it ends (RFC 3261 §12.2,
//! §14, §15; RFC 3264 §8; RFC 6086 INFO). Our requests are in `established_out.rs`, the
//! peer's in `established_in.rs`.

use crate::admission::EndReason;
use crate::dialog::{AckWait, Dialog, ReinviteGuard};
use crate::sdp::{HoldKind, LocalMedia, Negotiated, SessionDescription};
use crate::sip::{Request, Response};
use crate::transaction::TimerConfig;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, VecDeque};
use tokio::time::Instant;

/// What an established call needs besides its dialog and session.
#[derive(Debug, Clone)]
pub struct EstablishedConfig {
    /// Our media: codecs, RTP address and port, the direction when not on hold.
    pub local_media: LocalMedia,
    /// T1 (Timer F/B = 64·T1 backstops, the ACK wait) and T2.
    pub timers: TimerConfig,
    /// The `Duration` of a DTMF INFO (ms; default 160).
    pub dtmf_duration_ms: u32,
}

impl EstablishedConfig {
    /// Defaults (RFC 3261 timers, 160 ms digits) around `local_media`.
    pub fn new(local_media: LocalMedia) -> EstablishedConfig {
        EstablishedConfig {
            local_media,
            timers: TimerConfig::default(),
            dtmf_duration_ms: 160,
        }
    }
}

/// What the shell feeds an [`EstablishedCall`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum EstablishedInput {
    /// Hang up: BYE.
    Hangup,
    /// Put the peer on hold (re-INVITE with a sendonly/inactive offer).
    Hold(HoldKind),
    /// Take the peer off hold (re-INVITE with our normal direction).
    Resume,
    /// Stop sending media (no signalling).
    Mute,
    /// Send media again.
    Unmute,
    /// Send these DTMF digits (`0-9*#A-D`; others are skipped), one INFO each.
    SendDtmf(String),
    /// A request received in the dialog (ACK included).
    Request(Request),
    /// A response to one of our requests.
    Response(Response),
    /// Our request with this CSeq number got no response (Timer B/F, transport error):
    /// handled as a 408 (RFC 3261 §8.1.3.1, §12.2.1.2).
    RequestFailed {
        /// The request's CSeq number.
        cseq: u32,
    },
    /// The deadline from [`EstablishedCall::poll_timeout`] passed.
    Timer,
}

/// What an [`EstablishedCall`] asks the shell to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EstablishedOutput {
    /// Send in a new client transaction; the top Via's `branch=z9hG4bK` is left open.
    SendRequest(Request),
    /// Send this ACK for a 2xx straight to the transport (no transaction; branch set).
    SendAck(Request),
    /// Send `response` on the server transaction of `to`.
    SendResponse {
        /// The request answered.
        to: Box<Request>,
        /// The response.
        response: Box<Response>,
    },
    /// Tell the application.
    Event(InCallEvent),
}

/// What happens in an established call, for the application and the media session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InCallEvent {
    /// Our hold was accepted.
    Held(HoldKind),
    /// Our resume was accepted.
    Resumed,
    /// The peer put us on hold (its offer is sendonly/inactive or c=0.0.0.0).
    RemoteHold,
    /// The peer took us off hold.
    RemoteResume,
    /// The peer sent a DTMF digit (INFO application/dtmf-relay).
    DtmfReceived(char),
    /// The agreed media changed: restart the media session with it.
    MediaChanged(Negotiated),
    /// Media stops being sent.
    Muted,
    /// Media is sent again.
    Unmuted,
    /// Our re-INVITE got this final non-2xx (not 491): the session is unchanged.
    ReinviteFailed(u16),
    /// The call is over.
    Ended {
        /// Why.
        reason: EndReason,
        /// The final status involved (the BYE's answer, a 481/408), if any.
        status: Option<u16>,
    },
}

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

    /// Whether a re-INVITE of ours is out.
    pub fn reinvite_pending(&self) -> bool {
        self.guard.is_pending()
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
        self.sent.clear();
        self.theirs = None;
        self.dtmf.clear();
        self.want = None;
        self.event(InCallEvent::Ended { reason, status });
    }
}
