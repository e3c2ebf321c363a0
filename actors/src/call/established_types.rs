//! The vocabulary of an [`super::EstablishedCall`]: its configuration, inputs,
//! outputs and events.

use crate::admission::EndReason;
use crate::sdp::{HoldKind, LocalMedia, Negotiated};
use crate::sip::{Request, Response};
use crate::transaction::TimerConfig;

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

/// What the shell feeds an [`EstablishedCall`](super::EstablishedCall).
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
    /// The deadline from [`EstablishedCall::poll_timeout`](super::EstablishedCall::poll_timeout) passed.
    Timer,
    /// Our address moved (a network change): re-INVITE with `contact` and our media at
    /// `address:port` (the hold state is kept). If the peer refuses, the call ends with
    /// `NetworkChange`; so does a request of ours that gets no answer from then on.
    Relocate {
        /// Our Contact at the new address.
        contact: crate::sip::NameAddr,
        /// Our new RTP address.
        address: std::net::IpAddr,
        /// Our new RTP port.
        port: u16,
    },
}

/// What an [`EstablishedCall`](super::EstablishedCall) asks the shell to do.
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
    /// Our re-INVITE is given up (the call ends before its final response came): end
    /// its client transaction too, which after a provisional has no Timer B and would
    /// otherwise wait for ever.
    AbandonReinvite,
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
    /// The peer accepted our new address after a network change.
    Relocated,
    /// The call is over.
    Ended {
        /// Why.
        reason: EndReason,
        /// The final status involved (the BYE's answer, a 481/408), if any.
        status: Option<u16>,
    },
}
