//! `switchboard-sim`: runs scenario files against the real engine on a simulated network.
//!
//! ```text
//! switchboard-sim run simulator/scenarios [--seed N] [--report DIR] [--jobs N]
//! switchboard-sim replay simulator/scenarios/options_lossy_udp.toml --seed 7
//! switchboard-sim sweep simulator/scenarios --seeds 1000 [--faults random]
//! ```
//!
//! Exit status: 0 when every run passed (pending ones are listed, not failed), 1 when any
//! failed, 2 for usage errors and unreadable paths.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use switchboard_sim::report::{self, Outcome as Shown, Progress, Verdict};
use switchboard_sim::runner::{self, Job, RunReport};
use switchboard_sim::world::{Outcome, RunOptions};

#[derive(Parser)]
#[command(
    name = "switchboard-sim",
    version,
    about = "Deterministic SIP scenario simulator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenarios (files or directories) and print a verdict table.
    Run {
        /// Scenario files or directories of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Use this seed instead of each scenario's own.
        #[arg(long)]
        seed: Option<u64>,
        /// Write each failing run's trace and ladder diagrams here.
        #[arg(long, default_value = "target/sim-report")]
        report: PathBuf,
        /// Threads (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Run one scenario and print its trace (JSON lines) to stdout.
    Replay {
        /// The scenario file.
        file: PathBuf,
        /// The seed (default: the scenario's own).
        #[arg(long)]
        seed: Option<u64>,
        /// Print the ladder diagram instead of the trace.
        #[arg(long)]
        ladder: bool,
        /// Add the random faults `sweep --faults random` adds for this seed (to replay a
        /// failing sweep run).
        #[arg(long, value_enum)]
        faults: Option<Faults>,
    },
    /// Run many seeds per scenario and check the invariants after each.
    Sweep {
        /// Scenario files or directories of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Seeds per scenario (1..=N).
        #[arg(long, default_value_t = 100)]
        seeds: u64,
        /// Add random network faults to every run (then only invariants are checked).
        #[arg(long, value_enum)]
        faults: Option<Faults>,
        /// Threads (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Faults {
    /// Seeded random partitions, holds, drop-all spells, loss bursts and NAT rebinds.
    Random,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            paths,
            seed,
            report,
            jobs,
        } => run(&paths, seed, &report, jobs),
        Command::Replay {
            file,
            seed,
            ladder,
            faults,
        } => replay(file, seed, ladder, faults.is_some()),
        Command::Sweep {
            paths,
            seeds,
            faults,
            jobs,
        } => sweep(&paths, seeds, faults.is_some(), jobs),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("switchboard-sim: {e}");
            ExitCode::from(2)
        }
    }
}

fn verdict(r: &RunReport) -> Verdict {
    let (outcome, sim_time) = match &r.result {
        Err(message) => (
            Shown::Error {
                message: message.clone(),
            },
            Default::default(),
        ),
        Ok(out) => (
            match &out.outcome {
                Outcome::Pass => Shown::Pass,
                Outcome::Fail(reasons) => Shown::Fail {
                    reasons: reasons.clone(),
                },
                Outcome::Pending(reason) => Shown::Pending {
                    reason: reason.clone(),
                },
            },
            out.sim_time,
        ),
    };
    Verdict {
        scenario: r.name.clone(),
        file: r.file.display().to_string(),
        seed: r.seed,
        outcome,
        sim_time,
        wall_time: r.wall,
    }
}

fn run(
    paths: &[PathBuf],
    seed: Option<u64>,
    dir: &std::path::Path,
    jobs: Option<usize>,
) -> Result<bool, Box<dyn std::error::Error>> {
    let files = runner::collect_files(paths)?;
    let threads = jobs.unwrap_or_else(runner::default_threads);
    let jobs: Vec<Job> = files
        .into_iter()
        .map(|file| Job {
            file,
            seed,
            options: RunOptions::default(),
            transform: None,
            keep_trace: true,
        })
        .collect();
    let progress = Progress::new(jobs.len());
    let reports = runner::run_all(&jobs, threads, &|r| progress.inc(&r.name));
    progress.finish();
    let verdicts: Vec<Verdict> = reports.iter().map(verdict).collect();
    let mut out = std::io::stdout().lock();
    for (r, v) in reports.iter().zip(&verdicts) {
        if let (Ok(output), true) = (&r.result, r.failed()) {
            let files = report::write_failure_report(dir, v, &output.lines).ok();
            writeln!(
                out,
                "{}",
                report::failure_summary(v, &output.lines, files.as_ref())
            )?;
        } else if let Err(message) = &r.result {
            writeln!(out, "{}: {message}", r.file.display())?;
        }
    }
    let colour = std::io::stdout().is_terminal();
    write!(out, "{}", report::verdict_table(&verdicts, colour))?;
    Ok(!reports.iter().any(RunReport::failed))
}

fn replay(
    file: PathBuf,
    seed: Option<u64>,
    ladder: bool,
    random_faults: bool,
) -> Result<bool, Box<dyn std::error::Error>> {
    let report = runner::run_job(&Job {
        file,
        seed,
        options: RunOptions {
            invariants_only: random_faults,
        },
        keep_trace: true,
        transform: random_faults
            .then_some(switchboard_sim::sweep::add_random_faults as fn(&mut _, u64)),
    });
    let output = report.result.as_ref().map_err(|e| e.clone())?;
    if let Outcome::Pending(reason) = &output.outcome {
        eprintln!(
            "{}: pending ({reason}); nothing to replay",
            report.file.display()
        );
        return Ok(true);
    }
    let mut out = std::io::stdout().lock();
    if ladder {
        write!(out, "{}", report::ladder_text(&output.lines))?;
    } else {
        write!(
            out,
            "{}",
            switchboard_sim::trace::to_json_lines(&output.lines)
        )?;
    }
    Ok(!report.failed())
}

fn sweep(
    paths: &[PathBuf],
    seeds: u64,
    random_faults: bool,
    jobs: Option<usize>,
) -> Result<bool, Box<dyn std::error::Error>> {
    let files = runner::collect_files(paths)?;
    let mut work = Vec::new();
    for file in &files {
        for seed in 1..=seeds {
            work.push(Job {
                file: file.clone(),
                seed: Some(seed),
                options: RunOptions {
                    invariants_only: random_faults,
                },
                transform: random_faults
                    .then_some(switchboard_sim::sweep::add_random_faults as fn(&mut _, u64)),
                keep_trace: false,
            });
        }
    }
    let progress = Progress::new(work.len());
    let reports = runner::run_all(&work, jobs.unwrap_or_else(runner::default_threads), &|r| {
        progress.inc(&r.name)
    });
    progress.finish();
    let mut out = std::io::stdout().lock();
    let (mut runs, mut pending, mut bad) = (0, 0, 0);
    for r in &reports {
        match &r.result {
            Ok(o) if matches!(o.outcome, Outcome::Pending(_)) => pending += 1,
            Ok(o) if o.violations.is_empty() && (random_faults || !r.failed()) => runs += 1,
            Ok(o) => {
                bad += 1;
                let why: Vec<String> = if o.violations.is_empty() {
                    match &o.outcome {
                        Outcome::Fail(reasons) => reasons.clone(),
                        _ => Vec::new(),
                    }
                } else {
                    o.violations.iter().map(ToString::to_string).collect()
                };
                writeln!(
                    out,
                    "FAIL {} --seed {}{}: {}",
                    r.file.display(),
                    r.seed,
                    if random_faults {
                        " --faults random"
                    } else {
                        ""
                    },
                    why.join("; ")
                )?;
            }
            Err(e) => {
                bad += 1;
                writeln!(out, "ERROR {} --seed {}: {e}", r.file.display(), r.seed)?;
            }
        }
    }
    writeln!(
        out,
        "sweep: {} runs, {runs} clean, {bad} failing, {pending} pending (not run){}",
        reports.len(),
        if random_faults {
            ", random faults, invariants checked"
        } else {
            ""
        }
    )?;
    Ok(bad == 0)
}
