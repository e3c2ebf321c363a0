//! Checks `[[step]]` and `[[expect]]` tables: each does exactly one thing, names users,
//! peers and hosts that exist, and happens within the run.

use super::actions::{Action, Fault};
use super::errors::ScenarioError;
use super::expect::{Check, Expect, ENGINE_STATES};
use super::raw::{RawExpect, RawStep};
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

fn span_of<T>(s: &Spanned<T>) -> Range<usize> {
    s.span()
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
        PeerCommand::SetFailure(_) => (matches!(kind, PeerKind::Registrar(_)), "a registrar"),
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

/// Checks and converts the expectations; `end` is `duration + settle`.
pub(crate) fn expects(
    cx: &Ctx<'_>,
    hosts: &Hosts,
    end: SimDuration,
    raw: Vec<Spanned<RawExpect>>,
) -> Result<Vec<Expect>, ScenarioError> {
    raw.into_iter()
        .enumerate()
        .map(|(i, e)| expect(cx, hosts, end, i, e))
        .collect()
}

fn expect(
    cx: &Ctx<'_>,
    hosts: &Hosts,
    end: SimDuration,
    i: usize,
    raw: Spanned<RawExpect>,
) -> Result<Expect, ScenarioError> {
    let (span, line) = (raw.span(), cx.line(&raw.span()));
    let e = raw.into_inner();
    let bad =
        |s: Range<usize>, field: &str, why: String| cx.invalid(s, &at("expect", i, field), why);
    let only = |field: Option<Range<usize>>, name: &str, with: &str| match field {
        Some(s) => Err(bad(s, name, format!("`{name}` only goes with `{with}`"))),
        None => Ok(()),
    };
    let check = match (e.sequence, e.count, e.never, e.state) {
        (Some(seq), None, None, None) => {
            if seq.get_ref().is_empty() {
                return Err(bad(
                    seq.span(),
                    "sequence",
                    "a sequence needs at least one matcher".into(),
                ));
            }
            Check::Sequence(seq.into_inner())
        }
        (None, Some(matcher), None, None) => {
            let (min, max) = (
                e.min.as_ref().map(|m| *m.get_ref()),
                e.max.as_ref().map(|m| *m.get_ref()),
            );
            match (min, max) {
                (None, None) => {
                    return Err(bad(
                        matcher.span(),
                        "count",
                        "a count needs `min`, `max` or both".into(),
                    ))
                }
                (Some(a), Some(b)) if a > b => {
                    return Err(bad(
                        e.max.as_ref().map_or(matcher.span(), span_of),
                        "max",
                        format!("max {b} is below min {a}"),
                    ))
                }
                _ => Check::Count {
                    matcher: matcher.into_inner(),
                    min,
                    max,
                },
            }
        }
        (None, None, Some(m), None) => Check::Never(m.into_inner()),
        (None, None, None, Some(state)) => {
            let Some(when) = &e.at else {
                return Err(bad(
                    state.span(),
                    "at",
                    "a state expectation needs `at = \"…\"`".into(),
                ));
            };
            if *when.get_ref() > end {
                return Err(bad(
                    when.span(),
                    "at",
                    format!(
                        "{} is beyond the run's end (duration + settle = {end})",
                        when.get_ref()
                    ),
                ));
            }
            if let Some(w) = &e.within {
                return Err(bad(
                    w.span(),
                    "within",
                    "a state is probed at one time: use `at`, not `within`".into(),
                ));
            }
            let st = state.into_inner();
            if !hosts.get(st.user.get_ref()).is_some_and(|h| h.is_user) {
                return Err(bad(
                    st.user.span(),
                    "state.user",
                    format!("no user is named `{}`", st.user.get_ref()),
                ));
            }
            if let Some(en) = &st.engine {
                if !ENGINE_STATES.contains(&en.get_ref().as_str()) {
                    return Err(bad(
                        en.span(),
                        "state.engine",
                        format!(
                            "unknown engine state `{}`, expected one of {}",
                            en.get_ref(),
                            ENGINE_STATES.join(", ")
                        ),
                    ));
                }
            }
            Check::State {
                user: st.user.into_inner(),
                engine: st.engine.map(Spanned::into_inner),
                at: *when.get_ref(),
            }
        }
        _ => {
            return Err(bad(
                span,
                "",
                "an expectation has exactly one of `sequence`, `count`, `never`, `state`".into(),
            ))
        }
    };
    if !matches!(check, Check::Count { .. }) {
        only(e.min.as_ref().map(span_of), "min", "count")?;
        only(e.max.as_ref().map(span_of), "max", "count")?;
    }
    if !matches!(check, Check::State { .. }) {
        only(e.at.as_ref().map(span_of), "at", "state")?;
    }
    let within = match e.within {
        None => None,
        Some(w) => {
            let [from, to] = *w.get_ref();
            if from > to || to > end {
                return Err(bad(w.span(), "within", format!("the window [{from}, {to}] must run forwards and end by {end} (duration + settle)")));
            }
            Some((from, to))
        }
    };
    Ok(Expect {
        line,
        description: e.description,
        check,
        within,
    })
}
