//! Checking an [`AccountConfig`] field by field against the RFC 3261 grammar (and the
//! RFC 5626 / RFC 8599 parameters' own rules); the first bad field is named in the error.

use super::{
    AccountConfig, AccountError, AccountMode, DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_MAX,
    DEFAULT_KEEPALIVE_STREAM, DEFAULT_KEEPALIVE_UDP, DEFAULT_TOKEN_HEADER,
};
use switchboard_actors::sip::{Host, Uri};
use switchboard_actors::vocab::TransportKind;

/// RFC 3261 §25.1 `token` characters (a header name is a token).
fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&c)
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
        if let Some(k) = self.keepalive_interval {
            if k != 0 && !(5..=3600).contains(&k) {
                let value = k.to_string();
                return Err(invalid(
                    "keepalive_interval",
                    &value,
                    "0 (off) or 5..=3600 s",
                ));
            }
        }
        if let Some(h) = &self.token_header {
            if h.is_empty() || !h.bytes().all(is_token_char) {
                return Err(invalid(
                    "token_header",
                    h,
                    "not a header name (RFC 3261 token)",
                ));
            }
        }
        if let Some(w) = self.push_wait {
            if !(1..=120).contains(&w) {
                let value = w.to_string();
                return Err(invalid("push_wait", &value, "between 1 and 120 s"));
            }
        }
        Ok(())
    }

    /// The keepalive interval in seconds (the default for the transport when unset);
    /// 0 means off.
    pub fn keepalive_secs(&self) -> u32 {
        self.keepalive_interval.unwrap_or(match self.transport {
            TransportKind::Udp => DEFAULT_KEEPALIVE_UDP,
            _ => DEFAULT_KEEPALIVE_STREAM,
        })
    }

    /// The header name that carries the session token on a registration-free dial.
    pub fn token_header_name(&self) -> &str {
        self.token_header.as_deref().unwrap_or(DEFAULT_TOKEN_HEADER)
    }

    /// The `+sip.instance` value, `<urn:uuid:…>` (lowercase), when `instance_id` is set.
    pub fn instance_urn(&self) -> Option<String> {
        let id = self.instance_id.as_ref()?;
        Some(format!("<urn:uuid:{}>", id.to_ascii_lowercase()))
    }
}
