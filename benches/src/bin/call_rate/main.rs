//! Calls per second the engine answers as a UAS: SIPp's built-in `uac` (INVITE → 100 →
//! 180 → 200 → ACK → BYE → 200) against `switchboard listen --udp … --auto-answer
//! --max-calls N --events none`, the release binary, both on loopback.
//!
//! For each `--rates` value and each of `--runs` runs: a fresh engine; SIPp offers
//! `rate × --secs` calls at `rate` calls/s (at most `--limit` open); then SIPp's
//! successful/failed calls and retransmissions, the engine's CPU time (`utime + stime`
//! from `/proc/PID/stat`, from just before SIPp starts until `--settle` seconds after it
//! ends, so the transactions' linger is counted) and its peak RSS (`VmHWM`) against its
//! RSS before the load. `--hold-ms` keeps each call up (`--inactive`: an `a=inactive`
//! offer, so held calls send no RTP) to measure memory per established call. One table
//! row per run, then the median per rate.
//!
//! `cargo build --release -p switchboard --bin switchboard`, then
//! `cargo run --release -p switchboard-benches --bin call_rate -- --rates 500,1000,2000 --secs 20`

use clap::Parser;
use std::path::PathBuf;
use std::time::Duration;

mod procs;

use procs::{run_uac, EngineProc, UacResult};
use switchboard_benches::procstat;

/// SIPp uac → `switchboard listen --auto-answer`: calls/s, CPU and memory.
#[derive(Debug, Parser)]
struct Args {
    /// Offered rates, calls per second (comma-separated).
    #[arg(long, value_delimiter = ',', default_values_t = [500u32, 1000, 2000, 4000, 6000])]
    rates: Vec<u32>,
    /// Seconds of load per run (calls = rate × secs).
    #[arg(long, default_value_t = 20)]
    secs: u64,
    /// Runs per rate (median reported).
    #[arg(long, default_value_t = 1)]
    runs: u32,
    /// SIPp's limit of calls open at once (default 4 × rate, at least 1000).
    #[arg(long)]
    limit: Option<u32>,
    /// How long each call stays up before SIPp's BYE, milliseconds.
    #[arg(long, default_value_t = 0)]
    hold_ms: u64,
    /// Offer `a=inactive` (no RTP either way).
    #[arg(long)]
    inactive: bool,
    /// Seconds after SIPp ends that still count towards the engine's CPU.
    #[arg(long, default_value_t = 2)]
    settle: u64,
    /// The engine binary (default: the workspace's target/release/switchboard).
    #[arg(long)]
    binary: Option<PathBuf>,
}

/// One run's figures.
struct Row {
    rate: u32,
    uac: UacResult,
    cpu_secs: f64,
    rss_before_kib: u64,
    peak_kib: u64,
    engine_exit: Option<i32>,
}

impl Row {
    fn us_per_call(&self) -> f64 {
        1e6 * self.cpu_secs / (self.uac.ok + self.uac.failed).max(1) as f64
    }

    fn kib_per_call(&self) -> Option<f64> {
        (self.uac.peak_calls > 0).then(|| {
            self.peak_kib.saturating_sub(self.rss_before_kib) as f64 / self.uac.peak_calls as f64
        })
    }

    fn print(&self) {
        println!(
            "{:>6} {:>7} {:>6} {:>7} {:>7.1} {:>8.2} {:>7.1} {:>9.1} {:>9.1} {:>7} {:>9} {:>5?} {:>5?}",
            self.rate,
            self.uac.ok,
            self.uac.failed,
            self.uac.retrans,
            (self.uac.ok as f64) / self.uac.secs.max(1e-9),
            self.cpu_secs,
            self.us_per_call(),
            self.peak_kib as f64 / 1024.0,
            (self.peak_kib.saturating_sub(self.rss_before_kib)) as f64 / 1024.0,
            self.uac.peak_calls,
            self.kib_per_call()
                .map_or("-".to_owned(), |k| format!("{k:.2}")),
            self.uac.code,
            self.engine_exit,
        );
    }
}

fn header() {
    println!(
        "{:>6} {:>7} {:>6} {:>7} {:>7} {:>8} {:>7} {:>9} {:>9} {:>7} {:>9} {:>5} {:>5}",
        "rate",
        "ok",
        "failed",
        "retrans",
        "ok/s",
        "CPU s",
        "µs/call",
        "peak MiB",
        "growth",
        "open",
        "KiB/open",
        "sipp",
        "eng"
    );
}

fn one_run(args: &Args, binary: &std::path::Path, rate: u32, run: u32) -> Row {
    let calls = u64::from(rate) * args.secs;
    let dir = std::env::temp_dir().join(format!("sb-call-rate-{rate}-{run}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("run dir");
    let max_calls = u32::try_from(calls.max(1000)).unwrap_or(u32::MAX);
    let engine = EngineProc::start(binary, max_calls, &dir);
    let pid = engine.pid();
    std::thread::sleep(Duration::from_millis(300));
    let rss_before_kib = procstat::status_kib(pid, "VmRSS").unwrap_or(0);
    let cpu0 = procstat::cpu_secs(pid).unwrap_or(0.0);
    let limit = args.limit.unwrap_or((4 * rate).max(1000));
    let max_secs = 3 * args.secs + args.hold_ms / 1000 + 30;
    let uac = run_uac(
        engine.port,
        rate,
        calls,
        limit,
        args.hold_ms,
        args.inactive,
        max_secs,
        &dir,
    );
    std::thread::sleep(Duration::from_secs(args.settle));
    let cpu_secs = procstat::cpu_secs(pid).unwrap_or(cpu0) - cpu0;
    let peak_kib = procstat::status_kib(pid, "VmHWM").unwrap_or(0);
    let engine_exit = engine.stop();
    if uac.failed > 0 || uac.ok < calls {
        eprintln!(
            "rate {rate} run {run}: not clean; logs in {}",
            dir.display()
        );
    }
    Row {
        rate,
        uac,
        cpu_secs,
        rss_before_kib,
        peak_kib,
        engine_exit,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    if args.rates.is_empty() || args.rates.contains(&0) || !(1..=20).contains(&args.runs) {
        eprintln!("--rates: positive numbers; --runs 1..=20");
        return std::process::ExitCode::from(2);
    }
    let binary = args.binary.clone().unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/switchboard")
    });
    if !binary.exists() {
        eprintln!(
            "{} missing: cargo build --release -p switchboard --bin switchboard",
            binary.display()
        );
        return std::process::ExitCode::from(2);
    }
    println!(
        "SIPp uac → switchboard listen --auto-answer, {} s per run, hold {} ms{}",
        args.secs,
        args.hold_ms,
        if args.inactive { ", a=inactive" } else { "" }
    );
    header();
    let mut summary = Vec::new();
    for &rate in &args.rates {
        let rows: Vec<Row> = (1..=args.runs)
            .map(|run| {
                let row = one_run(&args, &binary, rate, run);
                row.print();
                row
            })
            .collect();
        let clean = rows
            .iter()
            .filter(|r| r.uac.failed == 0 && r.uac.ok == u64::from(rate) * args.secs)
            .count();
        summary.push(format!(
            "rate {rate}: {clean}/{} runs clean; median {:.1} µs CPU/call, peak RSS {:.1} MiB, retrans {}",
            rows.len(),
            median(rows.iter().map(Row::us_per_call).collect()),
            median(rows.iter().map(|r| r.peak_kib as f64 / 1024.0).collect()),
            median(rows.iter().map(|r| r.uac.retrans as f64).collect()),
        ));
    }
    for line in summary {
        println!("{line}");
    }
    std::process::ExitCode::SUCCESS
}
