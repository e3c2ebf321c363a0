//! What must hold at the end of every run, whatever the scenario and its faults: nothing
//! left in flight, nothing leaked, every engine state transition legal, no actor failed,
//! never two REGISTER transactions of one account in flight (`register_in_flight`).
//! `sweep` checks exactly these over many seeds with random faults.

use crate::trace::{Record, TraceLine};
use std::collections::BTreeMap;
use std::fmt;

/// A broken invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// Transactions or requests still alive after the settle time.
    LeftInFlight {
        /// The user.
        user: String,
        /// Transaction actors alive.
        transactions: usize,
        /// Embedder requests still waiting.
        requests: usize,
    },
    /// An engine could not be queried or shut down.
    EngineGone {
        /// The user.
        user: String,
        /// The error.
        error: String,
    },
    /// A user action never completed.
    ActionStuck,
    /// A peer's shell failed (could not bind, or panicked).
    PeerFailed {
        /// The peer.
        peer: String,
        /// The error.
        error: String,
    },
    /// Sockets or connections left open on the virtual network after everything stopped.
    NetLeak {
        /// Bound sockets and listeners.
        sockets: usize,
        /// Open TCP connections.
        connections: usize,
    },
    /// Tasks (actors among them) still alive after everything stopped.
    TasksLeaked {
        /// How many.
        tasks: usize,
    },
    /// An engine moved between lifecycle states the lifecycle does not allow.
    IllegalTransition {
        /// The user.
        user: String,
        /// From.
        from: String,
        /// To.
        to: String,
        /// When.
        t_us: u64,
    },
    /// An actor failed (panicked) inside an engine.
    ActorFailed {
        /// The user.
        user: String,
        /// The actor and reason, as the engine reported them.
        what: String,
    },
    /// A user's engine started a REGISTER transaction while another was in flight
    /// (rule in `register_in_flight`).
    RegistersInFlight {
        /// The user.
        user: String,
        /// CSeq of the transaction still in flight.
        open_cseq: u32,
        /// CSeq of the new one.
        new_cseq: u32,
        /// When the new one was sent.
        t_us: u64,
    },
    /// A REGISTER transaction sent a copy after it had ended.
    RegisterAfterEnd {
        /// The user.
        user: String,
        /// Its CSeq.
        cseq: u32,
        /// When the copy was sent.
        t_us: u64,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::LeftInFlight {
                user,
                transactions,
                requests,
            } => write!(
                f,
                "{user}: {transactions} transaction(s) and {requests} request(s) still alive at the end"
            ),
            Violation::EngineGone { user, error } => write!(f, "{user}: engine gone: {error}"),
            Violation::ActionStuck => write!(f, "a user action never completed"),
            Violation::PeerFailed { peer, error } => write!(f, "peer {peer} failed: {error}"),
            Violation::NetLeak {
                sockets,
                connections,
            } => write!(
                f,
                "{sockets} socket(s) and {connections} connection(s) left open on the network"
            ),
            Violation::TasksLeaked { tasks } => {
                write!(f, "{tasks} task(s) (actors) still alive after shutdown")
            }
            Violation::IllegalTransition {
                user,
                from,
                to,
                t_us,
            } => write!(
                f,
                "{user}: illegal engine transition {from} → {to} at {:.3}s",
                *t_us as f64 / 1e6
            ),
            Violation::ActorFailed { user, what } => write!(f, "{user}: actor failed: {what}"),
            Violation::RegistersInFlight {
                user,
                open_cseq,
                new_cseq,
                t_us,
            } => write!(
                f,
                "{user}: REGISTER CSeq {new_cseq} sent at {:.3}s while CSeq {open_cseq} was in flight",
                *t_us as f64 / 1e6
            ),
            Violation::RegisterAfterEnd { user, cseq, t_us } => write!(
                f,
                "{user}: REGISTER CSeq {cseq} retransmitted at {:.3}s after its transaction ended",
                *t_us as f64 / 1e6
            ),
        }
    }
}

/// The engine lifecycle's legal moves (DESIGN.md: Stopped → Starting → Running ⇄ Paused
/// → Stopping → Stopped; a failed start goes Starting → Stopping).
const LEGAL: &[(&str, &str)] = &[
    ("stopped", "starting"),
    ("starting", "running"),
    ("starting", "stopping"),
    ("running", "paused"),
    ("paused", "running"),
    ("running", "stopping"),
    ("paused", "stopping"),
    ("stopping", "stopped"),
];

/// Checks every engine's state events in the trace, and reports actor failures.
pub fn check_lifecycle(lines: &[TraceLine]) -> Vec<Violation> {
    let mut state: BTreeMap<&str, String> = BTreeMap::new();
    let mut out = Vec::new();
    for line in lines {
        let Record::Engine { user, event } = &line.record else {
            continue;
        };
        match event.get("kind").and_then(|k| k.as_str()) {
            Some("engine") => {
                let to = event
                    .get("state")
                    .and_then(|s| s.as_str())
                    .unwrap_or_default()
                    .to_owned();
                let from = state
                    .insert(user, to.clone())
                    .unwrap_or_else(|| "stopped".to_owned());
                if !LEGAL.contains(&(from.as_str(), to.as_str())) {
                    out.push(Violation::IllegalTransition {
                        user: user.clone(),
                        from,
                        to,
                        t_us: line.t_us,
                    });
                }
            }
            Some("actor_failed") => out.push(Violation::ActorFailed {
                user: user.clone(),
                what: event.to_string(),
            }),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn engine(t_us: u64, state: &str) -> TraceLine {
        TraceLine {
            t_us,
            record: Record::Engine {
                user: "alice".into(),
                event: json!({"kind": "engine", "state": state}),
            },
        }
    }

    #[test]
    fn a_normal_life_is_legal() {
        let lines: Vec<_> = [
            "starting", "running", "paused", "running", "stopping", "stopped",
        ]
        .iter()
        .enumerate()
        .map(|(i, s)| engine(i as u64, s))
        .collect();
        assert_eq!(check_lifecycle(&lines), []);
    }

    #[test]
    fn skipping_a_state_is_reported() {
        let lines = [engine(0, "starting"), engine(1, "paused")];
        assert!(matches!(
            check_lifecycle(&lines).as_slice(),
            [Violation::IllegalTransition { from, to, .. }] if from == "starting" && to == "paused"
        ));
    }
}
