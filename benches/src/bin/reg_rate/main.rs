//! Registrations per second one engine sustains against a real registrar: SIPp's
//! `tests/peers/sipp/uas_register_auth.xml` (started here, on a free loopback port) or
//! the Kamailio of `tests/peers/up.sh` (127.0.0.1:5070).
//!
//! One engine, `--accounts N` accounts (the SIPp user alice, or alice/bob/carol/dave in
//! turn at Kamailio), at most `--window W` registrations in flight. Every account is new,
//! so every registration is a full digest exchange: REGISTER → 401 → REGISTER with
//! credentials → 200. Measured: completed registrations per second (first `register()`
//! to the last `registered` event), then unregistrations per second, and the process's
//! CPU time over each phase (the engine's, plus this small driver). `--runs R` repeats it
//! with a fresh engine (and SIPp) each time and prints the median.
//!
//! `cargo run --release -p switchboard-benches --bin reg_rate -- --peer sipp --accounts 2000`

use clap::{Parser, ValueEnum};
use futures::StreamExt;
use std::time::Duration;
use switchboard::{
    Account, AccountConfig, Engine, EngineConfig, Event, EventStream, TransportKind,
};
use switchboard_actors::sip::auth::Password;
use switchboard_tests::sipp::SippRegistrar;
use tokio::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Peer {
    Sipp,
    Kamailio,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Transport {
    Udp,
    Tcp,
}

/// Registration rate of one engine against SIPp or Kamailio on loopback.
#[derive(Debug, Parser)]
struct Args {
    /// The registrar.
    #[arg(long, value_enum, default_value_t = Peer::Sipp)]
    peer: Peer,
    /// The transport.
    #[arg(long, value_enum, default_value_t = Transport::Udp)]
    transport: Transport,
    /// Accounts (one registration each), 1..=20000.
    #[arg(long, default_value_t = 2000)]
    accounts: u32,
    /// Registrations in flight at most.
    #[arg(long, default_value_t = 20)]
    window: u32,
    /// Runs (median reported), 1..=20.
    #[arg(long, default_value_t = 5)]
    runs: u32,
    /// Time limit of one phase of one run, seconds.
    #[arg(long, default_value_t = 60)]
    max_secs: u64,
}

/// One phase's figures.
#[derive(Debug, Clone, Copy)]
struct Phase {
    done: u32,
    failed: u32,
    secs: f64,
    cpu_secs: f64,
}

impl Phase {
    fn rate(&self) -> f64 {
        f64::from(self.done) / self.secs.max(1e-9)
    }
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    if !(1..=20_000).contains(&args.accounts) || !(1..=20).contains(&args.runs) || args.window == 0
    {
        eprintln!("--accounts 1..=20000, --runs 1..=20, --window ≥ 1");
        return std::process::ExitCode::from(2);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut regs = Vec::new();
    let mut unregs = Vec::new();
    for run in 1..=args.runs {
        let (reg, unreg) = rt.block_on(one_run(&args, u64::from(run)));
        println!(
            "run {run}: register {} ok {} failed in {:.3} s = {:.0}/s, CPU {:.2} s ({:.0} % of a core); \
             unregister {} ok {} failed = {:.0}/s, CPU {:.2} s",
            reg.done, reg.failed, reg.secs, reg.rate(), reg.cpu_secs,
            100.0 * reg.cpu_secs / reg.secs.max(1e-9),
            unreg.done, unreg.failed, unreg.rate(), unreg.cpu_secs
        );
        if reg.failed > 0 || reg.done < args.accounts {
            eprintln!("run {run}: not every registration completed");
            return std::process::ExitCode::from(1);
        }
        regs.push(reg);
        unregs.push(unreg);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let us_per_reg = |p: &Phase| 1e6 * p.cpu_secs / f64::from(p.done.max(1));
    println!(
        "median of {} runs ({:?}, {:?}, {} accounts, window {}): {:.0} registrations/s, \
         {:.0} µs engine CPU per registration; {:.0} unregistrations/s",
        args.runs,
        args.peer,
        args.transport,
        args.accounts,
        args.window,
        median(&mut regs.iter().map(Phase::rate).collect()),
        median(&mut regs.iter().map(us_per_reg).collect()),
        median(&mut unregs.iter().map(Phase::rate).collect()),
    );
    std::process::ExitCode::SUCCESS
}

async fn one_run(args: &Args, seed: u64) -> (Phase, Phase) {
    let n = args.accounts;
    let transport = match args.transport {
        Transport::Udp => TransportKind::Udp,
        Transport::Tcp => TransportKind::Tcp,
    };
    let tflag = match args.transport {
        Transport::Udp => "udp",
        Transport::Tcp => "tcp",
    };
    // SIPp: one call per registration and one per unregistration.
    let registrar = match args.peer {
        Peer::Sipp => Some(SippRegistrar::start_traced(
            "reg-rate",
            tflag,
            2 * n,
            "alice",
            "alice-pw",
            u32::try_from(2 * args.max_secs + 30).unwrap_or(u32::MAX),
            false,
        )),
        Peer::Kamailio => None,
    };
    let port = registrar.as_ref().map_or(5070, |r| r.port);
    let cfg = EngineConfig::builder()
        .seed(seed)
        .listen(transport, "127.0.0.1:0".parse().unwrap())
        .event_channel_bound(4 * n as usize + 1024)
        .build()
        .expect("engine config");
    let mut builder = Engine::builder().config(cfg);
    let mut events = builder.subscribe();
    let engine = builder.start().await.expect("engine starts");
    let users = match args.peer {
        Peer::Sipp => &["alice"][..],
        Peer::Kamailio => &["alice", "bob", "carol", "dave"][..],
    };
    let mut accounts = Vec::with_capacity(n as usize);
    for i in 0..n as usize {
        let user = users[i % users.len()];
        let mut a = AccountConfig::new("127.0.0.1", "127.0.0.1", user);
        a.port = Some(port);
        a.transport = transport;
        a.password = Some(Password::new(format!("{user}-pw")));
        a.expires = 600;
        a.keepalive_interval = Some(0);
        accounts.push(engine.add_account(a).await.expect("account"));
    }
    let limit = Duration::from_secs(args.max_secs);
    let reg = phase(&accounts, &mut events, args.window, limit, true).await;
    // SIPp's calls linger 1 s (timewait) and an unregister reuses the Call-ID.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let unreg = phase(&accounts, &mut events, args.window, limit, false).await;
    let _ = tokio::time::timeout(Duration::from_secs(10), engine.shutdown()).await;
    if let Some(mut r) = registrar {
        let o = r.wait(Duration::from_secs(10));
        let num = |v: Option<u64>| v.map_or("?".to_owned(), |v| v.to_string());
        println!(
            "  sipp: exit {:?}, ok {}, failed {}, retransmissions {}",
            o.code,
            num(o.ok),
            num(o.failed),
            num(o.retransmissions)
        );
    }
    (reg, unreg)
}

/// Starts `register()` (or `unregister()`) on every account, at most `window` in
/// flight, until every one has ended (`registered`/`unregistered`, or `failed`).
async fn phase(
    accounts: &[Account],
    events: &mut EventStream,
    window: u32,
    limit: Duration,
    register: bool,
) -> Phase {
    let (want, n) = (
        if register {
            "registered"
        } else {
            "unregistered"
        },
        accounts.len(),
    );
    let cpu0 = switchboard_benches::process_cpu_secs();
    let start = Instant::now();
    let deadline = start + limit;
    let (mut next, mut in_flight, mut done, mut failed) = (0usize, 0u32, 0u32, 0u32);
    while (done + failed) as usize != n && Instant::now() < deadline {
        while in_flight < window && next < n {
            let a = &accounts[next];
            let r = if register {
                a.register().await
            } else {
                a.unregister().await
            };
            r.expect("engine running");
            next += 1;
            in_flight += 1;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, events.next()).await {
            Ok(Some(Event::Registration { state, .. })) if state == want => {
                done += 1;
                in_flight -= 1;
            }
            Ok(Some(Event::Registration { state, .. })) if state == "failed" => {
                failed += 1;
                in_flight -= 1;
            }
            Ok(Some(Event::Lagged { missed })) => panic!("event stream lagged ({missed} missed)"),
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    Phase {
        done,
        failed,
        secs: start.elapsed().as_secs_f64(),
        cpu_secs: switchboard_benches::process_cpu_secs() - cpu0,
    }
}
