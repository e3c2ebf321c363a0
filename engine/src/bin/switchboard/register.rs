//! `switchboard register`: register one account, stay registered, unregister.

use super::*;

#[derive(Debug, Args)]
pub(crate) struct RegisterArgs {
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

/// The registrar's IP, port and scheme from `--server`.
pub(crate) fn parse_server(text: &str) -> Result<(IpAddr, Option<u16>, Scheme), String> {
    let uri = match Uri::parse(text) {
        Ok(Uri::Sip(uri)) => uri,
        _ => return Err(format!("--server `{text}`: not a sip: or sips: URI")),
    };
    if uri.user.is_some() {
        return Err(format!(
            "--server `{text}`: give the registrar's address only (the user goes in --user)"
        ));
    }
    let Some(ip) = uri.host.ip() else {
        return Err(format!(
            "--server `{text}`: `{}` is a host name; use an IP address (the engine does no DNS lookups yet)",
            uri.host
        ));
    };
    if uri.port == Some(0) {
        return Err(format!("--server `{text}`: port 0 cannot be dialled"));
    }
    Ok((ip, uri.port, uri.scheme))
}

/// The engine's and the account's configuration from the flags; errors name the flag
/// or the account field.
pub(crate) fn register_plan(args: &RegisterArgs) -> Result<(EngineConfig, AccountConfig), String> {
    let (ip, port, scheme) = parse_server(&args.server)?;
    let transport = args.transport.unwrap_or(match scheme {
        Scheme::Sips => Transport::Tls,
        Scheme::Sip => Transport::Udp,
    });
    let server = match ip {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => format!("[{a}]"),
    };
    let mut account = AccountConfig::new(
        server.clone(),
        args.domain.clone().unwrap_or(server),
        args.user.clone(),
    );
    account.port = port;
    account.transport = transport.into();
    account.auth_username = args.auth_user.clone();
    account.password = Some(Password::new(args.password.clone()));
    account.expires = args.expires;
    account.validate().map_err(|e| e.to_string())?;
    let listen = args
        .listen
        .unwrap_or_else(|| super::account_flags::local_for(ip));
    let seed = args.seed.unwrap_or_else(fresh_seed);
    let b = EngineConfig::builder().seed(seed);
    let b = super::account_flags::with_listener(
        b,
        transport,
        listen,
        args.cert.as_ref(),
        args.key.as_ref(),
    )?;
    let cfg = b.build().map_err(|e| e.to_string())?;
    cfg.validate().map_err(|e| e.to_string())?;
    Ok((cfg, account))
}

/// A seed from the OS's per-process hash keys: the CLI is the embedder, so it may pick
/// a fresh seed (repeated runs must not reuse Call-IDs); engine logic never does this.
pub(crate) fn fresh_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

/// A `failed` registration the engine will not retry: the account is unusable as given.
pub(crate) fn fatal_failure(event: &Event) -> Option<String> {
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

pub(crate) async fn register(args: RegisterArgs) -> ExitCode {
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
    let (engine, mut events) = match start_engine(cfg, format).await {
        Ok(started) => started,
        Err(code) => return code,
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
