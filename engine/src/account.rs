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
}

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
        Ok(())
    }
}

#[cfg(test)]
#[path = "account_tests.rs"]
mod tests;
