//! The server side: issuing nonces and checking credentials (tests, the simulator's
//! registrar). Sans-IO: `now` and the RNG are passed in.

use super::algorithm::{Algorithm, Qop};
use super::challenge::DigestChallenge;
use super::compute::{self, DigestInput};
use super::credentials::DigestCredentials;
use super::error::VerifyError;
use super::password::Password;
use rand::RngCore;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long a nonce is accepted by default.
pub const DEFAULT_NONCE_LIFETIME: Duration = Duration::from_secs(300);
/// How many outstanding nonces are remembered by default.
pub const DEFAULT_MAX_NONCES: usize = 1024;

#[derive(Debug, Clone, Copy)]
struct NonceState {
    issued: Instant,
    /// Highest nonce count accepted so far (0: none yet).
    last_nc: u32,
}

/// A digest verifier for one realm. Issues nonces, checks responses, rejects replays
/// (the nonce count must increase per nonce) and reports expired or unknown nonces as
/// [`VerifyError::Stale`] when the digest is otherwise right.
#[derive(Debug, Clone)]
pub struct DigestServer {
    realm: String,
    algorithms: Vec<Algorithm>,
    qop: Vec<Qop>,
    opaque: Option<String>,
    nonce_lifetime: Duration,
    max_nonces: usize,
    nonces: HashMap<String, NonceState>,
}

impl DigestServer {
    /// A server for `realm` offering MD5 with qop `auth`, nonces valid 5 minutes.
    pub fn new(realm: impl Into<String>) -> Self {
        DigestServer {
            realm: realm.into(),
            algorithms: vec![Algorithm::Md5],
            qop: vec![Qop::Auth],
            opaque: None,
            nonce_lifetime: DEFAULT_NONCE_LIFETIME,
            max_nonces: DEFAULT_MAX_NONCES,
            nonces: HashMap::new(),
        }
    }

    /// The algorithms offered, in preference order (one challenge each); an empty list
    /// leaves the current one.
    pub fn with_algorithms(mut self, algorithms: Vec<Algorithm>) -> Self {
        if !algorithms.is_empty() {
            self.algorithms = algorithms;
        }
        self
    }

    /// The qop values offered; empty means none (RFC 2069 compatibility).
    pub fn with_qop(mut self, qop: Vec<Qop>) -> Self {
        self.qop = qop;
        self
    }

    /// An opaque value every challenge carries and every answer must echo.
    pub fn with_opaque(mut self, opaque: Option<String>) -> Self {
        self.opaque = opaque;
        self
    }

    /// How long a nonce stays valid after it was issued.
    pub fn with_nonce_lifetime(mut self, lifetime: Duration) -> Self {
        self.nonce_lifetime = lifetime;
        self
    }

    /// How many outstanding nonces are kept (the oldest are forgotten first).
    pub fn with_max_nonces(mut self, max: usize) -> Self {
        self.max_nonces = max.max(1);
        self
    }

    /// The realm protected.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// A challenge with a fresh nonce, for the preferred algorithm; `stale` when answering
    /// [`VerifyError::Stale`].
    pub fn challenge(
        &mut self,
        now: Instant,
        stale: bool,
        rng: &mut impl RngCore,
    ) -> DigestChallenge {
        let mut all = self.challenges(now, stale, rng);
        all.swap_remove(0)
    }

    /// One challenge per offered algorithm, in preference order, sharing one fresh nonce
    /// (RFC 8760 §2.4: one `WWW-Authenticate` header field each).
    pub fn challenges(
        &mut self,
        now: Instant,
        stale: bool,
        rng: &mut impl RngCore,
    ) -> Vec<DigestChallenge> {
        let nonce = self.issue_nonce(now, rng);
        self.algorithms
            .iter()
            .map(|&alg| DigestChallenge {
                opaque: self.opaque.clone(),
                stale,
                algorithm: Some(alg),
                qop: self.qop.clone(),
                ..DigestChallenge::new(self.realm.clone(), nonce.clone())
            })
            .collect()
    }

    /// Checks `creds` for a request with `method` and `body`, looking the password up by
    /// user name. The caller checks that `creds.uri` matches the Request-URI.
    pub fn verify(
        &mut self,
        now: Instant,
        creds: &DigestCredentials,
        method: &str,
        body: &[u8],
        password_lookup: impl FnOnce(&str) -> Option<Password>,
    ) -> Result<(), VerifyError> {
        if creds.realm != self.realm {
            return Err(VerifyError::WrongRealm);
        }
        if creds.userhash {
            return Err(VerifyError::UserhashUnsupported);
        }
        let alg = creds.effective_algorithm();
        if !self.algorithms.contains(&alg) {
            return Err(VerifyError::AlgorithmNotOffered);
        }
        match creds.qop {
            Some(q) if self.qop.contains(&q) => {}
            None if self.qop.is_empty() => {}
            _ => return Err(VerifyError::QopNotOffered),
        }
        if (creds.qop.is_some() || alg.is_session()) && creds.cnonce.is_none() {
            return Err(VerifyError::MissingCnonce);
        }
        let nc = match (creds.qop, creds.nc) {
            (Some(_), None) => return Err(VerifyError::MissingNonceCount),
            (_, nc) => nc.unwrap_or(0),
        };
        if self.opaque.is_some() && creds.opaque != self.opaque {
            return Err(VerifyError::OpaqueMismatch);
        }
        let password = password_lookup(&creds.username).ok_or(VerifyError::UnknownUser)?;
        let expected = compute::response(&DigestInput {
            algorithm: alg,
            username: &creds.username,
            realm: &self.realm,
            password: &password,
            nonce: &creds.nonce,
            cnonce: creds.cnonce.as_deref(),
            nc,
            qop: creds.qop,
            method,
            uri: &creds.uri,
            body,
        });
        if !compute::digest_eq(&expected, &creds.response) {
            return Err(VerifyError::BadResponse);
        }
        let Some(state) = self.nonces.get_mut(&creds.nonce) else {
            return Err(VerifyError::Stale);
        };
        if now.saturating_duration_since(state.issued) > self.nonce_lifetime {
            self.nonces.remove(&creds.nonce);
            return Err(VerifyError::Stale);
        }
        if creds.qop.is_some() {
            if nc <= state.last_nc {
                return Err(VerifyError::Replay);
            }
            state.last_nc = nc;
        }
        Ok(())
    }

    fn issue_nonce(&mut self, now: Instant, rng: &mut impl RngCore) -> String {
        if self.nonces.len() >= self.max_nonces {
            let lifetime = self.nonce_lifetime;
            self.nonces
                .retain(|_, s| now.saturating_duration_since(s.issued) <= lifetime);
        }
        while self.nonces.len() >= self.max_nonces {
            let oldest = self
                .nonces
                .iter()
                .min_by_key(|(_, s)| s.issued)
                .map(|(n, _)| n.clone());
            match oldest {
                Some(n) => self.nonces.remove(&n),
                None => break,
            };
        }
        let mut b = [0u8; 16];
        rng.fill_bytes(&mut b);
        let nonce = hex::encode(b);
        self.nonces.insert(
            nonce.clone(),
            NonceState {
                issued: now,
                last_nc: 0,
            },
        );
        nonce
    }
}
