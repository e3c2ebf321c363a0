//! Every sweep failure found so far, pinned: the scenario, the seed and `--faults random`
//! that broke it, each run once more here, invariants only (as the sweep runs them), and
//! required to pass. The comment says what
//! it caught; the fix has its own unit test beside the code.

use std::path::Path;
use switchboard_sim::world::{self, Outcome, RunOptions};
use switchboard_sim::{scenario, sweep};

/// (scenario file, seed, what it caught).
const PINNED: &[(&str, u64, &str)] = &[
    // A keepalive flow failure while a refresh was in flight queued a second REGISTER that
    // went out the moment the refresh timed out, ignoring the backoff it had just
    // announced (and the REGISTER invariant matched a same-instant report to it).
    (
        "stale_nonce.toml",
        7,
        "flow failure queued a REGISTER past the backoff",
    ),
    (
        "auth_expired.toml",
        25,
        "flow failure queued a REGISTER past the backoff",
    ),
    (
        "refresh_24h.toml",
        51,
        "flow failure queued a REGISTER past the backoff",
    ),
    // A pushed call's REGISTER got through after push_wait: the released INVITE rang as
    // a new call after `missed` had been reported (see push_register_late.toml).
    (
        "push_delivered.toml",
        690,
        "late INVITE of a missed pushed call",
    ),
    (
        "push_cancelled_before.toml",
        690,
        "late INVITE of a missed pushed call",
    ),
    // The caller's BYE arrived while our 2xx still waited for its ACK (lost): the call
    // answered 481 and stayed up for ever once the ACK came; a BYE then ends it (200).
    (
        "two_call_limit.toml",
        376,
        "BYE before the ACK answered 481, call left up",
    ),
    // A held re-INVITE's 200 was lost and never retransmitted: the call actor sent it
    // through the server transaction once and forgot the transaction, so the caller's
    // INVITE client transaction (Proceeding after a 100) stayed alive for ever (93, 547,
    // 782). And when the call ended before the 200 came again (223), the re-INVITE's
    // client transaction outlived the call: it is abandoned with the call now.
    ("hold_rtp.toml", 93, "2xx to a re-INVITE not retransmitted"),
    ("hold_rtp.toml", 223, "2xx to a re-INVITE not retransmitted"),
    ("hold_rtp.toml", 547, "2xx to a re-INVITE not retransmitted"),
    ("hold_rtp.toml", 782, "2xx to a re-INVITE not retransmitted"),
];

#[test]
fn pinned_sweep_failures_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    for (file, seed, caught) in PINNED {
        let mut sc = scenario::load(&dir.join(file)).unwrap();
        sweep::add_random_faults(&mut sc, *seed);
        let options = RunOptions {
            invariants_only: true,
        };
        let out = world::run(&sc, *seed, options).unwrap();
        assert!(
            matches!(out.outcome, Outcome::Pass),
            "{file} --seed {seed} --faults random ({caught}): {:?}",
            out.outcome
        );
    }
}
