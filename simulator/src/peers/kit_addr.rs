//! Where a peer's requests go: scenario names, `ip:port` and SIP URIs resolved against
//! the scenario's directory, and the error naming a bad config field.

use super::kit_msg::sip_uri;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use switchboard_actors::sip::{Host, SipUri, Uri};
use switchboard_actors::vocab::TransportKind;

/// A peer could not be built from its config.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UaError {
    /// A field names a host or peer the scenario does not have.
    #[error("`{field}`: `{value}` is neither a name in the scenario nor an ip:port")]
    UnknownName {
        /// The config field.
        field: &'static str,
        /// What it said.
        value: String,
    },
    /// A field is not a valid SIP URI, telephone number or user name.
    #[error("`{field}`: `{value}` is not valid: {why}")]
    Invalid {
        /// The config field.
        field: &'static str,
        /// What it said.
        value: String,
        /// What is wrong.
        why: &'static str,
    },
    /// The peer listens on no transport.
    #[error("`transports`: the peer listens on no transport")]
    NoTransport,
}

/// Where a request goes and what its Request-URI is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The Request-URI.
    pub uri: Uri,
    /// The next hop.
    pub addr: SocketAddr,
    /// How to reach it.
    pub transport: TransportKind,
}

/// A host given as a scenario name or `ip:port` (`ip` alone means port 5060).
pub fn resolve_host(
    text: &str,
    directory: &BTreeMap<String, SocketAddr>,
    field: &'static str,
) -> Result<SocketAddr, UaError> {
    if let Some(a) = directory.get(text) {
        return Ok(*a);
    }
    if let Ok(a) = text.parse::<SocketAddr>() {
        return Ok(a);
    }
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 5060));
    }
    Err(UaError::UnknownName {
        field,
        value: text.to_owned(),
    })
}

/// The address a SIP URI's host and port point at: an IP literal, or a name in the
/// directory (its port unless the URI gives one).
pub fn uri_addr(uri: &SipUri, directory: &BTreeMap<String, SocketAddr>) -> Option<SocketAddr> {
    let base = match &uri.host {
        Host::V4(ip) => SocketAddr::new(IpAddr::V4(*ip), 5060),
        Host::V6(ip) => SocketAddr::new(IpAddr::V6(*ip), 5060),
        Host::Domain(d) => *directory.get(&**d)?,
    };
    Some(match uri.port {
        Some(p) => SocketAddr::new(base.ip(), p),
        None => base,
    })
}

/// The transport a SIP URI asks for (`;transport=tcp`), UDP by default.
pub fn uri_transport(uri: &SipUri) -> TransportKind {
    uri.param("transport")
        .and_then(TransportKind::from_via_token)
        .unwrap_or(TransportKind::Udp)
}

/// Resolves a command's `to`: a SIP URI (`sip:alice@10.0.0.1:5060;transport=tcp`, or a
/// host that is a scenario name), a scenario name (`sip:name@addr`), or `ip:port`. A SIP
/// URI whose host resolves to nothing goes to `fallback` (an outbound proxy) if given.
pub fn resolve_target(
    text: &str,
    directory: &BTreeMap<String, SocketAddr>,
    field: &'static str,
    fallback: Option<SocketAddr>,
) -> Result<Target, UaError> {
    let text = text.trim();
    if text.starts_with("sip:") || text.starts_with("sips:") {
        let uri = Uri::parse(text).map_err(|e| UaError::Invalid {
            field,
            value: text.to_owned(),
            why: e.0,
        })?;
        let Uri::Sip(sip) = &uri else {
            return Err(UaError::Invalid {
                field,
                value: text.to_owned(),
                why: "not a SIP URI",
            });
        };
        let addr = uri_addr(sip, directory)
            .or(fallback)
            .ok_or_else(|| UaError::UnknownName {
                field,
                value: sip.host.to_string(),
            })?;
        let transport = uri_transport(sip);
        return Ok(Target {
            uri,
            addr,
            transport,
        });
    }
    if let Some(addr) = directory.get(text) {
        let uri = Uri::Sip(sip_uri(Some(text), *addr, TransportKind::Udp));
        return Ok(Target {
            uri,
            addr: *addr,
            transport: TransportKind::Udp,
        });
    }
    let addr = resolve_host(text, directory, field)?;
    Ok(Target {
        uri: Uri::Sip(sip_uri(None, addr, TransportKind::Udp)),
        addr,
        transport: TransportKind::Udp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_names_uris_and_addresses() {
        let mut dir = BTreeMap::new();
        dir.insert("proxy".to_owned(), "10.0.0.9:5070".parse().unwrap());
        let t = resolve_target("sip:alice@10.0.0.1:5062;transport=tcp", &dir, "to", None).unwrap();
        assert_eq!(t.addr, "10.0.0.1:5062".parse().unwrap());
        assert_eq!(t.transport, TransportKind::Tcp);
        let t = resolve_target("proxy", &dir, "to", None).unwrap();
        assert_eq!(t.uri.to_string(), "sip:proxy@10.0.0.9:5070");
        let t = resolve_target("sip:bob@proxy", &dir, "to", None).unwrap();
        assert_eq!(t.addr, "10.0.0.9:5070".parse().unwrap());
        assert_eq!(
            resolve_host("10.1.1.1", &dir, "registrar").unwrap(),
            "10.1.1.1:5060".parse().unwrap()
        );
        assert!(matches!(
            resolve_target("nobody", &dir, "to", None),
            Err(UaError::UnknownName { field: "to", .. })
        ));
        assert!(resolve_target("sip:bad@@", &dir, "to", None).is_err());
        let via_proxy = resolve_target("sip:a@example.com", &dir, "to", Some(dir["proxy"]));
        assert_eq!(via_proxy.unwrap().addr, dir["proxy"]);
    }
}
