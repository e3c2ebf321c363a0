//! Call setup rate between two engines on loopback UDP, in one process: engine A dials,
//! engine B answers every `incoming` call at once, A hangs up each call as soon as it
//! is `confirmed`; a call counts when both sides reported `ended`. At most `--window`
//! calls are in flight. The calls are signalling-only (`DialOptions::audio = false`:
//! `a=inactive`, no RTP sent) so the figure is the call machinery's, not G.711's.
//! Measured: completed calls per second, the process's CPU per call (both engines
//! plus this driver), and the peak RSS. `--runs R` repeats with fresh engines and
//! prints the median. DESIGN.md's target: ≥ 5,000 calls/s (SIPp ↔ SIPp: 3,000 clean).
//!
//! `cargo run --release -p switchboard-benches --bin engine_calls -- --calls 5000 --runs 3`

use clap::Parser;
use futures::StreamExt;
use std::collections::BTreeSet;
use std::time::Duration;
use switchboard::{AccountConfig, DialOptions, Engine, EngineConfig, Event, TransportKind};
use tokio::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Engine-to-engine call setup rate on loopback.
#[derive(Debug, Parser)]
struct Args {
    /// Calls per run.
    #[arg(long, default_value_t = 5000)]
    calls: usize,
    /// Calls in flight at most.
    #[arg(long, default_value_t = 200)]
    window: usize,
    /// Runs (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Give up on a run after this many seconds.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
}

async fn engine(seed: u64) -> (Engine, switchboard::EventStream, std::net::SocketAddr) {
    let cfg = EngineConfig::builder()
        .seed(seed)
        .call_limit(100_000)
        .single_active(false)
        // The driver reads every event: a lagging stream would lose `confirmed`/`ended`.
        .event_channel_bound(1 << 16)
        .listen(TransportKind::Udp, "127.0.0.1:0".parse().expect("addr"))
        .build()
        .expect("config");
    let mut builder = Engine::builder().config(cfg);
    let mut events = builder.subscribe();
    let engine = builder.start().await.expect("engine starts");
    loop {
        if let Some(Event::Listening { addr, .. }) = events.next().await {
            return (engine, events, addr);
        }
    }
}

/// One run: (calls completed, seconds, CPU seconds).
async fn run(args: &Args, seed: u64) -> (usize, f64, f64) {
    let (a, mut a_events, _) = engine(seed).await;
    let (b, mut b_events, b_addr) = engine(seed + 1).await;
    let mut cfg = AccountConfig::new("127.0.0.1", "example.com", "alice");
    cfg.port = Some(b_addr.port());
    let alice = a.add_account(cfg).await.expect("account");
    let target = format!("sip:bob@{b_addr}");
    let answerer = tokio::spawn(async move {
        while let Some(event) = b_events.next().await {
            if let Event::Call { call_id, state, .. } = event {
                if state == "incoming" {
                    let _ = b.answer_call(&call_id).await;
                }
            }
        }
        b
    });
    let (cpu0, t0) = (switchboard_benches::process_cpu_secs(), Instant::now()); // clock-ok: bench
    let deadline = t0 + Duration::from_secs(args.timeout);
    let (mut dialled, mut done, mut failed) = (0usize, 0usize, 0usize);
    let mut live = BTreeSet::new();
    let mut options = DialOptions::new();
    options.audio = false;
    while done + failed < args.calls && Instant::now() < deadline {
        while dialled < args.calls && live.len() < args.window {
            match a.dial(&alice, &target, options.clone()).await {
                Ok(call) => drop(live.insert(call.id().to_owned())),
                Err(_) => failed += 1,
            }
            dialled += 1;
        }
        let Ok(Some(event)) = tokio::time::timeout_at(deadline, a_events.next()).await else {
            break;
        };
        if let Event::Lagged { missed } = event {
            eprintln!("run {seed}: the driver lagged, {missed} events lost");
        }
        if let Event::Call {
            call_id,
            state,
            reason,
            ..
        } = event
        {
            match state.as_str() {
                "confirmed" => drop(a.hangup(&call_id).await),
                "ended" if live.remove(&call_id) => match reason.as_deref() {
                    Some("normal") => done += 1,
                    _ => failed += 1,
                },
                _ => {}
            }
        }
    }
    let (secs, cpu) = (
        t0.elapsed().as_secs_f64(),
        switchboard_benches::process_cpu_secs() - cpu0,
    );
    if failed > 0 {
        eprintln!("run {seed}: {failed} calls failed");
    }
    // Every call is over on both sides: nothing of theirs may stay open.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let fds = std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count());
    eprintln!("run {seed}: {fds} file descriptors open after the calls");
    let _ = a.shutdown().await;
    answerer.abort();
    (done, secs, cpu)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn peak_rss_mib() -> f64 {
    let kib = switchboard_benches::procstat::status_kib(std::process::id(), "VmHWM");
    kib.map_or(0.0, |k| k as f64 / 1024.0)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let (mut rates, mut per_call) = (Vec::new(), Vec::new());
    println!("run  calls  secs   calls/s  CPU µs/call");
    for r in 0..args.runs {
        let (done, secs, cpu) = run(&args, 100 + 2 * r as u64).await;
        let rate = done as f64 / secs;
        let us = cpu * 1e6 / done.max(1) as f64;
        println!("{r:>3}  {done:>5}  {secs:>5.2}  {rate:>8.0}  {us:>11.1}");
        rates.push(rate);
        per_call.push(us);
    }
    println!(
        "median: {:.0} calls/s, {:.1} µs CPU per call (both engines), peak RSS {:.1} MiB",
        median(rates),
        median(per_call),
        peak_rss_mib()
    );
}
