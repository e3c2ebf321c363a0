//! The push backend's held calls: holding an INVITE (100, 180, a push over a lossy,
//! delayed channel), delivering it when the user registers, 487 on CANCEL, 480 when
//! nobody registers in time.

use super::proxy::Incoming;
use super::push::{Held, PushBackend, ENDED_MEMORY};
use super::{AppSignal, PeerEvent, PeerOutput};
use rand::Rng;
use std::time::Duration;
use switchboard_actors::sip::StatusCode;

impl PushBackend {
    /// An INVITE for the user `dialled` reaches: forwarded to a live binding, else held.
    pub(super) fn deliver_or_hold(&mut self, now: Duration, inc: Incoming, dialled: &str) {
        let Some(user) = self.user_of(dialled) else {
            self.core.reply(&inc, StatusCode::NOT_FOUND, |_| {});
            return;
        };
        let call_id = inc.req.call_id().unwrap_or_default().to_owned();
        let branch = inc
            .req
            .top_via()
            .ok()
            .and_then(|v| v.branch.map(str::to_owned))
            .unwrap_or_default();
        let ended = self
            .ended
            .iter()
            .find(|(c, b, _)| *c == call_id && *b == branch);
        if let Some(&(_, _, status)) = ended {
            self.core.reply(&inc, status, |_| {});
            return;
        }
        if let Some((hop, uri)) = self.core.user_target(&user, now) {
            self.core.forward_request(inc, hop, Some(uri), true);
            return;
        }
        self.core.reply(&inc, StatusCode::TRYING, |_| {});
        self.core.reply(&inc, StatusCode::RINGING, |_| {});
        if self.held.contains_key(&call_id) {
            return; // a retransmission of the held INVITE: answered again, held once
        }
        self.core.emit(PeerEvent::CallHeld {
            user: user.clone(),
            call_id: call_id.clone(),
        });
        let lost = self.cfg.push_loss > 0.0 && self.core.ctx.rng.gen::<f64>() < self.cfg.push_loss;
        let push_at = if lost {
            self.core.emit(PeerEvent::PushLost {
                user: user.clone(),
                call_id: call_id.clone(),
            });
            None
        } else {
            let jitter_us = u64::try_from(self.cfg.push_jitter.0.as_micros()).unwrap_or(u64::MAX);
            let jitter = match jitter_us {
                0 => 0,
                j => self.core.ctx.rng.gen_range(0..=j),
            };
            Some(now + self.cfg.push_delay.0 + Duration::from_micros(jitter))
        };
        self.held.insert(
            call_id,
            Held {
                user,
                inc,
                branch,
                deadline: now + self.cfg.hold_for.0,
                push_at,
            },
        );
    }

    /// A CANCEL for a held INVITE (same Call-ID and branch): 200 to it, 487 to the
    /// INVITE, and the call is no longer held.
    pub(super) fn on_cancel(&mut self, inc: Incoming) {
        let call_id = inc.req.call_id().unwrap_or_default().to_owned();
        let branch = inc
            .req
            .top_via()
            .ok()
            .and_then(|v| v.branch.map(str::to_owned));
        let matches = self
            .held
            .get(&call_id)
            .is_some_and(|h| Some(&h.branch) == branch.as_ref());
        if !matches {
            self.core
                .reply(&inc, StatusCode::CALL_DOES_NOT_EXIST, |_| {});
            return;
        }
        self.core.reply(&inc, StatusCode::OK, |_| {});
        if let Some(h) = self.held.remove(&call_id) {
            self.finish(h, StatusCode::REQUEST_TERMINATED);
        }
    }

    /// `user` has just registered: every INVITE held for them goes to the new binding.
    pub(super) fn deliver_held(&mut self, now: Duration, user: &str) {
        let Some((hop, uri)) = self.core.user_target(user, now) else {
            return;
        };
        let ids: Vec<String> = self
            .held
            .iter()
            .filter(|(_, h)| h.user == user)
            .map(|(id, _)| id.clone())
            .collect();
        for id in ids {
            if let Some(h) = self.held.remove(&id) {
                self.core
                    .forward_request(h.inc, hop, Some(uri.clone()), true);
            }
        }
    }

    /// Time passes: bindings lapse, pushes arrive, holds run out (in Call-ID order).
    pub(super) fn on_time(&mut self, now: Duration) {
        for user in self.core.location.expire(now) {
            let aor = self.core.aor(&user);
            self.core.emit(PeerEvent::Unregistered { aor });
        }
        let due: Vec<String> = self
            .held
            .iter()
            .filter(|(_, h)| h.push_at.is_some_and(|t| t <= now) || h.deadline <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in due {
            let Some(mut h) = self.held.remove(&id) else {
                continue;
            };
            if h.push_at.is_some_and(|t| t <= now) {
                h.push_at = None;
                self.push(&h);
            }
            if h.deadline <= now {
                self.finish(h, StatusCode::TEMPORARILY_UNAVAILABLE);
            } else {
                self.held.insert(id, h);
            }
        }
    }

    /// The push payload reaches the app on the user's phone.
    fn push(&mut self, h: &Held) {
        let call_id = h.inc.req.call_id().unwrap_or_default().to_owned();
        let caller = h
            .inc
            .req
            .from()
            .map(|f| f.uri.to_string())
            .unwrap_or_default();
        let token = self.cfg.users.get(&h.user).cloned().unwrap_or_default();
        let payload = serde_json::json!({
            "call_id": call_id,
            "caller": caller,
            "token": token,
            "server": format!("sip:{}", self.core.ctx.local),
        })
        .to_string();
        self.core.push(PeerOutput::App {
            user: h.user.clone(),
            signal: AppSignal::Push { payload },
        });
        self.core.emit(PeerEvent::PushSent {
            user: h.user.clone(),
            call_id,
        });
    }

    /// Ends a held call with a final response to the caller.
    /// Its ACK carries our To tag and is absorbed (`ProxyCore::is_ack_for_us`).
    fn finish(&mut self, h: Held, status: StatusCode) {
        self.core.reply(&h.inc, status, |_| {});
        if self.ended.len() >= ENDED_MEMORY {
            self.ended.pop_front();
        }
        let call_id = h.inc.req.call_id().unwrap_or_default().to_owned();
        self.ended.push_back((call_id, h.branch, status));
    }
}
