//! A UA's calls: dialog state (RFC 3261 §12), in-dialog requests, ending a call.
//!
//! In-dialog requests go to the first Route when there is a route set, otherwise back
//! along the flow the dialog was made on (where the INVITE came from, or where it was
//! sent) — the way a UA behind or facing a NAT keeps reaching its peer.

use super::kit_addr::{uri_addr, uri_transport};
use super::kit_msg::{build_request, new_branch, sip_uri, RequestParts};
use super::kit_sdp::Direction;
use super::ua::{Ua, UaTimer};
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::{Method, NameAddr, Request, Uri};
use switchboard_actors::vocab::TransportKind;

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// UAC: INVITE sent, nothing back yet.
    Calling,
    /// A provisional response was sent or received.
    Early,
    /// UAS: 2xx sent, waiting for the ACK.
    Answered,
    /// ACKed.
    Confirmed,
    /// Over.
    Ended,
}

/// One call (dialog) of a UA.
#[derive(Debug, Clone)]
pub(super) struct Call {
    /// Order of creation (the latest live call is the one commands act on).
    pub seq: u64,
    /// We sent the INVITE.
    pub uac: bool,
    pub phase: Phase,
    /// Our side, with our tag.
    pub local: NameAddr,
    /// Their side (with their tag once known).
    pub remote: NameAddr,
    /// Their Contact: the Request-URI of in-dialog requests.
    pub target: Uri,
    pub routes: Vec<NameAddr>,
    /// Our last CSeq in this dialog.
    pub cseq: u32,
    /// The flow the dialog was made on.
    pub flow: (TransportKind, SocketAddr),
    /// UAC: the INVITE sent; UAS: the INVITE received.
    pub invite: Request,
    /// UAC: the ACK of the 2xx, re-sent when the 2xx is retransmitted.
    pub ack: Option<Request>,
    /// UAC: hung up before any provisional response; CANCEL on the first one.
    pub cancel_pending: bool,
    /// UAC: CANCEL sent.
    pub cancelled: bool,
    /// Held by the remote side's last offer.
    pub held: bool,
    /// UAS: the final status the `Final` timer sends (200 answers).
    pub planned: Option<u16>,
    /// UAC: the direction of our outstanding re-INVITE.
    pub reinvite: Option<Direction>,
    /// How many times the INVITE was re-sent with credentials (401/407).
    pub auth_tries: u8,
}

impl Ua {
    /// The latest call that is not over.
    pub(super) fn current_call(&self) -> Option<String> {
        self.calls
            .iter()
            .filter(|(_, c)| c.phase != Phase::Ended)
            .max_by_key(|(_, c)| c.seq)
            .map(|(id, _)| id.clone())
    }

    /// The next hop for in-dialog requests.
    pub(super) fn dialog_hop(&self, call: &Call) -> (TransportKind, SocketAddr) {
        if let Some(Uri::Sip(first)) = call.routes.first().map(|r| &r.uri) {
            if let Some(addr) = uri_addr(first, &self.directory) {
                return (uri_transport(first), addr);
            }
        }
        call.flow
    }

    /// Our Contact on a flow of `transport`.
    pub(super) fn contact(&self, transport: TransportKind) -> NameAddr {
        NameAddr::new(Uri::Sip(sip_uri(
            Some(&self.cfg.user),
            self.local,
            transport,
        )))
    }

    /// A request inside the dialog `call_id`: `cseq` given for ACK, else the next one.
    pub(super) fn dialog_request(
        &mut self,
        call_id: &str,
        method: Method,
        cseq: Option<u32>,
    ) -> Option<(Request, (TransportKind, SocketAddr))> {
        let call = self.calls.get(call_id)?;
        let hop = self.dialog_hop(call);
        let contact = self.contact(hop.0);
        let branch = new_branch(&mut self.rng);
        let call = self.calls.get_mut(call_id)?;
        let seq = match cseq {
            Some(s) => s,
            None => {
                call.cseq += 1;
                call.cseq
            }
        };
        let with_contact = matches!(method, Method::Invite);
        let parts = RequestParts {
            method,
            uri: call.target.clone(),
            from: &call.local,
            to: &call.remote,
            call_id,
            cseq: seq,
            contact: with_contact.then_some(&contact),
            routes: &call.routes,
        };
        Some((build_request(&parts, hop.0, self.local, &branch), hop))
    }

    /// Marks a call over and reports why.
    pub(super) fn end_call(&mut self, call_id: &str, reason: &str) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        if call.phase == Phase::Ended {
            return;
        }
        call.phase = Phase::Ended;
        let id = call_id.to_owned();
        self.timers.cancel_where(|t| {
            matches!(t, UaTimer::Final(c) | UaTimer::Hangup(c) | UaTimer::Reinvite(c)
                | UaTimer::ReinviteRetry(c, _) if *c == id)
        });
        self.call_state(call_id, "ended", Some(reason.to_owned()));
    }

    /// The call is confirmed: report it and arm the configured hangup / re-INVITE.
    pub(super) fn confirmed(&mut self, now: Duration, call_id: &str) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        call.phase = Phase::Confirmed;
        self.call_state(call_id, "confirmed", None);
        if let Some(after) = self.cfg.hangup_after {
            self.timers
                .set(now + after.0, UaTimer::Hangup(call_id.to_owned()));
        }
        if let Some(after) = self.cfg.reinvite_after {
            self.timers
                .set(now + after.0, UaTimer::Reinvite(call_id.to_owned()));
        }
    }

    /// Hangs up: BYE when confirmed (or answered), CANCEL when early as caller, 603 when
    /// ringing as callee.
    pub(super) fn hangup(&mut self, now: Duration, call_id: &str) {
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        match (call.phase, call.uac) {
            (Phase::Ended, _) => {}
            (Phase::Confirmed | Phase::Answered, _) => {
                if let Some((bye, hop)) = self.dialog_request(call_id, Method::Bye, None) {
                    self.send_request(now, bye, hop);
                }
                self.end_call(call_id, "hangup");
            }
            (Phase::Calling, true) => {
                if let Some(c) = self.calls.get_mut(call_id) {
                    c.cancel_pending = true;
                }
            }
            (Phase::Early, true) => self.send_cancel(now, call_id),
            (_, false) => self.finish_incoming(now, call_id, 603, "declined"),
        }
    }

    /// Timer B/F: an INVITE never answered ends the call; an in-dialog request timing
    /// out ends it too (RFC 3261 §12.2.1.2); REGISTER is retried later.
    pub(super) fn on_tx_timeout(&mut self, now: Duration, method: &Method, call_id: &str) {
        match method {
            Method::Register => self.registration_failed(now, None),
            Method::Invite | Method::Bye | Method::Info => self.end_call(call_id, "timeout"),
            _ => {}
        }
    }

    /// A request could not be sent at all: like a 503 (RFC 3261 §8.1.3.1).
    pub(super) fn on_transport_error(&mut self, now: Duration, method: &Method, call_id: &str) {
        match method {
            Method::Register => self.registration_failed(now, None),
            Method::Invite | Method::Bye | Method::Info => {
                self.end_call(call_id, "transport error")
            }
            _ => {}
        }
    }

    /// Our final response to INVITE got no ACK: a 2xx means the dialog is dead (BYE it).
    pub(super) fn on_ack_timeout(&mut self, now: Duration, call_id: &str) {
        if self.calls.get(call_id).map(|c| c.phase) == Some(Phase::Answered) {
            if let Some((bye, hop)) = self.dialog_request(call_id, Method::Bye, None) {
                self.send_request(now, bye, hop);
            }
            self.end_call(call_id, "no ack");
        }
    }
}
