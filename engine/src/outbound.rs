//! Requests the engine originates outside any dialog (OPTIONS today; REGISTER and INVITE
//! build on this in the accounts and calls issues): where a SIP URI is sent (RFC 3263
//! without DNS: a literal IP, the URI's port or the transport's default, `transport=` or
//! `sips:` choosing the transport) and how the request is built (RFC 3261 §8.1.1).

use crate::error::EngineError;
use rand::RngCore;
use std::net::SocketAddr;
use switchboard_actors::sip::{HeaderName, Method, Request, Scheme, SipUri, Uri};
use switchboard_actors::vocab::{Target, TransportKind};

/// Parses `text` as a SIP URI the engine can send to.
pub fn parse_target(text: &str) -> Result<SipUri, EngineError> {
    let invalid = |reason: &str| EngineError::InvalidTarget {
        target: text.to_owned(),
        reason: reason.to_owned(),
    };
    match Uri::parse(text.trim()) {
        Ok(Uri::Sip(uri)) => Ok(uri),
        Ok(Uri::Absolute(_)) => Err(invalid("only sip: and sips: URIs can be sent to")),
        Err(e) => Err(invalid(&e.to_string())),
    }
}

/// Where a request for `uri` goes: the transport from `transport=` (or TLS for `sips:`),
/// the host's address, the URI's port or the transport's default (5060, 5061 for TLS).
/// Host names need DNS, which the engine does not do yet: a typed error.
pub fn resolve(uri: &SipUri) -> Result<Target, EngineError> {
    let kind = match (uri.scheme, uri.param("transport")) {
        (Scheme::Sips, _) => TransportKind::Tls,
        (Scheme::Sip, None) => TransportKind::Udp,
        (Scheme::Sip, Some(t)) if t.eq_ignore_ascii_case("udp") => TransportKind::Udp,
        (Scheme::Sip, Some(t)) if t.eq_ignore_ascii_case("tcp") => TransportKind::Tcp,
        (Scheme::Sip, Some(t)) if t.eq_ignore_ascii_case("tls") => TransportKind::Tls,
        (Scheme::Sip, Some(t)) => {
            return Err(EngineError::InvalidTarget {
                target: uri.to_string(),
                reason: format!("transport `{t}` is not supported (udp, tcp, tls)"),
            })
        }
    };
    let Some(ip) = uri.host.ip() else {
        return Err(EngineError::Unresolvable {
            host: uri.host.to_string(),
        });
    };
    let port = uri.port.unwrap_or(match kind {
        TransportKind::Tls => 5061,
        _ => 5060,
    });
    Ok(target(kind, SocketAddr::new(ip, port)))
}

/// An out-of-dialog request from `local` (the listener's address, for Via and From) to
/// `uri`: Via with rport (RFC 3581; the transaction layer sets the branch), From with a
/// fresh tag, To without one, a fresh Call-ID, CSeq 1, Max-Forwards 70.
pub fn build_request(
    method: Method,
    uri: &SipUri,
    kind: TransportKind,
    local: SocketAddr,
    user_agent: &str,
    rng: &mut impl RngCore,
) -> Request {
    let mut req = Request::new(method.clone(), Uri::Sip(uri.clone()));
    let h = &mut req.headers;
    h.push(
        HeaderName::Via,
        format!(
            "SIP/2.0/{} {};rport;branch=z9hG4bK",
            kind.via_token(),
            host_port(local)
        ),
    );
    h.push(HeaderName::MaxForwards, "70");
    h.push(
        HeaderName::From,
        format!(
            "<sip:switchboard@{}>;tag={:08x}",
            host_port(local),
            rng.next_u32()
        ),
    );
    h.push(HeaderName::To, format!("<{uri}>"));
    h.push(
        HeaderName::CallId,
        format!("{:016x}{:08x}", rng.next_u64(), rng.next_u32()),
    );
    h.push(HeaderName::CSeq, format!("1 {method}"));
    if method == Method::Options {
        h.push(HeaderName::Accept, "application/sdp");
    }
    h.push(HeaderName::UserAgent, user_agent.to_owned());
    req
}

fn target(kind: TransportKind, addr: SocketAddr) -> Target {
    Target {
        kind,
        addr,
        conn: None,
        server_name: None,
    }
}

fn host_port(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => a.to_string(),
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn resolves_transport_and_default_ports() {
        let t = |s: &str| resolve(&parse_target(s).unwrap()).unwrap();
        assert_eq!(
            t("sip:bob@10.0.0.2"),
            target(TransportKind::Udp, "10.0.0.2:5060".parse().unwrap())
        );
        assert_eq!(
            t("sip:10.0.0.2:5070;transport=TCP"),
            target(TransportKind::Tcp, "10.0.0.2:5070".parse().unwrap())
        );
        assert_eq!(
            t("sips:bob@[::1]"),
            target(TransportKind::Tls, "[::1]:5061".parse().unwrap())
        );
    }

    #[test]
    fn refuses_what_it_cannot_send_to() {
        assert!(matches!(
            parse_target("tel:+15551234"),
            Err(EngineError::InvalidTarget { .. })
        ));
        assert!(matches!(
            parse_target("bob at home"),
            Err(EngineError::InvalidTarget { .. })
        ));
        assert!(matches!(
            resolve(&parse_target("sip:bob@example.com").unwrap()),
            Err(EngineError::Unresolvable { .. })
        ));
        assert!(matches!(
            resolve(&parse_target("sip:bob@10.0.0.2;transport=sctp").unwrap()),
            Err(EngineError::InvalidTarget { .. })
        ));
    }

    #[test]
    fn builds_a_valid_options_request() {
        let uri = parse_target("sip:bob@10.0.0.2").unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let req = build_request(
            Method::Options,
            &uri,
            TransportKind::Udp,
            "10.0.0.1:5060".parse().unwrap(),
            "switchboard",
            &mut rng,
        );
        let mut bytes = req.to_bytes().to_vec();
        // The wire adds Content-Length; add it here to parse it back as a datagram.
        let at = bytes.len() - 2;
        bytes.splice(at..at, b"Content-Length: 0\r\n".iter().copied());
        let parsed = switchboard_actors::sip::parse_datagram(
            bytes.into(),
            &switchboard_actors::sip::ParseLimits::default(),
        )
        .unwrap();
        let switchboard_actors::sip::Message::Request(back) = parsed else {
            panic!("not a request")
        };
        assert!(switchboard_actors::sip::validate_request(&back).is_ok());
        assert_eq!(back.cseq().unwrap().method, Method::Options);
    }
}
