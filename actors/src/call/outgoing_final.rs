//! Final non-2xx responses to the INVITE: digest challenges (RFC 3261 §22.2),
//! redirects (§8.1.3.4) and the reason every other status ends the call with.

use super::OutgoingCall;
use crate::admission::EndReason;
use crate::registrar::responses::challenge;
use crate::sip::auth::RetryDecision;
use crate::sip::{Contact, HeaderName, Response, Uri};

/// Challenges answered in one call (a stale nonce may need a second answer; a server
/// that keeps challenging is refused).
pub(super) const MAX_AUTH_ROUNDS: u8 = 4;

/// Why a final non-2xx status (other than 401/407 and 3xx) ends the call.
pub(super) fn end_reason(resp: &Response) -> EndReason {
    let code = resp.status.as_u16();
    let retry_after = resp.headers.get(&HeaderName::RetryAfter).is_some();
    match code {
        486 | 600 => EndReason::Busy,
        487 => EndReason::Cancelled,
        480 if retry_after => EndReason::Congestion,
        480 => EndReason::NoAnswer,
        408 | 500..=599 => EndReason::Congestion,
        _ => EndReason::Rejected,
    }
}

impl OutgoingCall {
    /// A final 3xx–6xx to the current INVITE, before the call ended.
    pub(super) fn on_final(&mut self, resp: &Response) {
        let code = resp.status.as_u16();
        if let Some(reason) = self.cancel {
            return self.end(reason, Some(code));
        }
        match code {
            401 | 407 => {
                if !self.answer_challenge(resp) {
                    self.end(EndReason::AuthFailed, Some(code));
                }
            }
            300..=399 => {
                if !self.follow_redirect(resp) {
                    self.end(EndReason::Rejected, Some(code));
                }
            }
            _ => self.end(end_reason(resp), Some(code)),
        }
    }

    /// Re-sends the INVITE with credentials for `resp`'s challenge when they may still
    /// be right: a first challenge for its realm, or a stale nonce. A fresh challenge
    /// answering our credentials means they are wrong: false.
    fn answer_challenge(&mut self, resp: &Response) -> bool {
        let Some((header, ch)) = challenge(resp) else {
            return false;
        };
        let Some(client) = self.client.as_mut() else {
            return false;
        };
        if self.auth_rounds >= MAX_AUTH_ROUNDS {
            return false;
        }
        let sent = self
            .auth
            .iter()
            .find(|(h, c)| *h == header && c.realm == ch.realm)
            .map(|(_, c)| c);
        match client.should_retry(&ch, sent) {
            RetryDecision::Respond | RetryDecision::RetryStale => {}
            _ => {
                client.reset();
                return false;
            }
        }
        let uri = self.target.to_string();
        let creds = client.respond(&ch, "INVITE", &uri, &self.cfg.offer, &mut self.rng);
        self.auth
            .retain(|(h, c)| !(*h == header && c.realm == ch.realm));
        self.auth.push((header, creds));
        self.auth_rounds += 1;
        self.resend();
        true
    }

    /// Re-sends the INVITE to the first SIP Contact of a 3xx not tried yet, while
    /// redirects remain. Credentials are dropped (they named the old Request-URI).
    fn follow_redirect(&mut self, resp: &Response) -> bool {
        if self.redirects >= self.cfg.max_redirects {
            return false;
        }
        let Ok(contacts) = resp.contacts() else {
            return false;
        };
        let next = contacts
            .into_iter()
            .filter_map(|c| match c {
                Contact::Addr(a) => match a.uri {
                    Uri::Sip(mut u) => {
                        u.headers = None;
                        u.params.retain(|p| !p.name.eq_ignore_ascii_case("method"));
                        Some(Uri::Sip(u))
                    }
                    Uri::Absolute(_) => None,
                },
                Contact::Wildcard => None,
            })
            .find(|u| !self.tried.contains(u));
        let Some(uri) = next else {
            return false;
        };
        self.redirects += 1;
        self.tried.push(uri.clone());
        self.target = uri;
        self.auth.clear();
        self.resend();
        true
    }
}
