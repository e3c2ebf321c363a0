//! The invariant "never more than one REGISTER client transaction in flight per
//! account", read from the wire trace.
//!
//! The rule. A REGISTER client transaction is identified by the top Via branch of the
//! REGISTERs a user's engine sends (retransmissions share it, so they are the same
//! transaction). It starts when its first copy is sent (`sent_us`, whatever the packet's
//! fate) and ends at the earliest of:
//! - the arrival at the user of a final (≥ 200) response carrying that branch (a
//!   delivered or duplicated packet; lost ones end nothing);
//! - Timer F: 64 × T1 (the user's `t1`) after its first send;
//! - the close of a TCP connection to the REGISTER's destination (for REGISTERs sent
//!   over TCP): the transaction layer fails what it sent over a lost connection;
//! - a `registration` event of that user saying an attempt ended without a final response
//!   (`failed` or `unregistered` without `status`): the machine only hears of a timeout
//!   or transport failure from the transaction layer, once the transaction is over.
//!
//! A violation is a REGISTER with a new branch sent while another branch of the same
//! user has started and not ended (ties count as ended: a 401 and the authenticated
//! REGISTER it triggers share an instant), or a copy of a branch sent after that branch
//! ended (a transaction retransmitting after its end). Each user has at most one
//! account (the scenario schema gives a user one `account` table), so "per account" is
//! "per user"; the check is by user name.

use super::invariants::Violation;
use crate::trace::{Fate, NetEvent, Record, TraceLine};
use std::collections::BTreeMap;

/// A REGISTER transaction seen on the wire.
#[derive(Debug, Clone)]
struct Tx {
    cseq: u32,
    start: u64,
    end: u64,
    tcp: bool,
    dst: std::net::SocketAddr,
    /// The trace index of its first copy's line (see [`Tx::began_before`]).
    first_line: usize,
}

impl Tx {
    /// Whether it began before the trace line `index` at `t_us`: sent earlier, or sent at
    /// the same instant and logged earlier (a wire line is logged when the packet is
    /// delivered or dropped, so a same-instant send logged later came after the report).
    fn began_before(&self, t_us: u64, index: usize) -> bool {
        self.start < t_us || (self.start == t_us && self.first_line < index)
    }
}

/// Checks the wire trace: `t1_us` gives each user's T1 in microseconds (users absent use
/// 500 ms).
pub fn check_register_in_flight(
    lines: &[TraceLine],
    t1_us: &BTreeMap<String, u64>,
) -> Vec<Violation> {
    let users: BTreeMap<&str, u64> = t1_us.iter().map(|(u, t)| (u.as_str(), *t)).collect();
    let is_user = |name: &str| users.contains_key(name);
    // (user, branch) → transaction; plus every copy's send time.
    let mut txs: BTreeMap<(&str, String), Tx> = BTreeMap::new();
    let mut copies: Vec<(&str, String, u64)> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Record::Wire(w) = &line.record else {
            continue;
        };
        if w.method.as_deref() != Some("REGISTER") {
            continue;
        }
        let Some((branch, cseq)) = top_branch_and_cseq(&w.text) else {
            continue;
        };
        match w.status {
            None if is_user(&w.from) => {
                let t1 = users.get(w.from.as_str()).copied().unwrap_or(500_000);
                let tx = txs.entry((w.from.as_str(), branch.clone())).or_insert(Tx {
                    cseq,
                    start: w.sent_us,
                    end: w.sent_us.saturating_add(64 * t1),
                    tcp: w.transport == "tcp",
                    dst: w.dst,
                    first_line: index,
                });
                if w.sent_us < tx.start {
                    tx.start = w.sent_us;
                    tx.end = tx.end.min(w.sent_us.saturating_add(64 * t1));
                }
                copies.push((w.from.as_str(), branch, w.sent_us));
            }
            Some(s) if s >= 200 && is_user(&w.to) => {
                if matches!(w.fate, Fate::Delivered | Fate::Duplicate) {
                    if let Some(tx) = txs.get_mut(&(w.to.as_str(), branch)) {
                        tx.end = tx.end.min(line.t_us);
                    }
                }
            }
            _ => {}
        }
    }
    end_by_events(lines, &mut txs, &is_user);
    let mut out = Vec::new();
    for (user, _) in users.iter() {
        let mut mine: Vec<(&String, &Tx)> = txs
            .iter()
            .filter(|((u, _), _)| u == user)
            .map(|((_, b), tx)| (b, tx))
            .collect();
        mine.sort_by_key(|(b, tx)| (tx.start, (*b).clone()));
        for pair in mine.windows(2) {
            let [(_, a), (_, b)] = pair else { continue };
            if b.start < a.end {
                out.push(Violation::RegistersInFlight {
                    user: (*user).to_owned(),
                    open_cseq: a.cseq,
                    new_cseq: b.cseq,
                    t_us: b.start,
                });
            }
        }
    }
    for (user, branch, sent) in copies {
        if let Some(tx) = txs.get(&(user, branch)) {
            if sent > tx.end {
                out.push(Violation::RegisterAfterEnd {
                    user: user.to_owned(),
                    cseq: tx.cseq,
                    t_us: sent,
                });
            }
        }
    }
    out
}

/// Ends transactions on TCP closes and on the engine's reports of attempts that ended
/// without a final response.
fn end_by_events(
    lines: &[TraceLine],
    txs: &mut BTreeMap<(&str, String), Tx>,
    is_user: &dyn Fn(&str) -> bool,
) {
    for (index, line) in lines.iter().enumerate() {
        match &line.record {
            Record::Net {
                event: NetEvent::TcpClose { client, server, .. },
            } => {
                for tx in txs.values_mut() {
                    let touches = tx.dst == *server || tx.dst == *client;
                    if tx.tcp && touches && tx.began_before(line.t_us, index) {
                        tx.end = tx.end.min(line.t_us);
                    }
                }
            }
            Record::Engine { user, event } if is_user(user) => {
                let kind = event.get("kind").and_then(|k| k.as_str());
                let state = event.get("state").and_then(|k| k.as_str());
                let no_response = event.get("status").is_none();
                if kind == Some("registration")
                    && matches!(state, Some("failed" | "unregistered"))
                    && no_response
                {
                    for ((u, _), tx) in txs.iter_mut() {
                        if u == user && tx.began_before(line.t_us, index) {
                            tx.end = tx.end.min(line.t_us);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The top Via's `branch` and the CSeq number of a SIP message's text (its first
/// message, for a TCP chunk). Header names are matched case-insensitively, with the
/// compact form `v`.
fn top_branch_and_cseq(text: &str) -> Option<(String, u32)> {
    let (mut branch, mut cseq) = (None, None);
    for header in text.split("\r\n").skip(1).take_while(|l| !l.is_empty()) {
        let Some((name, value)) = header.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        if (name == "via" || name == "v") && branch.is_none() {
            let first = value.split(',').next().unwrap_or_default();
            branch = first.split(';').find_map(|p| {
                let (k, v) = p.split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("branch")
                    .then(|| v.trim().to_owned())
            });
        } else if name == "cseq" {
            cseq = value.split_whitespace().next().and_then(|n| n.parse().ok());
        }
    }
    Some((branch?, cseq?))
}

#[cfg(test)]
#[path = "register_in_flight_tests.rs"]
mod tests;
