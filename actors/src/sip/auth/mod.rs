//! HTTP Digest authentication for SIP (RFC 3261 §22, RFC 2617, RFC 7616, RFC 8760).
//!
//! - [`DigestChallenge`]: a `WWW-Authenticate` / `Proxy-Authenticate` value, parsed and printed.
//! - [`DigestCredentials`]: an `Authorization` / `Proxy-Authorization` value, parsed and printed.
//! - [`compute`]: HA1 / HA2 / response for MD5, SHA-256 and SHA-512/256, with `-sess` variants.
//! - [`DigestClient`]: answers challenges for one account, counts nonce uses, and tells the
//!   caller whether a new challenge deserves a retry ([`RetryDecision`]).
//! - [`DigestServer`]: issues nonces and verifies credentials (tests, the simulator's registrar).
//!
//! All randomness (nonces, cnonces) comes from an injected RNG; the server takes `now` as a
//! parameter. Passwords are wrapped in [`Password`], whose `Debug` prints `***`.

pub mod algorithm;
pub mod challenge;
pub mod client;
pub mod compute;
pub mod credentials;
pub mod error;
mod params;
pub mod password;
pub mod server;

#[cfg(test)]
mod client_tests;
#[cfg(test)]
mod tests;

pub use algorithm::{Algorithm, Qop};
pub use challenge::DigestChallenge;
pub use client::{DigestClient, QopPreference, RetryDecision, MAX_STALE_RETRIES};
pub use credentials::DigestCredentials;
pub use error::{DigestParseError, VerifyError};
pub use password::Password;
pub use server::DigestServer;
