//! Building requests inside a dialog (RFC 3261 §12.2.1.1) and the ACK for a 2xx
//! (§13.2.2.4).

use super::{is_target_refresh, Dialog, DialogError, DialogState};
use crate::sip::headers::via::MAGIC_COOKIE;
use crate::sip::{HeaderName, Method, NameAddr, Request, Response, Uri};
use rand::RngCore;

/// The largest CSeq number (RFC 3261 §8.1.1.5: below 2**31).
const MAX_CSEQ: u32 = (1 << 31) - 1;

/// A URI usable as a Request-URI: without `?headers` and the `method` parameter
/// (RFC 3261 §19.1.1, table 1), for strict routing.
fn as_request_uri(uri: &Uri) -> Uri {
    match uri {
        Uri::Sip(u) => {
            let mut u = u.clone();
            u.headers = None;
            u.params.retain(|p| !p.name.eq_ignore_ascii_case("method"));
            Uri::Sip(u)
        }
        other => other.clone(),
    }
}

/// A Via template with its `branch` parameter replaced by (or extended with) `branch`.
fn with_branch(via: &str, branch: &str) -> String {
    let mut parts: Vec<String> = via
        .split(';')
        .filter(|p| !p.trim().to_ascii_lowercase().starts_with("branch="))
        .map(str::to_owned)
        .collect();
    parts.push(format!("branch={branch}"));
    parts.join(";")
}

fn is_loose(route: &NameAddr) -> bool {
    match &route.uri {
        Uri::Sip(u) => u.param("lr").is_some(),
        Uri::Absolute(_) => false,
    }
}

impl Dialog {
    /// Request-URI and Route values (RFC 3261 §12.2.1.1): the remote target and the
    /// route set when its first hop is a loose router (`;lr`) or it is empty; else (a
    /// strict router) the first route as Request-URI, then the rest of the route set
    /// and the remote target as the last Route.
    fn destination(&self) -> (Uri, Vec<String>) {
        match self.route_set.split_first() {
            Some((first, rest)) if !is_loose(first) => {
                let mut routes: Vec<String> = rest.iter().map(ToString::to_string).collect();
                routes.push(format!("<{}>", self.remote_target));
                (as_request_uri(&first.uri), routes)
            }
            _ => (
                self.remote_target.clone(),
                self.route_set.iter().map(ToString::to_string).collect(),
            ),
        }
    }

    /// The headers every request in the dialog starts with: Via (open branch),
    /// Max-Forwards, Route, From, To, Call-ID, then `CSeq: seq method`.
    fn skeleton(&self, method: Method, seq: u32) -> Request {
        let (uri, routes) = self.destination();
        let mut req = Request::new(method.clone(), uri);
        let h = &mut req.headers;
        h.push(HeaderName::Via, self.via.clone());
        h.push(HeaderName::MaxForwards, "70");
        for r in routes {
            h.push(HeaderName::Route, r);
        }
        let mut from = self.local_uri.clone();
        from.set_param("tag", Some(&self.id.local_tag));
        h.push(HeaderName::From, from.to_string());
        let mut to = self.remote_uri.clone();
        to.set_param("tag", Some(&self.id.remote_tag));
        h.push(HeaderName::To, to.to_string());
        h.push(HeaderName::CallId, self.id.call_id.clone());
        h.push(HeaderName::CSeq, format!("{seq} {method}"));
        req
    }

    /// A new request in the dialog (RFC 3261 §12.2.1.1): the next local CSeq, From and
    /// To with the tags, Call-ID, Route per the route set, our Contact on target
    /// refresh methods, and a top Via whose `branch=z9hG4bK` the transaction layer
    /// completes. The caller adds the body and Content-Length. Fails on a terminated
    /// dialog, for ACK and CANCEL, and when the CSeq space is used up.
    pub fn request(&mut self, method: Method) -> Result<Request, DialogError> {
        if self.state == DialogState::Terminated {
            return Err(DialogError::Terminated);
        }
        if matches!(method, Method::Ack | Method::Cancel) {
            return Err(DialogError::WrongMethod(method));
        }
        let seq = self.local_cseq;
        if seq > MAX_CSEQ {
            return Err(DialogError::CSeqExhausted);
        }
        self.local_cseq = seq + 1;
        let refresh = is_target_refresh(&method);
        let mut req = self.skeleton(method, seq);
        if refresh {
            req.headers
                .push(HeaderName::Contact, self.local_contact.to_string());
        }
        Ok(req)
    }

    /// The ACK for `response`, a 2xx to `invite` (RFC 3261 §13.2.2.4): built like an
    /// in-dialog request but with the INVITE's CSeq number, the INVITE's credentials,
    /// and no CSeq increment. Its Via branch is left open (`z9hG4bK`): an ACK for a 2xx
    /// is its own transaction, so the sender completes it. Feed the 2xx to
    /// [`Dialog::recv_response`] first so the remote target is current.
    pub fn ack_for_2xx(
        &self,
        invite: &Request,
        response: &Response,
    ) -> Result<Request, DialogError> {
        if !response.status.is_success() || response.to()?.tag() != Some(&self.id.remote_tag) {
            return Err(DialogError::NoDialog);
        }
        if response.call_id()? != self.id.call_id {
            return Err(DialogError::NoDialog);
        }
        let seq = invite.cseq()?.seq;
        let answered = response.cseq()?;
        if answered.method != Method::Invite || answered.seq != seq {
            return Err(DialogError::NotOurInvite);
        }
        let mut ack = self.skeleton(Method::Ack, seq);
        for name in [HeaderName::Authorization, HeaderName::ProxyAuthorization] {
            for v in invite.headers.get_all(&name) {
                ack.headers.push(name.clone(), v.clone());
            }
        }
        Ok(ack)
    }

    /// The ACK to send for `response`, a 2xx to `invite`, with its branch completed
    /// from `rng`. A retransmission of a 2xx already ACKed (same CSeq number) gets the
    /// very same ACK again (RFC 3261 §13.2.2.4, RFC 6026 §8.4): the UAC core, not a
    /// transaction, answers each 2xx.
    pub fn acknowledge(
        &mut self,
        invite: &Request,
        response: &Response,
        rng: &mut impl RngCore,
    ) -> Result<Request, DialogError> {
        let seq = response.cseq()?.seq;
        if let Some((acked, ack)) = &self.last_ack {
            if *acked == seq && response.to()?.tag() == Some(&self.id.remote_tag) {
                return Ok(ack.clone());
            }
        }
        let mut ack = self.ack_for_2xx(invite, response)?;
        let branch = format!(
            "{MAGIC_COOKIE}{:016x}{:08x}",
            rng.next_u64(),
            rng.next_u32()
        );
        ack.headers
            .set(HeaderName::Via, with_branch(&self.via, &branch));
        self.last_ack = Some((seq, ack.clone()));
        Ok(ack)
    }
}
