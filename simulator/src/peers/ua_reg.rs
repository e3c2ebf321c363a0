//! The UA's registration (RFC 3261 §10.2): REGISTER at start and on command, digest
//! auth on 401/407 with the actors' [`DigestClient`], 423 answered with the demanded
//! Min-Expires, refresh at half the granted expiry, retry a minute (or Retry-After) after
//! a failure or timeout. One Call-ID for all of a UA's registrations, CSeq rising.

use super::kit_msg::{build_request, new_branch, new_call_id, new_tag, sip_uri, RequestParts};
use super::ua::{Ua, UaTimer};
use super::UaConfig;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::auth::{
    DigestChallenge, DigestClient, DigestCredentials, Password, RetryDecision,
};
use switchboard_actors::sip::headers::{Expires, MinExpires, RetryAfter};
use switchboard_actors::sip::{Contact, HeaderName, Host, Method, NameAddr, Response, SipUri, Uri};
use switchboard_actors::vocab::TransportKind;

/// How long to wait before retrying a failed registration without Retry-After.
const RETRY: Duration = Duration::from_secs(60);

/// Registration state.
#[derive(Debug)]
pub(super) struct Registration {
    registrar: SocketAddr,
    call_id: Option<String>,
    from_tag: Option<String>,
    cseq: u32,
    expires: u32,
    digest: Option<DigestClient>,
    /// The auth header name and credentials the last REGISTER carried.
    sent: Option<(HeaderName, DigestCredentials)>,
    /// The auth header the last challenge asked for.
    auth_header: HeaderName,
}

impl Registration {
    pub(super) fn new(registrar: SocketAddr, cfg: &UaConfig) -> Registration {
        Registration {
            registrar,
            call_id: None,
            from_tag: None,
            cseq: 0,
            expires: cfg.expires,
            digest: cfg
                .password
                .as_ref()
                .map(|p| DigestClient::new(cfg.user.clone(), Password::new(p.clone()))),
            sent: None,
            auth_header: HeaderName::Authorization,
        }
    }
}

impl Ua {
    /// The REGISTER Request-URI: the configured domain, else the registrar's address.
    fn register_uri(&self, registrar: SocketAddr) -> Uri {
        match &self.cfg.domain {
            Some(d) => Uri::Sip(SipUri::new(None, Host::Domain(d.as_str().into()), None)),
            None => Uri::Sip(sip_uri(None, registrar, TransportKind::Udp)),
        }
    }

    /// Sends a REGISTER now (pre-emptively authorized after the first challenge).
    pub(super) fn register(&mut self, now: Duration) {
        let Some(reg) = self.reg.as_ref() else {
            self.bad_command("register: the UA has no registrar".to_owned());
            return;
        };
        let uri = self.register_uri(reg.registrar).to_string();
        let Ua { reg, rng, .. } = self;
        let header = reg
            .as_ref()
            .map_or(HeaderName::Authorization, |r| r.auth_header.clone());
        let creds = reg
            .as_mut()
            .and_then(|r| r.digest.as_mut())
            .and_then(|d| d.authorize("REGISTER", &uri, b"", rng));
        self.send_register(now, creds.map(|c| (header, c)));
    }

    fn send_register(&mut self, now: Duration, auth: Option<(HeaderName, DigestCredentials)>) {
        let transport = self.default_transport();
        let local_ip = self.local.ip().to_string();
        let (tag, call_id, branch) = (
            new_tag(&mut self.rng),
            new_call_id(&mut self.rng, &local_ip),
            new_branch(&mut self.rng),
        );
        let contact = self.contact(transport);
        let Some(reg) = self.reg.as_mut() else {
            return;
        };
        reg.cseq += 1;
        let call_id = reg.call_id.get_or_insert(call_id).clone();
        let tag = reg.from_tag.get_or_insert(tag).clone();
        let (registrar, cseq, expires) = (reg.registrar, reg.cseq, reg.expires);
        reg.sent = auth.clone();
        let aor = Uri::Sip(SipUri::new(
            Some(&self.cfg.user),
            Host::Domain(self.domain.as_str().into()),
            None,
        ));
        let mut from = NameAddr::new(aor.clone());
        from.set_param("tag", Some(&tag));
        let to = NameAddr::new(aor);
        let parts = RequestParts {
            method: Method::Register,
            uri: self.register_uri(registrar),
            from: &from,
            to: &to,
            call_id: &call_id,
            cseq,
            contact: Some(&contact),
            routes: &[],
        };
        let mut req = build_request(&parts, transport, self.local, &branch);
        req.headers.push(HeaderName::Expires, expires.to_string());
        if let Some((name, creds)) = auth {
            req.headers.push(name, creds.to_string());
        }
        self.timers.cancel(&UaTimer::Register);
        self.send_request(now, req, (transport, registrar));
    }

    pub(super) fn on_register_response(&mut self, now: Duration, resp: Response) {
        let code = resp.status.as_u16();
        match code {
            100..=199 => {}
            200..=299 => {
                let contact = self.contact(self.default_transport()).uri.to_string();
                let Some(reg) = self.reg.as_mut() else { return };
                if let Some(d) = reg.digest.as_mut() {
                    d.accepted();
                }
                let granted = resp
                    .contacts()
                    .unwrap_or_default()
                    .into_iter()
                    .find_map(|c| match c {
                        Contact::Addr(a) if a.uri.to_string() == contact => a.expires(),
                        _ => None,
                    })
                    .or_else(|| {
                        resp.headers
                            .get(&HeaderName::Expires)
                            .and_then(|v| Expires::parse(v.as_str()).ok())
                            .map(|e| e.0)
                    })
                    .unwrap_or(reg.expires);
                if granted > 0 {
                    let half = Duration::from_secs(u64::from(granted / 2).max(1));
                    self.timers.set(now + half, UaTimer::Register);
                }
            }
            401 | 407 => self.on_challenge(now, &resp, code),
            423 => {
                let min = resp
                    .headers
                    .get(&HeaderName::MinExpires)
                    .and_then(|v| MinExpires::parse(v.as_str()).ok());
                match (min, self.reg.as_mut()) {
                    (Some(m), Some(reg)) if m.0 > reg.expires => {
                        reg.expires = m.0;
                        self.register(now);
                    }
                    _ => self.registration_failed(now, None),
                }
            }
            _ => {
                let after = resp
                    .headers
                    .get(&HeaderName::RetryAfter)
                    .and_then(|v| RetryAfter::parse(v.as_str()).ok());
                self.registration_failed(now, after.map(|a| a.delay));
            }
        }
    }

    fn on_challenge(&mut self, now: Duration, resp: &Response, code: u16) {
        let (challenge_name, auth_name) = if code == 401 {
            (HeaderName::WwwAuthenticate, HeaderName::Authorization)
        } else {
            (
                HeaderName::ProxyAuthenticate,
                HeaderName::ProxyAuthorization,
            )
        };
        let values = resp.headers.get_all(&challenge_name).map(|v| v.as_str());
        let Ok(challenge) = DigestChallenge::first_supported(values) else {
            return;
        };
        let Some(reg) = self.reg.as_ref() else { return };
        let uri = self.register_uri(reg.registrar).to_string();
        let Ua { reg, rng, .. } = self;
        let Some(reg) = reg.as_mut() else { return };
        let sent = reg
            .sent
            .as_ref()
            .filter(|(n, _)| *n == auth_name)
            .map(|(_, c)| c);
        let Some(digest) = reg.digest.as_mut() else {
            return; // no password: the registration stays failed
        };
        match digest.should_retry(&challenge, sent) {
            RetryDecision::Respond | RetryDecision::RetryStale => {
                let creds = digest.respond(&challenge, "REGISTER", &uri, b"", rng);
                reg.auth_header = auth_name.clone();
                self.send_register(now, Some((auth_name, creds)));
            }
            _ => digest.reset(),
        }
    }

    /// A REGISTER failed or timed out: try again later.
    pub(super) fn registration_failed(&mut self, now: Duration, retry_after: Option<u32>) {
        let wait = retry_after.map_or(RETRY, |s| Duration::from_secs(u64::from(s.max(1))));
        self.timers.cancel(&UaTimer::Register);
        self.timers.set(now + wait, UaTimer::Register);
    }
}
