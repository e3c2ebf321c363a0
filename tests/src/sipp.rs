//! SIPp as a registrar peer: `tests/peers/sipp/uas_register_auth.xml` (401 MD5 qop=auth,
//! then `verifyauth` against `-key auth_user/auth_pass`; 200 with `Expires: 120`, or 403
//! and a failed call). Runs in the background on a free loopback port, bounded by call
//! count (`-m`) and time (SIPp's `-timeout` plus `timeout -k`); killed on drop.

use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
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

/// One background SIPp registrar.
#[derive(Debug)]
pub struct SippRegistrar {
    child: Option<Child>,
    /// Its SIP port on 127.0.0.1.
    pub port: u16,
    dir: PathBuf,
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
        require_sipp();
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("sb-sipp-{name}-{port}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let child = Command::new("timeout")
            .args(["-k", "2", &(max_secs + 5).to_string(), "sipp"])
            .arg("-sf")
            .arg(register_scenario())
            .args(["-t", transport_flag(transport), "-p", &port.to_string()])
            .args(["-m", &calls.to_string(), "-l", &calls.max(1).to_string()])
            .args(["-key", "auth_user", user, "-key", "auth_pass", password])
            .args(crate::peers::SIPP_LOOPBACK)
            .args([
                "-deadcall_wait",
                "100",
                "-nostdin",
                "-timeout",
                &format!("{max_secs}s"),
                "-timeout_error",
            ])
            .args(["-trace_stat", "-stf", "stat.csv", "-fd", "1"])
            .args(if trace_messages {
                &["-trace_msg", "-message_file", "messages.log"][..]
            } else {
                &[]
            })
            .args(["-trace_err", "-error_file", "errors.log"])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("stderr.log")).unwrap())
            .spawn()
            .expect("spawn sipp");
        let sipp = SippRegistrar {
            child: Some(child),
            port,
            dir,
        };
        sipp.wait_bound(transport);
        sipp
    }

    /// Waits until SIPp holds its port: binding it ourselves fails.
    fn wait_bound(&self, transport: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let free = match transport {
                "tcp" => TcpListener::bind(("127.0.0.1", self.port)).is_ok(),
                _ => UdpSocket::bind(("127.0.0.1", self.port)).is_ok(),
            };
            if !free {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "SIPp did not bind 127.0.0.1:{} ({transport}); {}",
            self.port,
            self.logs()
        );
    }

    /// SIPp's error output and message trace, for a failing assertion.
    pub fn logs(&self) -> String {
        let read = |f: &str| std::fs::read_to_string(self.dir.join(f)).unwrap_or_default();
        format!(
            "SIPp logs in {}:\n--- stderr\n{}\n--- errors\n{}\n--- messages\n{}",
            self.dir.display(),
            read("stderr.log"),
            read("errors.log"),
            read("messages.log")
        )
    }

    /// Waits (at most `limit`) for SIPp to exit by itself; kills it after that.
    pub fn wait(&mut self, limit: Duration) -> SippOutcome {
        let mut child = self.child.take().expect("sipp running");
        let deadline = Instant::now() + limit;
        let code = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status.code(),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => {
                    terminate(&mut child);
                    break None;
                }
            }
        };
        let csv = std::fs::read_to_string(self.dir.join("stat.csv")).unwrap_or_default();
        outcome_from_csv(code, &csv)
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

impl Drop for SippRegistrar {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
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
