//! What one account's registration needs to know: addresses, credentials, timings.

use crate::sip::auth::Password;
use crate::sip::{HeaderName, SipUri};
use std::time::Duration;

/// RFC 8599 push parameters, sent as Contact URI parameters so the proxy can wake the
/// app with a push notification and hold the INVITE until it registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushParams {
    /// `pn-provider`, e.g. `apns` or `fcm`.
    pub provider: String,
    /// `pn-prid`: the device token.
    pub prid: String,
    /// `pn-param`, e.g. the APNs topic; optional.
    pub param: Option<String>,
}

/// RFC 5626 §4.5 retry timing after a failed registration: wait
/// `min(max, base × 2^(failures-1))`, scaled by a random factor in 0.5..=1.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The base time (RFC 5626 suggests 30 s when some flows failed).
    pub base: Duration,
    /// The ceiling (RFC 5626: 1800 s).
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(30),
            max: Duration::from_secs(1800),
        }
    }
}

/// One account's registration settings. `Debug` hides the password.
#[derive(Debug, Clone)]
pub struct RegistrationConfig {
    /// The address of record: To and From, e.g. `sip:alice@example.com`.
    pub aor: SipUri,
    /// The Request-URI, e.g. `sip:example.com`.
    pub registrar: SipUri,
    /// Our contact, e.g. `sip:alice@10.0.0.1:5060;transport=tcp`; its host, port and
    /// transport also make the top Via.
    pub contact: SipUri,
    /// Display name for From and To.
    pub display_name: Option<String>,
    /// The `+sip.instance` value, e.g. `<urn:uuid:…>` (RFC 5626), quotes added on the wire.
    pub instance: Option<String>,
    /// RFC 5626 `reg-id`; when set the Contact URI also carries `ob` and Supported
    /// names `outbound`.
    pub reg_id: Option<u32>,
    /// RFC 8599 push parameters.
    pub push: Option<PushParams>,
    /// The expiry asked for, in seconds.
    pub expires: u32,
    /// The digest user name.
    pub auth_username: String,
    /// The digest password; `None`: a challenge fails with `Credentials`.
    pub password: Option<Password>,
    /// The User-Agent header value.
    pub user_agent: String,
    /// Outbound proxy, sent as a loose-routing Route (`;lr` added when missing).
    pub outbound_proxy: Option<SipUri>,
    /// Refresh at this fraction of the granted expiry (0.1..=0.95; default 0.5).
    pub refresh_fraction: f64,
    /// Retry timing after failures.
    pub backoff: Backoff,
    /// Headers added to every REGISTER as given, e.g. a registration-free account's
    /// session token (`X-Session-Token: …` or `Authorization: Bearer …`).
    pub extra_headers: Vec<(HeaderName, String)>,
}

impl RegistrationConfig {
    /// A config with the defaults: 3600 s, no display name, instance, reg-id, push,
    /// password or outbound proxy, refresh at half the granted expiry, RFC 5626 backoff.
    pub fn new(aor: SipUri, registrar: SipUri, contact: SipUri) -> Self {
        let auth_username = aor.user.as_deref().unwrap_or_default().to_owned();
        RegistrationConfig {
            aor,
            registrar,
            contact,
            display_name: None,
            instance: None,
            reg_id: None,
            push: None,
            expires: 3600,
            auth_username,
            password: None,
            user_agent: "switchboard".to_owned(),
            outbound_proxy: None,
            refresh_fraction: 0.5,
            backoff: Backoff::default(),
            extra_headers: Vec::new(),
        }
    }

    /// The refresh fraction, clamped to 0.1..=0.95 (NaN → 0.5).
    pub(crate) fn fraction(&self) -> f64 {
        if self.refresh_fraction.is_nan() {
            0.5
        } else {
            self.refresh_fraction.clamp(0.1, 0.95)
        }
    }
}
