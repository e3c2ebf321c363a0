//! The UA as client: scenario commands, the requests they send, and the responses to
//! them (RFC 3261 §13.2 for INVITE: ringing, the 2xx ACKed by the UA and re-ACKed when
//! retransmitted, CANCEL only after a provisional response, §9.1).

use super::kit_addr::{resolve_target, Target};
use super::kit_msg::{build_request, cancel_for, new_branch, new_call_id, new_tag, RequestParts};
use super::kit_sdp::Direction;
use super::kit_tx::Transmit;
use super::ua::Ua;
use super::ua_call::{Call, Phase};
use super::{PeerCommand, PeerEvent};
use bytes::Bytes;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::{Host, Method, NameAddr, Param, SipUri, Uri};
use switchboard_actors::vocab::TransportKind;

impl Ua {
    pub(super) fn on_command(&mut self, now: Duration, cmd: PeerCommand) {
        match cmd {
            PeerCommand::SendOptions { to } => {
                if let Some(t) = self.command_target(&to) {
                    self.send_options(now, t);
                }
            }
            PeerCommand::Call { to } => {
                if let Some(t) = self.command_target(&to) {
                    self.place_call(now, t);
                }
            }
            PeerCommand::Hangup => {
                if let Some(id) = self.current_call() {
                    self.hangup(now, &id);
                }
            }
            PeerCommand::Reinvite { direction } => match Direction::parse(&direction) {
                Some(dir) => {
                    if let Some(id) = self.current_call() {
                        self.reinvite(now, &id, dir);
                    }
                }
                None => self.bad_command(format!("reinvite: unknown direction `{direction}`")),
            },
            PeerCommand::SendRaw { to, text } => {
                let transport = self.default_transport();
                let bytes = Bytes::from(text.into_bytes());
                self.tx.send_raw(Transmit {
                    transport,
                    to,
                    bytes,
                });
            }
            PeerCommand::Register => self.register(now),
            PeerCommand::Quiesce => {
                self.timers.cancel(&super::ua::UaTimer::Ping);
                self.timers.cancel(&super::ua::UaTimer::Register);
            }
            other => tracing::debug!(peer = %self.name, ?other, "command not for a UA"),
        }
    }

    pub(super) fn bad_command(&mut self, reason: String) {
        tracing::warn!(peer = %self.name, %reason, "bad command");
        self.emit(PeerEvent::Malformed {
            reason: format!("bad command: {reason}"),
        });
    }

    fn command_target(&mut self, to: &str) -> Option<Target> {
        match resolve_target(to, &self.directory, "to", self.proxy) {
            Ok(t) => Some(t),
            Err(e) => {
                self.bad_command(e.to_string());
                None
            }
        }
    }

    /// Where an out-of-dialog request to `t` goes first: the proxy when there is one.
    fn first_hop(&self, t: &Target) -> (TransportKind, SocketAddr) {
        (t.transport, self.proxy.unwrap_or(t.addr))
    }

    /// Our address of record as a From, with a fresh tag.
    pub(super) fn our_from(&mut self) -> NameAddr {
        let host = Host::Domain(self.domain.as_str().into());
        let mut uri = SipUri::new(Some(&self.cfg.user), host, None);
        if self.profile.user_phone {
            uri.params.push(Param::new("user", Some("phone")));
        }
        let mut from = NameAddr::new(Uri::Sip(uri));
        from.set_param("tag", Some(&new_tag(&mut self.rng)));
        from
    }

    fn send_options(&mut self, now: Duration, t: Target) {
        let hop = self.first_hop(&t);
        let from = self.our_from();
        let to = NameAddr::new(t.uri.clone());
        let call_id = new_call_id(&mut self.rng, &self.local.ip().to_string());
        let branch = new_branch(&mut self.rng);
        self.cseq += 1;
        let parts = RequestParts {
            method: Method::Options,
            uri: t.uri,
            from: &from,
            to: &to,
            call_id: &call_id,
            cseq: self.cseq,
            contact: None,
            routes: &[],
        };
        let req = build_request(&parts, hop.0, self.local, &branch);
        self.send_request(now, req, hop);
    }

    /// Sends an INVITE with an SDP offer and tracks the call.
    pub(super) fn place_call(&mut self, now: Duration, t: Target) {
        let hop = self.first_hop(&t);
        let from = self.our_from();
        let to = NameAddr::new(t.uri.clone());
        let call_id = new_call_id(&mut self.rng, &self.local.ip().to_string());
        let branch = new_branch(&mut self.rng);
        let contact = self.contact(hop.0);
        let parts = RequestParts {
            method: Method::Invite,
            uri: t.uri.clone(),
            from: &from,
            to: &to,
            call_id: &call_id,
            cseq: 1,
            contact: Some(&contact),
            routes: &[],
        };
        let mut req = build_request(&parts, hop.0, self.local, &branch);
        req.set_body(
            "application/sdp",
            self.sdp.offer(Direction::SendRecv).into(),
        );
        self.call_seq += 1;
        let call = Call {
            seq: self.call_seq,
            uac: true,
            phase: Phase::Calling,
            local: from,
            remote: to,
            target: t.uri,
            routes: Vec::new(),
            cseq: 1,
            flow: hop,
            invite: req.clone(),
            ack: None,
            cancel_pending: false,
            cancelled: false,
            held: false,
            planned: None,
            reinvite: None,
            auth_tries: 0,
        };
        self.calls.insert(call_id.clone(), call);
        self.send_request(now, req, hop);
        self.call_state(&call_id, "calling", None);
    }

    pub(super) fn send_cancel(&mut self, now: Duration, call_id: &str) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        call.cancel_pending = false;
        call.cancelled = true;
        let (req, flow) = (cancel_for(&call.invite), call.flow);
        self.send_request(now, req, flow);
    }

    /// Sends a re-INVITE offering `dir` in a confirmed call.
    pub(super) fn reinvite(&mut self, now: Duration, call_id: &str, dir: Direction) {
        let ok = self
            .calls
            .get(call_id)
            .is_some_and(|c| c.phase == Phase::Confirmed && c.reinvite.is_none());
        if !ok {
            return;
        }
        let offer = self.sdp.offer(dir);
        let Some((mut req, hop)) = self.dialog_request(call_id, Method::Invite, None) else {
            return;
        };
        req.set_body("application/sdp", offer.into());
        if let Some(c) = self.calls.get_mut(call_id) {
            c.reinvite = Some(dir);
        }
        self.send_request(now, req, hop);
    }
}
