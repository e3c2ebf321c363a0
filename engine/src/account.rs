//! Account configuration (the accounts issue builds registration on it): what an app
//! gives `add_account`, from code or TOML, checked field by field against the RFC 3261
//! grammar so that a bad user name is a typed error naming the field, not a REGISTER that
//! hangs (Flashphoner's known failure with a space or `@` in the name). The password never
//! appears in Debug output, errors or logs.

use serde::{Deserialize, Deserializer};
use switchboard_actors::sip::auth::Password;
use switchboard_actors::vocab::TransportKind;
use thiserror::Error;

/// Register with the server, or work without registration (a session token per call,
/// incoming calls by push).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountMode {
    /// REGISTER and keep the binding refreshed.
    #[default]
    Register,
    /// No REGISTER: outgoing calls carry a token, incoming ones come by push.
    RegistrationFree,
}

/// How the account keeps its NAT binding and its flow to the server alive between
/// registrations (RFC 5626 §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum KeepaliveMethod {
    /// CRLF ping-pong on TCP/TLS, OPTIONS on UDP.
    #[default]
    Auto,
    /// RFC 5626 §4.4.1 double-CRLF ping, single-CRLF pong (TCP/TLS; on UDP a bare CRLF).
    Crlf,
    /// An out-of-dialog OPTIONS to the server; its 2xx's Via shows our public address.
    Options,
    /// An RFC 5389 STUN binding request on the SIP flow (RFC 5626 §4.4.2, UDP).
    Stun,
}

/// One SIP account. Build it with [`AccountConfig::new`] and set the optional fields, or
/// read it from TOML with [`AccountConfig::from_toml`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct AccountConfig {
    /// The SIP server's host: a domain name or an IP literal.
    pub server: String,
    /// The server's port (default: 5060, or 5061 for TLS).
    #[serde(default)]
    pub port: Option<u16>,
    /// `udp`, `tcp` or `tls`.
    #[serde(default = "udp", with = "crate::serde_kind")]
    pub transport: TransportKind,
    /// The domain of the address of record (`sip:username@domain`).
    pub domain: String,
    /// The user part of the address of record.
    pub username: String,
    /// The digest user name, when it differs from `username`.
    #[serde(default)]
    pub auth_username: Option<String>,
    /// The digest password (never printed).
    #[serde(default, deserialize_with = "password")]
    pub password: Option<Password>,
    /// The display name in From.
    #[serde(default)]
    pub display_name: Option<String>,
    /// A SIP URI every request goes through first.
    #[serde(default)]
    pub outbound_proxy: Option<String>,
    /// Requested registration lifetime, seconds.
    #[serde(default = "default_expires")]
    pub expires: u32,
    /// The User-Agent header value.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// Register, or registration-free.
    #[serde(default)]
    pub mode: AccountMode,
    /// RFC 5626 instance id: a UUID `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex), sent as
    /// `+sip.instance="<urn:uuid:…>"`. Keep it stable across restarts of one device.
    #[serde(default)]
    pub instance_id: Option<String>,
    /// RFC 5626 `reg-id` (≥ 1) of this flow; needs `instance_id`.
    #[serde(default)]
    pub reg_id: Option<u32>,
    /// RFC 8599 push notification parameters for the Contact.
    #[serde(default)]
    pub push: Option<PushSettings>,
    /// Refresh at this fraction of the granted expiry (0.1..=0.95; default 0.5).
    #[serde(default)]
    pub refresh_fraction: Option<f64>,
    /// RFC 5626 retry backoff base after a failure, seconds (≥ 1; default 30).
    #[serde(default)]
    pub backoff_base: Option<u32>,
    /// RFC 5626 retry backoff ceiling, seconds (≥ the base; default 1800).
    #[serde(default)]
    pub backoff_max: Option<u32>,
    /// Seconds between keepalives while registered (default: 30 on UDP, 90 on TCP/TLS;
    /// 0 turns keepalives off; otherwise 5..=3600).
    #[serde(default)]
    pub keepalive_interval: Option<u32>,
    /// How keepalives are sent.
    #[serde(default)]
    pub keepalive_method: KeepaliveMethod,
    /// Registration-free mode: the header that carries the app's one-time session token
    /// on a dial (default `X-Session-Token`; `Authorization` sends `Bearer <token>`).
    #[serde(default)]
    pub token_header: Option<String>,
    /// Seconds to wait, after a push made the account register, for the pushed call's
    /// INVITE before reporting it missed (default 15; 1..=120).
    #[serde(default)]
    pub push_wait: Option<u32>,
}

impl AccountConfig {
    /// An account for `username@domain` at `server` with every optional field at its
    /// default (UDP, port 5060, expires 3600, register mode, no password).
    pub fn new(
        server: impl Into<String>,
        domain: impl Into<String>,
        username: impl Into<String>,
    ) -> Self {
        AccountConfig {
            server: server.into(),
            port: None,
            transport: TransportKind::Udp,
            domain: domain.into(),
            username: username.into(),
            auth_username: None,
            password: None,
            display_name: None,
            outbound_proxy: None,
            expires: default_expires(),
            user_agent: None,
            mode: AccountMode::Register,
            instance_id: None,
            reg_id: None,
            push: None,
            refresh_fraction: None,
            backoff_base: None,
            backoff_max: None,
            keepalive_interval: None,
            keepalive_method: KeepaliveMethod::Auto,
            token_header: None,
            push_wait: None,
        }
    }
}

/// RFC 8599 push parameters (`pn-provider`, `pn-prid`, `pn-param` Contact parameters).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushSettings {
    /// `pn-provider`, e.g. `apns` or `fcm`.
    pub provider: String,
    /// `pn-prid`: the device's push token.
    pub prid: String,
    /// `pn-param`, e.g. the APNs topic.
    #[serde(default)]
    pub param: Option<String>,
}

/// The backoff base used when `backoff_base` is not set, seconds.
pub const DEFAULT_BACKOFF_BASE: u32 = 30;
/// The backoff ceiling used when `backoff_max` is not set, seconds.
pub const DEFAULT_BACKOFF_MAX: u32 = 1800;
/// The keepalive interval on UDP when `keepalive_interval` is not set, seconds.
pub const DEFAULT_KEEPALIVE_UDP: u32 = 30;
/// The keepalive interval on TCP/TLS when `keepalive_interval` is not set, seconds.
pub const DEFAULT_KEEPALIVE_STREAM: u32 = 90;
/// The session-token header when `token_header` is not set.
pub const DEFAULT_TOKEN_HEADER: &str = "X-Session-Token";
/// The push wait when `push_wait` is not set, seconds.
pub const DEFAULT_PUSH_WAIT: u32 = 15;

fn udp() -> TransportKind {
    TransportKind::Udp
}

fn default_expires() -> u32 {
    3600
}

fn password<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Password>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(Password::new))
}

/// An account configuration the engine refuses: always the embedder's (or user's) fault.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AccountError {
    /// A field's value breaks the grammar or is out of range.
    #[error("invalid account field `{field}` ({value:?}): {reason}")]
    Invalid {
        /// The field's name, as in TOML.
        field: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The TOML text does not parse, or has unknown or mistyped fields.
    #[error("account config: {message}")]
    Toml {
        /// The parser's message (it names the field and line).
        message: String,
    },
}

#[path = "account_validate.rs"]
mod validate;

#[cfg(test)]
#[path = "account_tests.rs"]
mod tests;
