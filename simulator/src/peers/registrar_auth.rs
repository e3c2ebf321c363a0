//! Digest authentication for the registrar and proxy (RFC 3261 §22, RFC 7616): nonces
//! from the peer's RNG stamped with simulated time, credentials checked with the wire
//! layer's digest arithmetic. (The wire layer's `DigestServer` keeps `std` instants; the
//! simulator's peers have only the run's simulated `Duration`.)

use rand::RngCore;
use std::collections::BTreeMap;
use std::time::Duration;
use switchboard_actors::sip::auth::compute::{self, DigestInput};
use switchboard_actors::sip::auth::{Algorithm, DigestChallenge, DigestCredentials, Password, Qop};
use switchboard_actors::sip::{HeaderName, Request};

/// How many outstanding nonces are remembered (the oldest are forgotten first).
const MAX_NONCES: usize = 4096;

#[derive(Debug, Clone, Copy)]
struct NonceInfo {
    issued: Duration,
    /// Issued in a `stale=true` challenge of the StaleNonce failure mode: the one request
    /// answering it (and its retransmissions, same nonce count) passes.
    stale_pass: bool,
    /// The nonce count accepted under the StaleNonce failure mode.
    passed_nc: Option<u32>,
}

/// What to do with a request after looking at its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Authenticated as this user.
    Accept(String),
    /// No usable credentials (or a stale nonce): challenge, `stale` as given.
    Challenge {
        /// Send `stale=true`.
        stale: bool,
    },
    /// Wrong password or unknown user: 403.
    Forbidden(String),
}

/// Issues nonces and checks credentials for one realm.
#[derive(Debug, Clone)]
pub(crate) struct DigestGate {
    realm: String,
    algorithm: Algorithm,
    lifetime: Duration,
    nonces: BTreeMap<String, NonceInfo>,
}

impl DigestGate {
    /// A gate for `realm` offering `algorithm` with qop `auth`.
    pub fn new(realm: &str, algorithm: Algorithm, lifetime: Duration) -> DigestGate {
        DigestGate {
            realm: realm.to_owned(),
            algorithm,
            lifetime,
            nonces: BTreeMap::new(),
        }
    }

    /// A challenge with a fresh nonce. `stale_pass` marks a nonce that passes the
    /// StaleNonce failure mode.
    pub fn challenge(
        &mut self,
        now: Duration,
        stale: bool,
        stale_pass: bool,
        rng: &mut impl RngCore,
    ) -> DigestChallenge {
        if self.nonces.len() >= MAX_NONCES {
            let oldest = self
                .nonces
                .iter()
                .min_by_key(|(_, i)| i.issued)
                .map(|(n, _)| n.clone());
            if let Some(n) = oldest {
                self.nonces.remove(&n);
            }
        }
        let mut b = [0u8; 16];
        rng.fill_bytes(&mut b);
        let nonce: String = b.iter().map(|x| format!("{x:02x}")).collect();
        self.nonces.insert(
            nonce.clone(),
            NonceInfo {
                issued: now,
                stale_pass,
                passed_nc: None,
            },
        );
        DigestChallenge {
            stale,
            algorithm: Some(self.algorithm),
            qop: vec![Qop::Auth],
            ..DigestChallenge::new(self.realm.clone(), nonce)
        }
    }

    /// Checks the credentials `req` carries in `header` (`Authorization` or
    /// `Proxy-Authorization`) for this realm against `users` (name → password).
    /// `stale_mode`: the StaleNonce failure mode is on. A retransmission (same nonce
    /// count) passes again: a stateless registrar must answer it as the original.
    pub fn check(
        &mut self,
        now: Duration,
        req: &Request,
        header: &HeaderName,
        users: &BTreeMap<String, String>,
        stale_mode: bool,
    ) -> Verdict {
        let creds = req
            .headers
            .get_all(header)
            .filter_map(|v| DigestCredentials::parse(v.as_str()).ok())
            .find(|c| c.realm == self.realm);
        let Some(creds) = creds else {
            return Verdict::Challenge { stale: false };
        };
        let Some(password) = users.get(&creds.username) else {
            return Verdict::Forbidden(creds.username);
        };
        let alg = creds.effective_algorithm();
        let qop_ok = match creds.qop {
            Some(_) => creds.cnonce.is_some() && creds.nc.is_some(),
            None => true,
        };
        if alg != self.algorithm || creds.userhash || !qop_ok {
            return Verdict::Challenge { stale: false };
        }
        let nc = creds.nc.unwrap_or(0);
        let expected = compute::response(&DigestInput {
            algorithm: alg,
            username: &creds.username,
            realm: &self.realm,
            password: &Password::new(password.as_str()),
            nonce: &creds.nonce,
            cnonce: creds.cnonce.as_deref(),
            nc,
            qop: creds.qop,
            method: req.method.as_str(),
            uri: &creds.uri,
            body: &req.body,
        });
        if !compute::digest_eq(&expected, &creds.response) {
            return Verdict::Forbidden(creds.username);
        }
        let Some(info) = self.nonces.get_mut(&creds.nonce) else {
            return Verdict::Challenge { stale: true };
        };
        if now.saturating_sub(info.issued) > self.lifetime {
            self.nonces.remove(&creds.nonce);
            return Verdict::Challenge { stale: true };
        }
        if stale_mode {
            let passes = info.stale_pass && info.passed_nc.is_none_or(|p| p == nc);
            if !passes {
                return Verdict::Challenge { stale: true };
            }
            info.passed_nc = Some(nc);
        }
        Verdict::Accept(creds.username)
    }
}
