//! The simulator's speed (DESIGN.md target: ≥ 1,000 runs/s per core for a small scenario,
//! media off): wall time of one whole run of `scenarios/small_options.toml` — runtime,
//! virtual network, engine start and shutdown, one OPTIONS, settle, checks — and the
//! simulated-to-wall time ratio of `scenarios/day_of_pings.toml` (24 simulated hours).
//!
//! `cargo bench -p switchboard-benches --bench sim`
#![allow(missing_docs)] // criterion_group! generates undocumented public functions

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;
use switchboard_sim::scenario;
use switchboard_sim::world::{self, Outcome, RunOptions};

fn load(name: &str) -> scenario::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    scenario::load(&path).expect("bench scenario loads")
}

fn small(c: &mut Criterion) {
    let sc = load("small_options.toml");
    let first = world::run(&sc, 1, RunOptions::default()).unwrap();
    assert_eq!(first.outcome, Outcome::Pass, "the bench scenario must pass");
    let mut seed = 0;
    c.bench_function("sim/small_scenario_run", |b| {
        b.iter(|| {
            seed += 1;
            world::run(&sc, seed, RunOptions::default()).unwrap()
        })
    });
}

fn long(c: &mut Criterion) {
    let sc = load("day_of_pings.toml");
    let mut group = c.benchmark_group("sim/day_of_pings");
    group.sample_size(10);
    let mut ratios = Vec::new();
    group.bench_function("run", |b| {
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for i in 0..iters {
                let started = std::time::Instant::now(); // clock-ok: benchmark wall time
                let out = world::run(&sc, i + 1, RunOptions::default()).unwrap();
                let wall = started.elapsed();
                assert_eq!(out.outcome, Outcome::Pass);
                ratios.push(out.sim_time.as_secs_f64() / wall.as_secs_f64());
                total += wall;
            }
            total
        })
    });
    group.finish();
    ratios.sort_by(f64::total_cmp);
    if let Some(median) = ratios.get(ratios.len() / 2) {
        println!(
            "sim/day_of_pings: simulated-to-wall ratio median {median:.0}x over {} runs",
            ratios.len()
        );
    }
}

criterion_group!(benches, small, long);
criterion_main!(benches);
