//! `switchboard listen`: the engine as a listening user agent.

use super::account_flags::{account_config, add_and_register, AccountFlags};
use super::answer::{AutoAnswer, AUTO_ANSWER_EVENT_BOUND};
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
    /// Answer every incoming call (every call may be active at once).
    #[arg(long)]
    auto_answer: bool,
    /// Seconds between an incoming call and its answer (fractions allowed).
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 0.0,
        requires = "auto_answer"
    )]
    answer_after: f64,
    /// The call limit: calls beyond it get 486 Busy Here.
    #[arg(long, value_name = "N")]
    max_calls: Option<u32>,
    /// An account to register (with --password) over the first listener's transport.
    #[command(flatten)]
    account: AccountFlags,
}

/// The account's transport: the server's scheme, else the first listener given.
fn account_transport(args: &ListenArgs) -> Result<Transport, String> {
    let sips = args
        .account
        .server
        .as_deref()
        .is_some_and(|s| s.to_ascii_lowercase().starts_with("sips:"));
    let t = match (sips, args.udp, args.tcp, args.tls) {
        (true, _, _, Some(_)) => Transport::Tls,
        (true, _, _, None) => return Err("--server sips: needs a --tls listener".into()),
        (false, Some(_), _, _) => Transport::Udp,
        (false, None, Some(_), _) => Transport::Tcp,
        _ => Transport::Tls,
    };
    Ok(t)
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
    if let Some(n) = args.max_calls {
        cfg.calls.call_limit = n;
    }
    if args.auto_answer {
        let answer = AutoAnswer::new(args.answer_after)?;
        cfg.calls.single_active = false;
        cfg.calls.ring_timeout_secs = answer.ring_timeout_secs(cfg.calls.ring_timeout_secs);
        cfg.event_channel_bound = cfg.event_channel_bound.max(AUTO_ANSWER_EVENT_BOUND);
    }
    cfg.validate().map_err(|e| e.to_string())?;
    Ok(cfg)
}

/// The engine's config, the auto-answer plan and the account from the flags.
type ListenPlan = (EngineConfig, Option<AutoAnswer>, Option<AccountConfig>);

fn listen_plan(args: &ListenArgs) -> Result<ListenPlan, String> {
    let cfg = build_config(args)?;
    let answer = match args.auto_answer {
        true => Some(AutoAnswer::new(args.answer_after)?),
        false => None,
    };
    let account = match &args.account.server {
        Some(_) => account_config(&args.account, account_transport(args)?, None)?,
        None if args.account.user.is_some() => return Err("--user needs --server".into()),
        None => None,
    };
    Ok((cfg, answer, account.map(|(a, _)| a)))
}

pub(crate) async fn listen(args: ListenArgs) -> ExitCode {
    let (cfg, answer, account) = match listen_plan(&args) {
        Ok(plan) => plan,
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
    if let Some(account) = account {
        if let Err(code) = add_and_register(&engine, &mut events, format, account).await {
            let _ = engine.shutdown().await;
            drain(format, events).await;
            return code;
        }
    }
    loop {
        tokio::select! {
            biased;
            _ = &mut stop => break,
            event = events.next() => match event {
                Some(event) => {
                    print(format, &event);
                    if let Some(answer) = &answer {
                        answer.on_event(&engine, &event);
                    }
                }
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
