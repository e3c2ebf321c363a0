//! Reports on runs: SIP ladder diagrams of a run's trace (terminal text and a
//! self-contained HTML page with an SVG), the verdict table over many runs, the failure
//! report a failing run leaves behind, and a progress bar for long batches.
//!
//! Everything here is a pure function of its input: ladders and failure reports depend
//! only on the trace (no wall time, no randomness), so a replayed run draws the same
//! ladder byte for byte. Only the verdict table shows wall time, by design; it is never
//! part of a trace.
//!
//! ```text
//! &[TraceLine] ──model──▶ Ladder (hosts, rows) ──▶ ladder_text / ladder_text_ascii
//!                                               └─▶ ladder_html (SVG + details + trace table)
//! ```

mod files;
mod glyphs;
mod html;
mod ladder;
mod model;
mod notes;
mod progress;
mod svg;
mod table;

#[cfg(test)]
mod fixture;

pub use files::{failure_summary, replay_command, write_failure_report, FailureFiles};
pub use html::ladder_html;
pub use ladder::{ladder_text, ladder_text_ascii, ladder_text_with, LadderOptions};
pub use progress::Progress;
pub use table::{verdict_table, Outcome, Verdict};

use std::time::Duration;

/// Simulated time as the ladders show it: seconds with milliseconds, `1.500s`.
pub(crate) fn fmt_secs(t_us: u64) -> String {
    format!("{}.{:03}s", t_us / 1_000_000, (t_us % 1_000_000) / 1000)
}

/// A duration for people: `40us`, `12.5ms`, `1.500s`, `2m05.0s`, `24h00m00s`.
pub(crate) fn fmt_duration(d: Duration) -> String {
    let us = d.as_micros();
    let secs = d.as_secs();
    if us < 1000 {
        format!("{us}us")
    } else if us < 1_000_000 {
        format!("{:.1}ms", d.as_secs_f64() * 1000.0)
    } else if secs < 60 {
        format!("{:.3}s", d.as_secs_f64())
    } else if secs < 3600 {
        let rest = d.as_secs_f64() - (secs / 60 * 60) as f64;
        format!("{}m{:04.1}s", secs / 60, rest)
    } else {
        format!("{}h{:02}m{:02}s", secs / 3600, secs % 3600 / 60, secs % 60)
    }
}

/// At most `max` characters of `text`; a cut one ends in `ellipsis` (which counts).
pub(crate) fn truncate(text: &str, max: usize, ellipsis: &str) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let keep = max.saturating_sub(ellipsis.chars().count());
    if keep == 0 {
        return text.chars().take(max).collect();
    }
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(ellipsis);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_durations_read_well() {
        assert_eq!(fmt_secs(0), "0.000s");
        assert_eq!(fmt_secs(1_500_000), "1.500s");
        assert_eq!(fmt_secs(86_400_000_999), "86400.000s");
        assert_eq!(fmt_duration(Duration::from_micros(40)), "40us");
        assert_eq!(fmt_duration(Duration::from_micros(12_500)), "12.5ms");
        assert_eq!(fmt_duration(Duration::from_millis(1500)), "1.500s");
        assert_eq!(fmt_duration(Duration::from_millis(125_000)), "2m05.0s");
        assert_eq!(fmt_duration(Duration::from_secs(86_405)), "24h00m05s");
    }

    #[test]
    fn truncation_counts_characters_and_the_ellipsis() {
        assert_eq!(truncate("OPTIONS", 7, "…"), "OPTIONS");
        assert_eq!(truncate("OPTIONS", 5, "…"), "OPTI…");
        assert_eq!(truncate("OPTIONS", 5, "..."), "OP...");
        assert_eq!(truncate("OPTIONS", 2, "..."), "OP");
        assert_eq!(truncate("→→→→", 3, "…"), "→→…");
    }
}
