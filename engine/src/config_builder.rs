//! [`EngineConfigBuilder`]: an [`EngineConfig`] built in code, validated at the end.

use crate::config::{
    EngineConfig, ListenerConfig, MailboxBounds, ParseLimits, RestartConfig, SipTimers, TlsFiles,
};
use crate::validate::ConfigError;
use std::net::SocketAddr;
use std::path::PathBuf;
use switchboard_actors::vocab::TransportKind;

/// Builds an [`EngineConfig`] in code; [`build`](Self::build) validates.
#[derive(Debug, Clone, Default)]
pub struct EngineConfigBuilder(EngineConfig);

impl EngineConfigBuilder {
    /// A builder starting from [`EngineConfig::default`].
    pub fn new() -> Self {
        EngineConfigBuilder(EngineConfig::default())
    }

    /// Sets the RNG seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// Adds a UDP or TCP listener.
    pub fn listen(mut self, transport: TransportKind, addr: SocketAddr) -> Self {
        self.0.listeners.push(ListenerConfig {
            transport,
            addr,
            tls: None,
        });
        self
    }

    /// Adds a TLS listener with its certificate and key.
    pub fn listen_tls(
        mut self,
        addr: SocketAddr,
        cert_path: impl Into<PathBuf>,
        key_path: impl Into<PathBuf>,
    ) -> Self {
        self.0.listeners.push(ListenerConfig {
            transport: TransportKind::Tls,
            addr,
            tls: Some(TlsFiles {
                cert_path: cert_path.into(),
                key_path: key_path.into(),
            }),
        });
        self
    }

    /// Sets the call limit (calls alive at once, ≥ 1; default 2).
    pub fn call_limit(mut self, limit: u32) -> Self {
        self.0.calls.call_limit = limit;
        self
    }

    /// Sets what an incoming call beyond the call limit gets (486 or nothing).
    pub fn over_limit(mut self, over: crate::config::OverLimit) -> Self {
        self.0.calls.over_limit = over;
        self
    }

    /// Sets what an answered cellular call does to the SIP call in conversation.
    pub fn cellular_policy(mut self, policy: crate::config::CellularPolicy) -> Self {
        self.0.calls.cellular = policy;
        self
    }

    /// Whether only one call is in conversation at a time (default `true`; `false`
    /// for an answering service or a load target).
    pub fn single_active(mut self, single: bool) -> Self {
        self.0.calls.single_active = single;
        self
    }

    /// Sets the audio codecs, most preferred first.
    pub fn codecs(mut self, codecs: &[crate::config::AudioCodec]) -> Self {
        self.0.media.codecs = codecs.to_vec();
        self
    }

    /// Sets the seconds between checks for a network change (0: only when the app
    /// calls `Engine::network_changed`).
    pub fn network_check_interval_secs(mut self, secs: u32) -> Self {
        self.0.network.check_interval_secs = secs;
        self
    }

    /// Sets how long an incoming call rings before it is missed (seconds).
    pub fn ring_timeout_secs(mut self, secs: u32) -> Self {
        self.0.calls.ring_timeout_secs = secs;
        self
    }

    /// Sets T1, T2 and T4 (milliseconds).
    pub fn timers(mut self, t1: u64, t2: u64, t4: u64) -> Self {
        self.0.timers = SipTimers { t1, t2, t4 };
        self
    }

    /// Sets the parse limits.
    pub fn limits(mut self, limits: ParseLimits) -> Self {
        self.0.limits = limits;
        self
    }

    /// Sets the `User-Agent` / `Server` value.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.0.user_agent = ua.into();
        self
    }

    /// Sets the per-subscriber event buffer.
    pub fn event_channel_bound(mut self, bound: usize) -> Self {
        self.0.event_channel_bound = bound;
        self
    }

    /// Sets the queue bounds.
    pub fn mailbox(mut self, bounds: MailboxBounds) -> Self {
        self.0.mailbox = bounds;
        self
    }

    /// Sets the restart budget.
    pub fn restart(mut self, restart: RestartConfig) -> Self {
        self.0.restart = restart;
        self
    }

    /// Validates and returns the configuration.
    pub fn build(self) -> Result<EngineConfig, ConfigError> {
        self.0.validate()?;
        Ok(self.0)
    }
}
