//! Engine bugs the call scenarios found, pinned (scenario, seed, faults or not) as
//! regression tests: each failed before its fix (media leak, forked 2xx, INVITE
//! transaction after CANCEL, hangup before the ACK) and must keep passing.

use std::path::Path;
use switchboard_sim::world::{self, Outcome, RunOptions};
use switchboard_sim::{scenario, sweep};

/// (scenario file, seed, random faults, what it shows).
const BUGS: &[(&str, u64, bool, &str)] = &[
    // Every call: the call actor casts Stop to its media actor and stops at once;
    // ractor then kills the linked media actor without post_stop, so the RTP receive
    // task is never aborted and keeps the socket (10.0.0.1:49152) bound for ever.
    (
        "dtmf_info.toml",
        1,
        false,
        "media leak: RTP socket + receive task",
    ),
    (
        "invite_timeout_timer_b.toml",
        1,
        false,
        "media leak on a call that never connects",
    ),
    // A forked second 2xx (another To tag) is neither ACKed nor BYEd: bob2 retransmits
    // it until its own ACK timeout and sends BYE (RFC 3261 §13.2.2.4).
    ("forked_answers.toml", 1, false, "forked 2xx not ACKed/BYEd"),
    // CANCEL and the 200 both lost (drop-all): the CANCEL times out, the call ends
    // `cancelled`, but the INVITE client transaction stays in Proceeding past the
    // 64*T1 that §9.1 gives it after the CANCEL: still alive 94 s later.
    (
        "cancel_200_race.toml",
        36,
        true,
        "INVITE transaction outlives its CANCEL",
    ),
    // hangup while our 2xx awaits its ACK answers `ok` but sends nothing; the ACK then
    // confirms the call, which is never ended (alive at the end of the run).
    ("call_swap.toml", 1, true, "hangup before the ACK is lost"),
];

#[test]
fn engine_bugs_found_by_the_call_scenarios() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut failing = Vec::new();
    for (file, seed, faults, shows) in BUGS {
        let mut sc = scenario::load(&dir.join(file)).unwrap();
        sc.pending = None;
        if *faults {
            sweep::add_random_faults(&mut sc, *seed);
        }
        let options = RunOptions {
            invariants_only: *faults,
        };
        let out = world::run(&sc, *seed, options).unwrap();
        if !matches!(out.outcome, Outcome::Pass) {
            failing.push(format!("{file} --seed {seed} ({shows}): {:?}", out.outcome));
        }
    }
    assert!(failing.is_empty(), "{}", failing.join("\n"));
}
