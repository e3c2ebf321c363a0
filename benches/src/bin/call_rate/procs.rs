//! The two processes of one run: the engine (`switchboard listen --auto-answer`, a
//! release binary) and SIPp's `uac`, both on loopback, both bounded and stopped by pid.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use switchboard_tests::peers::SIPP_LOOPBACK;
use switchboard_tests::sipp::{free_port, outcome_from_csv, require_sipp, terminate};

/// The engine under test; stopped (SIGTERM, then SIGKILL) on drop.
pub struct EngineProc {
    child: Child,
    /// Its UDP port on 127.0.0.1.
    pub port: u16,
}

impl EngineProc {
    /// Starts `binary listen --udp 127.0.0.1:PORT --auto-answer --max-calls N --events
    /// none`, stderr to `dir/engine.log`; returns once it holds the port (≤ 10 s).
    pub fn start(binary: &Path, max_calls: u32, dir: &Path) -> EngineProc {
        let port = free_port();
        let log = std::fs::File::create(dir.join("engine.log")).expect("engine log");
        let child = Command::new(binary)
            .args(["listen", "--udp", &format!("127.0.0.1:{port}")])
            .args(["--auto-answer", "--max-calls", &max_calls.to_string()])
            .args(["--events", "none"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
        let engine = EngineProc { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            assert!(Instant::now() < deadline, "the engine did not bind {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        engine
    }

    /// Its pid (for `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops it (SIGTERM: it shuts down cleanly) and gives its exit code.
    pub fn stop(mut self) -> Option<i32> {
        terminate(&mut self.child);
        self.child.try_wait().ok().flatten().and_then(|s| s.code())
    }
}

impl Drop for EngineProc {
    fn drop(&mut self) {
        terminate(&mut self.child);
    }
}

/// What SIPp reported.
#[derive(Debug, Default)]
pub struct UacResult {
    /// SIPp's exit code (0: all calls succeeded), 124 from `timeout`.
    pub code: Option<i32>,
    /// Successful calls.
    pub ok: u64,
    /// Failed calls.
    pub failed: u64,
    /// Retransmissions SIPp sent.
    pub retrans: u64,
    /// The most calls SIPp had open at a 1 s sample.
    pub peak_calls: u64,
    /// Wall time of the run, seconds.
    pub secs: f64,
}

/// The built-in `uac` with `a=inactive` in its offer (no RTP) and a pause of `hold_ms`
/// before the BYE, written into `dir`.
fn inactive_scenario(dir: &Path, hold_ms: u64) -> PathBuf {
    let out = Command::new("sipp")
        .args(["-sd", "uac"])
        .output()
        .expect("sipp -sd uac");
    let text = String::from_utf8_lossy(&out.stdout)
        .replace(
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:0 PCMU/8000\n      a=inactive",
        )
        .replace("<pause/>", &format!("<pause milliseconds=\"{hold_ms}\"/>"));
    let path = dir.join("uac_inactive.xml");
    std::fs::write(&path, text).expect("write scenario");
    path
}

/// Runs SIPp's uac against `target` at `rate` calls/s for `calls` calls, at most
/// `limit` open at once, each held `hold_ms` (`inactive`: an `a=inactive` offer); bounded
/// by `max_secs`. Logs (stats CSV, errors, final screen) stay in `dir`.
#[allow(clippy::too_many_arguments)]
pub fn run_uac(
    target: u16,
    rate: u32,
    calls: u64,
    limit: u32,
    hold_ms: u64,
    inactive: bool,
    max_secs: u64,
    dir: &Path,
) -> UacResult {
    require_sipp();
    let mut cmd = Command::new("timeout");
    cmd.args(["-k", "2", &(max_secs + 5).to_string(), "sipp"]);
    if inactive {
        cmd.arg("-sf").arg(inactive_scenario(dir, hold_ms));
    } else {
        cmd.args(["-sn", "uac", "-d", &hold_ms.to_string()]);
    }
    let started = Instant::now();
    let status = cmd
        .arg(format!("127.0.0.1:{target}"))
        .args(["-t", "u1", "-p", &free_port().to_string()])
        .args(["-r", &rate.to_string(), "-m", &calls.to_string()])
        .args(["-l", &limit.to_string()])
        .args(SIPP_LOOPBACK)
        .args([
            "-nostdin",
            "-timeout",
            &format!("{max_secs}s"),
            "-timeout_error",
        ])
        .args(["-trace_stat", "-stf", "stat.csv", "-fd", "1"])
        .args(["-trace_err", "-error_file", "errors.log"])
        .args(["-trace_screen", "-screen_file", "screen.log"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("sipp-stderr.log")).expect("sipp log"))
        .status()
        .expect("run sipp");
    let csv = std::fs::read_to_string(dir.join("stat.csv")).unwrap_or_default();
    let outcome = outcome_from_csv(status.code(), &csv);
    UacResult {
        code: outcome.code,
        ok: outcome.ok.unwrap_or(0),
        failed: outcome.failed.unwrap_or(0),
        retrans: outcome.retransmissions.unwrap_or(0),
        peak_calls: column_max(&csv, "CurrentCall"),
        secs: started.elapsed().as_secs_f64(),
    }
}

/// The largest value of column `name` over the CSV's rows.
fn column_max(csv: &str, name: &str) -> u64 {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(';').collect();
    let Some(i) = header.iter().position(|h| *h == name) else {
        return 0;
    };
    lines
        .filter_map(|l| l.split(';').nth(i)?.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
}
