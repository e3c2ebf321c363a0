//! REGISTER at the registrar (RFC 3261 §10.3): AOR check, digest auth, expiry limits
//! (423 with Min-Expires, the max_expires cap), the location service update, and a 200
//! listing every current contact with its remaining expiry.

use super::location::{ExpiresPolicy, RegisterError};
use super::proxy::Incoming;
use super::registrar::Registrar;
use super::{PeerEvent, ProxyFailure};
use std::time::Duration;
use switchboard_actors::sip::{HeaderName, HeaderValue, StatusCode, Uri};

impl Registrar {
    pub(super) fn on_register(&mut self, now: Duration, inc: Incoming) {
        let user = inc.req.to().ok().and_then(|to| match to.uri {
            Uri::Sip(s) => s.user.map(|u| u.to_string()),
            Uri::Absolute(_) => None,
        });
        let Some(user) = user else {
            self.core.reply(&inc, StatusCode::BAD_REQUEST, |r| {
                r.reason = "No User In To".into();
            });
            return;
        };
        if !self.cfg.users.is_empty() && !self.cfg.users.contains_key(&user) {
            self.core.reply(&inc, StatusCode::NOT_FOUND, |_| {});
            return;
        }
        if self.cfg.auth {
            let Some(who) = self.authenticate(now, &inc, false) else {
                return;
            };
            if who != user {
                // Third-party registration is not allowed here.
                self.core.emit(PeerEvent::AuthFailed { user: who });
                self.core.reply(&inc, StatusCode::FORBIDDEN, |_| {});
                return;
            }
        }
        let min = match self.failure {
            ProxyFailure::IntervalTooBrief { min_expires } => min_expires.max(self.cfg.min_expires),
            _ => self.cfg.min_expires,
        };
        let policy = ExpiresPolicy {
            min,
            max: self.cfg.max_expires,
        };
        register_and_answer(&mut self.core, now, &user, inc, policy);
    }
}

/// Updates the location service from `inc` for `user` and answers: 423, 400, or 200
/// with the current contacts (and the Registered / Unregistered events). Shared with the
/// push backend.
pub(super) fn register_and_answer(
    core: &mut super::proxy::ProxyCore,
    now: Duration,
    user: &str,
    inc: Incoming,
    policy: ExpiresPolicy,
) {
    let result = core
        .location
        .register(now, user, &inc.req, inc.source, inc.use_flow, policy);
    match result {
        Err(RegisterError::TooBrief(min)) => {
            core.reply(&inc, StatusCode::INTERVAL_TOO_BRIEF, |r| {
                r.headers.push(
                    HeaderName::MinExpires,
                    HeaderValue::from_string(min.to_string()),
                );
            });
        }
        Err(RegisterError::Bad(why)) => {
            core.reply(&inc, StatusCode::BAD_REQUEST, |r| r.reason = why.into());
        }
        Ok(changes) => {
            let aor = core.aor(user);
            for _ in 0..changes.removed {
                core.emit(PeerEvent::Unregistered { aor: aor.clone() });
            }
            for (contact, expires) in changes.added {
                core.emit(PeerEvent::Registered {
                    aor: aor.clone(),
                    contact,
                    expires,
                });
            }
            let contacts = core.location.contact_values(user, now);
            core.reply(&inc, StatusCode::OK, |r| {
                for c in contacts {
                    r.headers
                        .push(HeaderName::Contact, HeaderValue::from_string(c));
                }
            });
        }
    }
}
