//! Account registration (RFC 3261 §10.2, RFC 5626, RFC 8599), sans-IO.
//!
//! [`RegistrationMachine`] owns one account's binding: it builds the REGISTERs, answers
//! digest challenges, honours 423 and Retry-After, refreshes before expiry, backs off
//! after failures and re-registers when the NAT binding moves. It sees only final
//! responses, transaction timeouts and transport failures: the shell sends each
//! [`Output::Send`] through the transaction layer (which fills in the Via branch and
//! retransmits) and feeds back what comes of it. No clock, sockets or randomness of its
//! own: `now` comes with every input, and randomness from the injected `ChaCha8Rng`.
//!
//! Never more than one REGISTER is in flight; a request to register or unregister
//! while one is waits for its end.

pub mod backoff;
pub mod config;
pub mod keepalive;
pub mod keepalive_stun;
mod machine;
mod machine_auth;
mod outcome;
pub mod request;
pub mod responses;

#[cfg(test)]
mod keepalive_tests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_auth;
#[cfg(test)]
mod tests_failures;
#[cfg(test)]
mod tests_nat;

pub use config::{Backoff, PushParams, RegistrationConfig};
pub use keepalive::{KeepaliveInput, KeepaliveKind, KeepaliveMachine, KeepaliveOutput};
pub use machine::RegistrationMachine;

use crate::sip::auth::Password;
use crate::sip::{Request, Response};
use std::net::IpAddr;
use std::time::Duration;
use tokio::time::Instant;

/// What the shell feeds the machine.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Input {
    /// The user wants the account registered (and kept registered).
    Register,
    /// The user wants the binding removed (REGISTER with Expires: 0).
    Unregister,
    /// A final response to the REGISTER in flight (provisional ones are ignored).
    Response(Response),
    /// The REGISTER's transaction timed out (Timer F).
    Timeout,
    /// The transport failed to carry the REGISTER (connection lost, ICMP error…).
    TransportError,
    /// The deadline from [`RegistrationMachine::poll_timeout`] passed.
    Timer,
    /// New credentials, used from the next REGISTER on.
    SetCredentials {
        /// The digest user name.
        auth_username: String,
        /// The digest password.
        password: Option<Password>,
    },
    /// Replace the extra headers every REGISTER carries (e.g. a new session token),
    /// used from the next REGISTER on.
    SetHeaders(Vec<(crate::sip::HeaderName, String)>),
    /// The address our REGISTER's 2xx saw us at (top Via `received` / `rport`).
    ObservedAddress {
        /// The `received` address (or the Via's sent-by when absent).
        received: IpAddr,
        /// The `rport` value, when the server filled it in.
        rport: Option<u16>,
    },
    /// Our local address moved (a network change): the new Contact URI. Re-registers
    /// (removing the old Contact's binding) when the account is wanted registered.
    Relocated {
        /// The Contact URI at the new address.
        contact: crate::sip::SipUri,
    },
}

/// What the machine asks the shell to do.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Output {
    /// Send this complete REGISTER through a new client transaction. Its top Via is
    /// `SIP/2.0/<T> host:port;rport;branch=z9hG4bK`: the transaction layer appends the
    /// rest of the branch.
    Send(Request),
    /// Tell the application.
    Event(RegistrationEvent),
}

/// Registration progress, for the application.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistrationEvent {
    /// A REGISTER went out for an account that was not registered.
    Registering,
    /// The registrar accepted the binding (first time or refresh) for `expires` seconds.
    Registered {
        /// The granted expiry in seconds.
        expires: u32,
    },
    /// The binding is being removed.
    Unregistering,
    /// The binding is gone (or we tried and the registrar did not answer).
    Unregistered,
    /// Registration failed; `retry_in` says when the machine tries again by itself.
    Failed {
        /// Why.
        reason: FailureReason,
        /// The final response's status, when there was one.
        status: Option<u16>,
        /// When the automatic retry happens; `None` when the user must act.
        retry_in: Option<Duration>,
    },
    /// Credentials that used to work were refused on a refresh.
    AuthExpired,
    /// The registrar sees us at a new public address (NAT rebinding), or our local
    /// address moved (a network change): re-registering.
    AddressChanged,
    /// The keepalive found the flow to the server dead (RFC 5626 §4.4.1): re-registering.
    FlowFailed,
}

/// Why a registration failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureReason {
    /// Digest credentials missing or refused (401/407).
    Credentials,
    /// 403 Forbidden.
    Forbidden,
    /// 404 Not Found: no such account.
    NotFound,
    /// 5xx.
    ServerError,
    /// No answer: the transaction timed out.
    Timeout,
    /// The transport failed.
    Network,
    /// Another 3xx/4xx/6xx.
    Rejected,
    /// 423 with a Min-Expires we could not satisfy (absent, not larger, or over 7 days).
    IntervalTooBrief,
}

impl FailureReason {
    /// Whether the machine retries by itself; credentials, forbidden, not found and
    /// interval-too-brief need the user (or the config) to change something first.
    pub fn auto_retries(self) -> bool {
        !matches!(
            self,
            FailureReason::Credentials
                | FailureReason::Forbidden
                | FailureReason::NotFound
                | FailureReason::IntervalTooBrief
        )
    }
}

/// Where the registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegState {
    /// No binding (initial state, or after unregistering).
    Unregistered,
    /// A REGISTER is out for an account that is not registered yet.
    Registering,
    /// Bound for `expires` seconds, until `until` (a refresh may be in flight).
    Registered {
        /// The granted expiry in seconds.
        expires: u32,
        /// When the binding lapses unless refreshed.
        until: Instant,
    },
    /// The Expires: 0 REGISTER is out.
    Unregistering,
    /// The last attempt failed.
    Failed {
        /// Why.
        reason: FailureReason,
        /// The final response's status, when there was one.
        status: Option<u16>,
        /// When the machine retries by itself, if it does.
        retry_at: Option<Instant>,
    },
}
