//! Running many scenario files: finding them, loading them, running each on its own
//! thread (one simulated world per thread, in parallel across cores), and timing them on
//! the wall clock for the verdict table (wall time never enters a trace).

use crate::scenario::{self, Scenario};
use crate::world::{self, Outcome, RunOptions, RunOutput};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// One run's report.
#[derive(Debug)]
pub struct RunReport {
    /// The scenario file.
    pub file: PathBuf,
    /// The scenario's name (the file name when it did not load).
    pub name: String,
    /// The seed used.
    pub seed: u64,
    /// The run, or why there was none (load error, world error).
    pub result: Result<RunOutput, String>,
    /// Wall time the run took.
    pub wall: Duration,
}

impl RunReport {
    /// Whether this run counts as a failure (failed, or could not run).
    pub fn failed(&self) -> bool {
        !matches!(
            &self.result,
            Ok(RunOutput {
                outcome: Outcome::Pass | Outcome::Pending(_),
                ..
            })
        )
    }
}

/// The `.toml` files under `paths` (directories searched recursively), sorted.
pub fn collect_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<_, _>>()?;
            entries.sort();
            let (dirs, files): (Vec<_>, Vec<_>) = entries.into_iter().partition(|p| p.is_dir());
            out.extend(
                files
                    .into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "toml")),
            );
            out.extend(collect_files(&dirs)?);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// One job: a file, an optional seed override and an optional scenario transformation
/// (random faults).
pub struct Job {
    /// The file.
    pub file: PathBuf,
    /// The seed; the scenario's own (or 1) when absent.
    pub seed: Option<u64>,
    /// Run options.
    pub options: RunOptions,
    /// Changes the loaded scenario before the run (e.g. adds random faults).
    pub transform: Option<fn(&mut Scenario, u64)>,
    /// Keep the run's trace in its report (for failure reports and replays). A sweep
    /// does not: thousands of traces (one line per RTP packet) would pile up in memory.
    pub keep_trace: bool,
}

/// Loads and runs one job.
pub fn run_job(job: &Job) -> RunReport {
    let started = std::time::Instant::now(); // clock-ok: wall time for the verdict table only
    let name_of = |p: &Path| {
        p.file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
    };
    let loaded = scenario::load(&job.file);
    let (name, seed, result) = match loaded {
        Err(e) => (
            name_of(&job.file),
            job.seed.unwrap_or(1),
            Err(e.to_string()),
        ),
        Ok(mut sc) => {
            let seed = job.seed.or(sc.seed).unwrap_or(1);
            if let Some(t) = job.transform {
                t(&mut sc, seed);
            }
            let mut result = world::run(&sc, seed, job.options).map_err(|e| e.to_string());
            if let (false, Ok(output)) = (job.keep_trace, &mut result) {
                output.lines = Vec::new();
            }
            (sc.name.clone(), seed, result)
        }
    };
    RunReport {
        file: job.file.clone(),
        name,
        seed,
        result,
        wall: started.elapsed(),
    }
}

/// Runs `jobs` on up to `threads` threads; reports come back in job order. `progress`
/// is called after each run.
pub fn run_all(
    jobs: &[Job],
    threads: usize,
    progress: &(dyn Fn(&RunReport) + Sync),
) -> Vec<RunReport> {
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<RunReport>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, jobs.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                let report = run_job(job);
                progress(&report);
                if let Some(slot) = slots.lock().unwrap_or_else(|e| e.into_inner()).get_mut(i) {
                    *slot = Some(report);
                }
            });
        }
    });
    slots
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

/// The number of threads to use: the machine's cores.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(keep_trace: bool) -> Job {
        Job {
            file: Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/simulated_peers.toml"),
            seed: None,
            options: RunOptions::default(),
            transform: None,
            keep_trace,
        }
    }

    #[test]
    fn a_sweep_job_keeps_the_verdict_but_not_the_trace() {
        let kept = run_job(&job(true));
        let dropped = run_job(&job(false));
        let lines = |r: &RunReport| r.result.as_ref().map(|o| o.lines.len()).unwrap();
        assert!(lines(&kept) > 10, "a run's trace is there when asked for");
        assert_eq!(lines(&dropped), 0);
        assert!(!kept.failed() && !dropped.failed());
    }
}
