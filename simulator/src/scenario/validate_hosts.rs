//! Checks `[[user]]` and `[[peer]]` tables: unique names and IPs, listeners and
//! transports listed once, exactly one kind per peer, a peer's references to others.

use super::errors::{PathPart, ScenarioError};
use super::raw::{RawPeer, RawUser};
use super::schema::{PeerSpec, UserSpec};
use super::validate::{at, on_network, Ctx, Host, Hosts};
use crate::peers::PeerKind;
use crate::time::SimDuration;
use std::ops::Range;
use switchboard_actors::vocab::TransportKind;
use toml::Spanned;

fn add_host(
    cx: &Ctx<'_>,
    hosts: &mut Hosts,
    name: &Spanned<String>,
    path: Vec<PathPart>,
    host: Host,
) -> Result<(), ScenarioError> {
    let n = name.get_ref();
    if n.is_empty() || n.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(cx.invalid(
            name.span(),
            &path,
            format!("`{n}` is not a name: use letters, digits, `-`, `_`"),
        ));
    }
    if hosts.contains_key(n) {
        return Err(cx.invalid(
            name.span(),
            &path,
            format!("the name `{n}` is used twice (users and peers share one namespace)"),
        ));
    }
    if let Some(ip) = host.ip {
        if let Some((other, _)) = hosts.iter().find(|(_, h)| h.ip == Some(ip)) {
            return Err(cx.invalid(
                name.span(),
                &path,
                format!("`{n}` has the IP {ip} of `{other}`: every host needs its own"),
            ));
        }
    }
    hosts.insert(n.clone(), host);
    Ok(())
}

pub(crate) fn user(
    cx: &Ctx<'_>,
    hosts: &mut Hosts,
    i: usize,
    raw: Spanned<RawUser>,
) -> Result<UserSpec, ScenarioError> {
    let line = cx.line(&raw.span());
    let u = raw.into_inner();
    let address = *u.address.get_ref();
    let host = Host {
        ip: Some(address),
        is_user: true,
        nat: u.nat.is_some(),
        kind: None,
    };
    add_host(cx, hosts, &u.name, at("user", i, "name"), host)?;
    let listen: Vec<_> = match &u.listen {
        None => vec![(TransportKind::Udp, 5060)],
        Some(l) => l.get_ref().iter().map(|l| (l.0, l.1)).collect(),
    };
    if let Some(l) = &u.listen {
        let dup = listen
            .iter()
            .enumerate()
            .any(|(j, x)| listen.get(..j).unwrap_or_default().contains(x));
        if listen.is_empty() || dup || listen.iter().any(|(_, port)| *port == 0) {
            return Err(cx.invalid(
                l.span(),
                &at("user", i, "listen"),
                "list each `transport:port` once, ports 1-65535, at least one",
            ));
        }
    }
    if let Some(nat) = &u.nat {
        let public = nat.get_ref().public;
        if let Some((other, _)) = hosts.iter().find(|(_, h)| h.ip == Some(public)) {
            return Err(cx.invalid(
                nat.span(),
                &at("user", i, "nat.public"),
                format!("the NAT's public IP {public} is the address of `{other}`"),
            ));
        }
    }
    if let Some(t) = &u.timers {
        let spec = t.get_ref();
        let zero = [spec.t1, spec.t2, spec.t4].contains(&Some(SimDuration::ZERO));
        let inverted = matches!((spec.t1, spec.t2), (Some(t1), Some(t2)) if t2 < t1);
        if zero || inverted {
            return Err(cx.invalid(
                t.span(),
                &at("user", i, "timers"),
                "timers must be above 0s and t2 at least t1",
            ));
        }
    }
    if let Some(m) = &u.media {
        let cfg = switchboard::EngineConfig {
            media: m.get_ref().clone(),
            ..Default::default()
        };
        if let Err(e) = cfg.validate() {
            return Err(cx.invalid(
                m.span(),
                &at("user", i, "media"),
                format!("user `{}`: {e}", u.name.get_ref()),
            ));
        }
    }
    Ok(UserSpec {
        name: u.name.into_inner(),
        address,
        listen,
        nat: u.nat.map(Spanned::into_inner),
        timers: u.timers.map(Spanned::into_inner),
        account: u.account,
        calls: u.calls,
        network: u.network,
        media: u.media.map(Spanned::into_inner),
        line,
    })
}

pub(crate) fn peer(
    cx: &Ctx<'_>,
    hosts: &mut Hosts,
    i: usize,
    raw: Spanned<RawPeer>,
) -> Result<PeerSpec, ScenarioError> {
    let (span, line) = (raw.span(), cx.line(&raw.span()));
    let p = raw.into_inner();
    let mut kinds: Vec<(Range<usize>, &str, PeerKind)> = Vec::new();
    if let Some(k) = p.ua {
        kinds.push((k.span(), "ua", PeerKind::Ua(k.into_inner())));
    }
    if let Some(k) = p.registrar {
        kinds.push((k.span(), "registrar", PeerKind::Registrar(k.into_inner())));
    }
    if let Some(k) = p.gateway {
        kinds.push((k.span(), "gateway", PeerKind::Gateway(k.into_inner())));
    }
    if let Some(k) = p.push {
        kinds.push((k.span(), "push", PeerKind::Push(k.into_inner())));
    }
    if let Some(k) = p.radio {
        kinds.push((k.span(), "radio", PeerKind::Radio(k.into_inner())));
    }
    const ONE_OF: &str = "a peer is exactly one of ua, registrar, gateway, push, radio";
    let kind = match kinds.len() {
        0 => {
            return Err(cx.invalid(
                span,
                &at("peer", i, ""),
                format!("{ONE_OF}; this one has none"),
            ))
        }
        1 => kinds.remove(0),
        _ => {
            let names: Vec<&str> = kinds.iter().map(|k| k.1).collect();
            let (second, name) = (kinds.swap_remove(1), names.join(" and "));
            return Err(cx.invalid(
                second.0,
                &at("peer", i, second.1),
                format!("{ONE_OF}; this one is {name}"),
            ));
        }
    };
    let (kind_span, kind_name, kind) = kind;
    let is_radio = matches!(kind, PeerKind::Radio(_));
    let address = p.address.as_ref().map(|a| *a.get_ref());
    match (&p.address, is_radio) {
        (Some(a), true) => {
            return Err(cx.invalid(
                a.span(),
                &at("peer", i, "address"),
                "the radio is not on the network: remove `address`",
            ))
        }
        (None, false) => {
            return Err(cx.invalid(
                span,
                &at("peer", i, "address"),
                format!("a {kind_name} peer needs `address = \"ip:port\"`"),
            ))
        }
        _ => {}
    }
    let transports = match (&p.transports, is_radio) {
        (Some(t), true) => {
            return Err(cx.invalid(
                t.span(),
                &at("peer", i, "transports"),
                "the radio is not on the network: remove `transports`",
            ))
        }
        (None, true) => Vec::new(),
        (None, false) => vec![TransportKind::Udp],
        (Some(t), false) => {
            let list: Vec<_> = t.get_ref().iter().map(|t| t.0).collect();
            let dup = list
                .iter()
                .enumerate()
                .any(|(j, x)| list.get(..j).unwrap_or_default().contains(x));
            if list.is_empty() || dup {
                return Err(cx.invalid(
                    t.span(),
                    &at("peer", i, "transports"),
                    "list each transport once, at least one",
                ));
            }
            list
        }
    };
    if let PeerKind::Push(cfg) = &kind {
        if !(0.0..=1.0).contains(&cfg.push_loss) {
            return Err(cx.invalid(
                kind_span,
                &at("peer", i, "push.push_loss"),
                format!("probability {} is outside 0..1", cfg.push_loss),
            ));
        }
    }
    let host = Host {
        ip: address.map(|a| a.ip()),
        is_user: false,
        nat: false,
        kind: Some(kind.clone()),
    };
    add_host(cx, hosts, &p.name, at("peer", i, "name"), host)?;
    Ok(PeerSpec {
        name: p.name.into_inner(),
        address,
        transports,
        kind,
        line,
    })
}

/// A peer's references to other hosts: the radio's phone, proxies and registrars.
pub(crate) fn references(
    cx: &Ctx<'_>,
    hosts: &Hosts,
    users: &[UserSpec],
    i: usize,
    p: &PeerSpec,
) -> Result<(), ScenarioError> {
    let span = line_span(cx.text, p.line);
    let refs: Vec<(&str, &Option<String>)> = match &p.kind {
        PeerKind::Ua(c) => vec![("ua.registrar", &c.registrar), ("ua.proxy", &c.proxy)],
        PeerKind::Gateway(c) => vec![("gateway.proxy", &c.proxy)],
        PeerKind::Radio(c) => {
            if users.iter().any(|u| u.name == c.phone) {
                return Ok(());
            }
            let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
            return Err(cx.invalid(
                span,
                &at("peer", i, "radio.phone"),
                format!(
                    "no user is named `{}` (users: {})",
                    c.phone,
                    names.join(", ")
                ),
            ));
        }
        _ => Vec::new(),
    };
    for (field, target) in refs {
        if let Some(t) = target {
            if t.parse::<std::net::SocketAddr>().is_err() {
                on_network(cx, hosts, span.clone(), &at("peer", i, field), t)?;
            }
        }
    }
    Ok(())
}

/// A span at the start of a 1-based line (for errors found after spans were dropped).
fn line_span(text: &str, line: usize) -> Range<usize> {
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    start..start
}
