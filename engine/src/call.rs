//! One actor per call ([`CallActor`]), incoming or outgoing: the shell around the
//! sans-IO [`IncomingCall`] / [`OutgoingCall`] until the dialog is confirmed, then the
//! [`EstablishedCall`] (same actor). The [`crate::ua::UaCore`] spawns it linked (a call
//! actor's failure ends that call only) and routes to it: the INVITE transaction's
//! CANCEL and events, the ACK of our 2xx, the in-dialog requests (by Call-ID) and the
//! events of the client transactions it asked the UA core to start. Its media actor is
//! its linked child. It reports [`Event::Call`](crate::Event::Call), arms one timer and
//! stops once the call is over, telling the UA core.

use crate::event_hub::EventSink;
use crate::media::MediaMsg;
use crate::ua::UaMsg;
use ractor::{Actor, ActorProcessingErr, ActorRef};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;
use switchboard_actors::call::{EstablishedCall, EstablishedInput, IncomingCall, OutgoingCall};
use switchboard_actors::sdp::SessionDescription;
use switchboard_actors::transaction::{LayerMsg, TxId};
use switchboard_actors::transport::net::Network;
use tokio::time::Instant;

#[path = "call_msg.rs"]
mod msg;
pub use msg::{CallArgs, CallCommand, CallMsg, CallSnapshot, CallStart, Progress};

/// The machine a call is in.
pub(crate) enum Machine {
    In(Box<IncomingCall>),
    Out(Box<OutgoingCall>),
    Up(Box<EstablishedCall>),
    Done,
}

/// The call actor's state.
pub struct CallState {
    pub(crate) machine: Machine,
    pub(crate) call_id: String,
    pub(crate) outgoing: bool,
    pub(crate) remote: String,
    pub(crate) tx: Option<TxId>,
    pub(crate) cancel_tx: Option<TxId>,
    pub(crate) server_txs: BTreeMap<u32, TxId>,
    pub(crate) target: Option<switchboard_actors::vocab::Target>,
    pub(crate) layer: ActorRef<LayerMsg>,
    pub(crate) events: EventSink,
    pub(crate) ua: ActorRef<UaMsg>,
    pub(crate) account: Option<String>,
    pub(crate) rng: ChaCha8Rng,
    pub(crate) network: Arc<dyn Network>,
    pub(crate) local_ip: IpAddr,
    pub(crate) contact: String,
    pub(crate) media: Option<ActorRef<MediaMsg>>,
    /// Whether the media actor sends (it follows the negotiated direction).
    pub(crate) sending: bool,
    /// Our last SDP (the offer of an outgoing call, the answer of an incoming one).
    pub(crate) local_sdp: Option<SessionDescription>,
    pub(crate) timer: crate::one_timer::OneTimer,
    /// The last final status sent or received, for the events.
    pub(crate) status: Option<u16>,
    /// `call` span (field `call_id`) its work runs in.
    pub(crate) span: tracing::Span,
    /// Outgoing: the INVITE may go (admission said so).
    pub(crate) admitted: bool,
    /// Ignored beyond the call limit: nothing sent, nothing reported after `missed`.
    pub(crate) silent: bool,
    /// The hold or resume in flight, reported to admission when it settles.
    pub(crate) switching: Option<Progress>,
    /// The reason admission gave for ending the call (replaces the machine's).
    pub(crate) end_override: Option<switchboard_actors::admission::EndReason>,
    /// Our audio is muted.
    pub(crate) muted: bool,
    /// The peer holds us.
    pub(crate) remote_hold: bool,
    /// Where the record goes.
    pub(crate) records: crate::call_record::Records,
    /// The call's record.
    pub(crate) cdr: crate::cdr::CdrBuilder,
    /// The record was stored.
    pub(crate) recorded: bool,
    /// Our media settings (codecs, most preferred first; ptime; no-media; DTMF).
    pub(crate) media_settings: crate::config::MediaSettings,
    /// The embedder's microphone and speaker for the answer (`Call::answer_with`).
    pub(crate) device: Option<crate::AudioDevice>,
    /// An outgoing call's INVITE machine, kept once the call is up: a 2xx from
    /// another fork gets its ACK and a BYE, a retransmitted 2xx its ACK again
    /// (RFC 3261 §13.2.2.4).
    pub(crate) late: Option<Box<OutgoingCall>>,
    /// The CSeq number of our last out-of-dialog INVITE (retries after 401/407 count).
    pub(crate) invite_cseq: u32,
    /// The user hung up while our 2xx waited for its ACK: BYE once it comes.
    pub(crate) hangup_pending: bool,
    /// We sent a CANCEL for our INVITE.
    pub(crate) cancel_sent: bool,
}

/// One call's shell.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallActor;

pub(crate) fn now() -> Instant {
    Instant::now() // clock-ok: tokio time, paused and driven by the simulator
}

impl CallState {
    /// Ends the actor once the machine is over; otherwise re-arms the timer.
    pub(crate) fn settle(&mut self, myself: &ActorRef<CallMsg>) {
        if matches!(self.machine, Machine::Done) {
            // The media actor stops in `post_stop`, after the record took its figures.
            let _ = self.ua.cast(UaMsg::CallEnded {
                call_id: self.call_id.clone(),
            });
            myself.stop(None);
            return;
        }
        let at = match &self.machine {
            Machine::In(m) => m.poll_timeout(),
            Machine::Out(m) => m.poll_timeout(),
            Machine::Up(m) => m.poll_timeout(),
            Machine::Done => None,
        };
        self.timer.arm(at, myself, CallMsg::Timer);
    }
}

impl Actor for CallActor {
    type Msg = CallMsg;
    type State = CallState;
    type Arguments = CallArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<CallMsg>,
        args: CallArgs,
    ) -> Result<CallState, ActorProcessingErr> {
        Ok(crate::call_run::initial(args, &myself).await)
    }

    async fn post_start(
        &self,
        myself: ActorRef<CallMsg>,
        state: &mut CallState,
    ) -> Result<(), ActorProcessingErr> {
        state.begin(&myself).await;
        Ok(())
    }

    async fn handle(
        &self,
        myself: ActorRef<CallMsg>,
        msg: CallMsg,
        state: &mut CallState,
    ) -> Result<(), ActorProcessingErr> {
        let span = state.span.clone();
        let _in_span = span.enter();
        match msg {
            CallMsg::Timer(arming) if state.timer.fired(arming) => {
                state.on_timer(&myself).await;
            }
            CallMsg::Timer(_) => {}
            CallMsg::Id(reply) => drop(reply.send(state.call_id.clone())),
            CallMsg::Media(reply) => {
                let report = match &state.media {
                    Some(m) => crate::call_media::report(m).await,
                    None => None,
                };
                let _ = reply.send(report);
            }
            CallMsg::MediaEvent(e) => state.on_media_event(&myself, e).await,
            CallMsg::Command { command, reply } => {
                let result = state.command(&myself, command).await;
                let _ = reply.send(result);
            }
            other => state.on_msg(&myself, other).await,
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<CallMsg>,
        state: &mut CallState,
    ) -> Result<(), ActorProcessingErr> {
        state.timer.disarm();
        state.record_end().await;
        if let Some(m) = state.media.take() {
            // Waits for it: a child still running when this actor ends is killed, and
            // its own `post_stop` (the session's last report) would not run.
            let _ = m.cast(MediaMsg::Stop);
            let limit = Some(std::time::Duration::from_secs(1));
            let _ = m.stop_and_wait(None, limit).await;
        }
        Ok(())
    }
}

/// Feeds `input` to an established call (a no-op in other machines).
pub(crate) fn established(state: &mut CallState, input: EstablishedInput) -> bool {
    match &mut state.machine {
        Machine::Up(m) => {
            m.handle(now(), input);
            true
        }
        _ => false,
    }
}
