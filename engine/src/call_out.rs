//! The [`CallActor`](crate::call::CallActor)'s outgoing call (INVITE, ACK, CANCEL),
//! the hand-off of a confirmed dialog, incoming or outgoing, to an [`EstablishedCall`],
//! and what every machine sends: requests (through the UA core), ACKs, events.

use crate::call::{CallMsg, CallState, Machine};
use crate::call_media::local_media;
use crate::events::Event;
use ractor::ActorRef;
use switchboard_actors::admission::{EndReason, Side};
use switchboard_actors::call::{
    EstablishedCall, EstablishedConfig, OutgoingEvent, OutgoingInput, OutgoingOutput,
};
use switchboard_actors::sdp::{accept_answer, answer, SessionDescription};
use switchboard_actors::sip::{HeaderName, Message, Request};
use switchboard_actors::transaction::LayerMsg;
use switchboard_actors::vocab::Target;

impl CallState {
    /// Feeds the outgoing machine and carries out what it asks.
    pub(crate) async fn feed_out(
        &mut self,
        myself: &ActorRef<CallMsg>,
        input: Option<OutgoingInput>,
    ) {
        let Machine::Out(m) = &mut self.machine else {
            return;
        };
        if let Some(input) = input {
            m.handle(crate::call::now(), input);
        }
        let mut events = Vec::new();
        let mut outs = Vec::new();
        while let Some(out) = m.poll_output() {
            outs.push(out);
        }
        for out in outs {
            match out {
                OutgoingOutput::SendInvite(r) => {
                    self.invite_cseq = r.cseq().map_or(self.invite_cseq, |c| c.seq);
                    self.send_request(r)
                }
                OutgoingOutput::SendCancel(r) => {
                    self.cancel_sent = true;
                    self.send_request(r)
                }
                OutgoingOutput::SendBye(r) => self.send_request(r),
                OutgoingOutput::SendAck(r) => self.send_ack(r),
                OutgoingOutput::Event(e) => events.push(e),
                _ => {}
            }
        }
        for e in events {
            match e {
                OutgoingEvent::Calling => self.emit("calling", None, None),
                OutgoingEvent::Ringing {
                    status,
                    early_media,
                    sdp,
                } => {
                    // Early media (RFC 3960): the 18x's SDP tells where to send, and
                    // what arrives is the far end's ringback or announcement.
                    if let Some(sdp) = sdp.as_ref().and_then(|b| SessionDescription::parse(b).ok())
                    {
                        let n = self
                            .local_sdp
                            .as_ref()
                            .and_then(|o| accept_answer(o, &sdp).ok());
                        if let Some(n) = n {
                            self.apply_negotiated(&n, false);
                        }
                    }
                    self.emit_with("ringing", None, Some(status), None, Some(early_media))
                }
                OutgoingEvent::Confirmed { sdp, .. } => {
                    let negotiated = match (&self.local_sdp, SessionDescription::parse(&sdp)) {
                        (Some(ours), Ok(theirs)) => accept_answer(ours, &theirs).ok(),
                        _ => None,
                    };
                    if let Some(n) = &negotiated {
                        if !self.apply_negotiated(n, true) {
                            let unusable = switchboard_actors::media::MediaEvent::Unusable;
                            let _ = myself.cast(CallMsg::MediaEvent(unusable));
                        }
                    }
                    self.emit("confirmed", None, Some(200));
                    self.report(crate::call::Progress::Connected);
                    self.establish(negotiated);
                }
                OutgoingEvent::Ended { reason, status } => {
                    if status.is_none() && self.cancel_sent {
                        // No final response 64·T1 after our CANCEL: the INVITE
                        // transaction counts as terminated (RFC 3261 §9.1).
                        let call_id = self.call_id.clone();
                        let _ = self.ua.cast(crate::ua::UaMsg::AbandonInvite { call_id });
                    }
                    self.emit_end(reason, status);
                    self.machine = Machine::Done;
                }
                _ => {}
            }
        }
        self.settle(myself);
    }

    /// Hands the confirmed dialog to an [`EstablishedCall`].
    pub(crate) fn establish(&mut self, negotiated: Option<switchboard_actors::sdp::Negotiated>) {
        let (dialog, negotiated) = match &mut self.machine {
            Machine::In(m) => {
                let theirs = SessionDescription::parse(&m.invite().body).ok();
                let n = match (&theirs, &self.local_sdp) {
                    (Some(t), Some(o)) => {
                        let origin = o.origin.clone();
                        let local = local_media(
                            self.local_ip,
                            o.media.first().map_or(0, |x| x.port),
                            &self.media_settings,
                        );
                        answer(&origin, t, &local, None).negotiated
                    }
                    _ => None,
                };
                (m.take_dialog(), n)
            }
            Machine::Out(m) => (m.take_dialog(), negotiated),
            _ => (None, None),
        };
        let (Some(dialog), Some(sdp)) = (dialog, self.local_sdp.clone()) else {
            self.machine = Machine::Done;
            return;
        };
        if let Machine::Out(_) = &self.machine {
            if let Machine::Out(m) = std::mem::replace(&mut self.machine, Machine::Done) {
                self.late = Some(m);
            }
        }
        let port = sdp.media.first().map_or(0, |x| x.port);
        let cfg = EstablishedConfig::new(local_media(self.local_ip, port, &self.media_settings));
        let rng = rand::SeedableRng::seed_from_u64(rand::RngCore::next_u64(&mut self.rng));
        let call = EstablishedCall::new(dialog, sdp, negotiated, cfg, rng);
        self.machine = Machine::Up(Box::new(call));
        // An `inactive` or `recvonly` session sends nothing from the start.
        self.follow_direction();
    }

    /// A 2xx to our INVITE once the call is up: another fork's (ACK, then BYE) or a
    /// retransmission (ACK again), handled by the INVITE machine kept for it.
    pub(crate) fn late_2xx(&mut self, response: switchboard_actors::sip::Response) {
        let Some(m) = self.late.as_mut() else {
            return;
        };
        m.handle(crate::call::now(), OutgoingInput::Response(response));
        let mut outs = Vec::new();
        while let Some(out) = m.poll_output() {
            outs.push(out);
        }
        for out in outs {
            match out {
                OutgoingOutput::SendAck(r) => self.send_ack(r),
                OutgoingOutput::SendBye(r) => {
                    tracing::info!("a second fork answered: ACK and BYE it");
                    self.send_request(r)
                }
                _ => {}
            }
        }
    }

    /// Sends a 2xx ACK straight to the transport.
    pub(crate) fn send_ack(&mut self, ack: switchboard_actors::sip::Request) {
        let Some(target) = self.next_hop(&ack) else {
            return;
        };
        let message = Message::Request(ack);
        let _ = self.layer.cast(LayerMsg::SendStateless { message, target });
    }

    /// Reports the call's new `state`.
    pub(crate) fn emit(&mut self, state: &str, reason: Option<&str>, status: Option<u16>) {
        self.emit_with(state, reason, status, None, None);
    }

    /// Reports the call's end: admission's reason if it ended the call, else `reason`;
    /// a normal end names who hung up.
    pub(crate) fn emit_end(&mut self, reason: EndReason, status: Option<u16>) {
        let reason = self.end_override.take().unwrap_or(reason);
        let by = reason.by().map(|side| match side {
            Side::Local => "local",
            Side::Remote => "remote",
        });
        self.emit_with("ended", Some(reason.as_str()), status, by, None);
    }

    /// Reports `state` with every field.
    pub(crate) fn emit_with(
        &mut self,
        state: &str,
        reason: Option<&str>,
        status: Option<u16>,
        by: Option<&str>,
        early_media: Option<bool>,
    ) {
        self.publish(Event::Call {
            call_id: self.call_id.clone(),
            state: state.to_owned(),
            direction: if self.outgoing {
                "outgoing"
            } else {
                "incoming"
            }
            .to_owned(),
            remote: self.remote.clone(),
            display_name: None,
            asserted_identity: None,
            reason: reason.map(str::to_owned),
            status,
            by: by.map(str::to_owned),
            early_media,
            account: self.account.clone(),
            codec: self.cdr.codec_name().map(str::to_owned),
        });
    }

    /// Starts a client transaction for `request` through the UA core.
    pub(crate) fn send_request(&mut self, request: Request) {
        let Some(target) = self.next_hop(&request) else {
            tracing::warn!(method = %request.method, "no route for an in-call request");
            return;
        };
        let _ = self.ua.cast(crate::ua::UaMsg::SendForCall {
            request: Box::new(request),
            target,
            call_id: self.call_id.clone(),
        });
    }

    /// Where `request` goes: the first Route, else its Request-URI; an outgoing call's
    /// initial target while no dialog exists.
    pub(crate) fn next_hop(&self, request: &Request) -> Option<Target> {
        let route = request
            .headers
            .get(&HeaderName::Route)
            .map(|v| v.as_str().to_owned());
        let text = match route {
            Some(r) => r
                .split(',')
                .next()
                .unwrap_or_default()
                .trim()
                .trim_start_matches('<')
                .split('>')
                .next()
                .unwrap_or_default()
                .to_owned(),
            None => request.uri.to_string(),
        };
        match crate::outbound::parse_target(&text).and_then(|u| crate::outbound::resolve(&u)) {
            Ok(t) => Some(t),
            Err(_) => self.target.clone(),
        }
    }
}
