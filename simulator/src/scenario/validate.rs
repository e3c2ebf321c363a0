//! From the raw TOML to a typed [`Scenario`], refusing what cannot run: unknown or
//! duplicate names, two hosts on one IP, a peer with no kind or two, links between
//! unknown hosts. Steps and expectations are checked in `validate_steps`.

use super::errors::{span_pos, PathPart, ScenarioError};
use super::raw::{RawPeer, RawScenario, RawUser};
use super::schema::{NetworkSpec, PeerSpec, Scenario, UserSpec};
use super::validate_steps::{expects, steps};
use super::FieldPath;
use crate::peers::PeerKind;
use crate::time::SimDuration;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::ops::Range;
use toml::Spanned;

/// Where errors point: the text (for line/col) and the file name.
pub(crate) struct Ctx<'a> {
    pub text: &'a str,
    pub file: &'a str,
}

impl Ctx<'_> {
    /// An `Invalid` error at `span`, about the field at `path`.
    pub fn invalid(
        &self,
        span: Range<usize>,
        path: &[PathPart],
        reason: impl Into<String>,
    ) -> ScenarioError {
        let (line, col) = span_pos(self.text, &span);
        ScenarioError::Invalid {
            file: self.file.to_owned(),
            line,
            col,
            field: FieldPath(path).to_string(),
            reason: reason.into(),
        }
    }

    /// The 1-based line of a span's start.
    pub fn line(&self, span: &Range<usize>) -> usize {
        span_pos(self.text, span).0
    }
}

/// A host or peer by name: what the steps and links may refer to.
pub(crate) struct Host {
    /// Its IP, when it is on the network (the radio is not).
    pub ip: Option<IpAddr>,
    /// A user (engine) rather than a peer.
    pub is_user: bool,
    /// It sits behind a NAT.
    pub nat: bool,
    /// The peer's kind, for checking commands.
    pub kind: Option<PeerKind>,
}

pub(crate) type Hosts = BTreeMap<String, Host>;

/// `["user", i, field]`-style paths.
pub(crate) fn at(table: &str, i: usize, field: &str) -> Vec<PathPart> {
    let mut p = vec![PathPart::key(table), PathPart::Index(i)];
    if !field.is_empty() {
        p.extend(field.split('.').map(PathPart::key));
    }
    p
}

/// Checks and converts the whole file.
pub(crate) fn scenario(cx: &Ctx<'_>, raw: RawScenario) -> Result<Scenario, ScenarioError> {
    let duration = *raw.duration.get_ref();
    if duration == SimDuration::ZERO {
        return Err(cx.invalid(
            raw.duration.span(),
            &[PathPart::key("duration")],
            "the run must last longer than 0s",
        ));
    }
    if raw.name.get_ref().trim().is_empty() {
        return Err(cx.invalid(
            raw.name.span(),
            &[PathPart::key("name")],
            "the scenario needs a name",
        ));
    }
    let settle = raw.settle.unwrap_or(SimDuration::from_secs(40));
    let mut hosts = Hosts::new();
    let mut users = Vec::new();
    for (i, u) in raw.user.into_iter().enumerate() {
        users.push(user(cx, &mut hosts, i, u)?);
    }
    let mut peers = Vec::new();
    for (i, p) in raw.peer.into_iter().enumerate() {
        peers.push(peer(cx, &mut hosts, i, p)?);
    }
    for (i, p) in peers.iter().enumerate() {
        references(cx, &hosts, &users, i, p)?;
    }
    let network = match raw.network {
        None => NetworkSpec::default(),
        Some(n) => {
            let defaults = n.defaults();
            let mut links = Vec::new();
            for (i, l) in n.link.into_iter().enumerate() {
                let path = vec![
                    PathPart::key("network"),
                    PathPart::key("link"),
                    PathPart::Index(i),
                    PathPart::key("between"),
                ];
                pair(cx, &hosts, l.span(), &path, &l.get_ref().between)?;
                links.push(l.into_inner());
            }
            NetworkSpec { defaults, links }
        }
    };
    let end = SimDuration(duration.0.saturating_add(settle.0));
    let steps = steps(cx, &hosts, duration, raw.step)?;
    let expects = expects(cx, &hosts, end, raw.expect)?;
    Ok(Scenario {
        name: raw.name.into_inner(),
        description: raw.description,
        duration,
        seed: raw.seed,
        pending: raw.pending,
        settle,
        network,
        users,
        peers,
        steps,
        expects,
        file: cx.file.to_owned(),
    })
}

/// Checks `between = [a, b]`: two different hosts on the network.
pub(crate) fn pair(
    cx: &Ctx<'_>,
    hosts: &Hosts,
    span: Range<usize>,
    path: &[PathPart],
    between: &[String; 2],
) -> Result<(), ScenarioError> {
    for name in between {
        on_network(cx, hosts, span.clone(), path, name)?;
    }
    if between[0] == between[1] {
        return Err(cx.invalid(
            span,
            path,
            format!(
                "a link joins two different hosts, not `{}` to itself",
                between[0]
            ),
        ));
    }
    Ok(())
}

/// Checks that `name` is a user or a peer with an address.
pub(crate) fn on_network(
    cx: &Ctx<'_>,
    hosts: &Hosts,
    span: Range<usize>,
    path: &[PathPart],
    name: &str,
) -> Result<(), ScenarioError> {
    match hosts.get(name) {
        Some(Host { ip: Some(_), .. }) => Ok(()),
        Some(_) => Err(cx.invalid(
            span,
            path,
            format!("`{name}` is not on the network (a radio has no address)"),
        )),
        None => Err(cx.invalid(
            span,
            path,
            format!(
                "no user or peer is named `{name}` (known: {})",
                known(hosts)
            ),
        )),
    }
}

/// The names, for error messages.
pub(crate) fn known(hosts: &Hosts) -> String {
    let names: Vec<&str> = hosts.keys().map(String::as_str).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

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

fn user(
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
        None => vec![(switchboard_actors::vocab::TransportKind::Udp, 5060)],
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
    Ok(UserSpec {
        name: u.name.into_inner(),
        address,
        listen,
        nat: u.nat.map(Spanned::into_inner),
        timers: u.timers.map(Spanned::into_inner),
        account: u.account,
        line,
    })
}

fn peer(
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
        (None, false) => vec![switchboard_actors::vocab::TransportKind::Udp],
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
fn references(
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
