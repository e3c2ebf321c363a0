//! Network changes: the phone moves from Wi-Fi to cellular data and its IP address
//! changes; every socket bound to the old address is dead.
//!
//! The supervisor checks its listeners every `[network] check_interval_secs` (and at
//! once when the embedder calls [`Engine::network_changed`](crate::Engine::network_changed)
//! from its OS callback, as PJSIP's `pjsua_handle_ip_change` is called). A listener
//! whose address cannot be bound any more has moved: the new address is the one the
//! host now sends from towards the accounts' servers ([`Network::source_ip`]). Then:
//!
//! 1. the listener is re-bound on the new address (same port when it is free);
//! 2. [`Event::NetworkChanged`](crate::Event::NetworkChanged) is reported;
//! 3. each account re-registers with the new Contact, removing the old binding;
//! 4. each established call moves its media socket and sends a re-INVITE with the new
//!    Contact and SDP address; a call the peer will not move (or that is still being
//!    set up) ends with reason `network_change`.

use serde::{Deserialize, Serialize};
use std::io;
use std::net::{IpAddr, SocketAddr};
use switchboard_actors::sip::{HeaderName, NameAddr, SipUri, Uri};
use switchboard_actors::transport::net::Network;

/// The default seconds between two checks of the listeners' addresses.
pub const DEFAULT_CHECK_INTERVAL_SECS: u32 = 5;

/// How the engine watches for network changes (TOML `[network]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct NetworkSettings {
    /// Seconds between checks that each listener's address is still the host's
    /// (default 5: one bind attempt per listener, nothing sent). 0: never by itself,
    /// only when the embedder calls `Engine::network_changed`.
    pub check_interval_secs: u32,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            check_interval_secs: DEFAULT_CHECK_INTERVAL_SECS,
        }
    }
}

/// Listeners that moved: each one's old and new bound address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relocation {
    /// `(old, new)` per moved listener.
    pub moves: Vec<(SocketAddr, SocketAddr)>,
}

impl Relocation {
    /// Where the listener that was at `addr` is now.
    pub fn moved(&self, addr: SocketAddr) -> Option<SocketAddr> {
        self.moves
            .iter()
            .find(|(old, _)| *old == addr)
            .map(|(_, new)| *new)
    }

    /// Moves `uri` (one of our Contacts) to its listener's new address, which it
    /// returns; `None` when it is not at a listener that moved.
    pub fn rewrite(&self, uri: &mut SipUri) -> Option<SocketAddr> {
        let at = SocketAddr::new(uri.host.ip()?, uri.port_or_default());
        let to = self.moved(at)?;
        uri.host = to.ip().into();
        uri.port = Some(to.port());
        Some(to)
    }

    /// Our Contact header value (`<sip:…>`) at the new address: the parsed
    /// name-addr and the listener's new address; `None` when it did not move (or does
    /// not parse).
    pub fn rewrite_contact(&self, contact: &str) -> Option<(NameAddr, SocketAddr)> {
        let mut na = NameAddr::parse_as(&HeaderName::Contact, contact).ok()?;
        let Uri::Sip(uri) = &mut na.uri else {
            return None;
        };
        let to = self.rewrite(uri)?;
        Some((na, to))
    }
}

/// Whether `ip` is no longer an address of this host: nothing can be bound on it.
/// Loopback and wildcard addresses never go.
pub async fn address_gone(network: &dyn Network, ip: IpAddr) -> bool {
    if ip.is_loopback() || ip.is_unspecified() {
        return false;
    }
    match network.bind_udp(SocketAddr::new(ip, 0)).await {
        Ok(_) => false,
        Err(e) => e.kind() == io::ErrorKind::AddrNotAvailable,
    }
}

/// The address this host now sends from towards the first of `toward` that has a
/// route, in the family of `old`.
pub async fn replacement(
    network: &dyn Network,
    toward: &[SocketAddr],
    old: IpAddr,
) -> Option<IpAddr> {
    for dst in toward.iter().filter(|d| d.is_ipv4() == old.is_ipv4()) {
        match network.source_ip(*dst).await {
            Ok(ip) if !ip.is_unspecified() => return Some(ip),
            Ok(_) => {}
            Err(e) => tracing::debug!(%dst, error = %e, "no route"),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reloc() -> Relocation {
        Relocation {
            moves: vec![(
                "10.0.0.1:5060".parse().unwrap(),
                "10.0.1.5:5060".parse().unwrap(),
            )],
        }
    }

    #[test]
    fn a_contact_at_a_moved_listener_follows_it_with_its_parameters() {
        let (na, to) = reloc()
            .rewrite_contact("<sip:alice@10.0.0.1:5060;transport=udp>")
            .unwrap();
        let text = na.to_string();
        assert_eq!(text, "<sip:alice@10.0.1.5:5060;transport=udp>");
        assert_eq!(to, "10.0.1.5:5060".parse().unwrap());
        // The default port counts as 5060.
        let (na, _) = reloc().rewrite_contact("<sip:alice@10.0.0.1>").unwrap();
        assert_eq!(na.to_string(), "<sip:alice@10.0.1.5:5060>");
    }

    #[test]
    fn contacts_elsewhere_or_by_name_do_not_move() {
        let r = reloc();
        assert_eq!(r.rewrite_contact("<sip:alice@10.0.0.1:5070>"), None);
        assert_eq!(r.rewrite_contact("<sip:alice@10.0.0.2:5060>"), None);
        assert_eq!(r.rewrite_contact("<sip:alice@example.com>"), None);
        assert_eq!(r.rewrite_contact("not a contact"), None);
        let mut sips = match Uri::parse("sips:alice@10.0.0.1").unwrap() {
            Uri::Sip(u) => u,
            other => panic!("{other:?}"),
        };
        assert_eq!(r.rewrite(&mut sips), None, "sips defaults to 5061");
    }

    #[test]
    fn the_network_table_parses_and_names_unknown_fields() {
        let cfg =
            crate::EngineConfig::from_toml_str("[network]\ncheck_interval_secs = 0\n").unwrap();
        assert_eq!(cfg.network.check_interval_secs, 0);
        let cfg = crate::EngineConfig::from_toml_str("").unwrap();
        assert_eq!(cfg.network.check_interval_secs, DEFAULT_CHECK_INTERVAL_SECS);
        let err = crate::EngineConfig::from_toml_str("[network]\ncheck_every = 3\n").unwrap_err();
        assert!(err.to_string().contains("check_every"), "{err}");
    }

    #[tokio::test]
    async fn an_engine_on_loopback_never_moves() {
        let cfg = crate::EngineConfig::builder()
            .listen(
                switchboard_actors::vocab::TransportKind::Udp,
                "127.0.0.1:0".parse().unwrap(),
            )
            .build()
            .unwrap();
        let engine = crate::Engine::builder().config(cfg).start().await.unwrap();
        let moved = engine.network_changed().await.unwrap();
        assert!(moved.moves.is_empty(), "{moved:?}");
        engine.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn loopback_never_goes_and_a_foreign_address_is_gone() {
        let net = switchboard_actors::transport::net::TokioNetwork;
        assert!(!address_gone(&net, "127.0.0.1".parse().unwrap()).await);
        assert!(!address_gone(&net, "0.0.0.0".parse().unwrap()).await);
        // TEST-NET-3 is never configured on a test machine: binding it fails with
        // AddrNotAvailable (nothing is sent).
        assert!(address_gone(&net, "203.0.113.77".parse().unwrap()).await);
    }

    #[tokio::test]
    async fn the_route_source_towards_loopback_is_loopback() {
        let net = switchboard_actors::transport::net::TokioNetwork;
        let toward = ["127.0.0.1:5060".parse().unwrap()];
        let old = "127.0.0.2".parse().unwrap();
        assert_eq!(
            replacement(&net, &toward, old).await,
            Some("127.0.0.1".parse().unwrap())
        );
        let v6_only = ["[::1]:5060".parse().unwrap()];
        assert_eq!(replacement(&net, &v6_only, old).await, None);
    }
}
