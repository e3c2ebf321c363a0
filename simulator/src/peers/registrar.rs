//! The simulated registrar and proxy: RFC 3261 §10.3 registrar with digest auth and a
//! location service, and a stateless (§16.11) record-routing proxy for its domain, with
//! scriptable failure modes. REGISTER handling is in `registrar_register`, proxying in
//! `registrar_proxy`.

use super::proxy::{Incoming, ProxyCore};
use super::proxy_receive::Received;
use super::registrar_auth::{DigestGate, Verdict};
use super::{
    BadCredentials, BindingView, PeerCommand, PeerContext, PeerEvent, PeerInput, PeerOutput,
    ProxyFailure, RegistrarConfig, ServerError,
};
use std::time::Duration;
use switchboard_actors::sip::auth::Algorithm;
use switchboard_actors::sip::{HeaderName, HeaderValue, Method, StatusCode};

/// A registrar with a location service and a stateless proxy for its domain.
pub struct Registrar {
    pub(super) cfg: RegistrarConfig,
    pub(super) core: ProxyCore,
    gate: DigestGate,
    pub(super) failure: ProxyFailure,
}

impl Registrar {
    /// Builds the registrar from its scenario config; refuses an empty domain, an
    /// algorithm other than MD5 or SHA-256, and `min_expires > max_expires`.
    pub fn new(cfg: &RegistrarConfig, ctx: PeerContext) -> Result<Registrar, ServerError> {
        if cfg.domain.trim().is_empty() {
            return Err(ServerError::Empty { field: "domain" });
        }
        let algorithm = match Algorithm::from_token(cfg.algorithm.trim()) {
            Some(a @ (Algorithm::Md5 | Algorithm::Sha256)) => a,
            _ => {
                return Err(ServerError::UnknownAlgorithm {
                    value: cfg.algorithm.clone(),
                })
            }
        };
        if cfg.min_expires > cfg.max_expires {
            return Err(ServerError::ExpiresOutOfOrder {
                min_expires: cfg.min_expires,
                max_expires: cfg.max_expires,
            });
        }
        Ok(Registrar {
            gate: DigestGate::new(&cfg.domain, algorithm, cfg.nonce_lifetime.0),
            core: ProxyCore::new(ctx, &cfg.domain),
            failure: cfg.failure,
            cfg: cfg.clone(),
        })
    }

    /// The failure mode in force.
    pub fn failure(&self) -> ProxyFailure {
        self.failure
    }

    /// `user`'s live bindings at `now`.
    pub fn bindings(&self, user: &str, now: Duration) -> Vec<BindingView> {
        self.core.location.views(user, now)
    }

    fn on_request(&mut self, now: Duration, inc: Incoming) {
        if let ProxyFailure::ServiceUnavailable { retry_after } = self.failure {
            if inc.req.method != Method::Ack {
                self.core.reply(&inc, StatusCode::SERVICE_UNAVAILABLE, |r| {
                    if let Some(s) = retry_after {
                        r.headers.push(
                            HeaderName::RetryAfter,
                            HeaderValue::from_string(s.to_string()),
                        );
                    }
                });
            }
            return;
        }
        if self.core.is_ack_for_us(&inc.req) {
            return;
        }
        if inc.req.method == Method::Register {
            self.on_register(now, inc);
        } else {
            self.on_proxy(now, inc);
        }
    }

    /// Digest-checks `inc` (`proxy`: Proxy-Authorization and 407, else Authorization
    /// and 401); answers the challenge or the 403 itself. The authenticated user on
    /// success.
    pub(super) fn authenticate(
        &mut self,
        now: Duration,
        inc: &Incoming,
        proxy: bool,
    ) -> Option<String> {
        let (header, status, challenge_header) = if proxy {
            (
                HeaderName::ProxyAuthorization,
                StatusCode::PROXY_AUTHENTICATION_REQUIRED,
                HeaderName::ProxyAuthenticate,
            )
        } else {
            (
                HeaderName::Authorization,
                StatusCode::UNAUTHORIZED,
                HeaderName::WwwAuthenticate,
            )
        };
        let stale_mode = self.failure == ProxyFailure::StaleNonce;
        let stale = match self
            .gate
            .check(now, &inc.req, &header, &self.cfg.users, stale_mode)
        {
            Verdict::Accept(user) => return Some(user),
            Verdict::Challenge { stale } => stale,
            Verdict::Forbidden(user) => {
                self.core.emit(PeerEvent::AuthFailed { user });
                if self.cfg.bad_credentials == BadCredentials::Forbidden {
                    self.core.reply(inc, StatusCode::FORBIDDEN, |_| {});
                    return None;
                }
                false
            }
        };
        let c = self
            .gate
            .challenge(now, stale, stale && stale_mode, &mut self.core.ctx.rng);
        self.core.reply(inc, status, |r| {
            r.headers
                .push(challenge_header, HeaderValue::from_string(c.to_string()));
        });
        self.core.emit(PeerEvent::Challenged {
            method: inc.req.method.as_str().to_owned(),
        });
        None
    }

    fn expire(&mut self, now: Duration) {
        for user in self.core.location.expire(now) {
            let aor = self.core.aor(&user);
            self.core.emit(PeerEvent::Unregistered { aor });
        }
    }
}

impl super::Peer for Registrar {
    fn handle(&mut self, now: Duration, input: PeerInput) {
        self.expire(now);
        match input {
            PeerInput::Message {
                transport,
                from,
                bytes,
            } => {
                self.core.mute = self.failure == ProxyFailure::NoAnswer;
                let received = self.core.receive(transport, from, bytes);
                if self.core.mute {
                    return;
                }
                match received {
                    Received::Request(inc) => self.on_request(now, inc),
                    Received::Response(resp) => self.core.forward_response(resp),
                    Received::Nothing => {}
                }
            }
            PeerInput::Command(PeerCommand::SetFailure(f)) => self.failure = f,
            PeerInput::Command(PeerCommand::SetPassword { user, password }) => {
                self.cfg.users.insert(user, password);
            }
            // Stateless: a failed send leaves nothing to clean up; other commands are
            // for other kinds of peer.
            _ => {}
        }
    }

    fn poll_output(&mut self) -> Option<PeerOutput> {
        self.core.pop()
    }

    fn poll_timeout(&self) -> Option<Duration> {
        self.core.location.next_expiry()
    }

    fn handle_timeout(&mut self, now: Duration) {
        self.expire(now);
    }
}
