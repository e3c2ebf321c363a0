//! The verdict table printed after a batch of runs.

use super::{fmt_duration, truncate};
use std::fmt::Write as _;
use std::time::Duration;

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every expectation held.
    Pass,
    /// Some expectation or invariant did not hold.
    Fail {
        /// What did not hold, one line each.
        reasons: Vec<String>,
    },
    /// The scenario waits for a feature and was not run.
    Pending {
        /// What it waits for (`issue 9: transfer`).
        reason: String,
    },
    /// The run could not be carried out (bad scenario file, engine failed to start, …).
    Error {
        /// What went wrong.
        message: String,
    },
}

impl Outcome {
    /// The word in the result column: `pass`, `FAIL`, `pending`, `ERROR`.
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail { .. } => "FAIL",
            Outcome::Pending { .. } => "pending",
            Outcome::Error { .. } => "ERROR",
        }
    }

    /// A failure or an error: the batch should exit non-zero.
    pub fn is_failure(&self) -> bool {
        matches!(self, Outcome::Fail { .. } | Outcome::Error { .. })
    }

    fn ansi(&self) -> &'static str {
        match self {
            Outcome::Pass => "\x1b[32m",
            Outcome::Pending { .. } => "\x1b[33m",
            Outcome::Fail { .. } | Outcome::Error { .. } => "\x1b[31m",
        }
    }

    fn note(&self) -> String {
        match self {
            Outcome::Pass => String::new(),
            Outcome::Fail { reasons } => reasons.join("; "),
            Outcome::Pending { reason } => reason.clone(),
            Outcome::Error { message } => message.clone(),
        }
    }
}

/// The result of one run of one scenario with one seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The scenario's name.
    pub scenario: String,
    /// The scenario file it came from.
    pub file: String,
    /// The seed of the run.
    pub seed: u64,
    /// How it ended.
    pub outcome: Outcome,
    /// Simulated time the run covered.
    pub sim_time: Duration,
    /// Wall-clock time the run took (reports only: never in a trace).
    pub wall_time: Duration,
}

/// The widest a note (failure reasons, pending reason) gets in the table.
const NOTE_WIDTH: usize = 72;

/// An aligned table of `rows` (scenario, seed, result, simulated time, wall time,
/// sim/wall ratio, note) and a summary line: `7 passed, 1 failed, 5 pending`. With
/// `colour`, results are green, red or yellow (ANSI).
pub fn verdict_table(rows: &[Verdict], colour: bool) -> String {
    let header = [
        "scenario",
        "seed",
        "result",
        "sim time",
        "wall time",
        "sim/wall",
    ];
    let cells: Vec<[String; 6]> = rows.iter().map(cells).collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let head = header.map(str::to_owned);
    out.push_str(&line(&head, &widths, "note", None));
    for (verdict, row) in rows.iter().zip(&cells) {
        let note = truncate(&verdict.outcome.note(), NOTE_WIDTH, "…");
        let paint = colour.then(|| verdict.outcome.ansi());
        out.push_str(&line(row, &widths, &note, paint));
    }
    out.push_str(&summary(rows));
    out.push('\n');
    out
}

/// `7 passed, 1 failed, 5 pending` (and `, 2 errors` when there are any).
fn summary(rows: &[Verdict]) -> String {
    let count = |f: fn(&Outcome) -> bool| rows.iter().filter(|r| f(&r.outcome)).count();
    let passed = count(|o| matches!(o, Outcome::Pass));
    let failed = count(|o| matches!(o, Outcome::Fail { .. }));
    let pending = count(|o| matches!(o, Outcome::Pending { .. }));
    let errors = count(|o| matches!(o, Outcome::Error { .. }));
    let mut text = format!("{passed} passed, {failed} failed, {pending} pending");
    if errors > 0 {
        let s = if errors == 1 { "" } else { "s" };
        let _ = write!(text, ", {errors} error{s}");
    }
    text
}

fn cells(v: &Verdict) -> [String; 6] {
    // A run that never started shows no times rather than zeros.
    let ran = matches!(v.outcome, Outcome::Pass | Outcome::Fail { .. });
    let time = |d: Duration| {
        if d.is_zero() && !ran {
            "-".to_owned()
        } else {
            fmt_duration(d)
        }
    };
    [
        v.scenario.clone(),
        v.seed.to_string(),
        v.outcome.word().to_owned(),
        time(v.sim_time),
        time(v.wall_time),
        ratio(v.sim_time, v.wall_time),
    ]
}

/// Simulated seconds per wall second: `26667x`, `0.5x`, `-` when unmeasurable.
fn ratio(sim: Duration, wall: Duration) -> String {
    if sim.is_zero() || wall.is_zero() {
        return "-".into();
    }
    let r = sim.as_secs_f64() / wall.as_secs_f64();
    if r >= 10.0 {
        format!("{r:.0}x")
    } else {
        format!("{r:.1}x")
    }
}

/// One row: text columns left-aligned, numbers right-aligned, the result painted.
fn line(cells: &[String; 6], widths: &[usize; 6], note: &str, paint: Option<&str>) -> String {
    let mut out = String::new();
    for (i, (cell, &w)) in cells.iter().zip(widths).enumerate() {
        let pad = " ".repeat(w.saturating_sub(cell.chars().count()));
        let padded = match i {
            0 | 2 => format!("{cell}{pad}"),
            _ => format!("{pad}{cell}"),
        };
        match (i, paint) {
            (2, Some(ansi)) => {
                let _ = write!(out, "{ansi}{padded}\x1b[0m");
            }
            _ => out.push_str(&padded),
        }
        out.push_str("  ");
    }
    out.push_str(note);
    format!("{}\n", out.trim_end())
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
