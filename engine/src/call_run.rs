//! The [`CallActor`](crate::call::CallActor)'s start (an outgoing call binds its
//! media for the offer) and the incoming call before its dialog is confirmed: ringing,
//! the answer with SDP (media spawned for the negotiated codec), the ACK.

use crate::call::{CallArgs, CallMsg, CallStart, CallState, Machine};
use crate::call_events::ended_event;
use crate::call_media::{base_config, local_media, negotiated_config, spawn_media};
use ractor::ActorRef;
use std::net::SocketAddr;
use switchboard_actors::call::{
    CallEvent, IncomingCall, Input, OutgoingCall, OutgoingInput, Output,
};
use switchboard_actors::sdp::{answer, offer, Origin, SessionDescription};
use switchboard_actors::sip::{HeaderName, NameAddr};
use switchboard_actors::transaction::LayerMsg;

/// The state a call actor starts in; an outgoing call binds its media first (the
/// offer names its port).
pub(crate) async fn initial(mut args: CallArgs, myself: &ActorRef<CallMsg>) -> CallState {
    let mut media = None;
    let mut local_sdp = None;
    let (machine, tx, target, outgoing) = match args.start {
        CallStart::Incoming { tx, invite, config } => {
            let m = IncomingCall::new(crate::call::now(), invite, config, &mut args.rng);
            (Machine::In(Box::new(m)), Some(tx), None, false)
        }
        CallStart::Outgoing { mut config, target } => {
            let nowhere = SocketAddr::new(unspecified(args.local_ip), 0);
            let now_ms = args.records.now_ms();
            let mut media_cfg = base_config(&args.media_settings, args.local_ip, nowhere, now_ms);
            media_cfg.held = !args.audio;
            let ends = crate::call_media::ends(args.device.as_ref(), args.audio_file.as_deref());
            let net = args.network.clone();
            let spawned = spawn_media(net, media_cfg, ends, &mut args.rng, myself).await;
            let port = spawned.as_ref().map_or(0, |(_, local)| local.port());
            media = spawned.map(|(m, _)| m);
            let origin = Origin::new_session(&mut args.rng, "switchboard", args.local_ip);
            let mut ours = local_media(args.local_ip, port, &args.media_settings);
            if !args.audio {
                ours.direction = switchboard_actors::sdp::Direction::Inactive;
            }
            let sdp = offer(&origin, &ours);
            config.offer = sdp.to_bytes().into();
            local_sdp = Some(sdp);
            let rng = rand::SeedableRng::seed_from_u64(rand::RngCore::next_u64(&mut args.rng));
            let m = OutgoingCall::new(crate::call::now(), *config, rng);
            (Machine::Out(Box::new(m)), None, Some(target), true)
        }
    };
    let (call_id, remote) = match &machine {
        Machine::In(m) => (m.call_id().to_owned(), m.caller().uri.clone()),
        Machine::Out(m) => (m.call_id().to_owned(), args.remote.clone()),
        _ => (String::new(), String::new()),
    };
    let direction = if outgoing { "outgoing" } else { "incoming" };
    let span = tracing::info_span!("call", call_id = %call_id, direction);
    let local = match &machine {
        Machine::In(m) => m
            .invite()
            .to()
            .map(|t| t.uri.to_string())
            .unwrap_or_default(),
        _ => args.account.clone().unwrap_or_else(|| args.contact.clone()),
    };
    let cdr = crate::cdr::CdrBuilder::new(
        call_id.clone(),
        if outgoing {
            crate::cdr::Direction::Outgoing
        } else {
            crate::cdr::Direction::Incoming
        },
        local,
        remote.clone(),
        args.account.clone(),
        args.records.now_ms(),
    );
    CallState {
        machine,
        call_id,
        outgoing,
        remote,
        tx,
        cancel_tx: None,
        server_txs: Default::default(),
        target,
        layer: args.layer,
        events: args.events,
        ua: args.ua,
        account: args.account,
        rng: args.rng,
        network: args.network,
        local_ip: args.local_ip,
        contact: args.contact,
        media,
        sending: args.audio,
        local_sdp,
        timer: Default::default(),
        status: None,
        span,
        admitted: args.admitted,
        silent: args.silent,
        switching: None,
        end_override: None,
        muted: false,
        remote_hold: false,
        records: args.records,
        media_settings: args.media_settings,
        device: None,
        late: None,
        invite_cseq: 0,
        hangup_pending: false,
        cancel_sent: false,
        cdr,
        recorded: false,
    }
}

fn unspecified(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V4(_) => std::net::Ipv4Addr::UNSPECIFIED.into(),
        std::net::IpAddr::V6(_) => std::net::Ipv6Addr::UNSPECIFIED.into(),
    }
}

impl CallState {
    /// Starts the machine: an incoming call rings; an outgoing one sends the INVITE.
    pub(crate) async fn begin(&mut self, myself: &ActorRef<CallMsg>) {
        if let Machine::Out(_) = self.machine {
            if self.media.is_none() {
                self.emit_end(
                    switchboard_actors::admission::EndReason::InternalError,
                    None,
                );
                self.machine = Machine::Done;
                return self.settle(myself);
            }
            if !self.admitted {
                return self.settle(myself); // waits for CallMsg::Proceed
            }
            self.emit("connecting", None, None);
            return self.feed_out(myself, Some(OutgoingInput::Start)).await;
        }
        if self.silent {
            let (id, remote, account) = (&self.call_id, &self.remote, self.account.clone());
            let missed = ended_event(id, remote, "missed", "call_limit", account);
            self.publish(missed);
            self.feed_in(myself, Some(Input::Ignore)).await;
            return;
        }
        self.feed_in(myself, None).await;
    }

    /// Feeds the incoming machine and carries out what it asks.
    pub(crate) async fn feed_in(&mut self, myself: &ActorRef<CallMsg>, input: Option<Input>) {
        let Machine::In(m) = &mut self.machine else {
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
                Output::Respond(response) => {
                    if response.status.is_final() {
                        self.status = Some(response.status.as_u16());
                    }
                    if let Some(id) = self.tx {
                        let _ = self.layer.cast(LayerMsg::SendResponse { id, response });
                    }
                }
                Output::CancelResponse(response) => {
                    if let Some(id) = self.cancel_tx.take() {
                        let _ = self.layer.cast(LayerMsg::SendResponse { id, response });
                    }
                }
                Output::SendRequest(request) => self.send_request(request),
                Output::Event(e) => events.push(e),
                _ => {}
            }
        }
        for e in events {
            let confirmed = e == CallEvent::Confirmed;
            let event = match &self.machine {
                _ if self.silent => continue, // reported missed when it arrived
                Machine::In(m) => match (self.end_override, &e) {
                    (Some(reason), CallEvent::Rejected(_)) => {
                        let account = self.account.clone();
                        let (id, from) = (m.call_id(), &m.caller().uri);
                        let mut ev = ended_event(id, from, "missed", reason.as_str(), account);
                        if let crate::events::Event::Call { status, .. } = &mut ev {
                            *status = self.status;
                        }
                        ev
                    }
                    _ => crate::call_events::call_event(m, e, self.status, self.account.clone()),
                },
                _ => continue,
            };
            self.publish(event);
            if confirmed {
                self.report(crate::call::Progress::Connected);
                self.establish(None);
            }
        }
        if let Machine::In(m) = &self.machine {
            if m.state().is_final()
                && !matches!(
                    m.state(),
                    switchboard_actors::call::IncomingState::Confirmed
                )
            {
                self.machine = Machine::Done;
            }
        }
        if self.hangup_pending && matches!(self.machine, Machine::Up(_)) {
            // The ACK came: the BYE the user asked for can go now (RFC 3261 §15).
            self.hangup_pending = false;
            crate::call::established(self, switchboard_actors::call::EstablishedInput::Hangup);
            return self.drain_up(myself);
        }
        self.settle(myself);
    }

    /// Answers the ringing call: media, SDP answer, 200.
    pub(crate) async fn answer(&mut self, myself: &ActorRef<CallMsg>) -> bool {
        let Machine::In(m) = &self.machine else {
            return false;
        };
        let Ok(theirs) = SessionDescription::parse(&m.invite().body) else {
            return false;
        };
        let origin = Origin::new_session(&mut self.rng, "switchboard", self.local_ip);
        let probe = answer(
            &origin,
            &theirs,
            &local_media(self.local_ip, 0, &self.media_settings),
            None,
        );
        let Some(negotiated) = probe.negotiated else {
            return false;
        };
        let now_ms = self.records.now_ms();
        let Ok(config) = negotiated_config(
            &self.media_settings,
            self.local_ip,
            &negotiated,
            now_ms,
            true,
        ) else {
            return false;
        };
        self.cdr.codec(codec_name(&negotiated));
        let ends = crate::call_media::ends(self.device.take().as_ref(), None);
        let net = self.network.clone();
        let spawned = spawn_media(net, config, ends, &mut self.rng, myself);
        let Some((media, local)) = spawned.await else {
            return false;
        };
        // Nothing to expect while either side holds (see `apply_negotiated`).
        if negotiated.remote_hold || !negotiated.local_direction.receives() {
            let _ = media.cast(crate::media::MediaMsg::RemoteHold(true));
        }
        // Nothing to send on an `inactive`/`sendonly` offer's stream (the media starts
        // held), not even while our 2xx waits for its ACK.
        self.sending = negotiated.local_direction.sends();
        self.media = Some(media);
        let ours = answer(
            &origin,
            &theirs,
            &local_media(self.local_ip, local.port(), &self.media_settings),
            None,
        );
        let Ok(contact) = NameAddr::parse_as(&HeaderName::Contact, &self.contact) else {
            return false;
        };
        let sdp_answer = ours.sdp.to_bytes().into();
        self.local_sdp = Some(ours.sdp);
        let input = Input::Answer {
            sdp_answer,
            local_contact: contact,
        };
        self.feed_in(myself, Some(input)).await;
        true
    }
}

/// `PCMU/8000`: the record's name for the negotiated codec.
pub(crate) fn codec_name(n: &switchboard_actors::sdp::Negotiated) -> String {
    format!("{}/{}", n.codec.encoding, n.codec.clock_rate)
}
