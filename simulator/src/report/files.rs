//! What a failing run leaves behind: its trace and ladders in the report directory, and
//! the summary the CLI prints (seed, replay command, failed checks, paths, ladder).

use super::ladder::ladder_text;
use super::{ladder_html, Outcome, Verdict};
use crate::trace::{to_json_lines, Record, TraceLine};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// The files [`write_failure_report`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureFiles {
    /// `<dir>/<scenario-slug>-seed<N>/`.
    pub dir: PathBuf,
    /// The trace, JSON lines.
    pub trace: PathBuf,
    /// The text ladder.
    pub ladder_txt: PathBuf,
    /// The HTML ladder.
    pub ladder_html: PathBuf,
}

/// Writes `trace.jsonl`, `ladder.txt` and `ladder.html` for a run into
/// `<dir>/<scenario-slug>-seed<N>/` (created, with `dir`, if missing; files replaced).
pub fn write_failure_report(
    dir: &Path,
    verdict: &Verdict,
    lines: &[TraceLine],
) -> io::Result<FailureFiles> {
    let run_dir = dir.join(format!("{}-seed{}", slug(&verdict.scenario), verdict.seed));
    std::fs::create_dir_all(&run_dir)?;
    let files = FailureFiles {
        trace: run_dir.join("trace.jsonl"),
        ladder_txt: run_dir.join("ladder.txt"),
        ladder_html: run_dir.join("ladder.html"),
        dir: run_dir,
    };
    let title = format!("{} (seed {})", verdict.scenario, verdict.seed);
    std::fs::write(&files.trace, to_json_lines(lines))?;
    std::fs::write(&files.ladder_txt, ladder_text(lines))?;
    std::fs::write(&files.ladder_html, ladder_html(lines, &title))?;
    Ok(files)
}

/// What the CLI prints for a failing run: the verdict and seed, the command that
/// replays it, the failed checks and other reasons, where its files are, and the ladder.
pub fn failure_summary(
    verdict: &Verdict,
    lines: &[TraceLine],
    files: Option<&FailureFiles>,
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {} ({}) seed {}",
        verdict.outcome.word(),
        verdict.scenario,
        verdict.file,
        verdict.seed
    );
    let _ = writeln!(
        s,
        "  replay: {}",
        replay_command(&verdict.file, verdict.seed)
    );
    let failed: Vec<_> = lines
        .iter()
        .filter_map(|line| match &line.record {
            Record::Check {
                index,
                expect,
                ok: false,
                detail,
            } => Some((index, expect, detail)),
            _ => None,
        })
        .collect();
    if !failed.is_empty() {
        s.push_str("  failed checks:\n");
        for (index, expect, detail) in failed {
            let _ = writeln!(s, "    expect {index}: {expect}\n      observed: {detail}");
        }
    }
    match &verdict.outcome {
        Outcome::Fail { reasons } if !reasons.is_empty() => {
            s.push_str("  reasons:\n");
            for reason in reasons {
                let _ = writeln!(s, "    {reason}");
            }
        }
        Outcome::Pending { reason } => {
            let _ = writeln!(s, "  pending: {reason}");
        }
        Outcome::Error { message } => {
            let _ = writeln!(s, "  error: {message}");
        }
        Outcome::Pass | Outcome::Fail { .. } => {}
    }
    if let Some(files) = files {
        let _ = writeln!(s, "  trace:  {}", files.trace.display());
        let _ = writeln!(s, "  ladder: {}", files.ladder_html.display());
    }
    if !lines.is_empty() {
        s.push('\n');
        s.push_str(&ladder_text(lines));
    }
    s
}

/// `switchboard-sim replay <file> --seed <N>`, the file quoted for a POSIX shell when it
/// needs it.
pub fn replay_command(file: &str, seed: u64) -> String {
    let plain = !file.is_empty()
        && file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:,=@%".contains(c));
    let file = if plain {
        file.to_owned()
    } else {
        format!("'{}'", file.replace('\'', "'\\''"))
    };
    format!("switchboard-sim replay {file} --seed {seed}")
}

/// A file-name-safe form of a scenario name: `OPTIONS over lossy UDP` →
/// `options-over-lossy-udp`.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.chars().take(60).collect();
    match out.trim_end_matches('-') {
        "" => "scenario".to_owned(),
        cut => cut.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample;
    use std::time::Duration;

    fn failing() -> Verdict {
        Verdict {
            scenario: "OPTIONS over lossy UDP".into(),
            file: "simulator/scenarios/options_lossy.toml".into(),
            seed: 7,
            outcome: Outcome::Fail {
                reasons: vec!["expect 2 did not hold".into()],
            },
            sim_time: Duration::from_secs(32),
            wall_time: Duration::from_millis(3),
        }
    }

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);
    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let unique = format!("switchboard-report-{tag}-{}", std::process::id());
            let dir = std::env::temp_dir().join(unique);
            let _ = std::fs::remove_dir_all(&dir);
            TempDir(dir)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn the_report_writes_trace_and_both_ladders() {
        let tmp = TempDir::new("write");
        let lines = sample();
        let files = write_failure_report(&tmp.0, &failing(), &lines).unwrap();
        assert_eq!(files.dir, tmp.0.join("options-over-lossy-udp-seed7"));
        assert_eq!(files.trace, files.dir.join("trace.jsonl"));
        let trace = std::fs::read_to_string(&files.trace).unwrap();
        assert_eq!(trace, to_json_lines(&lines));
        assert_eq!(trace.lines().count(), lines.len());
        let txt = std::fs::read_to_string(&files.ladder_txt).unwrap();
        assert_eq!(txt, ladder_text(&lines));
        let html = std::fs::read_to_string(&files.ladder_html).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<title>OPTIONS over lossy UDP (seed 7)</title>"));
        // Writing again replaces the files.
        let again = write_failure_report(&tmp.0, &failing(), &lines[..2]).unwrap();
        assert_eq!(again, files);
        let trace = std::fs::read_to_string(&files.trace).unwrap();
        assert_eq!(trace.lines().count(), 2);
    }

    #[test]
    fn the_summary_gives_seed_replay_checks_paths_and_ladder() {
        let lines = sample();
        let files = FailureFiles {
            dir: PathBuf::from("report/x-seed7"),
            trace: PathBuf::from("report/x-seed7/trace.jsonl"),
            ladder_txt: PathBuf::from("report/x-seed7/ladder.txt"),
            ladder_html: PathBuf::from("report/x-seed7/ladder.html"),
        };
        let text = failure_summary(&failing(), &lines, Some(&files));
        let head = "\
FAIL OPTIONS over lossy UDP (simulator/scenarios/options_lossy.toml) seed 7
  replay: switchboard-sim replay simulator/scenarios/options_lossy.toml --seed 7
  failed checks:
    expect 2: bob receives 2 OPTIONS
      observed: saw 1
  reasons:
    expect 2 did not hold
  trace:  report/x-seed7/trace.jsonl
  ladder: report/x-seed7/ladder.html

";
        assert!(text.starts_with(head), "{text}");
        assert!(text.ends_with(&ladder_text(&lines)));
        assert!(!text.contains("alice is fine"));
        let bare = failure_summary(&failing(), &lines, None);
        assert!(!bare.contains("trace:"));
    }

    #[test]
    fn replay_commands_quote_awkward_paths() {
        assert_eq!(
            replay_command("scenarios/a.toml", 42),
            "switchboard-sim replay scenarios/a.toml --seed 42"
        );
        assert_eq!(
            replay_command("my scenarios/bob's.toml", 1),
            "switchboard-sim replay 'my scenarios/bob'\\''s.toml' --seed 1"
        );
    }

    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(slug("OPTIONS over lossy UDP"), "options-over-lossy-udp");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("Timer B — INVITE"), "timer-b-invite");
        assert_eq!(slug("ßß"), "scenario");
        assert_eq!(slug(&"ab ".repeat(40)).len(), 59);
    }
}
