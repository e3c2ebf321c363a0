//! Account configuration (the accounts issue builds registration on it): what an app
//! gives `add_account`, from code or TOML, checked field by field against the RFC 3261
//! grammar so that a bad user name is a typed error naming the field, not a REGISTER that
//! hangs (Flashphoner's known failure with a space or `@` in the name). The password never
//! appears in Debug output, errors or logs.

use serde::{Deserialize, Deserializer};
use switchboard_actors::sip::auth::Password;
use switchboard_actors::sip::{Host, Uri};
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

/// One SIP account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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

fn invalid(field: &'static str, value: &str, reason: &'static str) -> AccountError {
    AccountError::Invalid {
        field,
        value: value.to_owned(),
        reason,
    }
}

/// RFC 3261 §25.1 `user`: unreserved, user-unreserved or `%HH` escapes, at least one.
fn is_sip_user(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let ok = c.is_ascii_alphanumeric() || b"-_.!~*'()&=+$,;?/".contains(&c);
        if ok {
            i += 1;
        } else if c == b'%'
            && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            i += 3;
        } else {
            return false;
        }
    }
    !b.is_empty()
}

/// RFC 3261 `host`: a hostname or an IP literal (as the URI parser reads it).
fn is_host(s: &str) -> bool {
    matches!(
        Uri::parse(&format!("sip:{s}")),
        Ok(Uri::Sip(u)) if u.user.is_none() && u.port.is_none() && u.params.is_empty()
            && !matches!(&u.host, Host::Domain(d) if d.is_empty())
    )
}

fn is_header_text(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(|c| c.is_control())
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits.
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A push token: non-empty, no white space or control characters.
fn check_push_token(field: &'static str, v: &str) -> Result<(), AccountError> {
    if v.is_empty() || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(
            field,
            v,
            "empty, white space or a control character",
        ));
    }
    Ok(())
}

impl AccountConfig {
    /// Reads an account from TOML; the result is validated.
    pub fn from_toml(text: &str) -> Result<AccountConfig, AccountError> {
        let cfg: AccountConfig = toml::from_str(text).map_err(|e| AccountError::Toml {
            message: e.to_string(),
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks every field; the first bad one is named in the error.
    pub fn validate(&self) -> Result<(), AccountError> {
        if !is_host(&self.server) {
            return Err(invalid(
                "server",
                &self.server,
                "not a host name or IP address",
            ));
        }
        if self.port == Some(0) {
            return Err(invalid("port", "0", "port 0 cannot be dialled"));
        }
        if !is_host(&self.domain) {
            return Err(invalid(
                "domain",
                &self.domain,
                "not a host name or IP address",
            ));
        }
        if !is_sip_user(&self.username) {
            return Err(invalid(
                "username",
                &self.username,
                "a SIP user part may not be empty or contain spaces, `<`, `>`, `@`, `:` or quotes (escape them as %HH)",
            ));
        }
        if let Some(a) = &self.auth_username {
            if !is_header_text(a) || a.contains('"') || a.contains('\\') {
                return Err(invalid(
                    "auth_username",
                    a,
                    "empty, a control character or a quote",
                ));
            }
        }
        if let Some(d) = &self.display_name {
            if !is_header_text(d) {
                return Err(invalid("display_name", d, "empty or a control character"));
            }
        }
        if let Some(p) = &self.outbound_proxy {
            if !matches!(Uri::parse(p), Ok(Uri::Sip(_))) {
                return Err(invalid("outbound_proxy", p, "not a sip: or sips: URI"));
            }
        }
        if self.mode == AccountMode::Register && !(60..=604_800).contains(&self.expires) {
            let value = self.expires.to_string();
            return Err(invalid("expires", &value, "between 60 s and 7 days"));
        }
        if let Some(ua) = &self.user_agent {
            if !is_header_text(ua) {
                return Err(invalid("user_agent", ua, "empty or a control character"));
            }
        }
        self.validate_registration()
    }

    /// The RFC 5626 / RFC 8599 and timing fields.
    fn validate_registration(&self) -> Result<(), AccountError> {
        if let Some(id) = &self.instance_id {
            if !is_uuid(id) {
                return Err(invalid(
                    "instance_id",
                    id,
                    "not a UUID xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
                ));
            }
        }
        if let Some(r) = self.reg_id {
            let value = r.to_string();
            if r == 0 {
                return Err(invalid("reg_id", &value, "reg-id starts at 1"));
            }
            if self.instance_id.is_none() {
                return Err(invalid("reg_id", &value, "reg-id needs instance_id"));
            }
        }
        if let Some(p) = &self.push {
            check_push_token("push.provider", &p.provider)?;
            check_push_token("push.prid", &p.prid)?;
            if let Some(v) = &p.param {
                check_push_token("push.param", v)?;
            }
        }
        if let Some(f) = self.refresh_fraction {
            if !(0.1..=0.95).contains(&f) {
                let value = f.to_string();
                return Err(invalid("refresh_fraction", &value, "between 0.1 and 0.95"));
            }
        }
        let base = self.backoff_base.unwrap_or(DEFAULT_BACKOFF_BASE);
        if base == 0 {
            return Err(invalid("backoff_base", "0", "at least 1 s"));
        }
        if self.backoff_max.unwrap_or(DEFAULT_BACKOFF_MAX) < base {
            let value = self.backoff_max.unwrap_or(DEFAULT_BACKOFF_MAX).to_string();
            return Err(invalid("backoff_max", &value, "not less than backoff_base"));
        }
        Ok(())
    }

    /// The `+sip.instance` value, `<urn:uuid:…>` (lowercase), when `instance_id` is set.
    pub fn instance_urn(&self) -> Option<String> {
        let id = self.instance_id.as_ref()?;
        Some(format!("<urn:uuid:{}>", id.to_ascii_lowercase()))
    }
}

#[cfg(test)]
#[path = "account_tests.rs"]
mod tests;
