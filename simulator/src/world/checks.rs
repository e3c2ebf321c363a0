//! Checking a scenario's expectations against its trace: sequences (in order, not
//! necessarily adjacent), counts within bounds, things that must never happen, and the
//! state probes taken during the run.

use super::steps::ProbeResult;
use crate::scenario::{Check, Expect, Matcher, Scenario};
use crate::trace::TraceLine;
use serde_json::Value;

/// Every expectation of `scenario` checked: (index, held, what it expects, what was seen).
pub fn evaluate(
    scenario: &Scenario,
    lines: &[TraceLine],
    probes: &[ProbeResult],
) -> Vec<(usize, bool, String, String)> {
    let json: Vec<(u64, Value)> = lines
        .iter()
        .map(|l| (l.t_us, serde_json::to_value(l).unwrap_or_default()))
        .collect();
    scenario
        .expects
        .iter()
        .enumerate()
        .map(|(index, expect)| {
            let (ok, detail) = match &expect.check {
                Check::State { .. } => probes
                    .iter()
                    .find(|(i, _, _)| *i == index)
                    .map(|(_, ok, seen)| (*ok, seen.clone()))
                    .unwrap_or((false, "the probe did not run".to_owned())),
                check => check_lines(check, &window(expect, &json)),
            };
            (index, ok, describe(expect), detail)
        })
        .collect()
}

fn describe(expect: &Expect) -> String {
    match &expect.description {
        Some(d) => d.clone(),
        None => expect.check.to_string(),
    }
}

/// The lines inside the expectation's time window.
fn window<'a>(expect: &Expect, lines: &'a [(u64, Value)]) -> Vec<&'a (u64, Value)> {
    lines
        .iter()
        .filter(|(t, _)| {
            expect
                .within
                .is_none_or(|(from, to)| (from.as_micros()..=to.as_micros()).contains(t))
        })
        .collect()
}

fn seconds(t_us: u64) -> String {
    format!("{:.3}s", t_us as f64 / 1e6)
}

fn check_lines(check: &Check, lines: &[&(u64, Value)]) -> (bool, String) {
    match check {
        Check::Sequence(matchers) => sequence(matchers, lines),
        Check::Count { matcher, min, max } => {
            let n = lines.iter().filter(|(_, v)| matcher.matches(v)).count() as u64;
            let ok = min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
            (ok, format!("counted {n}"))
        }
        Check::Never(matcher) => match lines.iter().find(|(_, v)| matcher.matches(v)) {
            Some((t, v)) => (false, format!("seen at {}: {v}", seconds(*t))),
            None => (true, "never seen".to_owned()),
        },
        Check::State { .. } => (false, "a state probe is checked during the run".to_owned()),
    }
}

fn sequence(matchers: &[Matcher], lines: &[&(u64, Value)]) -> (bool, String) {
    let mut at = Vec::new();
    let mut rest = lines.iter();
    for (i, m) in matchers.iter().enumerate() {
        match rest.by_ref().find(|(_, v)| m.matches(v)) {
            Some((t, _)) => at.push(seconds(*t)),
            None => {
                return (
                    false,
                    format!(
                        "matched {i} of {}; no {m} after {}",
                        matchers.len(),
                        at.last().map_or("the start", String::as_str)
                    ),
                )
            }
        }
    }
    (
        true,
        format!("all {} in order at {}", matchers.len(), at.join(", ")),
    )
}
