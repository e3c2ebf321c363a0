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

use clap::{Args, Parser, Subcommand, ValueEnum};
use futures::StreamExt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use switchboard::{
    AccountConfig, AccountMode, Engine, EngineConfig, EngineError, Event, EventStream,
    TransportKind,
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

#[derive(Debug, Args)]
struct RegisterArgs {
    /// The registrar, `sip:IP[:PORT]` (an IP literal: the engine does no DNS).
    #[arg(long, value_name = "URI")]
    server: String,
    /// The user part of the address of record.
    #[arg(long, value_name = "U")]
    user: String,
    /// The digest password.
    #[arg(long, value_name = "P")]
    password: String,
    /// The digest user name, when it differs from --user.
    #[arg(long, value_name = "A")]
    auth_user: Option<String>,
    /// The domain of the address of record (default: the server's host).
    #[arg(long, value_name = "D")]
    domain: Option<String>,
    /// The transport (default: tls for a sips: server, else udp).
    #[arg(long, value_enum)]
    transport: Option<Transport>,
    /// Requested registration lifetime, seconds.
    #[arg(long, value_name = "N", default_value_t = 3600)]
    expires: u32,
    /// Stop (and unregister) after this many seconds; default: until interrupted.
    #[arg(long, value_name = "SECS")]
    duration: Option<u64>,
    /// Local listen address (default: loopback for a loopback server, else any).
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// TLS certificate chain (PEM) for the TLS listener.
    #[arg(long, value_name = "FILE", requires = "key")]
    cert: Option<PathBuf>,
    /// TLS private key (PEM) for the TLS listener.
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Option<PathBuf>,
    /// How to print events.
    #[arg(long, value_enum, default_value_t = EventFormat::Text)]
    events: EventFormat,
    /// RNG seed (default: a fresh one per run, so Call-IDs differ between runs).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
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

/// The registrar's IP, port and scheme from `--server`.
fn parse_server(text: &str) -> Result<(IpAddr, Option<u16>, Scheme), String> {
    let uri = match Uri::parse(text) {
        Ok(Uri::Sip(uri)) => uri,
        _ => return Err(format!("--server `{text}`: not a sip: or sips: URI")),
    };
    if uri.user.is_some() {
        return Err(format!(
            "--server `{text}`: give the registrar's address only (the user goes in --user)"
        ));
    }
    let ip = match uri.host {
        Host::V4(a) => IpAddr::V4(a),
        Host::V6(a) => IpAddr::V6(a),
        Host::Domain(d) => {
            return Err(format!(
                "--server `{text}`: `{d}` is a host name; use an IP address (the engine does no DNS lookups yet)"
            ))
        }
    };
    if uri.port == Some(0) {
        return Err(format!("--server `{text}`: port 0 cannot be dialled"));
    }
    Ok((ip, uri.port, uri.scheme))
}

/// The engine's and the account's configuration from the flags; errors name the flag
/// or the account field.
fn register_plan(args: &RegisterArgs) -> Result<(EngineConfig, AccountConfig), String> {
    let (ip, port, scheme) = parse_server(&args.server)?;
    let transport = args.transport.unwrap_or(match scheme {
        Scheme::Sips => Transport::Tls,
        Scheme::Sip => Transport::Udp,
    });
    let server = match ip {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => format!("[{a}]"),
    };
    let account = AccountConfig {
        server: server.clone(),
        port,
        transport: transport.into(),
        domain: args.domain.clone().unwrap_or(server),
        username: args.user.clone(),
        auth_username: args.auth_user.clone(),
        password: Some(Password::new(args.password.clone())),
        display_name: None,
        outbound_proxy: None,
        expires: args.expires,
        user_agent: None,
        mode: AccountMode::Register,
    };
    account.validate().map_err(|e| e.to_string())?;
    let listen = args.listen.unwrap_or_else(|| {
        let local = match (ip.is_loopback(), ip) {
            (true, IpAddr::V4(_)) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            (true, IpAddr::V6(_)) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            (false, IpAddr::V4(_)) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            (false, IpAddr::V6(_)) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        };
        SocketAddr::new(local, 0)
    });
    let seed = args.seed.unwrap_or_else(fresh_seed);
    let mut b = EngineConfig::builder().seed(seed);
    b = match (transport, &args.cert, &args.key) {
        (Transport::Tls, Some(cert), Some(key)) => b.listen_tls(listen, cert, key),
        (Transport::Tls, _, _) => {
            return Err("--transport tls needs --cert and --key for the TLS listener".into())
        }
        (t, _, _) => b.listen(t.into(), listen),
    };
    let cfg = b.build().map_err(|e| e.to_string())?;
    cfg.validate().map_err(|e| e.to_string())?;
    Ok((cfg, account))
}

/// A seed from the OS's per-process hash keys: the CLI is the embedder, so it may pick
/// a fresh seed (repeated runs must not reuse Call-IDs); engine logic never does this.
fn fresh_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

/// A `failed` registration the engine will not retry: the account is unusable as given.
fn fatal_failure(event: &Event) -> Option<String> {
    match event {
        Event::Registration {
            state,
            reason,
            retry_in_ms,
            status,
            ..
        } if state == "failed" => {
            let reason = reason.as_deref().unwrap_or("other");
            let for_good = matches!(reason, "credentials" | "forbidden" | "not_found");
            (for_good || retry_in_ms.is_none()).then(|| match status {
                Some(s) => format!("registration failed: {reason} (status {s})"),
                None => format!("registration failed: {reason}"),
            })
        }
        _ => None,
    }
}

async fn register(args: RegisterArgs) -> ExitCode {
    let (cfg, account) = match register_plan(&args) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let format = args.events;
    let stop = terminated();
    tokio::pin!(stop);
    let until = async {
        match args.duration {
            Some(secs) => tokio::time::sleep(Duration::from_secs(secs)).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(until);
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
    let started = match engine.add_account(account).await {
        Ok(acct) => acct.register().await,
        Err(e) => Err(e),
    };
    let mut outcome = match started {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            let _ = engine.shutdown().await;
            drain(format, events).await;
            return ExitCode::from(exit_code(&e));
        }
    };
    loop {
        tokio::select! {
            biased;
            _ = &mut stop => break,
            _ = &mut until => break,
            event = events.next() => match event {
                Some(event) => {
                    print(format, &event);
                    if let Some(why) = fatal_failure(&event) {
                        eprintln!("error: {why}");
                        outcome = ExitCode::from(1);
                        break;
                    }
                }
                None => break,
            },
        }
    }
    // Shutdown unregisters a registered account (bounded wait).
    let result = engine.shutdown().await;
    drain(format, events).await;
    match result {
        Ok(()) => outcome,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(exit_code(&e))
        }
    }
}
