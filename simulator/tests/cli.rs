//! The `switchboard-sim` CLI as QA engineers use it: the library passes with pending ones
//! listed as pending; a failing expectation prints the seed, the replay command, the trace
//! path and the ladder, and writes the report files; a bad file names its line and field.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchboard-sim"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sb-sim-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_library_passes_and_lists_pending_scenarios_as_pending() {
    let out = sim(&["run", "scenarios"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("pending"), "{text}");
    assert!(text.contains(" 0 failed"), "{text}");
    let pending_rows = text.lines().filter(|l| l.contains(" pending ")).count();
    assert!(pending_rows >= 1, "{text}");
}

#[test]
fn a_failing_expectation_prints_seed_trace_path_and_ladder() {
    let dir = scratch("fail");
    let file = dir.join("impossible.toml");
    std::fs::write(
        &file,
        r#"
name = "impossible"
duration = "2s"
settle = "6s"

[[user]]
name = "alice"
address = "10.0.0.1"

[[peer]]
name = "bob"
address = "10.0.0.2:5060"
ua = { user = "bob" }

[[step]]
at = "0s"
user = "alice"
action = { options = { to = "bob" } }

[[expect]]
description = "bob answers three times (he answers once)"
count = { kind = "wire", from = "bob", status = 200 }
min = 3
"#,
    )
    .unwrap();
    let report = dir.join("report");
    let out = sim(&[
        "run",
        file.to_str().unwrap(),
        "--seed",
        "42",
        "--report",
        report.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("seed 42"), "{text}");
    assert!(text.contains("replay"), "{text}");
    assert!(text.contains("bob answers three times"), "{text}");
    assert!(text.contains("trace.jsonl"), "{text}");
    assert!(text.contains("OPTIONS"), "ladder missing: {text}");
    let run_dir = std::fs::read_dir(&report)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    for f in ["trace.jsonl", "ladder.txt", "ladder.html"] {
        assert!(
            run_dir.join(f).is_file(),
            "{f} not written in {}",
            run_dir.display()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_scenario_names_file_line_and_field() {
    let dir = scratch("bad");
    let file = dir.join("typo.toml");
    std::fs::write(
        &file,
        "name = \"typo\"\nduration = \"2s\"\n\n[[user]]\nname = \"alice\"\naddress = \"10.0.0.1\"\n\n[[step]]\nat = \"1s\"\nuser = \"alice\"\naction = \"dail\"\n",
    )
    .unwrap();
    let out = sim(&["run", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("typo.toml:11"), "{text}");
    assert!(text.contains("action"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sweep_with_random_faults_finds_no_violation() {
    let out = sim(&["sweep", "scenarios", "--seeds", "20", "--faults", "random"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains(" 0 failing"), "{text}");
}
