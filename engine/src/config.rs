//! The engine's configuration: what to listen on, SIP timers, parse limits, bounds.
//!
//! Built in code with [`EngineConfig::builder`] or read from TOML with
//! [`EngineConfig::from_toml_str`]; both go through [`EngineConfig::validate`]
//! (rules and errors in [`crate::validate`]).
//!
//! ```toml
//! seed = 42
//! user_agent = "my-softphone/1.0"
//! [[listeners]]
//! transport = "udp"
//! addr = "127.0.0.1:5060"
//! [[listeners]]
//! transport = "tls"
//! addr = "127.0.0.1:5061"
//! tls = { cert_path = "cert.pem", key_path = "key.pem" }
//! [timers]
//! t1 = 500
//! ```
//!
//! Listener addresses that are not loopback are allowed (a softphone must be reachable),
//! but the engine logs a warning for each one at start: binding `0.0.0.0` exposes the
//! SIP stack to the whole network. See [`EngineConfig::exposed_listeners`].

pub use crate::config_builder::EngineConfigBuilder;
use crate::validate::ConfigError;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;
use switchboard_actors::vocab::TransportKind;

/// The RNG seed used when none is configured. A constant, never the clock: two engines
/// started with the default config draw the same tags and branch ids. Embedders that
/// want unpredictable values pass their own seed (e.g. from the OS RNG).
pub const DEFAULT_SEED: u64 = 0x5357_4954_4348_4244; // "SWITCHBD"

/// The default `User-Agent` / `Server` header value.
pub const DEFAULT_USER_AGENT: &str = concat!("switchboard/", env!("CARGO_PKG_VERSION"));

/// Everything the engine needs to start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EngineConfig {
    /// Seed of the engine's RNG (tags, branch ids, Call-IDs, jitter); see [`DEFAULT_SEED`].
    pub seed: u64,
    /// The SIP listeners, one transport actor each.
    pub listeners: Vec<ListenerConfig>,
    /// RFC 3261 timers.
    pub timers: SipTimers,
    /// Limits the parser enforces on received messages.
    pub limits: ParseLimits,
    /// The `User-Agent` (requests) and `Server` (responses) header value.
    pub user_agent: String,
    /// Events buffered per subscriber before it is reported as lagging.
    pub event_channel_bound: usize,
    /// Queue bounds between actors.
    pub mailbox: MailboxBounds,
    /// How failed children are restarted.
    pub restart: RestartConfig,
    /// The call manager's policies: call limit, over-limit and cellular behaviour.
    pub calls: CallsConfig,
    /// What calls offer and accept.
    pub media: MediaSettings,
    /// How network changes (a new IP address) are noticed.
    pub network: crate::netwatch::NetworkSettings,
}

pub use crate::config_media::{AudioCodec, DtmfMode, MediaSettings};

/// The call manager's policies (TOML `[calls]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CallsConfig {
    /// How many calls may be alive at once (ringing, dialling, active or held); ≥ 1,
    /// default 2.
    pub call_limit: u32,
    /// What an incoming call beyond the limit gets: `reject486` (default) or `ignore`.
    pub over_limit: OverLimit,
    /// What an answered cellular call does to the SIP call in conversation:
    /// `end_call` (default), `hold_and_resume` or `hold_and_leave`.
    pub cellular: CellularPolicy,
    /// How long an incoming call rings before it is missed (480), in seconds; 1..=600,
    /// default 60.
    pub ring_timeout_secs: u32,
    /// Only one call in conversation at a time (default `true`): answering, dialling or
    /// resuming holds the active call first. `false` for an answering service or a load
    /// target, where every call may be active at once.
    pub single_active: bool,
}

impl Default for CallsConfig {
    fn default() -> Self {
        CallsConfig {
            call_limit: switchboard_actors::admission::DEFAULT_CALL_LIMIT,
            over_limit: OverLimit::default(),
            cellular: CellularPolicy::default(),
            ring_timeout_secs: 60,
            single_active: true,
        }
    }
}

impl CallsConfig {
    /// The admission machine's settings.
    pub fn admission(&self) -> AdmissionConfig {
        AdmissionConfig {
            call_limit: self.call_limit,
            over_limit: self.over_limit,
            cellular: self.cellular,
            single_active: self.single_active,
        }
    }
}

pub use switchboard_actors::admission::{AdmissionConfig, CellularPolicy, OverLimit};

/// One SIP listener.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListenerConfig {
    /// `udp`, `tcp` or `tls`.
    #[serde(with = "crate::serde_kind")]
    pub transport: TransportKind,
    /// The address to bind; port 0 asks the OS for an ephemeral port.
    pub addr: SocketAddr,
    /// Certificate and key, required for (and only for) `tls`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsFiles>,
}

/// PEM files for a TLS listener.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFiles {
    /// The certificate chain (PEM).
    pub cert_path: PathBuf,
    /// The private key (PEM).
    pub key_path: PathBuf,
}

/// RFC 3261 §17 timer bases, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SipTimers {
    /// T1, the RTT estimate (default 500 ms).
    pub t1: u64,
    /// T2, the maximum retransmit interval for non-INVITE requests and INVITE responses
    /// (default 4000 ms); must be at least T1.
    pub t2: u64,
    /// T4, the maximum time a message stays in the network (default 5000 ms).
    pub t4: u64,
}

impl Default for SipTimers {
    fn default() -> Self {
        SipTimers {
            t1: 500,
            t2: 4000,
            t4: 5000,
        }
    }
}

/// Limits on received messages; over-limit messages are refused (513 or 400). The wire
/// layer's own type, so the configured values reach the parser unchanged.
pub use switchboard_actors::sip::ParseLimits;

/// Queue bounds. ractor mailboxes themselves are unbounded, so each shell counts what
/// it has queued towards the next actor and drops (and reports) beyond these bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailboxBounds {
    /// Received messages queued from the transports towards the transaction layer.
    /// Enforced by the ingress: beyond it requests are answered 503 with Retry-After
    /// and other messages dropped, without creating transactions.
    pub transport_inbound: usize,
    /// Messages queued towards the transaction layer from the layers above. Not yet
    /// enforced: today only the UA core sends there, one response per request that the
    /// inbound bound already admitted.
    pub transaction: usize,
}

impl Default for MailboxBounds {
    fn default() -> Self {
        MailboxBounds {
            transport_inbound: 4096,
            transaction: 4096,
        }
    }
}

/// Restart budget for supervised children (transports): at most `max_restarts` within
/// `window_ms`, waiting `backoff_ms` × 2^n (capped at `max_backoff_ms`, jittered from
/// the engine RNG) before each attempt. Beyond the budget the child stays down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RestartConfig {
    /// Restarts allowed within the window (default 5).
    pub max_restarts: u32,
    /// The window, milliseconds (default 60000).
    pub window_ms: u64,
    /// First backoff, milliseconds (default 100).
    pub backoff_ms: u64,
    /// Backoff cap, milliseconds (default 5000).
    pub max_backoff_ms: u64,
}

impl Default for RestartConfig {
    fn default() -> Self {
        RestartConfig {
            max_restarts: 5,
            window_ms: 60_000,
            backoff_ms: 100,
            max_backoff_ms: 5_000,
        }
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            seed: DEFAULT_SEED,
            listeners: Vec::new(),
            timers: SipTimers::default(),
            limits: ParseLimits::default(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            event_channel_bound: 1024,
            mailbox: MailboxBounds::default(),
            restart: RestartConfig::default(),
            calls: CallsConfig::default(),
            media: MediaSettings::default(),
            network: crate::netwatch::NetworkSettings::default(),
        }
    }
}

impl EngineConfig {
    /// A builder starting from the defaults.
    pub fn builder() -> EngineConfigBuilder {
        EngineConfigBuilder::new()
    }

    /// Reads and validates a TOML document; missing fields take their defaults.
    pub fn from_toml_str(text: &str) -> Result<EngineConfig, ConfigError> {
        let cfg: EngineConfig = toml::from_str(text).map_err(|e| ConfigError::Toml {
            message: e.message().to_owned(),
            span: e.span(),
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Listeners bound to an address that is not loopback (reachable from the network).
    pub fn exposed_listeners(&self) -> impl Iterator<Item = &ListenerConfig> {
        self.listeners.iter().filter(|l| !l.addr.ip().is_loopback())
    }
}
