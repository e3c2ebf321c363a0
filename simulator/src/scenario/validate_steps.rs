//! Checks `[[step]]` tables: each does exactly one thing, names users, peers and hosts
//! that exist, and happens within the run.

use super::actions::{Action, Fault};
use super::errors::ScenarioError;
use super::raw::RawStep;
use super::schema::{Step, StepWhat};
use super::validate::{at, known, on_network, pair, Ctx, Host, Hosts};
use crate::peers::{PeerCommand, PeerKind};
use crate::time::SimDuration;
use std::ops::Range;
use toml::Spanned;

/// Checks and converts the steps, sorted stably by time.
pub(crate) fn steps(
    cx: &Ctx<'_>,
    hosts: &Hosts,
    duration: SimDuration,
    raw: Vec<Spanned<RawStep>>,
) -> Result<Vec<Step>, ScenarioError> {
    let mut out = Vec::with_capacity(raw.len());
    for (i, s) in raw.into_iter().enumerate() {
        out.push(step(cx, hosts, duration, i, s)?);
    }
    out.sort_by_key(|s| s.at);
    Ok(out)
}

fn step(
    cx: &Ctx<'_>,
    hosts: &Hosts,
    duration: SimDuration,
    i: usize,
    raw: Spanned<RawStep>,
) -> Result<Step, ScenarioError> {
    let (span, line) = (raw.span(), cx.line(&raw.span()));
    let s = raw.into_inner();
    let when = *s.at.get_ref();
    if when > duration {
        return Err(cx.invalid(
            s.at.span(),
            &at("step", i, "at"),
            format!("{when} is beyond the scenario's duration ({duration})"),
        ));
    }
    let what = match (s.action, s.command, s.fault) {
        (Some(action), None, None) => {
            refuse_extra(cx, i, &s.peer, "peer", "an action is done by a `user`")?;
            let (user, user_span) = named(
                cx,
                hosts,
                span,
                i,
                s.user,
                "user",
                "an action needs `user = \"…\"`",
            )?;
            if !hosts.get(&user).is_some_and(|h| h.is_user) {
                return Err(cx.invalid(
                    user_span,
                    &at("step", i, "user"),
                    format!("`{user}` is a peer, not a user (engine)"),
                ));
            }
            action_args(cx, i, &action)?;
            StepWhat::Action {
                user,
                action: action.into_inner(),
            }
        }
        (None, Some(command), None) => {
            refuse_extra(cx, i, &s.user, "user", "a command is given to a `peer`")?;
            let (peer, peer_span) = named(
                cx,
                hosts,
                span,
                i,
                s.peer,
                "peer",
                "a command needs `peer = \"…\"`",
            )?;
            let kind = hosts.get(&peer).and_then(|h| h.kind.as_ref());
            let Some(kind) = kind else {
                return Err(cx.invalid(
                    peer_span,
                    &at("step", i, "peer"),
                    format!("`{peer}` is a user (engine), not a peer"),
                ));
            };
            if let Some(reason) = unfit(kind, command.get_ref()) {
                return Err(cx.invalid(command.span(), &at("step", i, "command"), reason));
            }
            StepWhat::Command {
                peer,
                command: command.into_inner(),
            }
        }
        (None, None, Some(fault)) => {
            refuse_extra(cx, i, &s.user, "user", "a fault names its hosts inside it")?;
            refuse_extra(cx, i, &s.peer, "peer", "a fault names its hosts inside it")?;
            fault_args(cx, hosts, i, &fault)?;
            StepWhat::Fault(fault.into_inner())
        }
        _ => {
            return Err(cx.invalid(
                span,
                &at("step", i, ""),
                "a step has exactly one of `action`, `command`, `fault`",
            ))
        }
    };
    Ok(Step {
        at: when,
        line,
        what,
    })
}

fn refuse_extra(
    cx: &Ctx<'_>,
    i: usize,
    field: &Option<Spanned<String>>,
    name: &str,
    why: &str,
) -> Result<(), ScenarioError> {
    match field {
        Some(f) => Err(cx.invalid(
            f.span(),
            &at("step", i, name),
            format!("`{name}` does not belong here: {why}"),
        )),
        None => Ok(()),
    }
}

fn named(
    cx: &Ctx<'_>,
    hosts: &Hosts,
    span: Range<usize>,
    i: usize,
    name: Option<Spanned<String>>,
    field: &str,
    missing: &str,
) -> Result<(String, Range<usize>), ScenarioError> {
    let Some(name) = name else {
        return Err(cx.invalid(span, &at("step", i, field), missing));
    };
    if !hosts.contains_key(name.get_ref()) {
        let reason = format!(
            "no {field} is named `{}` (known: {})",
            name.get_ref(),
            known(hosts)
        );
        return Err(cx.invalid(name.span(), &at("step", i, field), reason));
    }
    let span = name.span();
    Ok((name.into_inner(), span))
}

fn action_args(cx: &Ctx<'_>, i: usize, action: &Spanned<Action>) -> Result<(), ScenarioError> {
    let reason = match action.get_ref() {
        Action::Options { to } | Action::Dial { to } | Action::Transfer { to }
            if to.trim().is_empty() =>
        {
            Some("`to` is empty".to_owned())
        }
        Action::SetCredentials { password, .. } if password.is_empty() => {
            Some("`password` is empty".to_owned())
        }
        Action::SetCredentials {
            auth_username: Some(u),
            ..
        } if u.trim().is_empty() => Some("`auth_username` is empty".to_owned()),
        Action::DialNumber { number } if number.trim().is_empty() => {
            Some("`number` is empty".to_owned())
        }
        Action::Reject { code } if !(400..=699).contains(code) => {
            Some(format!("reject code {code} is not a 4xx-6xx final status"))
        }
        Action::Dtmf { digits }
            if digits.is_empty()
                || !digits
                    .chars()
                    .all(|c| c.is_ascii_digit() || "*#ABCD".contains(c)) =>
        {
            Some(format!("`{digits}` are not DTMF digits (0-9, *, #, A-D)"))
        }
        _ => None,
    };
    match reason {
        Some(r) => Err(cx.invalid(action.span(), &at("step", i, "action"), r)),
        None => Ok(()),
    }
}

/// Why `command` makes no sense for a peer of `kind`, if it doesn't.
fn unfit(kind: &PeerKind, command: &PeerCommand) -> Option<String> {
    let (ok, who) = match command {
        PeerCommand::SendOptions { .. } | PeerCommand::Call { .. } | PeerCommand::Hangup => (
            matches!(kind, PeerKind::Ua(_) | PeerKind::Gateway(_)),
            "a ua or gateway",
        ),
        PeerCommand::Reinvite { .. } | PeerCommand::SendRaw { .. } | PeerCommand::Register => {
            (matches!(kind, PeerKind::Ua(_)), "a ua")
        }
        PeerCommand::SetFailure(_) | PeerCommand::SetPassword { .. } => {
            (matches!(kind, PeerKind::Registrar(_)), "a registrar")
        }
        PeerCommand::CellularRing | PeerCommand::CellularAnswer | PeerCommand::CellularEnd => {
            (matches!(kind, PeerKind::Radio(_)), "a radio")
        }
        // Commands added later by the peers are not checked here.
        #[allow(unreachable_patterns)]
        _ => (true, ""),
    };
    (!ok).then(|| format!("only {who} peer takes this command"))
}

fn fault_args(
    cx: &Ctx<'_>,
    hosts: &Hosts,
    i: usize,
    fault: &Spanned<Fault>,
) -> Result<(), ScenarioError> {
    let (span, path) = (
        fault.span(),
        at("step", i, &format!("fault.{}", fault.get_ref().name())),
    );
    match fault.get_ref() {
        Fault::Partition { between }
        | Fault::Heal { between }
        | Fault::Hold { between }
        | Fault::Release { between } => pair(cx, hosts, span, &path, between),
        Fault::SetLink(link) => pair(cx, hosts, span, &path, &link.between),
        Fault::Block { from, to } | Fault::Unblock { from, to } => {
            pair(cx, hosts, span, &path, &[from.clone(), to.clone()])
        }
        Fault::DropAll { host, duration } => {
            on_network(cx, hosts, span.clone(), &path, host)?;
            if *duration == SimDuration::ZERO {
                return Err(cx.invalid(span, &path, "`for` must be longer than 0s"));
            }
            Ok(())
        }
        Fault::NatRebind { host } => {
            on_network(cx, hosts, span.clone(), &path, host)?;
            match hosts.get(host) {
                Some(Host { nat: true, .. }) => Ok(()),
                _ => Err(cx.invalid(span, &path, format!("`{host}` has no `nat` to rebind"))),
            }
        }
        Fault::MoveHost { host, to } => {
            on_network(cx, hosts, span.clone(), &path, host)?;
            match hosts.iter().find(|(_, h)| h.ip == Some(*to)) {
                Some((other, _)) => {
                    Err(cx.invalid(span, &path, format!("{to} is the address of `{other}`")))
                }
                None => Ok(()),
            }
        }
    }
}
