//! Stateless forwarding (RFC 3261 §16.11): routing a request (loose routes, location
//! service, Request-URI), forwarding it with our Via and Record-Route, and sending a
//! response back along its Vias.

use super::location::Binding;
use super::proxy::{edit_first, fnv, Hop, Incoming, ProxyCore};
use super::PeerEvent;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use switchboard_actors::sip::{
    HeaderName, HeaderValue, Method, NameAddr, Request, Response, StatusCode, Uri, Via,
};
use switchboard_actors::vocab::TransportKind;

/// Max-Forwards put on a request that has none.
const DEFAULT_MAX_FORWARDS: u8 = 70;

/// Where a request goes, by RFC 3261 §16.4–16.5.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Forward to this hop, with a new Request-URI when retargeted.
    Hop(Hop, Option<Uri>),
    /// A user of this domain: the location service decides.
    User(String),
    /// Addressed to this element itself (its domain or address, no user part).
    Itself,
    /// Nowhere to send it (an unknown host, a non-SIP URI).
    Unroutable,
}

impl ProxyCore {
    /// Routes `req`, popping the Route values naming this element: the next Route, else
    /// a registered contact the Request-URI names (an in-dialog request), else a user of
    /// this domain, else the Request-URI's host.
    pub fn route(&self, now: Duration, req: &mut Request) -> Target {
        while let Some(top) = req.headers.get(&HeaderName::Route) {
            let Ok(route) = NameAddr::parse_as(&HeaderName::Route, top.as_str()) else {
                return Target::Unroutable;
            };
            match &route.uri {
                Uri::Sip(s) if self.is_self(s) => {
                    req.headers = edit_first(&req.headers, &HeaderName::Route, None);
                }
                Uri::Sip(s) => {
                    return self
                        .resolve(s)
                        .map_or(Target::Unroutable, |h| Target::Hop(h, None))
                }
                Uri::Absolute(_) => return Target::Unroutable,
            }
        }
        if let Some(hop) = self
            .location
            .by_contact(&req.uri, now)
            .and_then(|b| self.binding_hop(b))
        {
            return Target::Hop(hop, None);
        }
        let Uri::Sip(ruri) = &req.uri else {
            return Target::Unroutable;
        };
        if self.is_local(ruri) {
            return match &ruri.user {
                Some(u) => Target::User(u.to_string()),
                None => Target::Itself,
            };
        }
        self.resolve(ruri)
            .map_or(Target::Unroutable, |h| Target::Hop(h, None))
    }

    /// The hop and Request-URI for delivering to `user`'s best live binding.
    pub fn user_target(&self, user: &str, now: Duration) -> Option<(Hop, Uri)> {
        let b = self.location.best(user, now)?;
        Some((self.binding_hop(b)?, b.contact.uri.clone()))
    }

    /// The hop and Request-URI of every live binding of `user`, in registration order
    /// (a forking proxy's targets).
    pub fn user_targets(&self, user: &str, now: Duration) -> Vec<(Hop, Uri)> {
        self.location
            .live(user, now)
            .filter_map(|b| Some((self.binding_hop(b)?, b.contact.uri.clone())))
            .collect()
    }

    /// Where a binding is reached: its flow behind a NAT or over a connection, else its
    /// Contact URI.
    pub fn binding_hop(&self, b: &Binding) -> Option<Hop> {
        if b.use_flow {
            return Some(b.flow);
        }
        match &b.contact.uri {
            Uri::Sip(s) => self.resolve(s),
            Uri::Absolute(_) => None,
        }
    }

    /// Forwards `inc` to `hop` (RFC 3261 §16.6, stateless): 483 when Max-Forwards is 0,
    /// else Max-Forwards decremented, the Request-URI replaced by `uri` when given, a
    /// Record-Route `<sip:us;lr>` when `record_route`, and our Via on top with a branch
    /// derived from the incoming one (so a CANCEL and the INVITE's ACK get the INVITE's).
    pub fn forward_request(
        &mut self,
        mut inc: Incoming,
        hop: Hop,
        uri: Option<Uri>,
        record_route: bool,
    ) {
        let method = inc.req.method.clone();
        let mf = match inc.req.max_forwards() {
            Ok(Some(0)) => {
                if method != Method::Ack {
                    self.reply(&inc, StatusCode::TOO_MANY_HOPS, |_| {});
                }
                return;
            }
            Ok(Some(n)) => n - 1,
            _ => DEFAULT_MAX_FORWARDS,
        };
        let branch = self.branch_for(&inc.req);
        let req = &mut inc.req;
        req.headers.set(
            HeaderName::MaxForwards,
            HeaderValue::from_string(mf.to_string()),
        );
        if let Some(u) = uri {
            req.uri = u;
        }
        if record_route {
            let tp = match inc.source.transport {
                TransportKind::Udp if self.default_transport() == TransportKind::Udp => "",
                TransportKind::Udp => ";transport=udp",
                TransportKind::Tcp => ";transport=tcp",
                TransportKind::Tls => ";transport=tls",
            };
            let rr = format!("<sip:{}{tp};lr>", self.ctx.local);
            req.headers.push_front(HeaderName::RecordRoute, rr);
        }
        let via = format!(
            "SIP/2.0/{} {};branch={branch}",
            hop.transport.via_token(),
            self.ctx.local
        );
        req.headers.push_front(HeaderName::Via, via);
        req.headers.set(
            HeaderName::ContentLength,
            HeaderValue::from_string(req.body.len().to_string()),
        );
        let bytes = req.to_bytes();
        self.send(hop, bytes);
        self.emit(PeerEvent::Forwarded {
            method: method.as_str().to_owned(),
            to: hop.addr.to_string(),
        });
    }

    /// Sends a response on along its Vias (RFC 3261 §16.7 step 3, §18.2.2): our Via must
    /// be on top; it goes to the next Via's `received`/`rport`, else its sent-by.
    /// Anything else is dropped.
    /// A 100 is hop-by-hop and goes no further (§16.7 step 5).
    pub fn forward_response(&mut self, mut resp: Response) {
        if resp.status == StatusCode::TRYING {
            return;
        }
        let ours = resp.top_via().ok().is_some_and(|v| {
            let ip: Option<IpAddr> = v.host.trim_matches(|c| c == '[' || c == ']').parse().ok();
            ip == Some(self.ctx.local.ip()) && v.port.unwrap_or(5060) == self.ctx.local.port()
        });
        if !ours {
            return;
        }
        resp.headers = edit_first(&resp.headers, &HeaderName::Via, None);
        let Some(hop) = resp.top_via().ok().and_then(|v| self.via_hop(&v)) else {
            return;
        };
        resp.headers.set(
            HeaderName::ContentLength,
            HeaderValue::from_string(resp.body.len().to_string()),
        );
        let method = resp.cseq().map(|c| c.method.as_str().to_owned());
        self.send(hop, resp.to_bytes());
        self.emit(PeerEvent::Forwarded {
            method: method.unwrap_or_default(),
            to: hop.addr.to_string(),
        });
    }

    /// Where a response to the sender of `via` goes (RFC 3581 §4, RFC 3261 §18.2.2).
    fn via_hop(&self, via: &Via<'_>) -> Option<Hop> {
        let transport = TransportKind::from_via_token(via.transport)?;
        let port = match via.rport {
            Some(Some(p)) => p,
            _ => via.port.unwrap_or(transport.default_port()),
        };
        let host = via.received.unwrap_or(via.host);
        let ip = match host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<IpAddr>()
        {
            Ok(ip) => ip,
            Err(_) => self.ctx.directory.get(host)?.ip(),
        };
        Some(Hop {
            transport,
            addr: SocketAddr::new(ip, port),
        })
    }

    /// Our branch for forwarding `req`: a hash of its top Via's branch (or, for an RFC
    /// 2543 request without one, of what identifies the transaction) and our name.
    fn branch_for(&self, req: &Request) -> String {
        let via = req.top_via().ok();
        let incoming = via.as_ref().and_then(|v| v.branch).map(str::to_owned);
        let key = match incoming {
            Some(b) => b,
            None => format!(
                "{}|{}|{}",
                req.call_id().unwrap_or_default(),
                req.cseq().map(|c| c.seq).unwrap_or(0),
                req.uri
            ),
        };
        let h = fnv(&[key.as_bytes(), self.ctx.name.as_bytes()]);
        format!("z9hG4bK-sb{h:016x}")
    }
}
