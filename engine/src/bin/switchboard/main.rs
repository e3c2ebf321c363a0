//! The `switchboard` command-line tool.
//!
//! `switchboard listen --udp 127.0.0.1:5060 [--tcp ADDR] [--tls ADDR --cert F --key F]
//! [--events json] [--seed N] [--config FILE]` starts the engine, prints its events
//! (`--events json`: one JSON object per line on stdout; otherwise text on stderr) and
//! runs until SIGINT or SIGTERM, then shuts down and exits 0.
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
//! Exit codes: 0 clean shutdown; 1 runtime failure (e.g. cannot bind, the error names
//! the address; a registration that failed for good: credentials, forbidden, not found);
//! 2 bad arguments or configuration (the error names the field).

mod listen;
mod register;

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
use switchboard_actors::sip::{Host, Scheme, Uri};

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
}

fn main() -> ExitCode {
    let cli = Cli::parse(); // usage errors exit with code 2
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
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
    }
}

fn print(format: EventFormat, event: &Event) {
    match format {
        EventFormat::Json => println!("{}", event.to_json()),
        EventFormat::Text => eprintln!("{event}"),
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
