//! `switchboard listen`: the engine as a listening user agent.

use super::*;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("listener").required(true).multiple(true).args(["udp", "tcp", "tls"])))]
pub(crate) struct ListenArgs {
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

pub(crate) fn build_config(args: &ListenArgs) -> Result<EngineConfig, String> {
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

pub(crate) async fn listen(args: ListenArgs) -> ExitCode {
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
    let (engine, mut events) = match start_engine(cfg, format).await {
        Ok(started) => started,
        Err(code) => return code,
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
