//! The app's push backend and edge proxy for registration-free users (the Cloudonix /
//! Exotel flow, RFC 8599 style). An INVITE for a user with no live binding is held
//! (100, 180), a push goes to the app over a lossy, delayed channel, and when the app's
//! engine registers (with its session token) the held INVITE is forwarded to the new
//! binding; responses go back by Via like any stateless proxy's. The hold, push and
//! cancel logic is in `push_hold`.

use super::location::ExpiresPolicy;
use super::proxy::{Incoming, ProxyCore};
use super::proxy_forward::Target;
use super::proxy_receive::Received;
use super::registrar_register::register_and_answer;
use super::{BindingView, PeerContext, PeerEvent, PeerInput, PeerOutput, PushConfig, ServerError};
use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;
use switchboard_actors::sip::{HeaderName, Method, Request, StatusCode, Uri};

/// An INVITE waiting for its user to register.
#[derive(Debug, Clone)]
pub(super) struct Held {
    /// The user it is for.
    pub user: String,
    /// The INVITE as received.
    pub inc: Incoming,
    /// Its top Via branch (a CANCEL must match it).
    pub branch: String,
    /// When the caller gets 480.
    pub deadline: Duration,
    /// When the push reaches the app (`None`: delivered or lost).
    pub push_at: Option<Duration>,
}

/// How many ended held calls are remembered.
pub(super) const ENDED_MEMORY: usize = 256;

/// The push backend: holds calls for registration-free users and pushes them.
pub struct PushBackend {
    pub(super) cfg: PushConfig,
    pub(super) core: ProxyCore,
    /// Held INVITEs by Call-ID.
    pub(super) held: BTreeMap<String, Held>,
    /// Held calls answered here (Call-ID, branch, final status), newest last: a late
    /// retransmission of the INVITE gets the same final answer, not a second hold.
    pub(super) ended: VecDeque<(String, String, StatusCode)>,
}

impl PushBackend {
    /// Builds the backend; refuses an empty domain, `push_loss` outside 0–1, and a
    /// `dial_whom` entry naming someone not in `users`.
    pub fn new(cfg: &PushConfig, ctx: PeerContext) -> Result<PushBackend, ServerError> {
        if cfg.domain.trim().is_empty() {
            return Err(ServerError::Empty { field: "domain" });
        }
        if !(0.0..=1.0).contains(&cfg.push_loss) {
            return Err(ServerError::OutOfRange {
                field: "push_loss",
                value: cfg.push_loss.to_string(),
                range: "0 to 1",
            });
        }
        if let Some(user) = cfg.dial_whom.values().find(|u| !cfg.users.contains_key(*u)) {
            return Err(ServerError::UnknownUser {
                field: "dial_whom",
                user: user.clone(),
            });
        }
        Ok(PushBackend {
            core: ProxyCore::new(ctx, &cfg.domain),
            cfg: cfg.clone(),
            held: BTreeMap::new(),
            ended: VecDeque::new(),
        })
    }

    /// `user`'s live bindings at `now`.
    pub fn bindings(&self, user: &str, now: Duration) -> Vec<BindingView> {
        self.core.location.views(user, now)
    }

    /// Call-IDs of the INVITEs held now.
    pub fn held_calls(&self) -> impl Iterator<Item = &str> + '_ {
        self.held.keys().map(String::as_str)
    }

    fn on_request(&mut self, now: Duration, inc: Incoming) {
        let call_id = inc.req.call_id().unwrap_or_default().to_owned();
        let initial = inc.req.to().is_ok_and(|t| t.tag().is_none());
        match inc.req.method {
            Method::Register => self.on_register(now, inc),
            Method::Cancel if self.held.contains_key(&call_id) => self.on_cancel(inc),
            Method::Ack if self.core.is_ack_for_us(&inc.req) => {} // ACK of our 487/480
            Method::Invite if initial && self.our_caller(&inc.req).is_some() => {
                self.on_outgoing(now, inc)
            }
            Method::Invite if initial => self.on_incoming(now, inc),
            _ => self.route_generic(now, inc),
        }
    }

    fn on_register(&mut self, now: Duration, inc: Incoming) {
        let user = inc.req.to().ok().and_then(|to| sip_user(&to.uri));
        let Some(user) = user.filter(|u| self.cfg.users.contains_key(u)) else {
            self.core.reply(&inc, StatusCode::NOT_FOUND, |_| {});
            return;
        };
        if !self.token_ok(&user, &inc.req) {
            self.core.emit(PeerEvent::AuthFailed { user });
            self.core.reply(&inc, StatusCode::FORBIDDEN, |_| {});
            return;
        }
        let policy = ExpiresPolicy {
            min: 0,
            max: u32::MAX,
        };
        register_and_answer(&mut self.core, now, &user, inc, policy);
        self.deliver_held(now, &user);
    }

    /// A registration-free call from one of our users: its token must be right.
    fn on_outgoing(&mut self, now: Duration, mut inc: Incoming) {
        let user = self.our_caller(&inc.req).unwrap_or_default();
        if !self.token_ok(&user, &inc.req) {
            self.core.emit(PeerEvent::AuthFailed { user });
            self.core.reply(&inc, StatusCode::FORBIDDEN, |_| {});
            return;
        }
        match self.core.route(now, &mut inc.req) {
            Target::Hop(hop, uri) => self.core.forward_request(inc, hop, uri, true),
            Target::User(dialled) => self.deliver_or_hold(now, inc, &dialled),
            Target::Itself | Target::Unroutable => {
                self.core.reply(&inc, StatusCode::NOT_FOUND, |_| {})
            }
        }
    }

    fn on_incoming(&mut self, now: Duration, mut inc: Incoming) {
        match self.core.route(now, &mut inc.req) {
            Target::Hop(hop, uri) => self.core.forward_request(inc, hop, uri, true),
            Target::User(dialled) => self.deliver_or_hold(now, inc, &dialled),
            Target::Itself | Target::Unroutable => {
                self.core.reply(&inc, StatusCode::NOT_FOUND, |_| {})
            }
        }
    }

    /// Any other request: forwarded where it routes; never a hold.
    fn route_generic(&mut self, now: Duration, mut inc: Incoming) {
        let is_ack = inc.req.method == Method::Ack;
        let status = match self.core.route(now, &mut inc.req) {
            Target::Hop(hop, uri) => return self.core.forward_request(inc, hop, uri, false),
            Target::User(dialled) => match self.user_of(&dialled) {
                Some(user) => match self.core.user_target(&user, now) {
                    Some((hop, uri)) => {
                        return self.core.forward_request(inc, hop, Some(uri), false)
                    }
                    None => StatusCode::TEMPORARILY_UNAVAILABLE,
                },
                None => StatusCode::NOT_FOUND,
            },
            Target::Itself if inc.req.method == Method::Options => StatusCode::OK,
            Target::Itself | Target::Unroutable => StatusCode::NOT_FOUND,
        };
        if !is_ack {
            self.core.reply(&inc, status, |_| {});
        }
    }

    /// The user a dialled user part reaches: through `dial_whom`, or a user itself.
    pub(super) fn user_of(&self, dialled: &str) -> Option<String> {
        match self.cfg.dial_whom.get(dialled) {
            Some(u) => Some(u.clone()),
            None => self
                .cfg
                .users
                .contains_key(dialled)
                .then(|| dialled.to_owned()),
        }
    }

    /// The From user when it is one of ours in our domain.
    fn our_caller(&self, req: &Request) -> Option<String> {
        let from = req.from().ok()?;
        let Uri::Sip(s) = &from.uri else { return None };
        let user = s.user.as_deref()?;
        (self.core.is_local(s) && self.cfg.users.contains_key(user)).then(|| user.to_owned())
    }

    /// Whether `req` carries `user`'s session token, as `Authorization: Bearer <token>`
    /// or `X-Session-Token: <token>`.
    fn token_ok(&self, user: &str, req: &Request) -> bool {
        let Some(want) = self.cfg.users.get(user) else {
            return false;
        };
        req.headers.iter().any(|h| {
            let v = h.value.as_str().trim();
            let presented = match &h.name {
                HeaderName::Authorization => v
                    .get(..7)
                    .filter(|s| s.eq_ignore_ascii_case("bearer "))
                    .and_then(|_| v.get(7..)),
                HeaderName::Other(n) if n.eq_ignore_ascii_case("x-session-token") => Some(v),
                _ => None,
            };
            presented.is_some_and(|p| p.trim() == want)
        })
    }
}

/// The user part of a SIP URI.
pub(super) fn sip_user(uri: &Uri) -> Option<String> {
    match uri {
        Uri::Sip(s) => s.user.as_deref().map(str::to_owned),
        Uri::Absolute(_) => None,
    }
}

impl super::Peer for PushBackend {
    fn handle(&mut self, now: Duration, input: PeerInput) {
        self.on_time(now);
        if let PeerInput::Message {
            transport,
            from,
            bytes,
        } = input
        {
            match self.core.receive(transport, from, bytes) {
                Received::Request(inc) => self.on_request(now, inc),
                Received::Response(resp) => self.core.forward_response(resp),
                Received::Nothing => {}
            }
        }
    }

    fn poll_output(&mut self) -> Option<PeerOutput> {
        self.core.pop()
    }

    fn poll_timeout(&self) -> Option<Duration> {
        let held = self
            .held
            .values()
            .flat_map(|h| [Some(h.deadline), h.push_at])
            .flatten();
        held.chain(self.core.location.next_expiry()).min()
    }

    fn handle_timeout(&mut self, now: Duration) {
        self.on_time(now);
    }
}
