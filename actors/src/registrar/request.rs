//! Building the REGISTER (RFC 3261 §10.2, RFC 5626 §4.2, RFC 8599 §4.1).

use super::config::RegistrationConfig;
use crate::sip::{HeaderName, Host, Method, NameAddr, Param, Request, Scheme, SipUri, Uri};
use crate::vocab::TransportKind;

/// The per-machine identifiers every REGISTER of one registration shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialogish {
    /// The Call-ID, fixed for the machine's life.
    pub call_id: String,
    /// The From tag, fixed for the machine's life.
    pub from_tag: String,
}

/// The transport our contact says we use: `sips:` → TLS, else `transport=`, else UDP.
pub fn contact_transport(contact: &SipUri) -> TransportKind {
    match (contact.scheme, contact.param("transport")) {
        (Scheme::Sips, _) => TransportKind::Tls,
        (_, Some(t)) => TransportKind::from_via_token(t).unwrap_or(TransportKind::Udp),
        (_, None) => TransportKind::Udp,
    }
}

/// Percent-escapes what may not appear in a URI parameter value (RFC 3261 §25.1
/// `paramchar`).
fn escape_param(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        let ok = b.is_ascii_alphanumeric() || b"-_.!~*'()[]/:&+$".contains(&b);
        if ok {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `"value"` with `"` and `\` escaped (a quoted-string); existing quotes are kept.
fn quoted(v: &str) -> String {
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        return v.to_owned();
    }
    let mut q = String::with_capacity(v.len() + 2);
    q.push('"');
    for c in v.chars().filter(|c| *c != '\r' && *c != '\n') {
        if c == '"' || c == '\\' {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    q
}

/// Our Contact: the configured URI plus `ob` (with reg-id) and the RFC 8599 push URI
/// parameters, then `+sip.instance` and `reg-id` as header parameters.
pub fn contact(cfg: &RegistrationConfig) -> NameAddr {
    let mut uri = cfg.contact.clone();
    if cfg.reg_id.is_some() && uri.param("ob").is_none() {
        uri.params.push(Param::new("ob", None));
    }
    if let Some(p) = &cfg.push {
        uri.params
            .push(Param::new("pn-provider", Some(&escape_param(&p.provider))));
        uri.params
            .push(Param::new("pn-prid", Some(&escape_param(&p.prid))));
        if let Some(v) = &p.param {
            uri.params
                .push(Param::new("pn-param", Some(&escape_param(v))));
        }
    }
    let mut na = NameAddr::new(Uri::Sip(uri));
    if let Some(i) = &cfg.instance {
        na.params
            .push(Param::new("+sip.instance", Some(&quoted(i))));
    }
    if let Some(r) = cfg.reg_id {
        na.params.push(Param::new("reg-id", Some(&r.to_string())));
    }
    na
}

fn aor(cfg: &RegistrationConfig) -> NameAddr {
    let na = NameAddr::new(Uri::Sip(cfg.aor.clone()));
    match &cfg.display_name {
        Some(d) => na.with_display(d),
        None => na,
    }
}

fn sent_by(contact: &SipUri, kind: TransportKind) -> String {
    let port = contact.port.unwrap_or(match kind {
        TransportKind::Tls => 5061,
        _ => 5060,
    });
    match &contact.host {
        Host::V6(a) => format!("[{a}]:{port}"),
        h => format!("{h}:{port}"),
    }
}

/// A complete REGISTER (without Content-Length: the printer's caller adds it):
/// Via with rport and an open branch, Route for the outbound proxy, From with our tag,
/// To without one, the fixed Call-ID, `cseq`, our Contact, `Expires: expires`, then the
/// configured extra headers.
pub fn build_register(
    cfg: &RegistrationConfig,
    ids: &Dialogish,
    cseq: u32,
    expires: u32,
) -> Request {
    let mut req = Request::new(Method::Register, Uri::Sip(cfg.registrar.clone()));
    let kind = contact_transport(&cfg.contact);
    let h = &mut req.headers;
    h.push(
        HeaderName::Via,
        format!(
            "SIP/2.0/{} {};rport;branch=z9hG4bK",
            kind.via_token(),
            sent_by(&cfg.contact, kind)
        ),
    );
    h.push(HeaderName::MaxForwards, "70");
    if let Some(proxy) = &cfg.outbound_proxy {
        let mut p = proxy.clone();
        if p.param("lr").is_none() {
            p.params.push(Param::new("lr", None));
        }
        h.push(HeaderName::Route, format!("<{p}>"));
    }
    let mut from = aor(cfg);
    from.set_param("tag", Some(&ids.from_tag));
    h.push(HeaderName::From, from.to_string());
    h.push(HeaderName::To, aor(cfg).to_string());
    h.push(HeaderName::CallId, ids.call_id.clone());
    h.push(HeaderName::CSeq, format!("{cseq} REGISTER"));
    h.push(HeaderName::Contact, contact(cfg).to_string());
    h.push(HeaderName::Expires, expires.to_string());
    h.push(
        HeaderName::Supported,
        if cfg.reg_id.is_some() {
            "path, outbound"
        } else {
            "path"
        },
    );
    if !cfg.user_agent.is_empty() {
        h.push(HeaderName::UserAgent, cfg.user_agent.clone());
    }
    for (name, value) in &cfg.extra_headers {
        h.push(name.clone(), value.clone());
    }
    req
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{cfg, drain, machine, one, resp, t0};
    use super::super::Input;
    use crate::sip::HeaderName;

    fn token(r: &crate::sip::Request) -> Option<String> {
        r.headers
            .get(&HeaderName::Other("X-Session-Token".into()))
            .map(|v| v.as_str().to_owned())
    }

    #[test]
    fn extra_headers_ride_on_every_register_and_change_with_set_headers() {
        let now = t0();
        let mut c = cfg();
        c.extra_headers = vec![(HeaderName::Other("X-Session-Token".into()), "tok-1".into())];
        let mut m = machine(c);
        m.handle(now, Input::Register);
        let first = one(&drain(&mut m).0);
        assert_eq!(token(&first).as_deref(), Some("tok-1"));
        m.handle(
            now,
            Input::SetHeaders(vec![(HeaderName::Authorization, "Bearer tok-2".into())]),
        );
        m.handle(now, Input::Response(resp(&first, 200)));
        drain(&mut m);
        m.handle(now, Input::Unregister);
        let second = one(&drain(&mut m).0);
        assert_eq!(token(&second), None);
        assert_eq!(
            second
                .headers
                .get(&HeaderName::Authorization)
                .map(|v| v.as_str()),
            Some("Bearer tok-2")
        );
    }
}
