//! How each kind of peer behaves, as written in a scenario's `[[peer]]` table. Every
//! struct refuses unknown fields, so a typo is an error naming the field.

use crate::time::SimDuration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which peer, with its behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PeerKind {
    /// A remote user agent.
    Ua(UaConfig),
    /// A registrar and proxy.
    Registrar(RegistrarConfig),
    /// A PSTN gateway.
    Gateway(GatewayConfig),
    /// The app's push backend.
    Push(PushConfig),
    /// The phone's cellular radio.
    Radio(RadioConfig),
}

/// A scriptable remote user agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UaConfig {
    /// User part of its address of record (`bob`).
    pub user: String,
    /// Domain of its AOR; its own IP when absent.
    #[serde(default)]
    pub domain: Option<String>,
    /// Password for digest challenges.
    #[serde(default)]
    pub password: Option<String>,
    /// Registrar (a name in the scenario, or `ip:port`); registers at start when set.
    #[serde(default)]
    pub registrar: Option<String>,
    /// Requested registration expiry, seconds.
    #[serde(default = "default_expires")]
    pub expires: u32,
    /// Outbound proxy for its requests (a name or `ip:port`).
    #[serde(default)]
    pub proxy: Option<String>,
    /// How it answers OPTIONS.
    #[serde(default)]
    pub on_options: OptionsBehaviour,
    /// How it answers INVITE.
    #[serde(default)]
    pub on_invite: InviteBehaviour,
    /// Hang up (BYE) this long after a call is confirmed.
    #[serde(default)]
    pub hangup_after: Option<SimDuration>,
    /// Send a re-INVITE this long after a call is confirmed.
    #[serde(default)]
    pub reinvite_after: Option<SimDuration>,
    /// Send OPTIONS to a target periodically (a keepalive, or load for long runs).
    #[serde(default)]
    pub ping: Option<UaPing>,
}

/// A UA's periodic OPTIONS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UaPing {
    /// A SIP URI or a name in the scenario.
    pub to: String,
    /// The interval; the first is sent one interval after the start.
    pub every: SimDuration,
}

fn default_expires() -> u32 {
    3600
}

/// How a UA answers OPTIONS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionsBehaviour {
    /// 200 OK with Allow.
    #[default]
    Answer,
    /// No response at all (the sender's Timer F fires).
    Ignore,
    /// This final status.
    Status(u16),
}

/// How a UA or gateway answers INVITE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InviteBehaviour {
    /// 180 at once, 200 with SDP after `after`.
    Answer {
        /// Ringing time.
        #[serde(default)]
        after: SimDuration,
    },
    /// 180 at once, then this final status after `after`.
    Reject {
        /// A 4xx–6xx status.
        code: u16,
        /// Ringing time.
        #[serde(default)]
        after: SimDuration,
    },
    /// 486 Busy Here at once.
    Busy,
    /// 180, then nothing (the caller cancels or times out).
    NeverAnswer,
    /// No response at all.
    Ignore,
}

impl Default for InviteBehaviour {
    fn default() -> Self {
        InviteBehaviour::Answer {
            after: SimDuration::ZERO,
        }
    }
}

/// A registrar with a location service and a record-routing proxy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrarConfig {
    /// The domain it is responsible for (realm of its challenges).
    pub domain: String,
    /// Users and their passwords.
    #[serde(default)]
    pub users: BTreeMap<String, String>,
    /// Challenge requests with digest auth.
    #[serde(default = "yes")]
    pub auth: bool,
    /// `MD5` or `SHA-256`.
    #[serde(default = "default_algorithm")]
    pub algorithm: String,
    /// Shorter expiries get 423 with this Min-Expires.
    #[serde(default = "default_min_expires")]
    pub min_expires: u32,
    /// Longer expiries are cut to this.
    #[serde(default = "default_expires")]
    pub max_expires: u32,
    /// A nonce older than this is answered with `stale=true`.
    #[serde(default = "default_nonce_lifetime")]
    pub nonce_lifetime: SimDuration,
    /// Add Record-Route to forwarded dialog-creating requests.
    #[serde(default = "yes")]
    pub record_route: bool,
    /// Fork initial INVITEs to every live binding of the user (parallel forking),
    /// instead of the most recently refreshed one.
    #[serde(default)]
    pub fork: bool,
    /// A failure mode to start in (a peer command changes it later).
    #[serde(default)]
    pub failure: ProxyFailure,
    /// How it answers credentials computed with a wrong password.
    #[serde(default)]
    pub bad_credentials: BadCredentials,
}

/// What a registrar/proxy answers to credentials with a wrong password or an unknown
/// user name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadCredentials {
    /// 403 Forbidden.
    #[default]
    Forbidden,
    /// A fresh 401/407 challenge (`stale=false`), as Asterisk and Kamailio's usual
    /// scripts do: the client learns its credentials were refused.
    Challenge,
}

fn yes() -> bool {
    true
}

fn default_algorithm() -> String {
    "MD5".to_owned()
}

fn default_min_expires() -> u32 {
    60
}

fn default_nonce_lifetime() -> SimDuration {
    SimDuration::from_secs(300)
}

/// A registrar/proxy failure mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProxyFailure {
    /// Works normally.
    #[default]
    None,
    /// Answers every request 503, with Retry-After when set.
    ServiceUnavailable {
        /// Seconds for Retry-After.
        #[serde(default)]
        retry_after: Option<u32>,
    },
    /// Answers nothing.
    NoAnswer,
    /// Answers REGISTER with 423 unless expires ≥ this.
    IntervalTooBrief {
        /// The Min-Expires it demands.
        min_expires: u32,
    },
    /// Answers every authenticated request once with a fresh `stale=true` challenge.
    StaleNonce,
}

/// A PSTN gateway: telephone numbers behind one SIP address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// The number it presents on calls it places (`+15551230000`).
    pub caller_number: String,
    /// Send 183 with SDP (early media) before answering.
    #[serde(default)]
    pub early_media: bool,
    /// How PSTN subscribers answer.
    #[serde(default)]
    pub on_invite: InviteBehaviour,
    /// Hang up this long after answer.
    #[serde(default)]
    pub hangup_after: Option<SimDuration>,
    /// Proxy to send its calls through (a name or `ip:port`).
    #[serde(default)]
    pub proxy: Option<String>,
}

/// The app's push backend: holds calls for registration-free users and pushes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushConfig {
    /// The domain of the users it serves.
    pub domain: String,
    /// Users it serves, with the session token each presents.
    #[serde(default)]
    pub users: BTreeMap<String, String>,
    /// Exotel's "dial whom": a dialled number → the user it reaches.
    #[serde(default)]
    pub dial_whom: BTreeMap<String, String>,
    /// How long a held call waits for the user before 480.
    #[serde(default = "default_hold_for")]
    pub hold_for: SimDuration,
    /// Probability the push channel loses a payload (0–1).
    #[serde(default)]
    pub push_loss: f64,
    /// Push channel delay.
    #[serde(default = "default_push_delay")]
    pub push_delay: SimDuration,
    /// Uniform extra delay up to this.
    #[serde(default)]
    pub push_jitter: SimDuration,
}

fn default_hold_for() -> SimDuration {
    SimDuration::from_secs(30)
}

fn default_push_delay() -> SimDuration {
    SimDuration::from_millis(500)
}

/// The phone's cellular radio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RadioConfig {
    /// The user whose phone it is (the engine it reports to).
    pub phone: String,
    /// After ringing, the user answers after this long (unless a command says otherwise).
    #[serde(default)]
    pub answer_after: Option<SimDuration>,
    /// After answering, the cellular call ends after this long.
    #[serde(default)]
    pub end_after: Option<SimDuration>,
}
