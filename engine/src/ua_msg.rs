//! The [`UaCore`](super::UaCore)'s messages.

use crate::ua_client::RequestReply;
use ractor::ActorRef;
use switchboard_actors::sip::{Method, SipUri};
use switchboard_actors::transaction::TuEvent;

/// Messages of the [`UaCore`](super::UaCore) actor.
#[derive(Debug)]
#[non_exhaustive]
pub enum UaMsg {
    /// An event from the transaction layer.
    Tu(TuEvent),
    /// The embedder sends `method` to `uri` outside any dialog; the reply gets the final
    /// response or why there is none.
    Request {
        /// The method (OPTIONS).
        method: Method,
        /// The Request-URI (and where it is sent).
        uri: SipUri,
        /// The outcome.
        reply: RequestReply,
    },
    /// Replies with the number of requests waiting for a final response.
    PendingCount(ractor::RpcReplyPort<usize>),
    /// Send `request` to `target` through a new client transaction on `owner`'s behalf
    /// (an account's REGISTER): the transaction's events go to `owner` (see
    /// `ua_owned`).
    SendFor {
        /// The complete request (top Via branch left for the layer).
        request: switchboard_actors::sip::Request,
        /// Where it goes.
        target: switchboard_actors::vocab::Target,
        /// Who gets the transaction's outcome.
        owner: ActorRef<crate::registration::AccountMsg>,
    },
    /// Expect the INVITE with `call_id` for `account` (a push came); the reply is false
    /// for a duplicate push.
    ExpectPush {
        /// The pushed call's Call-ID.
        call_id: String,
        /// The caller, as the payload named them.
        caller: String,
        /// The account's AOR.
        aor: String,
        /// The account's actor.
        account: ActorRef<crate::registration::AccountMsg>,
        /// How long to wait for the INVITE.
        wait: std::time::Duration,
        /// Whether the push is new.
        reply: ractor::RpcReplyPort<bool>,
    },
    /// A pushed call's wait ran out.
    PushExpired {
        /// Its Call-ID.
        call_id: String,
    },
    /// The call `call_id` is over (its actor stops).
    CallEnded {
        /// The call's Call-ID.
        call_id: String,
    },
    /// Start a client transaction for call `call_id` (its events go to the call).
    SendForCall {
        /// The request.
        request: Box<switchboard_actors::sip::Request>,
        /// Where it goes.
        target: switchboard_actors::vocab::Target,
        /// The call's Call-ID.
        call_id: String,
    },
    /// The embedder dials; the reply gets the new call's Call-ID.
    Dial {
        /// What to dial.
        dial: Box<crate::ua_dial::DialRequest>,
        /// The outcome.
        reply: ractor::RpcReplyPort<Result<String, crate::error::EngineError>>,
    },
    /// Replies with call `call_id`'s media report (`None`: no such call or no media).
    CallMedia {
        /// The call's Call-ID.
        call_id: String,
        /// The report.
        reply: ractor::RpcReplyPort<Option<crate::media::MediaReport>>,
    },
    /// The embedder's command for call `call_id`.
    CallCommand {
        /// The call's Call-ID.
        call_id: String,
        /// What to do.
        command: crate::call::CallCommand,
        /// The outcome.
        reply: ractor::RpcReplyPort<Result<(), crate::error::EngineError>>,
    },
    /// Call `call_id` gave up on its INVITE (no final response 64·T1 after the CANCEL):
    /// its INVITE client transaction is abandoned.
    AbandonInvite {
        /// The call's Call-ID.
        call_id: String,
    },
    /// The engine is stopping: hang up every call; replies with how many calls are
    /// still alive (0 once they all ended).
    HangUpAll(ractor::RpcReplyPort<usize>),
    /// Replies with how many calls are alive.
    CallCount(ractor::RpcReplyPort<usize>),
    /// Listeners moved (a network change): every call follows.
    Relocated(crate::netwatch::Relocation),
    /// A call's progress, for admission.
    CallProgress {
        /// The call's Call-ID.
        call_id: String,
        /// What happened.
        progress: crate::call::Progress,
    },
    /// The phone's cellular radio changed; the reply once admission took it.
    Cellular {
        /// What the radio reports.
        event: switchboard_actors::admission::CellularEvent,
        /// Answered once handled.
        reply: ractor::RpcReplyPort<()>,
    },
    /// The engine went to Paused (`true`) or back to Running (`false`).
    Paused(bool),
    /// Replies with call `call_id`'s state.
    CallSnapshot {
        /// The call's Call-ID.
        call_id: String,
        /// The state (`UnknownCall` when there is no such call).
        reply: ractor::RpcReplyPort<Result<crate::call::CallSnapshot, crate::error::EngineError>>,
    },
    /// A pushed call's account may unregister now (see `ua_calls::RELEASE_AFTER`).
    Linger {
        /// Which ended call.
        key: u64,
    },
    /// The embedder rejects the ringing call `call_id` with `code`.
    RejectCall {
        /// The call's Call-ID.
        call_id: String,
        /// The status (4xx–6xx).
        code: u16,
        /// The outcome (`UnknownCall` when no such call rings).
        reply: ractor::RpcReplyPort<Result<(), crate::error::EngineError>>,
    },
    /// `owner` probes the flow to `remote` over `kind` (RFC 5626 keepalive): pongs and
    /// STUN answers from there, and the connection's loss, go to it.
    WatchFlow {
        /// The transport.
        kind: switchboard_actors::vocab::TransportKind,
        /// The server's address.
        remote: std::net::SocketAddr,
        /// Who probes it.
        owner: ActorRef<crate::registration::AccountMsg>,
    },
}

impl From<TuEvent> for UaMsg {
    fn from(e: TuEvent) -> UaMsg {
        UaMsg::Tu(e)
    }
}
