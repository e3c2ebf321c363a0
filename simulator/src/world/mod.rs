//! The world: one scenario run. It builds the virtual network, starts the engines under
//! test on it and the simulated peers, plays the steps at their simulated times, lets the
//! run settle, checks the end-of-run invariants and the expectations, and returns the
//! trace. Everything runs on one current-thread tokio runtime with paused time, so the
//! run is a pure function of (scenario, seed).

mod build;
mod call_actions;
mod calls;
mod checks;
mod invariants;
mod peer_shell;
mod register_in_flight;
mod signals;
mod steps;

pub use checks::evaluate;
pub use invariants::{check_lifecycle, Violation};
pub use peer_shell::PeerShell;
pub use register_in_flight::check_register_in_flight;

use crate::scenario::Scenario;
use crate::trace::{Record, Trace, TraceLine};
use std::time::Duration;

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Every expectation held and no invariant was broken.
    Pass,
    /// Something failed: failed expectations and broken invariants, in words.
    Fail(Vec<String>),
    /// Not run: the scenario waits for a feature.
    Pending(String),
}

/// The result of one run.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// The trace (JSON-lines records).
    pub lines: Vec<TraceLine>,
    /// The verdict.
    pub outcome: Outcome,
    /// Invariant violations alone (what `sweep` reports).
    pub violations: Vec<Violation>,
    /// Simulated time the run took.
    pub sim_time: Duration,
}

/// Options for a run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Skip the scenario's expectations (a sweep with random faults checks only the
    /// invariants).
    pub invariants_only: bool,
}

/// Why a scenario could not be run at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorldError {
    /// A step uses an action the engine does not have yet and the scenario is not
    /// marked pending.
    #[error("{file}:{line}: action `{action}` needs {issue}; mark the scenario `pending = \"{issue}: …\"`")]
    NotYetBuilt {
        /// The scenario file.
        file: String,
        /// The step's line.
        line: usize,
        /// The action.
        action: String,
        /// The issue it waits for.
        issue: &'static str,
    },
    /// The scenario's world could not be built (a peer's config, a host's address).
    #[error("{file}: {reason}")]
    Build {
        /// The scenario file.
        file: String,
        /// What failed.
        reason: String,
    },
    /// The runtime could not be created.
    #[error("cannot start the simulated runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// Runs `scenario` with `seed`: a fresh paused runtime, the world built, steps played,
/// checks done. Pending scenarios return at once with [`Outcome::Pending`].
pub fn run(scenario: &Scenario, seed: u64, options: RunOptions) -> Result<RunOutput, WorldError> {
    if let Some(reason) = &scenario.pending {
        return Ok(RunOutput {
            lines: Vec::new(),
            outcome: Outcome::Pending(reason.clone()),
            violations: Vec::new(),
            sim_time: Duration::ZERO,
        });
    }
    if let Some((step, issue)) = scenario.first_unbuilt_action() {
        let action = match &step.what {
            crate::scenario::StepWhat::Action { action, .. } => action.name().to_owned(),
            _ => String::new(),
        };
        return Err(WorldError::NotYetBuilt {
            file: scenario.file.clone(),
            line: step.line,
            action,
            issue,
        });
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()?;
    runtime.block_on(run_in_world(scenario, seed, options))
}

async fn run_in_world(
    scenario: &Scenario,
    seed: u64,
    options: RunOptions,
) -> Result<RunOutput, WorldError> {
    let epoch = tokio::time::Instant::now();
    let trace = Trace::new();
    trace.push(
        Duration::ZERO,
        Record::Run {
            scenario: scenario.name.clone(),
            seed,
        },
    );
    let world = build::World::build(scenario, seed, epoch, trace.clone()).await?;
    let probes = steps::play(scenario, &world, epoch, &trace).await;
    tokio::time::sleep_until(epoch + scenario.duration.0).await;
    world.quiesce();
    tokio::time::sleep_until(epoch + scenario.end().0).await;
    let mut violations = world.finish(&trace).await;
    let sim_time = epoch.elapsed();
    let lines = trace.lines();
    violations.extend(check_lifecycle(&lines));
    violations.extend(check_register_in_flight(&lines, &t1_of(scenario)));
    let mut failures: Vec<String> = violations.iter().map(|v| v.to_string()).collect();
    if !options.invariants_only {
        for (index, ok, expect, detail) in evaluate(scenario, &lines, &probes) {
            trace.push(
                sim_time,
                Record::Check {
                    index,
                    expect: expect.clone(),
                    ok,
                    detail: detail.clone(),
                },
            );
            if !ok {
                failures.push(format!("expect {index} ({expect}): {detail}"));
            }
        }
    }
    trace.push(
        sim_time,
        Record::End {
            pass: failures.is_empty(),
            sim_us: u64::try_from(sim_time.as_micros()).unwrap_or(u64::MAX),
        },
    );
    Ok(RunOutput {
        lines: trace.lines(),
        outcome: if failures.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail(failures)
        },
        violations,
        sim_time,
    })
}

/// Each user's T1 in microseconds (500 ms unless its `[user.timers]` says otherwise).
fn t1_of(scenario: &Scenario) -> std::collections::BTreeMap<String, u64> {
    scenario
        .users
        .iter()
        .map(|u| {
            let t1 = u.timers.as_ref().and_then(|t| t.t1).map_or(500_000, |d| {
                u64::try_from(d.0.as_micros()).unwrap_or(u64::MAX)
            });
            (u.name.clone(), t1)
        })
        .collect()
}
