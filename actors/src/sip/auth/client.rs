//! The client side: answering challenges for one account (RFC 3261 §22.2–22.3).

use super::algorithm::Qop;
use super::challenge::DigestChallenge;
use super::compute::{self, DigestInput};
use super::credentials::DigestCredentials;
use super::password::Password;
use rand::RngCore;
use std::collections::VecDeque;

/// How many consecutive `stale=true` challenges are answered before giving up.
pub const MAX_STALE_RETRIES: u8 = 3;
/// How many nonces' counts are remembered (a few realms' worth of forking or proxies).
const NONCE_MEMORY: usize = 8;

/// Which qop to use when a challenge offers both `auth` and `auth-int`. When only one is
/// offered, that one is used whatever the preference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QopPreference {
    /// Prefer `auth` (the default): most servers offer it and it survives proxies that
    /// rewrite bodies (SDP through an SBC).
    #[default]
    Auth,
    /// Prefer `auth-int`, which also protects the body.
    AuthInt,
}

/// What to do about a 401/407 challenge, from [`DigestClient::should_retry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Answer it with [`DigestClient::respond`] (first challenge for this realm, or a
    /// cached nonce the server silently retired).
    Respond,
    /// `stale=true`: the credentials were right, the nonce expired. Answer with
    /// [`DigestClient::respond`] without asking the user again.
    RetryStale,
    /// A fresh (non-stale) challenge answering our credentials: they are wrong. Fail the
    /// registration or request with "credentials rejected"; do not retry.
    CredentialsRejected,
    /// The server keeps answering `stale=true`: stop to avoid a loop.
    TooManyStale,
}

/// One nonce's use: the last count sent, and for `-sess` the cnonce HA1 was built with.
#[derive(Debug, Clone)]
struct NonceUse {
    nonce: String,
    nc: u32,
    sess_cnonce: Option<String>,
}

/// Digest credentials for one account (user name and password), answering challenges
/// from its realm(s). Keeps the nonce count per nonce and the last challenge for
/// pre-emptive authorization. `Debug` shows the password as `***`.
#[derive(Debug, Clone)]
pub struct DigestClient {
    username: String,
    password: Password,
    qop_preference: QopPreference,
    use_userhash: bool,
    nonces: VecDeque<NonceUse>,
    cached: Option<DigestChallenge>,
    stale_streak: u8,
}

impl DigestClient {
    /// A client for `username` with `password`, preferring qop `auth`, no userhash.
    pub fn new(username: impl Into<String>, password: Password) -> Self {
        DigestClient {
            username: username.into(),
            password,
            qop_preference: QopPreference::Auth,
            use_userhash: false,
            nonces: VecDeque::new(),
            cached: None,
            stale_streak: 0,
        }
    }

    /// Sets which qop wins when both are offered.
    pub fn with_qop_preference(mut self, pref: QopPreference) -> Self {
        self.qop_preference = pref;
        self
    }

    /// Sends a hashed user name when the challenge says `userhash=true` (RFC 7616 §3.4.4).
    pub fn with_userhash(mut self, on: bool) -> Self {
        self.use_userhash = on;
        self
    }

    /// The account's user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// Whether and how to answer `challenge`, given the credentials the challenged
    /// request carried for it (`None` if it carried none). See [`RetryDecision`].
    pub fn should_retry(
        &self,
        challenge: &DigestChallenge,
        sent: Option<&DigestCredentials>,
    ) -> RetryDecision {
        let Some(sent) = sent.filter(|s| s.realm == challenge.realm) else {
            return RetryDecision::Respond;
        };
        if challenge.is_stale() {
            if self.stale_streak >= MAX_STALE_RETRIES {
                RetryDecision::TooManyStale
            } else {
                RetryDecision::RetryStale
            }
        } else if sent.nc.is_some_and(|n| n > 1) && sent.nonce != challenge.nonce {
            // We reused an old nonce pre-emptively and the server retired it without
            // saying stale: worth one fresh answer (which then has nc=1).
            RetryDecision::Respond
        } else {
            RetryDecision::CredentialsRejected
        }
    }

    /// Answers `challenge` for a request `method uri` with `body`; remembers it for
    /// [`DigestClient::authorize`]. The cnonce comes from `rng`; the nonce count goes up
    /// by one per use of the same nonce and starts at 1 for a new one.
    pub fn respond(
        &mut self,
        challenge: &DigestChallenge,
        method: &str,
        uri: &str,
        body: &[u8],
        rng: &mut impl RngCore,
    ) -> DigestCredentials {
        self.stale_streak = if challenge.is_stale() {
            self.stale_streak.saturating_add(1)
        } else {
            0
        };
        self.cached = Some(challenge.clone());
        self.answer(challenge, method, uri, body, rng)
    }

    /// Pre-emptive credentials for a new request, reusing the last challenge answered
    /// (its nonce, next count); `None` before any challenge.
    pub fn authorize(
        &mut self,
        method: &str,
        uri: &str,
        body: &[u8],
        rng: &mut impl RngCore,
    ) -> Option<DigestCredentials> {
        let challenge = self.cached.clone()?;
        self.stale_streak = 0;
        Some(self.answer(&challenge, method, uri, body, rng))
    }

    /// Tells the client a request it authorized succeeded (any 2xx): resets the stale
    /// loop guard.
    pub fn accepted(&mut self) {
        self.stale_streak = 0;
    }

    /// Forgets nonces and the cached challenge (e.g. after the server rejected us).
    pub fn reset(&mut self) {
        self.nonces.clear();
        self.cached = None;
        self.stale_streak = 0;
    }

    fn answer(
        &mut self,
        c: &DigestChallenge,
        method: &str,
        uri: &str,
        body: &[u8],
        rng: &mut impl RngCore,
    ) -> DigestCredentials {
        let alg = c.effective_algorithm();
        let qop = self.pick_qop(c);
        let (nc, sess_cnonce) = self.next_use(&c.nonce, alg.is_session(), rng);
        let cnonce = match (sess_cnonce, qop) {
            (Some(s), _) => Some(s),
            (None, Some(_)) => Some(new_cnonce(rng)),
            (None, None) => None,
        };
        let response = compute::response(&DigestInput {
            algorithm: alg,
            username: &self.username,
            realm: &c.realm,
            password: &self.password,
            nonce: &c.nonce,
            cnonce: cnonce.as_deref(),
            nc,
            qop,
            method,
            uri,
            body,
        });
        let userhash = self.use_userhash && c.userhash;
        DigestCredentials {
            username: if userhash {
                compute::userhash(alg, &self.username, &c.realm)
            } else {
                self.username.clone()
            },
            realm: c.realm.clone(),
            nonce: c.nonce.clone(),
            uri: uri.to_owned(),
            response,
            algorithm: Some(alg),
            cnonce,
            opaque: c.opaque.clone(),
            qop,
            nc: qop.map(|_| nc),
            userhash,
            extra: Vec::new(),
        }
    }

    fn pick_qop(&self, c: &DigestChallenge) -> Option<Qop> {
        let preferred = match self.qop_preference {
            QopPreference::Auth => Qop::Auth,
            QopPreference::AuthInt => Qop::AuthInt,
        };
        if c.offers(preferred) {
            Some(preferred)
        } else {
            c.qop.first().copied()
        }
    }

    /// The next count for `nonce`, and (for `-sess`) the cnonce fixed at its first use, so
    /// HA1 stays the same for every request under one nonce (RFC 2617 §3.2.2.2).
    fn next_use(
        &mut self,
        nonce: &str,
        sess: bool,
        rng: &mut impl RngCore,
    ) -> (u32, Option<String>) {
        if let Some(u) = self.nonces.iter_mut().find(|u| u.nonce == nonce) {
            u.nc = u.nc.saturating_add(1);
            if sess && u.sess_cnonce.is_none() {
                u.sess_cnonce = Some(new_cnonce(rng));
            }
            return (u.nc, u.sess_cnonce.clone());
        }
        if self.nonces.len() >= NONCE_MEMORY {
            self.nonces.pop_front();
        }
        let sess_cnonce = sess.then(|| new_cnonce(rng));
        self.nonces.push_back(NonceUse {
            nonce: nonce.to_owned(),
            nc: 1,
            sess_cnonce: sess_cnonce.clone(),
        });
        (1, sess_cnonce)
    }
}

/// 16 random bytes from the injected RNG, as 32 lowercase hex digits.
fn new_cnonce(rng: &mut impl RngCore) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    hex::encode(b)
}
