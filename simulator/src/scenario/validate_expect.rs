//! Checks `[[expect]]` tables: exactly one check, its companion keys only where they
//! belong, users that exist, times within the run.

use super::errors::ScenarioError;
use super::expect::{Check, Expect, ENGINE_STATES};
use super::raw::RawExpect;
use super::validate::{at, Ctx, Hosts};
use crate::time::SimDuration;
use std::ops::Range;
use toml::Spanned;

fn span_of<T>(s: &Spanned<T>) -> Range<usize> {
    s.span()
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
                registered: st.registered,
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
