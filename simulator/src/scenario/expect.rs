//! Expectations: what must be observed in a run's trace (or on a live engine), each
//! with the line of its `[[expect]]` table so a failure points back at the file.

use super::matcher::Matcher;
use crate::time::SimDuration;
use std::fmt;

/// One `[[expect]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// The line of its `[[expect]]` table.
    pub line: usize,
    /// The author's words for it.
    pub description: Option<String>,
    /// What is checked.
    pub check: Check,
    /// Only trace lines with `from <= t_us <= to` count (sequence, count, never).
    pub within: Option<(SimDuration, SimDuration)>,
}

/// What an expectation checks.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// Lines matching each matcher appear in this order (not necessarily adjacent).
    Sequence(Vec<Matcher>),
    /// The number of matching lines lies in `min..=max` (either bound optional).
    Count {
        /// What to count.
        matcher: Matcher,
        /// At least this many.
        min: Option<u64>,
        /// At most this many.
        max: Option<u64>,
    },
    /// No line matches.
    Never(Matcher),
    /// Probed on the live engine at a time.
    State {
        /// The user (engine).
        user: String,
        /// The engine lifecycle state it must be in (`running`, `paused`, `stopped`, …).
        engine: Option<String>,
        /// Whether the user's account must be registered (`Account::is_registered`).
        registered: Option<bool>,
        /// When to probe.
        at: SimDuration,
    },
}

/// Engine lifecycle states a `state` expectation may name.
pub const ENGINE_STATES: &[&str] = &["stopped", "starting", "running", "paused", "stopping"];

impl Expect {
    /// Whether a trace line stamped `t_us` lies in the expectation's window.
    pub fn in_window(&self, t_us: u64) -> bool {
        self.within
            .is_none_or(|(from, to)| (from.as_micros()..=to.as_micros()).contains(&t_us))
    }
}

impl fmt::Display for Check {
    /// In words, for the trace's `check` lines and the verdict table.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Check::Sequence(ms) => {
                f.write_str("sequence ")?;
                for (i, m) in ms.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" then ")?;
                    }
                    write!(f, "{m}")?;
                }
                Ok(())
            }
            Check::Count { matcher, min, max } => {
                write!(f, "count {matcher} ")?;
                match (min, max) {
                    (Some(a), Some(b)) if a == b => write!(f, "== {a}"),
                    (Some(a), Some(b)) => write!(f, "in {a}..={b}"),
                    (Some(a), None) => write!(f, ">= {a}"),
                    (None, Some(b)) => write!(f, "<= {b}"),
                    (None, None) => f.write_str("any"),
                }
            }
            Check::Never(m) => write!(f, "never {m}"),
            Check::State {
                user,
                engine,
                registered,
                at,
            } => {
                write!(f, "state of {user} at {at}")?;
                if let Some(e) = engine {
                    write!(f, ": engine {e}")?;
                }
                match registered {
                    Some(true) => write!(f, ": registered"),
                    Some(false) => write!(f, ": not registered"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl fmt::Display for Expect {
    /// The check, its window, and the author's description.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.check)?;
        if let Some((from, to)) = self.within {
            write!(f, " within {from}..{to}")?;
        }
        if let Some(d) = &self.description {
            write!(f, " ({d})")?;
        }
        Ok(())
    }
}
