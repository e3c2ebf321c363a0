//! Same seed → the same trace, byte for byte: every scenario run twice in this process,
//! and replayed in two separate processes (different hash seeds, different addresses);
//! a lossy scenario under two seeds must differ.

use std::path::{Path, PathBuf};
use std::process::Command;
use switchboard_sim::trace::to_json_lines;
use switchboard_sim::world::{self, Outcome, RunOptions};
use switchboard_sim::{runner, scenario};

fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    runner::collect_files(&[dir]).unwrap()
}

fn trace(file: &Path, seed: u64) -> Option<String> {
    let sc = scenario::load(file).unwrap();
    let out = world::run(&sc, seed, RunOptions::default()).unwrap();
    (!matches!(out.outcome, Outcome::Pending(_))).then(|| to_json_lines(&out.lines))
}

#[test]
fn every_scenario_twice_with_one_seed_gives_one_trace() {
    let mut ran = 0;
    for file in scenarios() {
        let Some(first) = trace(&file, 11) else {
            continue;
        };
        let second = trace(&file, 11).unwrap();
        assert!(
            first == second,
            "{} differs between two runs with seed 11",
            file.display()
        );
        assert!(
            !first.contains("\"wall"),
            "wall time leaked into {}",
            file.display()
        );
        ran += 1;
    }
    assert!(ran >= 5, "only {ran} scenarios ran");
}

#[test]
fn a_lossy_scenario_differs_between_seeds() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/options_lossy_udp.toml");
    assert_ne!(trace(&file, 1), trace(&file, 2));
}

#[test]
fn replay_is_byte_identical_across_processes() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/options_lossy_udp.toml");
    let replay = || {
        let out = Command::new(env!("CARGO_BIN_EXE_switchboard-sim"))
            .args(["replay", file.to_str().unwrap(), "--seed", "5"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let (a, b) = (replay(), replay());
    assert!(!a.is_empty());
    assert!(a == b, "two processes replayed seed 5 differently");
}
