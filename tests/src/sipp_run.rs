//! SIPp as a call peer: any scenario (a built-in such as `uac`, or a file of
//! `tests/peers/sipp/`) in the background on a loopback port, bounded by call count
//! (`-m`, always) and by time (SIPp's `-timeout` plus `timeout -k`); killed on drop.
//! Its statistics (`-trace_stat`), message trace (`-trace_msg`) and the scenario's
//! `<log>` actions (`-trace_logs`) are kept in a directory of its own.

use crate::sipp::{
    free_port, outcome_from_csv, require_sipp, terminate, transport_flag, SippOutcome,
};
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A scenario file of `tests/peers/sipp/`.
pub fn scenario(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("peers/sipp")
        .join(file)
}

/// Which scenario SIPp plays.
#[derive(Debug, Clone)]
pub enum Scenario {
    /// A built-in one (`-sn uac`, `-sn uas`).
    Builtin(&'static str),
    /// A scenario file (`-sf PATH`).
    File(PathBuf),
}

/// One SIPp run over UDP.
#[derive(Debug, Clone)]
pub struct SippSpec {
    /// Names its log directory.
    pub name: String,
    /// What it plays.
    pub scenario: Scenario,
    /// Where its requests go (`host:port`), for a UAC.
    pub remote: Option<String>,
    /// Calls in all (`-m`).
    pub calls: u32,
    /// Calls at once (`-l`).
    pub limit: u32,
    /// Calls started per second (`-r`).
    pub rate: u32,
    /// Its lifetime bound in seconds (`-timeout`).
    pub max_secs: u32,
    /// More arguments (`-s`, `-key`, `-d`, `-au`, …).
    pub args: Vec<String>,
    /// `udp` (default) or `tcp`.
    pub transport: &'static str,
    /// Trace every message to `messages.log` (default; off for load: it writes every
    /// message to disk).
    pub trace_messages: bool,
}

impl SippSpec {
    /// `calls` calls of `scenario`, one at a time, 10 per second, at most 30 s.
    pub fn new(name: &str, scenario: Scenario, calls: u32) -> SippSpec {
        SippSpec {
            name: name.to_owned(),
            scenario,
            remote: None,
            calls,
            limit: 1,
            rate: 10,
            max_secs: 30,
            args: Vec::new(),
            transport: "udp",
            trace_messages: true,
        }
    }

    /// Sends to `remote` (`host:port`).
    pub fn to(mut self, remote: impl Into<String>) -> SippSpec {
        self.remote = Some(remote.into());
        self
    }

    /// Adds arguments.
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> SippSpec {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }
}

/// A running (or finished) SIPp.
#[derive(Debug)]
pub struct Sipp {
    child: Option<Child>,
    /// Its SIP port on 127.0.0.1.
    pub port: u16,
    dir: PathBuf,
}

impl Sipp {
    /// Starts `spec` on a free port; returns once SIPp holds it (≤ 10 s).
    pub fn start(spec: SippSpec) -> Sipp {
        require_sipp();
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("sb-sipp-{}-{port}", spec.name));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut cmd = Command::new("timeout");
        cmd.args(["-k", "2", &(spec.max_secs + 5).to_string(), "sipp"]);
        match &spec.scenario {
            Scenario::Builtin(name) => cmd.args(["-sn", name]),
            Scenario::File(path) => cmd.arg("-sf").arg(path),
        };
        cmd.args(spec.remote.iter())
            .args([
                "-t",
                transport_flag(spec.transport),
                "-p",
                &port.to_string(),
            ])
            .args(["-m", &spec.calls.to_string(), "-l", &spec.limit.to_string()])
            .args(["-r", &spec.rate.to_string()])
            .args(crate::peers::SIPP_LOOPBACK)
            .args(&spec.args)
            .args(["-nostdin", "-timeout", &format!("{}s", spec.max_secs)])
            .args(["-timeout_error", "-deadcall_wait", "100"])
            .args(["-trace_stat", "-stf", "stat.csv", "-fd", "1"])
            .args(if spec.trace_messages {
                &["-trace_msg", "-message_file", "messages.log"][..]
            } else {
                &[]
            })
            .args(["-trace_err", "-error_file", "errors.log"])
            .args(["-trace_logs", "-log_file", "actions.log"])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("stderr.log")).unwrap());
        let child = cmd.spawn().expect("spawn sipp");
        let mut sipp = Sipp {
            child: Some(child),
            port,
            dir,
        };
        sipp.wait_bound(spec.transport);
        sipp
    }

    /// Waits until SIPp holds its port (or has exited already: a UAC may be done).
    fn wait_bound(&mut self, transport: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let free = match transport {
                "tcp" => TcpListener::bind(("127.0.0.1", self.port)).is_ok(),
                _ => UdpSocket::bind(("127.0.0.1", self.port)).is_ok(),
            };
            if !free {
                return;
            }
            if let Some(child) = self.child.as_mut() {
                if matches!(child.try_wait(), Ok(Some(_))) {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "SIPp did not bind 127.0.0.1:{} ({transport}); {}",
            self.port,
            self.logs()
        );
    }

    /// Its address, `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.dir.join(file)).unwrap_or_default()
    }

    /// The lines the scenario's `<log message=…>` actions wrote.
    pub fn action_log(&self) -> Vec<String> {
        self.read("actions.log")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The message trace (`-trace_msg`).
    pub fn messages(&self) -> String {
        self.read("messages.log")
    }

    /// SIPp's error output, action log and message trace, for a failing assertion.
    pub fn logs(&self) -> String {
        format!(
            "SIPp logs in {}:\n--- stderr\n{}\n--- errors\n{}\n--- actions\n{}\n--- messages\n{}",
            self.dir.display(),
            self.read("stderr.log"),
            self.read("errors.log"),
            self.read("actions.log"),
            self.messages()
        )
    }

    /// Waits (at most `limit`) for SIPp to exit by itself; kills it after that. Blocks.
    pub fn wait(&mut self, limit: Duration) -> SippOutcome {
        let code = match self.child.take() {
            Some(mut child) => {
                let deadline = Instant::now() + limit;
                loop {
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
                }
            }
            None => None,
        };
        outcome_from_csv(code, &self.read("stat.csv"))
    }

    /// [`Sipp::wait`] on a blocking thread, for async tests.
    pub async fn finish(mut self, limit: Duration) -> (SippOutcome, Sipp) {
        tokio::task::spawn_blocking(move || {
            let outcome = self.wait(limit);
            (outcome, self)
        })
        .await
        .expect("sipp wait")
    }
}

impl Drop for Sipp {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }
}
