//! The stateless proxy core shared by the registrar and the push backend: answering,
//! addresses, and the output queue. Receiving is in `proxy_receive`, forwarding in
//! `proxy_forward`, the location service in `location`.
//!
//! Stateless per RFC 3261 §16.11: nothing is kept per transaction, a retransmission is
//! simply handled again, and every branch and To tag is derived from the request so the
//! retransmission gets the same one.

use super::location::Location;
use super::{PeerContext, PeerEvent, PeerOutput};
use bytes::Bytes;
use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use switchboard_actors::sip::uri::SipUri;
use switchboard_actors::sip::{
    HeaderName, HeaderValue, Headers, Host, Method, ParseLimits, Request, Response, StatusCode,
};
use switchboard_actors::vocab::TransportKind;

/// Where a message goes next: a transport and an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hop {
    /// How.
    pub transport: TransportKind,
    /// Where.
    pub addr: SocketAddr,
}

/// A request as received, its top Via stamped with `received`/`rport`.
#[derive(Debug, Clone)]
pub(crate) struct Incoming {
    /// The transport and source address it came from.
    pub source: Hop,
    /// The request.
    pub req: Request,
    /// The sender is reachable only through the flow its request came on (a NAT, rport,
    /// or a connection-oriented transport), not at its Via sent-by or Contact.
    pub use_flow: bool,
}

/// The parts of a stateless SIP element both the registrar and push backend use.
pub(crate) struct ProxyCore {
    /// Identity, directory and randomness.
    pub ctx: PeerContext,
    /// The domain it serves.
    pub domain: String,
    /// Who is registered where.
    pub location: Location,
    /// Send nothing (the NoAnswer failure mode); events still go out.
    pub mute: bool,
    out: VecDeque<PeerOutput>,
    pub(super) seen: VecDeque<u64>,
    pub(super) limits: ParseLimits,
}

impl ProxyCore {
    /// A core for `domain`.
    pub fn new(ctx: PeerContext, domain: &str) -> ProxyCore {
        ProxyCore {
            ctx,
            domain: domain.to_owned(),
            location: Location::default(),
            mute: false,
            out: VecDeque::new(),
            seen: VecDeque::new(),
            limits: ParseLimits::default(),
        }
    }

    /// The next output.
    pub fn pop(&mut self) -> Option<PeerOutput> {
        self.out.pop_front()
    }

    /// Queues an output.
    pub fn push(&mut self, output: PeerOutput) {
        self.out.push_back(output);
    }

    /// Queues an event.
    pub fn emit(&mut self, event: PeerEvent) {
        self.out.push_back(PeerOutput::Event(event));
    }

    /// Queues bytes for `hop`.
    pub fn send(&mut self, hop: Hop, bytes: Bytes) {
        if self.mute {
            return;
        }
        self.out.push_back(PeerOutput::Send {
            transport: hop.transport,
            to: hop.addr,
            bytes,
        });
    }

    /// The address of record of a user of this domain.
    pub fn aor(&self, user: &str) -> String {
        format!("sip:{user}@{}", self.domain)
    }

    /// Answers `inc` statelessly with `status` to where it came from (RFC 3261 §18.2.2
    /// with RFC 3581), after `edit` adds headers. A To tag derived from the request is
    /// added when it has none, so a retransmission gets the same one.
    pub fn reply(&mut self, inc: &Incoming, status: StatusCode, edit: impl FnOnce(&mut Response)) {
        let bytes = self.response_bytes(&inc.req, status, edit);
        self.send(inc.source, bytes);
        self.emit(PeerEvent::ResponseSent {
            method: inc.req.method.as_str().to_owned(),
            status: status.as_u16(),
        });
    }

    /// The wire form of a response to `req` (see [`ProxyCore::reply`]).
    pub fn response_bytes(
        &self,
        req: &Request,
        status: StatusCode,
        edit: impl FnOnce(&mut Response),
    ) -> Bytes {
        let mut resp = Response::to_request(req, status);
        if status != StatusCode::TRYING {
            if let Ok(to) = req.to() {
                if to.tag().is_none() {
                    let mut to = to;
                    to.set_param("tag", Some(&self.tag_for(req)));
                    resp.headers
                        .set(HeaderName::To, HeaderValue::from_string(to.to_string()));
                }
            }
        }
        edit(&mut resp);
        resp.headers.set(
            HeaderName::ContentLength,
            HeaderValue::from_string(resp.body.len().to_string()),
        );
        resp.to_bytes()
    }

    /// The To tag this element gives responses to `req` (its dialog side): the same for
    /// the INVITE, its retransmissions and its CANCEL.
    fn tag_for(&self, req: &Request) -> String {
        let from_tag = req.from().ok().and_then(|f| f.tag().map(str::to_owned));
        let h = fnv(&[
            self.ctx.name.as_bytes(),
            req.call_id().unwrap_or_default().as_bytes(),
            from_tag.unwrap_or_default().as_bytes(),
            &req.cseq().map(|c| c.seq).unwrap_or(0).to_be_bytes(),
        ]);
        format!("{h:016x}")
    }

    /// Whether `req` is the ACK for a final response this element sent itself (its To
    /// tag is ours): absorbed, not forwarded.
    pub fn is_ack_for_us(&self, req: &Request) -> bool {
        req.method == Method::Ack
            && req
                .to()
                .is_ok_and(|t| t.tag() == Some(self.tag_for(req).as_str()))
    }

    /// Whether `uri` names this element's domain, or its own address (port absent or ours).
    pub fn is_local(&self, uri: &SipUri) -> bool {
        match &uri.host {
            Host::Domain(d) if d.eq_ignore_ascii_case(&self.domain) => true,
            _ => self.is_self(uri),
        }
    }

    /// Whether `uri` is this element's own address (a Route to pop).
    pub fn is_self(&self, uri: &SipUri) -> bool {
        let port_ok = uri.port.unwrap_or(5060) == self.ctx.local.port();
        let host_ok = match &uri.host {
            Host::V4(ip) => IpAddr::V4(*ip) == self.ctx.local.ip(),
            Host::V6(ip) => IpAddr::V6(*ip) == self.ctx.local.ip(),
            Host::Domain(d) => {
                d.eq_ignore_ascii_case(&self.domain)
                    || d.eq_ignore_ascii_case(&self.ctx.name)
                    || self.ctx.directory.get(d.as_ref()) == Some(&self.ctx.local)
            }
        };
        host_ok && port_ok
    }

    /// The address a SIP URI resolves to: a literal IP (port 5060 when absent) or a
    /// scenario name from the directory (never this element's own domain). Transport from the
    /// URI's `transport` parameter, else UDP when listening on it.
    pub fn resolve(&self, uri: &SipUri) -> Option<Hop> {
        let transport = uri
            .param("transport")
            .and_then(TransportKind::from_via_token)
            .unwrap_or_else(|| self.default_transport());
        let port = uri.port.unwrap_or(transport.default_port());
        let addr = match &uri.host {
            Host::V4(ip) => SocketAddr::new(IpAddr::V4(*ip), port),
            Host::V6(ip) => SocketAddr::new(IpAddr::V6(*ip), port),
            Host::Domain(d) if d.eq_ignore_ascii_case(&self.domain) => return None,
            Host::Domain(d) => {
                let named = self.ctx.directory.get(d.as_ref())?;
                match uri.port {
                    Some(p) => SocketAddr::new(named.ip(), p),
                    None => *named,
                }
            }
        };
        Some(Hop { transport, addr })
    }

    /// UDP when this element listens on it, else its first transport.
    pub fn default_transport(&self) -> TransportKind {
        if self.ctx.transports.is_empty() || self.ctx.transports.contains(&TransportKind::Udp) {
            TransportKind::Udp
        } else {
            self.ctx.transports[0]
        }
    }
}

/// The headers with the first field named `name` replaced by `value`, or removed when
/// `value` is `None`.
pub(crate) fn edit_first(h: &Headers, name: &HeaderName, value: Option<HeaderValue>) -> Headers {
    let mut out = Headers::with_capacity(h.len() + 1);
    let mut value = Some(value);
    for f in h {
        if &f.name == name {
            if let Some(v) = value.take() {
                if let Some(v) = v {
                    out.push(f.name.clone(), v);
                }
                continue;
            }
        }
        out.push(f.name.clone(), f.value.clone());
    }
    out
}

/// FNV-1a over the parts (with a separator): stable across runs and platforms.
pub(crate) fn fnv(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.iter().chain(std::iter::once(&0xff)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}
