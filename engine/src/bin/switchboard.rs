//! The `switchboard` command-line tool.
//!
//! `switchboard listen --udp 127.0.0.1:5060 [--tcp ADDR] [--tls ADDR --cert F --key F]
//! [--events json] [--seed N] [--config FILE]` starts the engine, prints its events
//! (`--events json`: one JSON object per line on stdout; otherwise text on stderr) and
//! runs until SIGINT or SIGTERM, then shuts down and exits 0.
//!
//! Exit codes: 0 clean shutdown; 1 runtime failure (e.g. cannot bind, the error names
//! the address); 2 bad arguments or configuration.

use clap::{Args, Parser, Subcommand, ValueEnum};
use futures::StreamExt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use switchboard::{Engine, EngineConfig, EngineError, Event, EventStream, TransportKind};

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
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("listener").required(true).multiple(true).args(["udp", "tcp", "tls"])))]
struct ListenArgs {
    /// UDP listen address, e.g. 127.0.0.1:5060.
    #[arg(long, value_name = "ADDR")]
    udp: Option<SocketAddr>,
    /// TCP listen address.
    #[arg(long, value_name = "ADDR")]
    tcp: Option<SocketAddr>,
    /// TLS listen address (needs --cert and --key).
    #[arg(long, value_name = "ADDR", requires_all = ["cert", "key"])]
    tls: Option<SocketAddr>,
    /// TLS certificate chain (PEM).
    #[arg(long, value_name = "FILE", requires = "tls")]
    cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls")]
    key: Option<PathBuf>,
    /// How to print events.
    #[arg(long, value_enum, default_value_t = EventFormat::Text)]
    events: EventFormat,
    /// RNG seed (default: the engine's fixed default seed).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// A TOML config file; the flags above add listeners to it and override its seed.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
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
    let Command::Listen(args) = cli.command;
    runtime.block_on(listen(args))
}

fn build_config(args: &ListenArgs) -> Result<EngineConfig, String> {
    let mut cfg = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            EngineConfig::from_toml_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => EngineConfig::default(),
    };
    let mut b = EngineConfig::builder();
    b = b.seed(args.seed.unwrap_or(cfg.seed));
    if let Some(addr) = args.udp {
        b = b.listen(TransportKind::Udp, addr);
    }
    if let Some(addr) = args.tcp {
        b = b.listen(TransportKind::Tcp, addr);
    }
    if let (Some(addr), Some(cert), Some(key)) = (args.tls, &args.cert, &args.key) {
        b = b.listen_tls(addr, cert, key);
    }
    let flags = b.build().map_err(|e| e.to_string())?;
    cfg.seed = flags.seed;
    cfg.listeners.extend(flags.listeners);
    cfg.validate().map_err(|e| e.to_string())?;
    Ok(cfg)
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

async fn listen(args: ListenArgs) -> ExitCode {
    let cfg = match build_config(&args) {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let format = args.events;
    let stop = terminated();
    tokio::pin!(stop);
    // The builder opens real sockets unless given another TransportSpawner.
    let mut builder = Engine::builder().config(cfg);
    let mut events = builder.subscribe();
    let engine = match builder.start().await {
        Ok(engine) => engine,
        Err(e) => {
            drain(format, events).await;
            eprintln!("error: {e}");
            return ExitCode::from(exit_code(&e));
        }
    };
    loop {
        tokio::select! {
            biased;
            _ = &mut stop => break,
            event = events.next() => match event {
                Some(event) => print(format, &event),
                None => break, // the engine stopped by itself
            },
        }
    }
    let result = engine.shutdown().await;
    drain(format, events).await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(EngineError::NotRunning { .. }) => {
            eprintln!("error: the engine stopped on its own");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(exit_code(&e))
        }
    }
}

fn exit_code(e: &EngineError) -> u8 {
    u8::try_from(e.exit_code()).unwrap_or(1)
}
