//! The vocabulary of a [`CallActor`](super::CallActor): its messages, the embedder's
//! commands, and what it starts with.

use crate::error::EngineError;
use crate::event_hub::EventSink;
use crate::media::MediaReport;
use crate::ua::UaMsg;
use ractor::{ActorRef, RpcReplyPort};
use rand_chacha::ChaCha8Rng;
use std::net::IpAddr;
use std::sync::Arc;
use switchboard_actors::call::{IncomingConfig, OutgoingConfig};
use switchboard_actors::sip::{Method, Request};
use switchboard_actors::transaction::{LayerMsg, TxEvent, TxId};
use switchboard_actors::transport::net::Network;

/// The embedder's command for an established (or ringing) call.
#[derive(Debug)]
#[non_exhaustive]
pub enum CallCommand {
    /// Answer the ringing incoming call.
    Answer,
    /// Use this microphone and speaker when the ringing call is answered.
    UseDevice(crate::AudioDevice),
    /// Hang up (BYE; CANCEL while an outgoing call is not answered).
    Hangup,
    /// Put the peer on hold.
    Hold,
    /// Take the peer off hold.
    Resume,
    /// Send DTMF digits (RFC 4733 when negotiated, else INFO; see `DtmfMode`).
    Dtmf(String),
    /// Stop sending audio (no signalling).
    Mute,
    /// Send audio again.
    Unmute,
    /// Attach the user's rating to the call's record.
    Feedback(crate::cdr::Feedback),
    /// Stop alerting the user; the caller keeps hearing ringing until it gives up or the
    /// ring timer fires (then the call is missed, reason `ignored`).
    Ignore,
}

/// What a call reports to the call manager (admission), besides its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The outgoing call was answered.
    Connected,
    /// Our hold re-INVITE was accepted.
    HoldDone,
    /// Our hold re-INVITE failed.
    HoldFailed,
    /// Our resume re-INVITE was accepted.
    ResumeDone,
    /// Our resume re-INVITE failed.
    ResumeFailed,
}

/// A live call's state, for `Call::is_on_hold` and friends.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CallSnapshot {
    /// `ringing`, `dialling`, `confirmed` or `ended`.
    pub phase: &'static str,
    /// We put the peer on hold.
    pub on_hold: bool,
    /// The peer put us on hold.
    pub remote_hold: bool,
    /// Our audio is muted.
    pub muted: bool,
    /// The call's record so far.
    pub record: crate::cdr::CallRecord,
}

/// Messages of a [`CallActor`](super::CallActor).
#[derive(Debug)]
#[non_exhaustive]
pub enum CallMsg {
    /// A CANCEL for the call's INVITE; `id` is the CANCEL's own server transaction.
    Cancel {
        /// The CANCEL's server transaction.
        id: TxId,
        /// The CANCEL.
        request: Request,
    },
    /// The embedder rejects the call with `code`.
    Reject {
        /// A 4xx–6xx status (others become 603).
        code: u16,
        /// Answered once the final response is on its way.
        reply: RpcReplyPort<Result<(), EngineError>>,
    },
    /// The embedder's command; the reply says whether the call could take it.
    Command {
        /// What to do.
        command: CallCommand,
        /// The outcome (`InvalidCallState` when the call is not in a state for it).
        reply: RpcReplyPort<Result<(), EngineError>>,
    },
    /// Replies with the call's Call-ID.
    Id(RpcReplyPort<String>),
    /// Admission let the outgoing call go: send the INVITE.
    Proceed,
    /// Admission ends the call (BYE, CANCEL, or 480 while ringing here) with `reason`.
    End(switchboard_actors::admission::EndReason),
    /// Replies with the call's state.
    Snapshot(RpcReplyPort<CallSnapshot>),
    /// Replies with the media session's report (`None`: no media).
    Media(RpcReplyPort<Option<MediaReport>>),
    /// An event of the incoming INVITE's server transaction.
    Tx(TxEvent),
    /// An ACK in the call's dialog (of our 2xx, however it arrived).
    Ack(Request),
    /// A request in the call's dialog, on server transaction `id`.
    InDialog {
        /// Its server transaction.
        id: TxId,
        /// The request.
        request: Request,
    },
    /// An event of a client transaction the call started (`cseq`/`method` name it).
    ClientTx {
        /// The request's CSeq number.
        cseq: u32,
        /// The request's method.
        method: Method,
        /// The event.
        event: TxEvent,
    },
    /// The armed timer fired (the arming number; stale ones are ignored).
    Timer(u64),
    /// An event of the call's media session (no media, DTMF, an unusable codec).
    MediaEvent(switchboard_actors::media::MediaEvent),
    /// Listeners moved (a network change): an established call re-INVITEs from its
    /// listener's new address, one being set up ends with `NetworkChange`.
    Relocate(crate::netwatch::Relocation),
}

/// How a call starts.
#[non_exhaustive]
pub enum CallStart {
    /// An out-of-dialog INVITE arrived.
    Incoming {
        /// The INVITE's server transaction.
        tx: TxId,
        /// The INVITE.
        invite: Request,
        /// The machine's settings (ring timeout, Server, Contact).
        config: IncomingConfig,
    },
    /// The embedder dials.
    Outgoing {
        /// The machine's settings, without the offer (the actor adds it).
        config: Box<OutgoingConfig>,
        /// The route set's first hop or the Request-URI, resolved.
        target: switchboard_actors::vocab::Target,
    },
}

/// What a [`CallActor`](super::CallActor) starts with.
pub struct CallArgs {
    /// Incoming or outgoing.
    pub start: CallStart,
    /// The transaction layer, to send responses and ACKs through.
    pub layer: ActorRef<LayerMsg>,
    /// Where events go.
    pub events: EventSink,
    /// For tags, SDP origins and the machines.
    pub rng: ChaCha8Rng,
    /// The UA core, told when the call ends and asked to start client transactions.
    pub ua: ActorRef<UaMsg>,
    /// The account the call belongs to, when known.
    pub account: Option<String>,
    /// The network media binds on.
    pub network: Arc<dyn Network>,
    /// Our IP (the listener's), for the SDP.
    pub local_ip: IpAddr,
    /// Our Contact.
    pub contact: String,
    /// The callee, for the events of an outgoing call.
    pub remote: String,
    /// Outgoing: admission let it go (send the INVITE at once); otherwise it waits for
    /// [`CallMsg::Proceed`].
    pub admitted: bool,
    /// Incoming beyond the call limit with `over_limit = ignore`: no 180, no
    /// `incoming` event; reported `missed` (`call_limit`) at once.
    pub silent: bool,
    /// Whether the call carries audio (off: `a=inactive`, no RTP sent).
    pub audio: bool,
    /// A WAV file to send instead of the tone.
    pub audio_file: Option<std::path::PathBuf>,
    /// The embedder's microphone and speaker (replaces `audio_file`).
    pub device: Option<crate::AudioDevice>,
    /// Where the call's record goes, and the clock that stamps it.
    pub records: crate::call_record::Records,
    /// Our media settings (codecs, most preferred first; ptime; no-media; DTMF).
    pub media_settings: crate::config::MediaSettings,
}
