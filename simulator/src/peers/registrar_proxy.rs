//! The registrar's proxy role (RFC 3261 §16, stateless §16.11): requests for users of
//! its domain go to their registered flow, others to the address they name; INVITEs
//! from its users are challenged with 407 when auth is on. With `fork`, an initial
//! INVITE for a user goes to every live binding at once (parallel forking, §16.6).

use super::proxy::Incoming;
use super::proxy_forward::Target;
use super::registrar::Registrar;
use std::time::Duration;
use switchboard_actors::sip::{HeaderName, Method, Request, StatusCode, Uri};

impl Registrar {
    pub(super) fn on_proxy(&mut self, now: Duration, mut inc: Incoming) {
        let method = inc.req.method.clone();
        let initial = inc.req.to().is_ok_and(|t| t.tag().is_none());
        if self.cfg.auth && method == Method::Invite && initial && self.caller_is_our_user(&inc.req)
        {
            if self.authenticate(now, &inc, true).is_none() {
                return;
            }
            // The credentials were for this proxy's realm: consumed here.
            inc.req.headers.remove(&HeaderName::ProxyAuthorization);
        }
        let record_route = self.cfg.record_route
            && initial
            && matches!(method, Method::Invite | Method::Subscribe | Method::Refer);
        let target = self.core.route(now, &mut inc.req);
        let status = match target {
            Target::Hop(hop, uri) => {
                self.core.forward_request(inc, hop, uri, record_route);
                return;
            }
            Target::User(user) if self.cfg.fork && method == Method::Invite && initial => {
                let forks = self.core.user_targets(&user, now);
                if !forks.is_empty() {
                    for (hop, uri) in forks {
                        self.core
                            .forward_request(inc.clone(), hop, Some(uri), record_route);
                    }
                    return;
                }
                StatusCode::TEMPORARILY_UNAVAILABLE
            }
            Target::User(user) => match self.core.user_target(&user, now) {
                Some((hop, uri)) => {
                    self.core.forward_request(inc, hop, Some(uri), record_route);
                    return;
                }
                None if self.cfg.users.is_empty() || self.cfg.users.contains_key(&user) => {
                    StatusCode::TEMPORARILY_UNAVAILABLE
                }
                None => StatusCode::NOT_FOUND,
            },
            Target::Itself if method == Method::Options => StatusCode::OK,
            Target::Itself | Target::Unroutable => StatusCode::NOT_FOUND,
        };
        if method == Method::Ack {
            return; // never answered
        }
        self.core.reply(&inc, status, |r| {
            if status == StatusCode::OK {
                r.headers.push(
                    HeaderName::Allow,
                    "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, REFER",
                );
            }
        });
    }

    /// Whether the request's From names a user of this registrar's domain.
    fn caller_is_our_user(&self, req: &Request) -> bool {
        req.from().is_ok_and(|f| match &f.uri {
            Uri::Sip(s) => {
                self.core.is_local(s)
                    && s.user
                        .as_deref()
                        .is_some_and(|u| self.cfg.users.contains_key(u))
            }
            Uri::Absolute(_) => false,
        })
    }
}
