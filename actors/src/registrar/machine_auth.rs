//! Answering 401/407 challenges (RFC 3261 §22.2) with the account's [`DigestClient`].

use super::machine::{InFlight, RegistrationMachine};
use super::responses::challenge;
use super::FailureReason;
use crate::sip::auth::RetryDecision;
use crate::sip::Response;
use tokio::time::Instant;

/// Challenges answered for one attempt before giving up (guards against a server that
/// keeps issuing fresh nonces).
const MAX_AUTH_ROUNDS: u8 = 6;

impl RegistrationMachine {
    /// A 401/407 to the REGISTER in flight: answer it when the credentials may still be
    /// right (first challenge, stale nonce, retired pre-emptive nonce); otherwise fail
    /// with `Credentials` and forget the cached challenge.
    pub(super) fn on_challenge(&mut self, now: Instant, fl: InFlight, resp: &Response) {
        let status = Some(resp.status.as_u16());
        let parsed = challenge(resp);
        let answer = match (parsed, self.client.as_mut()) {
            (Some((header, ch)), Some(client)) if fl.auth_rounds < MAX_AUTH_ROUNDS => {
                let sent = fl
                    .sent
                    .as_ref()
                    .filter(|(h, _)| *h == header)
                    .map(|(_, c)| c);
                let go = match client.should_retry(&ch, sent) {
                    RetryDecision::Respond | RetryDecision::RetryStale => true,
                    // Our unasked reuse of an old nonce may be what was refused.
                    RetryDecision::CredentialsRejected => fl.preemptive,
                    _ => false,
                };
                go.then(|| {
                    let uri = self.cfg.registrar.to_string();
                    let creds = client.respond(&ch, "REGISTER", &uri, b"", &mut self.rng);
                    (header, creds)
                })
            }
            _ => None,
        };
        match answer {
            Some((header, creds)) => {
                self.auth_header = Some(header.clone());
                self.transmit(fl.kind, fl.auth_rounds + 1, Some((header, creds)));
            }
            None => {
                if let Some(c) = &mut self.client {
                    c.reset();
                }
                self.auth_header = None;
                self.fail(now, &fl, FailureReason::Credentials, status, None);
            }
        }
    }
}
