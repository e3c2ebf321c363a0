//! The `switchboard` command-line tool.
//!
//! `switchboard listen --udp 127.0.0.1:5060 [--tcp ADDR] [--tls ADDR --cert F --key F]
//! [--events text|json|none] [--seed N] [--config FILE] [--auto-answer [--answer-after
//! SECS] [--max-calls N]] [--server URI --user U [--password P] …]` starts the engine,
//! prints its events (`--events json`: one JSON object per line on stdout; `text`: lines
//! on stderr; `none`: nothing) and runs until SIGINT or SIGTERM, then shuts down and
//! exits 0. With `--auto-answer` it answers every incoming call after `--answer-after`
//! seconds (default 0, fractions allowed), every call may be active at once, and
//! `--max-calls N` is the call limit (calls beyond it get 486). With `--server`, `--user`
//! and `--password` it registers first (the account's transport must have a listener).
//!
//! `switchboard register --server sip:IP[:PORT] --user U --password P [--auth-user A]
//! [--domain D] [--transport udp|tcp|tls] [--expires N] [--duration SECS] [--listen ADDR]
//! [--cert F --key F] [--events json] [--seed N]` binds one listener of the transport,
//! registers the account (the engine refreshes the binding) and stays registered until
//! `--duration` (counted from start) elapses or SIGINT/SIGTERM, then unregisters and
//! exits 0. The server must be an IP literal (the engine does no DNS); the domain
//! defaults to it. `--listen` defaults to `127.0.0.1:0` for a loopback server, else
//! `0.0.0.0:0` (`[::1]:0` / `[::]:0` for IPv6).
//!
//! `switchboard call TARGET [--server URI --user U [--password P] [--auth-user A]
//! [--domain D]] [--transport T] [--listen ADDR] [--hangup-after SECS] [--dtmf DIGITS]
//! [--audio-file in.wav] [--t1 MS] [--events text|json|none] [--seed N]` calls TARGET, a
//! `sip:`/`sips:` URI or a telephone number (dialled at the account's domain, so it
//! needs `--server`). With `--password` it registers first; `--server` is the outbound
//! proxy for the call; without `--server` the INVITE goes straight to TARGET's host (an
//! IP literal). Once confirmed it sends the `--dtmf` digits (SIP INFO) and hangs up after
//! `--hangup-after` seconds; otherwise it stays until the far end hangs up, or until
//! SIGINT/SIGTERM hangs up. Call events are `{"kind":"call","state":…,"reason":…}`.
//!
//! Exit codes: 0 clean shutdown (for `call`: the call was confirmed and ended normally);
//! 1 runtime failure (e.g. cannot bind, the error names the address; a registration that
//! failed for good: credentials, forbidden, not found; a call that failed: busy,
//! rejected, timeout…, with the reason); 2 bad arguments or configuration (the error
//! names the field, the target or the file).

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod account_flags;
mod answer;
mod call;
mod call_flow;
mod listen;
mod register;

use call::{call, CallArgs};
use clap::{Args, Parser, Subcommand, ValueEnum};
use futures::StreamExt;
use listen::{listen, ListenArgs};
use register::{register, RegisterArgs};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use switchboard::{
    AccountConfig, Engine, EngineConfig, EngineError, Event, EventStream, TransportKind,
};
use switchboard_actors::sip::auth::Password;
use switchboard_actors::sip::{Scheme, Uri};

#[derive(Debug, Parser)]
#[command(name = "switchboard", version, about = "Switchboard SIP engine")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Listen for SIP and answer out-of-dialog requests until interrupted.
    Listen(ListenArgs),
    /// Register an account, stay registered, then unregister.
    Register(RegisterArgs),
    /// Call a SIP URI or a number, until either side hangs up.
    Call(CallArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Transport {
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
    /// TLS over TCP.
    Tls,
}

impl From<Transport> for TransportKind {
    fn from(t: Transport) -> Self {
        match t {
            Transport::Udp => TransportKind::Udp,
            Transport::Tcp => TransportKind::Tcp,
            Transport::Tls => TransportKind::Tls,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EventFormat {
    /// Human-readable lines on stderr.
    Text,
    /// One JSON object per line on stdout.
    Json,
    /// Print no events (errors still go to stderr).
    None,
}

fn main() -> ExitCode {
    let cli = Cli::parse(); // usage errors exit with code 2
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match cli.command {
        Command::Listen(args) => runtime.block_on(listen(args)),
        Command::Register(args) => runtime.block_on(register(args)),
        Command::Call(args) => runtime.block_on(call(args)),
    }
}

/// Logs: WARN and up (or `RUST_LOG`) on stderr; INFO and up captured (redacted) for
/// `export_logs` by [`switchboard::logs::capture_layer`].
fn init_tracing() {
    use tracing_subscriber::filter::LevelFilter;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        );
    let capture = switchboard::logs::capture_layer().with_filter(LevelFilter::INFO);
    tracing_subscriber::registry()
        .with(stderr)
        .with(capture)
        .init();
}

fn print(format: EventFormat, event: &Event) {
    match format {
        EventFormat::Json => println!("{}", event.to_json()),
        EventFormat::Text => eprintln!("{event}"),
        EventFormat::None => {}
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn terminated() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                biased;
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn drain(format: EventFormat, mut events: EventStream) {
    while let Some(event) = events.next().await {
        print(format, &event);
    }
}

/// Starts the engine with real sockets and an event stream from the first event; on a
/// failure prints the events so far and the error, and gives the exit code.
async fn start_engine(
    cfg: EngineConfig,
    format: EventFormat,
) -> Result<(Engine, EventStream), ExitCode> {
    // The builder opens real sockets unless given another TransportSpawner.
    let mut builder = Engine::builder().config(cfg);
    let events = builder.subscribe();
    match builder.start().await {
        Ok(engine) => Ok((engine, events)),
        Err(e) => {
            drain(format, events).await;
            eprintln!("error: {e}");
            Err(ExitCode::from(exit_code(&e)))
        }
    }
}

fn exit_code(e: &EngineError) -> u8 {
    u8::try_from(e.exit_code()).unwrap_or(1)
}
