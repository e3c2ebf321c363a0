//! SIPp as a registrar peer: `tests/peers/sipp/uas_register_auth.xml` (401 MD5 qop=auth,
//! then `verifyauth` against `-key auth_user/auth_pass`; 200 with `Expires: 120`, or 403
//! and a failed call). Runs in the background on a free loopback port, bounded by call
//! count (`-m`) and time (SIPp's `-timeout` plus `timeout -k`); killed on drop.

use crate::sipp_run::{Scenario, Sipp, SippSpec};
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The registrar scenario, from the repository (a copy of the shared peers' one).
pub fn register_scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("peers/sipp/uas_register_auth.xml")
}

/// A port free on 127.0.0.1 for both UDP and TCP (bound, then released).
pub fn free_port() -> u16 {
    for _ in 0..50 {
        let Ok(tcp) = TcpListener::bind("127.0.0.1:0") else {
            continue;
        };
        let Ok(addr) = tcp.local_addr() else { continue };
        if UdpSocket::bind(("127.0.0.1", addr.port())).is_ok() {
            return addr.port();
        }
    }
    panic!("no free port on 127.0.0.1");
}

/// Panics with the package to install when `sipp` is missing (`.ci/run` installs it).
pub fn require_sipp() {
    let found = Command::new("sh")
        .args(["-c", "command -v sipp"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "sipp not installed: apt-get install sip-tester (.ci/run does)"
    );
}

/// SIPp's transport flag for `udp`/`tcp`.
pub fn transport_flag(transport: &str) -> &'static str {
    match transport {
        "tcp" => "t1",
        _ => "u1",
    }
}

/// One background SIPp registrar (a [`Sipp`] run of [`register_scenario`]).
#[derive(Debug)]
pub struct SippRegistrar {
    sipp: Sipp,
    /// Its SIP port on 127.0.0.1.
    pub port: u16,
}

/// How a SIPp run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SippOutcome {
    /// SIPp's exit status (0: every call succeeded; 1: some failed), or 124 from `timeout`.
    pub code: Option<i32>,
    /// Successful calls (registrations), from the `-trace_stat` CSV.
    pub ok: Option<u64>,
    /// Failed calls.
    pub failed: Option<u64>,
    /// Retransmissions SIPp sent.
    pub retransmissions: Option<u64>,
}

impl SippRegistrar {
    /// Starts `calls` registrar calls for `user`/`password` over `transport` (`udp` or
    /// `tcp`), alive at most `max_secs`; returns once SIPp holds its port (≤ 10 s). Every
    /// message is traced to `messages.log` (see [`SippRegistrar::logs`]).
    pub fn start(
        name: &str,
        transport: &str,
        calls: u32,
        user: &str,
        password: &str,
        max_secs: u32,
    ) -> Self {
        Self::start_traced(name, transport, calls, user, password, max_secs, true)
    }

    /// [`SippRegistrar::start`], with the message trace on or off (off for load: it
    /// writes every message to disk).
    pub fn start_traced(
        name: &str,
        transport: &str,
        calls: u32,
        user: &str,
        password: &str,
        max_secs: u32,
        trace_messages: bool,
    ) -> Self {
        let mut spec = SippSpec::new(name, Scenario::File(register_scenario()), calls).args([
            "-key",
            "auth_user",
            user,
            "-key",
            "auth_pass",
            password,
        ]);
        spec.limit = calls.max(1);
        spec.max_secs = max_secs;
        spec.transport = if transport == "tcp" { "tcp" } else { "udp" };
        spec.trace_messages = trace_messages;
        let sipp = Sipp::start(spec);
        SippRegistrar {
            port: sipp.port,
            sipp,
        }
    }

    /// SIPp's error output and message trace, for a failing assertion.
    pub fn logs(&self) -> String {
        self.sipp.logs()
    }

    /// Waits (at most `limit`) for SIPp to exit by itself; kills it after that.
    pub fn wait(&mut self, limit: Duration) -> SippOutcome {
        self.sipp.wait(limit)
    }
}

/// A run's outcome: exit `code` and the last row of its `-trace_stat` CSV.
pub fn outcome_from_csv(code: Option<i32>, csv: &str) -> SippOutcome {
    let header: Vec<&str> = csv.lines().next().unwrap_or_default().split(';').collect();
    let last: Vec<&str> = csv.lines().last().unwrap_or_default().split(';').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .and_then(|i| last.get(i))
            .and_then(|v| v.parse::<u64>().ok())
    };
    SippOutcome {
        code,
        ok: col("SuccessfulCall(C)"),
        failed: col("FailedCall(C)"),
        retransmissions: col("Retransmissions(C)"),
    }
}

/// Stops `child` (the `timeout` wrapper, which passes SIGTERM on to SIPp) by its pid;
/// SIGKILL if it is still there after 3 s.
pub fn terminate(child: &mut Child) {
    if matches!(child.try_wait(), Ok(Some(_))) {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}
