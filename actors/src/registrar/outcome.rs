//! How an attempt ends: success (refresh scheduled), failure (backoff), the queued
//! request, and NAT rebinding.

use super::backoff::{refresh_after, retry_wait};
use super::machine::{InFlight, Kind, Pending, RegistrationMachine};
use super::responses::{
    failure_reason, granted_expiry, min_expires, observed_address, retry_after, service_route,
    MAX_MIN_EXPIRES,
};
use super::{FailureReason, RegState, RegistrationEvent};
use crate::sip::{Method, Response};
use std::net::IpAddr;
use std::time::Duration;
use tokio::time::Instant;

impl RegistrationMachine {
    pub(super) fn on_response(&mut self, now: Instant, resp: &Response) {
        let Some(fl) = &self.in_flight else { return };
        let ours = resp
            .cseq()
            .is_ok_and(|c| c.seq == fl.cseq && c.method == Method::Register)
            && resp.call_id().is_ok_and(|c| c == self.ids.call_id);
        if !ours || !resp.status.is_final() {
            return;
        }
        let Some(fl) = self.in_flight.take() else {
            return;
        };
        let code = resp.status.as_u16();
        match code {
            200..=299 => self.on_success(now, &fl, resp),
            401 | 407 => self.on_challenge(now, fl, resp),
            423 if fl.kind == Kind::Register => match min_expires(resp) {
                Some(m) if m > fl.expires && m <= MAX_MIN_EXPIRES => {
                    self.asked = m;
                    self.transmit(Kind::Register, fl.auth_rounds, None);
                }
                _ => self.fail(now, &fl, FailureReason::IntervalTooBrief, Some(code), None),
            },
            _ => self.fail(
                now,
                &fl,
                failure_reason(code),
                Some(code),
                retry_after(resp),
            ),
        }
    }

    pub(super) fn on_no_answer(&mut self, now: Instant, reason: FailureReason) {
        if let Some(fl) = self.in_flight.take() {
            self.fail(now, &fl, reason, None, None);
        }
    }

    pub(super) fn on_success(&mut self, now: Instant, fl: &InFlight, resp: &Response) {
        if let Some(c) = &mut self.client {
            c.accepted();
        }
        self.failures = 0;
        self.retire = None;
        if fl.kind == Kind::Register {
            let granted = granted_expiry(resp, &self.cfg, fl.expires);
            self.bound = true;
            self.service_route = service_route(resp);
            // The registrar has just bound the address it saw this REGISTER come from:
            // that is the new baseline, not a reason to register again (a TCP
            // reconnection or a NAT rebinding shows up here first).
            if let Some(seen) = observed_address(resp) {
                self.observed = Some(seen);
            }
            let until = now + Duration::from_secs(u64::from(granted));
            self.state = RegState::Registered {
                expires: granted,
                until,
            };
            self.emit(RegistrationEvent::Registered { expires: granted });
            if self.wanted {
                let after = refresh_after(granted, self.cfg.fraction(), &mut self.rng);
                self.deadline = Some(now + after);
            }
        } else {
            self.finish_unregister();
        }
        self.run_pending();
    }

    pub(super) fn finish_unregister(&mut self) {
        self.bound = false;
        self.service_route.clear();
        self.deadline = None;
        self.state = RegState::Unregistered;
        self.emit(RegistrationEvent::Unregistered);
    }

    /// The attempt failed: Unregistered for an unregister (we tried), else Failed with
    /// a retry when the reason allows one (Retry-After, else RFC 5626 backoff).
    pub(super) fn fail(
        &mut self,
        now: Instant,
        fl: &InFlight,
        reason: FailureReason,
        status: Option<u16>,
        retry_after: Option<Duration>,
    ) {
        if fl.kind == Kind::Unregister {
            self.finish_unregister();
        } else {
            self.failures = self.failures.saturating_add(1);
            let retry_in = (reason.auto_retries() && self.wanted).then(|| {
                retry_after
                    .unwrap_or_else(|| retry_wait(&self.cfg.backoff, self.failures, &mut self.rng))
            });
            let retry_at = retry_in.map(|d| now + d);
            self.deadline = retry_at;
            self.state = RegState::Failed {
                reason,
                status,
                retry_at,
            };
            self.emit(RegistrationEvent::Failed {
                reason,
                status,
                retry_in,
            });
            if fl.refresh && reason == FailureReason::Credentials {
                self.emit(RegistrationEvent::AuthExpired);
            }
            if retry_at.is_some() && self.pending == Some(Pending::Refresh) {
                // The automatic retry carries whatever the refresh was for (a new
                // address); sending it now would ignore the backoff just announced.
                self.pending = None;
            }
        }
        self.run_pending();
    }

    pub(super) fn run_pending(&mut self) {
        match self.pending.take() {
            None => {}
            Some(Pending::Register) if matches!(self.state, RegState::Registered { .. }) => {}
            Some(Pending::Register) => self.transmit(Kind::Register, 0, None),
            Some(Pending::Refresh) if self.wanted => self.transmit(Kind::Register, 0, None),
            Some(Pending::Refresh) => {}
            Some(Pending::Unregister) => self.start_unregister(),
        }
    }

    pub(super) fn on_observed(&mut self, received: IpAddr, rport: Option<u16>) {
        let Some((old_ip, old_port)) = self.observed else {
            self.observed = Some((received, rport));
            return;
        };
        let port_moved = matches!((old_port, rport), (Some(a), Some(b)) if a != b);
        if old_ip == received && !port_moved {
            return;
        }
        self.observed = Some((received, rport.or(old_port)));
        let registered = matches!(self.state, RegState::Registered { .. });
        self.address_changed(registered);
    }

    /// Reports the new address and, when the registration is wanted, refreshes it:
    /// after the REGISTER in flight, else now if `send_now`.
    fn address_changed(&mut self, send_now: bool) {
        self.emit(RegistrationEvent::AddressChanged);
        if !self.wanted {
            return;
        }
        if self.in_flight.is_some() {
            self.pending.get_or_insert(Pending::Refresh);
        } else if send_now {
            self.transmit(Kind::Register, 0, None);
        }
    }

    /// Our local address moved (the host changed networks): `contact` is our Contact
    /// from now on. Unless an `+sip.instance` lets the registrar replace the binding by
    /// itself (RFC 5626 §6), the old Contact is removed (`expires=0`) in the same
    /// REGISTER (RFC 3261 §10.2.2). A wanted registration is refreshed at once, even
    /// during a backoff: the failure may have been the old address's.
    pub(super) fn on_relocated(&mut self, contact: crate::sip::SipUri) {
        if contact == self.cfg.contact {
            return;
        }
        let old = std::mem::replace(&mut self.cfg.contact, contact);
        if self.bound && self.cfg.instance.is_none() {
            self.retire = Some(old);
        }
        self.observed = None;
        self.address_changed(true);
    }
}
