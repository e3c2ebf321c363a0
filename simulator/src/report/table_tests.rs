use super::*;

fn verdict(scenario: &str, seed: u64, outcome: Outcome, sim_ms: u64, wall_us: u64) -> Verdict {
    Verdict {
        scenario: scenario.into(),
        file: format!("scenarios/{scenario}.toml"),
        seed,
        outcome,
        sim_time: Duration::from_millis(sim_ms),
        wall_time: Duration::from_micros(wall_us),
    }
}

fn rows() -> Vec<Verdict> {
    vec![
        verdict("options-lossy-udp", 7, Outcome::Pass, 32_000, 1_250),
        verdict(
            "tcp-partition",
            12345,
            Outcome::Fail {
                reasons: vec!["expect 2: bob receives 2 OPTIONS".into()],
            },
            64_500,
            20_000,
        ),
        verdict("registration-24h", 1, Outcome::Pass, 86_400_000, 40_000),
        verdict(
            "transfer",
            1,
            Outcome::Pending {
                reason: "waits for issue 9 (transfer)".into(),
            },
            0,
            0,
        ),
        verdict(
            "bad",
            1,
            Outcome::Error {
                message: "bad.toml:3: unknown field `hots`".into(),
            },
            0,
            300,
        ),
    ]
}

const TABLE: &str = "\
scenario            seed  result    sim time  wall time  sim/wall  note
options-lossy-udp      7  pass       32.000s      1.2ms    25600x
tcp-partition      12345  FAIL       1m04.5s     20.0ms     3225x  expect 2: bob receives 2 OPTIONS
registration-24h       1  pass     24h00m00s     40.0ms  2160000x
transfer               1  pending          -          -         -  waits for issue 9 (transfer)
bad                    1  ERROR            -      300us         -  bad.toml:3: unknown field `hots`
2 passed, 1 failed, 1 pending, 1 error
";

#[test]
fn the_table_aligns_its_columns_and_counts_the_outcomes() {
    assert_eq!(verdict_table(&rows(), false), TABLE);
}

#[test]
fn colour_paints_only_the_result_and_keeps_the_alignment() {
    let plain = verdict_table(&rows(), false);
    let painted = verdict_table(&rows(), true);
    assert!(!plain.contains('\x1b'));
    assert!(painted.contains("\x1b[32mpass   \x1b[0m"));
    assert!(painted.contains("\x1b[31mFAIL   \x1b[0m"));
    assert!(painted.contains("\x1b[33mpending\x1b[0m"));
    let stripped = painted
        .replace("\x1b[32m", "")
        .replace("\x1b[31m", "")
        .replace("\x1b[33m", "")
        .replace("\x1b[0m", "");
    assert_eq!(stripped, plain);
}

#[test]
fn summary_counts_and_long_notes_are_cut() {
    assert_eq!(verdict_table(&[], false), "scenario  seed  result  sim time  wall time  sim/wall  note\n0 passed, 0 failed, 0 pending\n");
    let reasons = vec!["x".repeat(200)];
    let table = verdict_table(&[verdict("s", 1, Outcome::Fail { reasons }, 1, 1)], false);
    assert!(table.lines().nth(1).unwrap().ends_with('…'));
    assert!(table.ends_with("0 passed, 1 failed, 0 pending\n"));
    assert_eq!(
        ratio(Duration::from_millis(500), Duration::from_secs(1)),
        "0.5x"
    );
    assert!(Outcome::Error {
        message: String::new()
    }
    .is_failure());
    assert!(!Outcome::Pending {
        reason: String::new()
    }
    .is_failure());
}
