//! Why a digest header did not parse, and why a server refused credentials.

use thiserror::Error;

/// A `WWW-Authenticate` / `Authorization` (or proxy) value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DigestParseError {
    /// The value is empty or only whitespace.
    #[error("empty authentication header value")]
    Empty,
    /// The scheme is not `Digest` (e.g. `Basic`, `Bearer`): not a malformed value, just
    /// one this module does not answer.
    #[error("unsupported authentication scheme {0:?}")]
    UnsupportedScheme(String),
    /// A quoted-string has no closing quote.
    #[error("unterminated quoted string")]
    UnterminatedQuote,
    /// The auth-param list does not match its grammar.
    #[error("malformed auth-param list: {0}")]
    Malformed(&'static str),
    /// A mandatory parameter is absent.
    #[error("missing {0} parameter")]
    MissingParam(&'static str),
    /// A parameter that may appear once appears several times.
    #[error("duplicate {0} parameter")]
    DuplicateParam(&'static str),
    /// An `algorithm` this module cannot compute.
    #[error("unsupported digest algorithm {0:?}")]
    UnsupportedAlgorithm(String),
    /// A `qop` naming no quality of protection this module supports.
    #[error("no supported qop in {0:?}")]
    UnsupportedQop(String),
    /// A parameter whose value does not match its grammar.
    #[error("bad {param} value: {why}")]
    BadValue {
        /// Which parameter.
        param: &'static str,
        /// What is wrong.
        why: &'static str,
    },
}

/// Why a [`DigestServer`](super::DigestServer) refused credentials.
///
/// Every variant but [`VerifyError::Stale`] means "challenge again with `stale=false`".
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The credentials name a realm this server does not protect.
    #[error("wrong realm")]
    WrongRealm,
    /// The password lookup knows no such user.
    #[error("unknown user")]
    UnknownUser,
    /// The credentials use an algorithm this server did not offer.
    #[error("algorithm not offered")]
    AlgorithmNotOffered,
    /// The credentials use a qop this server did not offer, or omit qop when it did.
    #[error("qop not offered")]
    QopNotOffered,
    /// qop (or a `-sess` algorithm) is used without `cnonce`.
    #[error("missing cnonce")]
    MissingCnonce,
    /// qop is used without `nc`.
    #[error("missing nonce count")]
    MissingNonceCount,
    /// `userhash=true` credentials: this server looks users up by name only.
    #[error("userhash not supported")]
    UserhashUnsupported,
    /// The `opaque` does not echo the challenge's.
    #[error("opaque mismatch")]
    OpaqueMismatch,
    /// The nonce count did not increase: a replayed request.
    #[error("nonce count replayed")]
    Replay,
    /// The response digest is wrong: wrong password (or tampered request).
    #[error("wrong response digest")]
    BadResponse,
    /// The digest is right but the nonce expired or is unknown: challenge again with
    /// `stale=true` so the client retries without asking its user.
    #[error("stale nonce")]
    Stale,
}

impl VerifyError {
    /// Whether the caller should send the new challenge with `stale=true`.
    pub fn is_stale(&self) -> bool {
        matches!(self, VerifyError::Stale)
    }
}
