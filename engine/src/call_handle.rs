//! [`Call`]: the embedder's handle on one call, from [`Engine::dial`],
//! [`Engine::dial_number`] or [`Engine::call`] (an incoming call's Call-ID from its
//! `incoming` event). Every method asks the call's actor through the UA core; a call
//! that has ended answers [`EngineError::UnknownCall`].

use crate::call::{CallCommand, CallSnapshot};
use crate::engine::Engine;
use crate::error::EngineError;
use crate::lifecycle::EngineState;
use crate::media::MediaReport;
use crate::supervisor::SupervisorMsg;
use crate::ua::UaMsg;
use ractor::rpc::CallResult;
use ractor::{ActorRef, RpcReplyPort};
use switchboard_actors::media::CallStatistics;
use tokio::sync::watch;

/// The way to the UA core, shared by [`Engine`] and [`Call`].
#[derive(Clone)]
pub(crate) struct UaLink {
    pub(crate) supervisor: ActorRef<SupervisorMsg>,
    pub(crate) state: watch::Receiver<EngineState>,
    pub(crate) history: crate::history::CallHistory,
}

impl UaLink {
    /// Sends `msg` to the UA core (Running or Paused) and waits for its reply.
    pub(crate) async fn ask<T: Send + 'static>(
        &self,
        msg: impl FnOnce(RpcReplyPort<T>) -> UaMsg,
    ) -> Result<T, EngineError> {
        let sent = self
            .supervisor
            .call(|reply| SupervisorMsg::ToUa(Box::new(msg(reply))), None)
            .await;
        match sent {
            Ok(CallResult::Success(r)) => Ok(r),
            _ => Err(match *self.state.borrow() {
                EngineState::Running | EngineState::Paused => EngineError::EngineGone,
                state => EngineError::NotRunning { state },
            }),
        }
    }

    /// Sends `command` to call `call_id`.
    pub(crate) async fn command(
        &self,
        call_id: &str,
        command: CallCommand,
    ) -> Result<(), EngineError> {
        let call_id = call_id.to_owned();
        self.ask(|reply| UaMsg::CallCommand {
            call_id,
            command,
            reply,
        })
        .await?
    }
}

/// One call. Cheap to clone; it does not keep the call alive (hang up to end it).
#[derive(Clone)]
pub struct Call {
    link: UaLink,
    id: String,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call").field("id", &self.id).finish()
    }
}

impl Call {
    pub(crate) fn new(link: UaLink, id: String) -> Call {
        Call { link, id }
    }

    /// The engine's call history.
    pub(crate) fn history(&self) -> &crate::history::CallHistory {
        &self.link.history
    }

    /// Sends `command` to the call.
    pub(crate) async fn command(&self, command: CallCommand) -> Result<(), EngineError> {
        self.link.command(&self.id, command).await
    }

    /// The call's Call-ID (the `call_id` of its events).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Answers the ringing incoming call: 200 with our SDP answer, media starts. With
    /// another call in conversation that call is put on hold first (one active call);
    /// the reply comes once the answer is sent. `CallRefused` (a cellular call, a
    /// switch in progress), `UnknownCall` (it does not ring).
    pub async fn answer(&self) -> Result<(), EngineError> {
        self.link.command(&self.id, CallCommand::Answer).await
    }

    /// Answers the ringing incoming call with `device` as its microphone and speaker
    /// (see [`crate::AudioDevice`]).
    pub async fn answer_with(&self, device: crate::AudioDevice) -> Result<(), EngineError> {
        let command = CallCommand::UseDevice(device);
        self.link.command(&self.id, command).await?;
        self.answer().await
    }

    /// Rejects the ringing incoming call with `code` (4xx–6xx, e.g. 486 or 603;
    /// others send 603). The call ends `rejected`.
    pub async fn reject(&self, code: u16) -> Result<(), EngineError> {
        let call_id = self.id.clone();
        self.link
            .ask(|reply| UaMsg::RejectCall {
                call_id,
                code,
                reply,
            })
            .await?
    }

    /// Stops alerting for the ringing incoming call: nothing is sent; the caller
    /// hears ringing until it gives up or the ring timer fires (then `missed`,
    /// reason `ignored`).
    pub async fn ignore(&self) -> Result<(), EngineError> {
        self.link.command(&self.id, CallCommand::Ignore).await
    }

    /// Hangs up: BYE once answered, CANCEL while an outgoing call rings, 603 while an
    /// incoming call rings here. The end is reported `ended` (`normal`, by `local`).
    pub async fn hangup(&self) -> Result<(), EngineError> {
        self.link.command(&self.id, CallCommand::Hangup).await
    }

    /// Puts the peer on hold (re-INVITE, sendonly); `held` once accepted.
    pub async fn hold(&self) -> Result<(), EngineError> {
        self.link.command(&self.id, CallCommand::Hold).await
    }

    /// Takes the call off hold (re-INVITE, sendrecv); with another call in
    /// conversation, that one is held first (a swap). `resumed` once accepted.
    pub async fn resume(&self) -> Result<(), EngineError> {
        self.link.command(&self.id, CallCommand::Resume).await
    }

    /// Stops sending audio (no signalling); `muted`.
    pub async fn mute(&self) -> Result<(), EngineError> {
        self.link.command(&self.id, CallCommand::Mute).await
    }

    /// Sends audio again; `unmuted`.
    pub async fn unmute(&self) -> Result<(), EngineError> {
        self.link.command(&self.id, CallCommand::Unmute).await
    }

    /// Sends DTMF `digits` (`0-9*#A-D`), one SIP INFO each.
    pub async fn send_dtmf(&self, digits: &str) -> Result<(), EngineError> {
        let command = CallCommand::Dtmf(digits.to_owned());
        self.link.command(&self.id, command).await
    }

    /// Whether we hold the peer.
    pub async fn is_on_hold(&self) -> Result<bool, EngineError> {
        Ok(self.snapshot().await?.on_hold)
    }

    /// The call's state: phase, hold (ours and the peer's), mute.
    pub async fn snapshot(&self) -> Result<CallSnapshot, EngineError> {
        let call_id = self.id.clone();
        self.link
            .ask(|reply| UaMsg::CallSnapshot { call_id, reply })
            .await?
    }

    /// The media session's report (RTP counters); `None` without media.
    pub async fn media(&self) -> Result<Option<MediaReport>, EngineError> {
        let call_id = self.id.clone();
        self.link
            .ask(|reply| UaMsg::CallMedia { call_id, reply })
            .await
    }

    /// How the call sounds so far: the negotiated codec, packets and bytes both ways,
    /// loss %, interarrival jitter ms, RTT ms (from RTCP), and the E-model (ITU-T G.107)
    /// R-factor and MOS of what we hear. `None` without media. The final figures are
    /// in the call's record (`media`).
    pub async fn statistics(&self) -> Result<Option<CallStatistics>, EngineError> {
        Ok(self.media().await?.map(|r| r.statistics))
    }
}

impl Engine {
    /// A handle on call `call_id` (e.g. from an `incoming` event). It is not checked
    /// here: methods on a call that does not exist answer `UnknownCall`.
    pub fn call(&self, call_id: &str) -> Call {
        Call::new(self.link(), call_id.to_owned())
    }
}
