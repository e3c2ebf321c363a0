//! The event trace of one run: JSON lines, one [`TraceLine`] each, stamped with simulated
//! microseconds since the start. Everything a run does lands here — packets on the
//! virtual wire, faults, user actions, engine events, peer events, expectation checks —
//! and nothing that varies between runs of the same seed: no wall time, no actor ids, no
//! pointer values, no hash-map order. Expectations in scenario files match against these
//! records as JSON (a matcher is a subset of a line's fields).

use crate::peers::PeerEvent;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One line of the trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceLine {
    /// Simulated microseconds since the start of the run.
    pub t_us: u64,
    /// What happened.
    #[serde(flatten)]
    pub record: Record,
}

/// What happened, tagged by `"kind"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Record {
    /// The first line: what runs, with which seed.
    Run {
        /// The scenario's name.
        scenario: String,
        /// The seed of this run.
        seed: u64,
    },
    /// A packet (UDP datagram or TCP write) on the virtual wire, recorded when its fate
    /// is known (delivered, or dropped and why).
    Wire(WireRecord),
    /// The network changed: a fault began or ended, a host moved, a NAT binding changed,
    /// a TCP connection opened or broke.
    Net {
        /// The change.
        #[serde(flatten)]
        event: NetEvent,
    },
    /// An engine under test emitted an event (the engine's own JSON, as embedders see it).
    Engine {
        /// The user (engine instance) name.
        user: String,
        /// The event's JSON object.
        event: serde_json::Value,
    },
    /// A simulated peer reports something it did or saw.
    Peer {
        /// The peer's name.
        peer: String,
        /// What.
        #[serde(flatten)]
        event: PeerEvent,
    },
    /// The scenario made a user act (an API call on an engine) and what it returned.
    Action {
        /// The user.
        user: String,
        /// The action, as written in the scenario (`options`, `shutdown`, …).
        action: String,
        /// `ok`, or the error the API returned.
        outcome: String,
    },
    /// An expectation was checked.
    Check {
        /// Its index in the scenario's `[[expect]]` list.
        index: usize,
        /// What it expects, in words.
        expect: String,
        /// Whether it held.
        ok: bool,
        /// What was observed.
        detail: String,
    },
    /// The last line: the verdict and how much simulated time the run took.
    End {
        /// Every expectation held and no invariant was broken.
        pass: bool,
        /// Simulated microseconds at the end.
        sim_us: u64,
    },
}

/// A packet on the virtual wire and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireRecord {
    /// `udp` or `tcp`.
    pub transport: String,
    /// The sending host's name.
    pub from: String,
    /// The receiving host's name (or the address, when no host has it).
    pub to: String,
    /// Source address as the receiver sees it (after NAT).
    pub src: SocketAddr,
    /// Destination address.
    pub dst: SocketAddr,
    /// Simulated microseconds when it was sent.
    pub sent_us: u64,
    /// What became of it.
    pub fate: Fate,
    /// Size in bytes.
    pub len: usize,
    /// The SIP method (requests, and the CSeq method of responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The status code (responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The Call-ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// The start line (`OPTIONS sip:bob@10.0.0.2 SIP/2.0`, `SIP/2.0 200 OK`), or a
    /// description for non-SIP bytes (`CRLF keepalive`, `12 bytes of junk`).
    pub summary: String,
    /// The message text (lossy UTF-8), for the ladder's detail view.
    pub text: String,
}

/// What became of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// Arrived.
    Delivered,
    /// A second copy arrived (link duplication).
    Duplicate,
    /// Lost to the link's loss rate.
    Lost,
    /// Dropped: the two hosts are partitioned (or this direction is blocked one way).
    Partitioned,
    /// Dropped: a drop-all fault is active on a host.
    DroppedAll,
    /// Dropped: nothing listens at the destination (UDP), or the connection is gone.
    Unreachable,
    /// Dropped by a NAT: no binding for it (expired, or never made).
    NatFiltered,
    /// Dropped: the link's bandwidth queue was full.
    QueueFull,
}

/// A change in the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "net", rename_all = "snake_case")]
#[non_exhaustive]
pub enum NetEvent {
    /// Traffic between `a` and `b` is dropped both ways.
    Partition {
        /// One side.
        a: String,
        /// The other side.
        b: String,
    },
    /// A partition between `a` and `b` ended.
    Heal {
        /// One side.
        a: String,
        /// The other side.
        b: String,
    },
    /// Traffic from `from` to `to` is dropped, one way (the other direction flows).
    Block {
        /// The sending side whose packets are dropped.
        from: String,
        /// The side that no longer hears it.
        to: String,
    },
    /// A one-way block from `from` to `to` ended.
    Unblock {
        /// The sending side.
        from: String,
        /// The receiving side.
        to: String,
    },
    /// Traffic between `a` and `b` is held (queued, not dropped) until released.
    Hold {
        /// One side.
        a: String,
        /// The other side.
        b: String,
    },
    /// Held traffic between `a` and `b` is delivered now.
    Release {
        /// One side.
        a: String,
        /// The other side.
        b: String,
    },
    /// Every packet to or from `host` is dropped for `for_us` microseconds.
    DropAll {
        /// The host.
        host: String,
        /// For how long.
        for_us: u64,
    },
    /// A drop-all fault on `host` ended.
    DropAllEnd {
        /// The host.
        host: String,
    },
    /// `host` changed address (network handover): its sockets and connections on the old
    /// address are gone.
    Moved {
        /// The host.
        host: String,
        /// Old IP.
        from: std::net::IpAddr,
        /// New IP.
        to: std::net::IpAddr,
    },
    /// A NAT binding was created, expired or rebound.
    Nat {
        /// The host behind the NAT.
        host: String,
        /// The private address.
        private: SocketAddr,
        /// The public address (after a rebind, the new one).
        public: SocketAddr,
        /// `bound`, `expired` or `rebound`.
        change: String,
    },
    /// A TCP connection was established.
    TcpOpen {
        /// Client end.
        client: SocketAddr,
        /// Server end.
        server: SocketAddr,
    },
    /// A TCP connection ended: `closed` (by an end), `reset`, `timed_out` (a partition
    /// outlasted the connection timeout), `refused`.
    TcpClose {
        /// Client end.
        client: SocketAddr,
        /// Server end.
        server: SocketAddr,
        /// Why.
        reason: String,
    },
}

/// Collects a run's trace. Cloned into every part of the world; lines are appended in the
/// order things happen on the (single-threaded) simulated runtime.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    lines: Arc<Mutex<Vec<TraceLine>>>,
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Trace {
        Trace::default()
    }

    /// Appends `record` stamped at simulated time `at` (since the run started).
    pub fn push(&self, at: Duration, record: Record) {
        let t_us = u64::try_from(at.as_micros()).unwrap_or(u64::MAX);
        if let Ok(mut lines) = self.lines.lock() {
            lines.push(TraceLine { t_us, record });
        }
    }

    /// A copy of the lines so far.
    pub fn lines(&self) -> Vec<TraceLine> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// How many lines so far.
    pub fn len(&self) -> usize {
        self.lines.lock().map(|l| l.len()).unwrap_or(0)
    }

    /// No lines yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The trace as JSON lines (each ends with `\n`).
    pub fn to_json_lines(&self) -> String {
        to_json_lines(&self.lines())
    }
}

/// `lines` as JSON lines (each ends with `\n`).
pub fn to_json_lines(lines: &[TraceLine]) -> String {
    let mut out = String::new();
    for line in lines {
        // Plain data: serialising cannot fail.
        if let Ok(json) = serde_json::to_string(line) {
            out.push_str(&json);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_serialise_flat_with_a_kind() {
        let trace = Trace::new();
        trace.push(
            Duration::from_millis(1500),
            Record::Net {
                event: NetEvent::Partition {
                    a: "alice".into(),
                    b: "bob".into(),
                },
            },
        );
        assert_eq!(
            trace.to_json_lines(),
            "{\"t_us\":1500000,\"kind\":\"net\",\"net\":\"partition\",\"a\":\"alice\",\"b\":\"bob\"}\n"
        );
        let back: TraceLine = serde_json::from_str(trace.to_json_lines().trim()).unwrap();
        assert_eq!(back, trace.lines()[0]);
    }
}
