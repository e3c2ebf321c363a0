//! The [`CallActor`](crate::call::CallActor)'s messages once running: timers, routed
//! requests and transaction events, the embedder's commands, and the established
//! call's outputs (requests through the UA core, responses, ACKs, events).

use crate::call::{established, CallCommand, CallMsg, CallState, Machine, Progress};
use crate::error::EngineError;
use crate::media::MediaMsg;
use ractor::ActorRef;
use switchboard_actors::call::{
    EstablishedInput, EstablishedOutput, InCallEvent, Input, OutgoingInput,
};
use switchboard_actors::sdp::HoldKind;
use switchboard_actors::sip::Method;
use switchboard_actors::transaction::{LayerMsg, TxEvent};

impl CallState {
    /// The machine's timer fired.
    pub(crate) async fn on_timer(&mut self, myself: &ActorRef<CallMsg>) {
        let input = match self.machine {
            Machine::In(_) => Routed::In(Input::Timer),
            Machine::Out(_) => Routed::Out(OutgoingInput::Timer),
            _ => Routed::Up(EstablishedInput::Timer),
        };
        self.run(myself, input).await;
    }

    async fn run(&mut self, myself: &ActorRef<CallMsg>, input: Routed) {
        match input {
            Routed::In(i) => self.feed_in(myself, Some(i)).await,
            Routed::Out(i) => self.feed_out(myself, Some(i)).await,
            Routed::Up(i) => {
                established(self, i);
                self.drain_up(myself);
            }
        }
    }

    /// A routed message.
    pub(crate) async fn on_msg(&mut self, myself: &ActorRef<CallMsg>, msg: CallMsg) {
        let Some(msg) = self.on_gate(myself, msg).await else {
            return;
        };
        let input = match (msg, &self.machine) {
            (CallMsg::Cancel { id, request }, Machine::In(_)) => {
                self.cancel_tx = Some(id);
                Routed::In(Input::Cancel(request))
            }
            (CallMsg::Reject { code, reply }, Machine::In(_)) => {
                let _ = reply.send(Ok(()));
                Routed::In(Input::Reject(code))
            }
            (CallMsg::Reject { reply, .. }, _) => {
                let _ = reply.send(Err(self.bad_state()));
                return;
            }
            (CallMsg::Tx(TxEvent::Ack(ack)) | CallMsg::Ack(ack), Machine::In(_)) => {
                Routed::In(Input::Ack(ack))
            }
            (CallMsg::Tx(TxEvent::Ack(ack)) | CallMsg::Ack(ack), Machine::Up(_)) => {
                Routed::Up(EstablishedInput::Request(ack))
            }
            (
                CallMsg::Tx(TxEvent::TransportError | TxEvent::InternalError | TxEvent::Terminated),
                Machine::In(_),
            ) => Routed::In(Input::TransactionFailed),
            (CallMsg::InDialog { id, request }, Machine::Up(_)) => {
                if let Ok(c) = request.cseq() {
                    self.server_txs.insert(c.seq, id);
                }
                Routed::Up(EstablishedInput::Request(request))
            }
            (CallMsg::InDialog { id, request }, Machine::In(m))
                if request.method == Method::Bye
                    && m.state() == switchboard_actors::call::IncomingState::Answered =>
            {
                // The caller hangs up before its ACK reached us: the dialog exists since
                // our 2xx, so the BYE ends it (RFC 3261 §15.1.2), and our 2xx stops.
                let response = switchboard_actors::sip::Response::to_request(
                    &request,
                    switchboard_actors::sip::StatusCode::OK,
                );
                let _ = self.layer.cast(LayerMsg::SendResponse { id, response });
                let by = switchboard_actors::admission::Side::Remote;
                self.emit_end(
                    switchboard_actors::admission::EndReason::Normal { by },
                    None,
                );
                self.machine = Machine::Done;
                self.settle(myself);
                return;
            }
            (CallMsg::InDialog { id, request }, _) => {
                let mut response = switchboard_actors::sip::Response::to_request(
                    &request,
                    switchboard_actors::sip::StatusCode::CALL_DOES_NOT_EXIST,
                );
                crate::responder::tag_to(&request, &mut response, &mut self.rng);
                let _ = self.layer.cast(LayerMsg::SendResponse { id, response });
                return;
            }
            (CallMsg::ClientTx { event, .. }, Machine::Out(_)) => match event {
                TxEvent::Response(r) => Routed::Out(OutgoingInput::Response(r)),
                TxEvent::Timeout => Routed::Out(OutgoingInput::Timeout),
                TxEvent::TransportError | TxEvent::InternalError => {
                    Routed::Out(OutgoingInput::TransportError)
                }
                _ => return,
            },
            (
                CallMsg::ClientTx {
                    cseq,
                    method: Method::Invite,
                    event: TxEvent::Response(r),
                },
                Machine::Up(_),
            ) if cseq <= self.invite_cseq && r.status.is_success() => {
                self.late_2xx(r);
                return;
            }
            (CallMsg::ClientTx { cseq, event, .. }, Machine::Up(_)) => match event {
                TxEvent::Response(r) => Routed::Up(EstablishedInput::Response(r)),
                TxEvent::Timeout | TxEvent::TransportError | TxEvent::InternalError => {
                    Routed::Up(EstablishedInput::RequestFailed { cseq })
                }
                _ => return,
            },
            _ => return,
        };
        self.run(myself, input).await;
    }

    /// The embedder's command.
    pub(crate) async fn command(
        &mut self,
        myself: &ActorRef<CallMsg>,
        command: CallCommand,
    ) -> Result<(), EngineError> {
        let input = match (command, &self.machine) {
            (CallCommand::UseDevice(device), Machine::In(_)) => {
                self.device = Some(device);
                return Ok(());
            }
            (CallCommand::Answer, Machine::In(_)) => {
                return match self.answer(myself).await {
                    true => Ok(()),
                    false => Err(self.bad_state()),
                };
            }
            (CallCommand::Hangup, Machine::Out(_)) => {
                self.feed_out(myself, Some(OutgoingInput::CancelRequested))
                    .await;
                return Ok(());
            }
            (CallCommand::Hangup, Machine::In(m))
                if m.state() == switchboard_actors::call::IncomingState::Answered =>
            {
                // Our 2xx waits for its ACK: a UAS must not BYE before it (RFC 3261
                // §15); the BYE goes once the ACK arrives (or the call fails without it).
                self.hangup_pending = true;
                return Ok(());
            }
            (CallCommand::Hangup, Machine::In(_)) => {
                self.feed_in(myself, Some(Input::Reject(603))).await;
                return Ok(());
            }
            (CallCommand::Feedback(f), _) => {
                self.feedback(f);
                return Ok(());
            }
            (CallCommand::Ignore, Machine::In(_)) => {
                self.feed_in(myself, Some(Input::Ignore)).await;
                return Ok(());
            }
            (CallCommand::Hangup, Machine::Up(_)) => EstablishedInput::Hangup,
            (CallCommand::Hold, Machine::Up(_)) => {
                self.switching = Some(Progress::HoldDone);
                EstablishedInput::Hold(HoldKind::SendOnly)
            }
            (CallCommand::Resume, Machine::Up(_)) => {
                self.switching = Some(Progress::ResumeDone);
                EstablishedInput::Resume
            }
            (CallCommand::Dtmf(d), Machine::Up(m)) => {
                if self.dtmf_in_band(m.negotiated(), &d) {
                    return Ok(());
                }
                EstablishedInput::SendDtmf(d)
            }
            (CallCommand::Mute, Machine::Up(_)) => EstablishedInput::Mute,
            (CallCommand::Unmute, Machine::Up(_)) => EstablishedInput::Unmute,
            (c @ (CallCommand::Mute | CallCommand::Unmute), Machine::Out(_)) => {
                self.set_muted(matches!(c, CallCommand::Mute));
                return Ok(());
            }
            _ => return Err(self.bad_state()),
        };
        established(self, input);
        self.drain_up(myself);
        Ok(())
    }

    fn bad_state(&self) -> EngineError {
        EngineError::UnknownCall {
            call_id: self.call_id.clone(),
        }
    }

    /// Carries out the established call's outputs.
    pub(crate) fn drain_up(&mut self, myself: &ActorRef<CallMsg>) {
        let mut outs = Vec::new();
        if let Machine::Up(m) = &mut self.machine {
            while let Some(o) = m.poll_output() {
                outs.push(o);
            }
        }
        for out in outs {
            match out {
                EstablishedOutput::SendRequest(r) => self.send_request(r),
                EstablishedOutput::SendAck(r) => self.send_ack(r),
                EstablishedOutput::SendResponse { to, response } => {
                    // A 2xx to a re-INVITE is retransmitted until the ACK, through its
                    // transaction (RFC 6026 Accepted state): keep the id for those.
                    let again = to.method == Method::Invite && response.status.is_success();
                    let seq = to.cseq().ok().map(|c| c.seq);
                    let id = match seq {
                        Some(seq) if again => self.server_txs.get(&seq).copied(),
                        Some(seq) => self.server_txs.remove(&seq),
                        None => None,
                    };
                    if let Some(id) = id {
                        let response = *response;
                        let _ = self.layer.cast(LayerMsg::SendResponse { id, response });
                    }
                }
                EstablishedOutput::Event(e) => self.in_call(myself, e),
                EstablishedOutput::AbandonReinvite => {
                    let call_id = self.call_id.clone();
                    let _ = self.ua.cast(crate::ua::UaMsg::AbandonInvite { call_id });
                }
                _ => {}
            }
        }
        self.follow_direction();
        self.settle(myself);
    }

    /// Media sends only when the negotiated direction lets us (sendrecv/sendonly).
    pub(crate) fn follow_direction(&mut self) {
        let Machine::Up(m) = &self.machine else {
            return;
        };
        let sends = m.negotiated().is_none_or(|n| n.local_direction.sends());
        if sends != self.sending {
            self.sending = sends;
            if let Some(media) = &self.media {
                let _ = media.cast(if sends {
                    MediaMsg::Resume
                } else {
                    MediaMsg::Hold
                });
            }
        }
    }

    fn in_call(&mut self, myself: &ActorRef<CallMsg>, e: InCallEvent) {
        match e {
            InCallEvent::Held(_) => {
                self.emit("held", None, None);
                self.settled_switch(true);
            }
            InCallEvent::Resumed => {
                self.emit("resumed", None, None);
                self.settled_switch(true);
            }
            InCallEvent::ReinviteFailed(status) => {
                let state = match self.switching {
                    Some(Progress::HoldDone) => "hold_failed",
                    Some(Progress::ResumeDone) => "resume_failed",
                    _ => "reinvite_failed",
                };
                self.emit(state, None, Some(status));
                self.settled_switch(false);
            }
            InCallEvent::RemoteHold => {
                self.remote_hold = true;
                self.emit("remote_hold", None, None);
            }
            InCallEvent::RemoteResume => {
                self.remote_hold = false;
                self.emit("remote_resume", None, None);
            }
            InCallEvent::Muted => self.set_muted(true),
            InCallEvent::Unmuted => self.set_muted(false),
            InCallEvent::DtmfReceived(d) => self.emit("dtmf", Some(&d.to_string()), None),
            InCallEvent::Relocated => self.emit("relocated", None, None),
            InCallEvent::MediaChanged(n) if !self.apply_negotiated(&n, true) => {
                let unusable = switchboard_actors::media::MediaEvent::Unusable;
                let _ = myself.cast(CallMsg::MediaEvent(unusable));
            }
            InCallEvent::Ended { reason, status } => {
                self.emit_end(reason, status);
                self.machine = Machine::Done;
            }
            _ => {}
        }
    }
}

impl CallState {
    /// Mutes or unmutes our audio and reports it.
    fn set_muted(&mut self, muted: bool) {
        if muted == self.muted {
            return;
        }
        self.muted = muted;
        if let Some(m) = &self.media {
            let _ = m.cast(if muted {
                MediaMsg::Mute
            } else {
                MediaMsg::Unmute
            });
        }
        self.emit(if muted { "muted" } else { "unmuted" }, None, None);
    }
}

/// An input for whichever machine runs.
enum Routed {
    In(Input),
    Out(OutgoingInput),
    Up(EstablishedInput),
}
