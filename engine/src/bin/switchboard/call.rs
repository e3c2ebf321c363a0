//! `switchboard call`: one outgoing call, from dial to hang-up.

use super::account_flags::{
    account_config, add_and_register, local_for, with_listener, AccountFlags, Fallback,
};
use super::call_flow::{follow, Outcome, Plan};
use super::register::{fresh_seed, parse_server};
use super::*;
use switchboard::DialOptions;

#[derive(Debug, Args)]
pub(crate) struct CallArgs {
    /// Whom to call: a `sip:`/`sips:` URI, or a telephone number (needs --server).
    #[arg(value_name = "TARGET")]
    target: String,
    #[command(flatten)]
    account: AccountFlags,
    /// The transport (default: tls for a sips: server or target, else udp).
    #[arg(long, value_enum)]
    transport: Option<Transport>,
    /// Local listen address (default: loopback for a loopback server, else any).
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// TLS certificate chain (PEM) for the TLS listener.
    #[arg(long, value_name = "FILE", requires = "key")]
    cert: Option<PathBuf>,
    /// TLS private key (PEM) for the TLS listener.
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Option<PathBuf>,
    /// Hang up this many seconds after the call is confirmed (fractions allowed).
    #[arg(long, value_name = "SECS")]
    hangup_after: Option<f64>,
    /// DTMF digits (`0-9*#A-D`) to send once the call is confirmed (SIP INFO).
    #[arg(long, value_name = "DIGITS")]
    dtmf: Option<String>,
    /// Audio to send: a 16-bit mono 8 kHz WAV file (default: a 440 Hz tone).
    #[arg(long, value_name = "FILE")]
    audio_file: Option<PathBuf>,
    /// SIP timer T1 in milliseconds (an INVITE nobody answers fails after 64 × T1).
    #[arg(long, value_name = "MS", default_value_t = 500)]
    t1: u64,
    /// How to print events.
    #[arg(long, value_enum, default_value_t = EventFormat::Text)]
    events: EventFormat,
    /// RNG seed (default: a fresh one per run, so Call-IDs differ between runs).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

/// The target's scheme, host (when an IP literal) and port, or `None` for a number.
fn target_host(target: &str) -> Result<Option<(Scheme, Option<Fallback>)>, String> {
    let lower = target.trim().to_ascii_lowercase();
    if !(lower.starts_with("sip:") || lower.starts_with("sips:")) {
        return Ok(None);
    }
    let uri = match Uri::parse(target.trim()) {
        Ok(Uri::Sip(uri)) => uri,
        _ => return Err(format!("target `{target}`: not a valid sip: or sips: URI")),
    };
    let ip = uri.host.ip();
    Ok(Some((
        uri.scheme,
        ip.map(|ip| Fallback { ip, port: uri.port }),
    )))
}

/// The engine's and the account's configuration, and the dial plan; errors name the
/// flag, the target or the file.
fn call_plan(args: &CallArgs) -> Result<(EngineConfig, AccountConfig, Plan), String> {
    let target = target_host(&args.target)?;
    let scheme = match (&args.account.server, &target) {
        (Some(server), _) => parse_server(server)?.2,
        (None, Some((scheme, _))) => *scheme,
        (None, None) => Scheme::Sip,
    };
    let transport = args.transport.unwrap_or(match scheme {
        Scheme::Sips => Transport::Tls,
        Scheme::Sip => Transport::Udp,
    });
    let fallback = target.and_then(|(_, f)| f);
    let (account, ip) = match account_config(&args.account, transport, fallback)? {
        Some(found) => found,
        None if target.is_none() => {
            return Err(format!(
                "target `{}`: a telephone number is dialled at the account's domain: give --server",
                args.target
            ))
        }
        None => {
            return Err(format!(
                "target `{}`: give --server, or a target whose host is an IP address (the engine does no DNS lookups yet)",
                args.target
            ))
        }
    };
    if let Some(secs) = args.hangup_after {
        if !(0.0..=86_400.0).contains(&secs) {
            return Err(format!(
                "--hangup-after {secs}: must be between 0 and 86400 seconds"
            ));
        }
    }
    if !(1..=60_000).contains(&args.t1) {
        return Err(format!("--t1 {}: must be 1..=60000 ms", args.t1));
    }
    let listen = args.listen.unwrap_or_else(|| local_for(ip));
    let mut b = EngineConfig::builder()
        .seed(args.seed.unwrap_or_else(fresh_seed))
        .timers(args.t1, args.t1.max(4000), 5000);
    b = with_listener(b, transport, listen, args.cert.as_ref(), args.key.as_ref())?;
    let cfg = b.build().map_err(|e| e.to_string())?;
    cfg.validate().map_err(|e| e.to_string())?;
    let mut options = DialOptions::new();
    options.audio_file = args.audio_file.clone();
    let plan = Plan {
        target: args.target.trim().to_owned(),
        number: target.is_none(),
        options,
        dtmf: args.dtmf.clone(),
        hangup_after: args.hangup_after.map(Duration::from_secs_f64),
    };
    Ok((cfg, account, plan))
}

/// Errors that are the user's (a bad target or file): exit 2.
fn dial_exit_code(e: &EngineError) -> u8 {
    match e {
        EngineError::InvalidTarget { .. }
        | EngineError::WrongTargetKind { .. }
        | EngineError::AudioFile { .. }
        | EngineError::Unresolvable { .. } => 2,
        other => exit_code(other),
    }
}

pub(crate) async fn call(args: CallArgs) -> ExitCode {
    let (cfg, account, plan) = match call_plan(&args) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let format = args.events;
    let (engine, mut events) = match start_engine(cfg, format).await {
        Ok(started) => started,
        Err(code) => return code,
    };
    let outcome = match add_and_register(&engine, &mut events, format, account).await {
        Ok(acct) => follow(&engine, &acct, &mut events, format, plan).await,
        Err(code) => Outcome::Exit(code),
    };
    let result = engine.shutdown().await;
    drain(format, events).await;
    match (outcome, result) {
        (Outcome::DialFailed(e), _) => {
            eprintln!("error: {e}");
            ExitCode::from(dial_exit_code(&e))
        }
        (Outcome::Exit(code), Ok(())) => code,
        (Outcome::Exit(_), Err(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(exit_code(&e))
        }
    }
}
