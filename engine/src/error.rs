//! The errors the embedder sees, sorted by who is at fault:
//!
//! | variant | at fault | what to do |
//! |---|---|---|
//! | [`NotRunning`](EngineError::NotRunning) | the embedder (called in the wrong state) | wait for Running, or start the engine |
//! | [`InvalidTarget`](EngineError::InvalidTarget) | the embedder / user (not a SIP URI the engine can send to) | fix the URI |
//! | [`Unresolvable`](EngineError::Unresolvable) | the embedder / user (a host name; the engine does no DNS yet) | use an IP address |
//! | [`NoTransport`](EngineError::NoTransport) | the embedder (no listener of the target's transport) | configure one |
//! | [`RequestTimeout`](EngineError::RequestTimeout) | the peer or the network (no final response: Timer B/F) | retry later |
//! | [`RequestTransport`](EngineError::RequestTransport) | the network (the transport failed to deliver, RFC 3261 §17.1.4) | retry later |
//! | [`Push`](EngineError::Push) | the embedder / app backend (a malformed push, or no registration-free account for it) | fix the named field or add the account |
//! | [`UnknownCall`](EngineError::UnknownCall) | the embedder (no call with that Call-ID in a state for the request: it ended meanwhile) | nothing |
//! | [`CallRefused`](EngineError::CallRefused) | the user's situation (call limit, cellular call, paused, a switch in progress) | wait, or end a call |
//! | [`AudioFile`](EngineError::AudioFile) | the embedder / user (the WAV file to send is unreadable or not 16-bit mono 8 kHz) | fix the file |
//! | [`WrongTargetKind`](EngineError::WrongTargetKind) | the embedder (a number to `dial`, a URI to `dial_number`) | call the other method |
//! | [`Account`](EngineError::Account) | the embedder / user (an account field breaks the grammar) | fix the named field |
//! | [`Config`](EngineError::Config) | the embedder / user (bad configuration) | fix the named field |
//! | [`Bind`](EngineError::Bind) | the environment (address in use, no permission, no such interface) | pick another address |
//! | [`Tls`](EngineError::Tls) | the environment / user (unreadable or invalid certificate files) | fix the files |
//! | [`Io`](EngineError::Io) | the environment (another OS error) | retry or report |
//! | [`ActorSpawn`](EngineError::ActorSpawn) | the engine (a child failed to start) | report a bug |
//! | [`EngineGone`](EngineError::EngineGone) | the engine (the supervision tree is down) | restart the engine |

use crate::lifecycle::EngineState;
use crate::validate::ConfigError;
use std::net::SocketAddr;
use std::path::PathBuf;
use switchboard_actors::vocab::TransportKind;
use thiserror::Error;

/// An operation on the engine failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The operation needs a running engine and the engine is in `state`.
    #[error("the engine is not running (it is {state})")]
    NotRunning {
        /// The state the engine was in.
        state: EngineState,
    },
    /// `target` is not a SIP URI the engine can send a request to.
    #[error("cannot send to `{target}`: {reason}")]
    InvalidTarget {
        /// The target as given.
        target: String,
        /// Why it was refused.
        reason: String,
    },
    /// The target's host is a name; the engine resolves no DNS names yet.
    #[error("cannot resolve `{host}`: use an IP address (the engine does no DNS lookups yet)")]
    Unresolvable {
        /// The host name.
        host: String,
    },
    /// No listener of the transport the target needs.
    #[error("no {transport} listener to send from")]
    NoTransport {
        /// The transport the target needs.
        transport: TransportKind,
    },
    /// A request got no final response in time (Timer B for INVITE, F otherwise).
    #[error("{method} to {target}: no final response (timeout)")]
    RequestTimeout {
        /// The method.
        method: String,
        /// Where it was sent.
        target: SocketAddr,
    },
    /// The transport could not deliver a request (connection refused or broken).
    #[error("{method} to {target}: the transport failed to deliver it")]
    RequestTransport {
        /// The method.
        method: String,
        /// Where it was sent.
        target: SocketAddr,
    },
    /// An account configuration was refused (`add_account`); the error names the field.
    #[error("{0}")]
    Account(#[from] crate::account::AccountError),
    /// The configuration was refused.
    #[error("configuration: {0}")]
    Config(#[from] ConfigError),
    /// A listener could not bind its address.
    #[error("cannot bind {transport} listener on {addr}: {source}")]
    Bind {
        /// The listener's transport.
        transport: TransportKind,
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A TLS listener's certificate or key could not be loaded.
    #[error("cannot load TLS material from {path}: {source}")]
    Tls {
        /// The file.
        path: PathBuf,
        /// Why (file unreadable, no PEM item, key rejected by rustls…).
        #[source]
        source: std::io::Error,
    },
    /// Another I/O error.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// A child actor did not start.
    #[error("cannot start the {actor} actor: {source}")]
    ActorSpawn {
        /// Which child (`event_hub`, `supervisor`, `transport`, `transaction_layer`).
        actor: &'static str,
        /// ractor's error (it carries the child's startup error as its source).
        #[source]
        source: ractor::SpawnErr,
    },
    /// The supervision tree stopped while the handle still existed.
    #[error("the engine's supervision tree is gone")]
    EngineGone,
    /// A push payload or session token was refused (`handle_push`,
    /// `Account::set_session_token`); the error names the field.
    #[error("{0}")]
    Push(#[from] crate::push::PushError),
    /// No call with this Call-ID is in a state for the request (it ended meanwhile,
    /// or e.g. `answer` on a call that does not ring).
    #[error("no call with Call-ID `{call_id}` can do that now")]
    UnknownCall {
        /// The Call-ID as given.
        call_id: String,
    },
    /// The call manager refused the request: the call limit, a cellular call, the
    /// engine paused, another call being switched.
    #[error("call refused: {0}")]
    CallRefused(#[from] switchboard_actors::admission::AdmissionError),
    /// The audio file to send cannot be used.
    #[error("audio file {path}: {source}")]
    AudioFile {
        /// The file.
        path: PathBuf,
        /// Why (unreadable, not 16-bit mono 8 kHz WAV…).
        #[source]
        source: switchboard_codecs::WavError,
    },
    /// A call rating was refused (outside 1..=5).
    #[error("{0}")]
    Feedback(#[from] crate::cdr::FeedbackError),
    /// Exporting the logs failed (not capturing, a bad range, the file).
    #[error("{0}")]
    Logs(#[from] crate::logs::LogsError),
    /// `dial` got a telephone number, or `dial_number` a SIP URI.
    #[error("`{target}` is not a {expected}")]
    WrongTargetKind {
        /// The target as given.
        target: String,
        /// What the method takes: `SIP URI` or `telephone number`.
        expected: &'static str,
    },
}

impl EngineError {
    /// The process exit code the CLI uses: 2 for usage/config errors, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            EngineError::Config(_) | EngineError::Account(_) => 2,
            _ => 1,
        }
    }

    /// Recovers a typed error from an actor's startup failure: a child that returns an
    /// `EngineError` from `pre_start` (e.g. [`EngineError::Bind`]) gets it back intact.
    pub(crate) fn from_spawn(actor: &'static str, err: ractor::SpawnErr) -> EngineError {
        match err {
            ractor::SpawnErr::StartupFailed(inner) => match inner.downcast::<EngineError>() {
                Ok(typed) => *typed,
                Err(other) => EngineError::ActorSpawn {
                    actor,
                    source: ractor::SpawnErr::StartupFailed(other),
                },
            },
            other => EngineError::ActorSpawn {
                actor,
                source: other,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spawn_errors_keep_a_typed_child_error() {
        let bind = EngineError::Bind {
            transport: TransportKind::Udp,
            addr: "127.0.0.1:5060".parse().unwrap(),
            source: std::io::ErrorKind::AddrInUse.into(),
        };
        let err =
            EngineError::from_spawn("transport", ractor::SpawnErr::StartupFailed(Box::new(bind)));
        assert!(matches!(err, EngineError::Bind { addr, .. } if addr.port() == 5060));
        assert_eq!(err.exit_code(), 1);
        let plain: ractor::ActorProcessingErr = "boom".into();
        let err = EngineError::from_spawn("event_hub", ractor::SpawnErr::StartupFailed(plain));
        assert!(matches!(
            err,
            EngineError::ActorSpawn {
                actor: "event_hub",
                ..
            }
        ));
        assert!(err.to_string().contains("event_hub"));
    }

    #[test]
    fn not_running_names_the_state() {
        let err = EngineError::NotRunning {
            state: EngineState::Paused,
        };
        assert_eq!(err.to_string(), "the engine is not running (it is paused)");
        let cfg = EngineError::from(ConfigError::Invalid {
            field: "timers.t1".into(),
            reason: "x",
        });
        assert_eq!(cfg.exit_code(), 2);
    }
}
