//! Building the INVITE (RFC 3261 §8.1.1, §13.2.1) and its CANCEL (§9.1).

use super::OutgoingConfig;
use crate::sip::auth::DigestCredentials;
use crate::sip::{HeaderName, Host, Method, NameAddr, Request, Scheme, Uri};
use crate::vocab::TransportKind;
use rand::RngCore;

/// The methods we accept in a call's dialog.
pub(super) const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO";

/// What every INVITE of one call shares.
#[derive(Debug, Clone)]
pub(super) struct Ids {
    /// The Call-ID.
    pub call_id: String,
    /// Our From tag.
    pub from_tag: String,
}

impl Ids {
    /// A fresh Call-ID and From tag from `rng`.
    pub fn draw(rng: &mut impl RngCore) -> Ids {
        Ids {
            call_id: format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64()),
            from_tag: format!("{:016x}", rng.next_u64()),
        }
    }
}

/// `SIP/2.0/<transport> host:port;rport;branch=z9hG4bK` from our Contact: `sips:` is
/// TLS, else its `transport=`, else UDP; the port defaults per transport.
pub(super) fn via_template(contact: &Uri) -> String {
    let Uri::Sip(u) = contact else {
        return "SIP/2.0/UDP invalid;rport;branch=z9hG4bK".into();
    };
    let kind = match (u.scheme, u.param("transport")) {
        (Scheme::Sips, _) => TransportKind::Tls,
        (_, Some(t)) => TransportKind::from_via_token(t).unwrap_or(TransportKind::Udp),
        (_, None) => TransportKind::Udp,
    };
    let port = u.port.unwrap_or(match kind {
        TransportKind::Tls => 5061,
        _ => 5060,
    });
    let host = match &u.host {
        Host::V6(a) => format!("[{a}]"),
        h => h.to_string(),
    };
    format!(
        "SIP/2.0/{} {host}:{port};rport;branch=z9hG4bK",
        kind.via_token()
    )
}

/// `via` with its branch parameter replaced by `branch`.
pub(super) fn with_branch(via: &str, branch: &str) -> String {
    let mut parts: Vec<&str> = via
        .split(';')
        .filter(|p| !p.trim().to_ascii_lowercase().starts_with("branch="))
        .collect();
    let b = format!("branch={branch}");
    parts.push(&b);
    parts.join(";")
}

/// An INVITE to `uri` with CSeq `seq` and the given credentials (header, value).
pub(super) fn invite(
    cfg: &OutgoingConfig,
    ids: &Ids,
    uri: &Uri,
    seq: u32,
    auth: &[(HeaderName, DigestCredentials)],
) -> Request {
    let mut req = Request::new(Method::Invite, uri.clone());
    let h = &mut req.headers;
    h.push(HeaderName::Via, via_template(&cfg.contact));
    h.push(HeaderName::MaxForwards, "70");
    for r in &cfg.route_set {
        h.push(HeaderName::Route, format!("<{r}>"));
    }
    let mut from = NameAddr::new(cfg.from.clone());
    if let Some(d) = cfg.display_name.as_deref().filter(|d| !d.is_empty()) {
        from = from.with_display(d);
    }
    from.set_param("tag", Some(&ids.from_tag));
    h.push(HeaderName::From, from.to_string());
    h.push(HeaderName::To, NameAddr::new(cfg.to.clone()).to_string());
    h.push(HeaderName::CallId, ids.call_id.clone());
    h.push(HeaderName::CSeq, format!("{seq} INVITE"));
    h.push(
        HeaderName::Contact,
        NameAddr::new(cfg.contact.clone()).to_string(),
    );
    h.push(HeaderName::Allow, ALLOW);
    if !cfg.user_agent.is_empty() {
        h.push(HeaderName::UserAgent, cfg.user_agent.clone());
    }
    for (name, value) in &cfg.extra_headers {
        h.push(name.clone(), value.clone());
    }
    for (name, creds) in auth {
        h.push(name.clone(), creds.to_string());
    }
    if cfg.offer.is_empty() {
        h.push(HeaderName::ContentLength, "0");
    } else {
        req.set_body("application/sdp", cfg.offer.clone());
    }
    req
}

/// The CANCEL for `invite` (§9.1): same Request-URI, Call-ID, To, From, Route and
/// CSeq number, and a single Via: the INVITE's, with the `branch` it was sent with.
pub(super) fn cancel(invite: &Request, branch: &str) -> Request {
    let mut req = Request::new(Method::Cancel, invite.uri.clone());
    let h = &mut req.headers;
    if let Some(via) = invite.headers.get(&HeaderName::Via) {
        h.push(HeaderName::Via, with_branch(via.as_str(), branch));
    }
    h.push(HeaderName::MaxForwards, "70");
    for name in [
        HeaderName::Route,
        HeaderName::From,
        HeaderName::To,
        HeaderName::CallId,
    ] {
        for v in invite.headers.get_all(&name) {
            h.push(name.clone(), v.clone());
        }
    }
    let seq = invite.cseq().map(|c| c.seq).unwrap_or(1);
    h.push(HeaderName::CSeq, format!("{seq} CANCEL"));
    h.push(HeaderName::ContentLength, "0");
    req
}
