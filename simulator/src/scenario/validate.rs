//! From the raw TOML to a typed [`Scenario`], refusing what cannot run: unknown or
//! duplicate names, two hosts on one IP, a peer with no kind or two, links between
//! unknown hosts. Users and peers are checked in `validate_hosts`, steps in
//! `validate_steps`, expectations in `validate_expect`.

use super::errors::{span_pos, PathPart, ScenarioError};
use super::raw::RawScenario;
use super::schema::{NetworkSpec, Scenario};
use super::validate_expect::expects;
use super::validate_hosts::{peer, references, user};
use super::validate_steps::steps;
use super::FieldPath;
use crate::peers::PeerKind;
use crate::time::SimDuration;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::ops::Range;

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
