//! The account flags `call` and `listen` share (`--server`, `--user`, `--password`, …)
//! and the account they describe.

use super::register::parse_server;
use super::*;

/// An optional account: the server, user and credentials.
#[derive(Debug, Clone, Args)]
pub(crate) struct AccountFlags {
    /// The SIP server, `sip:IP[:PORT]`: registrar (with --password) and outbound proxy.
    #[arg(long, value_name = "URI")]
    pub(crate) server: Option<String>,
    /// The user part of our address (default: `switchboard`).
    #[arg(long, value_name = "U")]
    pub(crate) user: Option<String>,
    /// The digest password: register first, and answer challenges with it.
    #[arg(long, value_name = "P", requires = "server")]
    pub(crate) password: Option<String>,
    /// The digest user name, when it differs from --user.
    #[arg(long, value_name = "A", requires = "password")]
    pub(crate) auth_user: Option<String>,
    /// The domain of our address (default: the server's host).
    #[arg(long, value_name = "D")]
    pub(crate) domain: Option<String>,
    /// Requested registration lifetime, seconds.
    #[arg(long, value_name = "N", default_value_t = 3600)]
    pub(crate) expires: u32,
}

/// Where the account's requests go when no `--server` is given: a host (IP literal)
/// and port, e.g. the call's target.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fallback {
    pub(crate) ip: IpAddr,
    pub(crate) port: Option<u16>,
}

/// The account from the flags: at `--server` (which is also the outbound proxy), or at
/// `fallback` (no proxy; requests go to their Request-URI). `None` without either.
/// Errors name the flag or the account field.
pub(crate) fn account_config(
    flags: &AccountFlags,
    transport: Transport,
    fallback: Option<Fallback>,
) -> Result<Option<(AccountConfig, IpAddr)>, String> {
    let (ip, port, proxy) = match (&flags.server, fallback) {
        (Some(server), _) => {
            let (ip, port, _) = parse_server(server)?;
            (ip, port, true)
        }
        (None, Some(f)) => (f.ip, f.port, false),
        (None, None) => return Ok(None),
    };
    let host = match ip {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => format!("[{a}]"),
    };
    let user = flags.user.clone().unwrap_or_else(|| "switchboard".into());
    let domain = flags.domain.clone().unwrap_or_else(|| host.clone());
    let mut account = AccountConfig::new(host.clone(), domain, user);
    account.port = port;
    account.transport = transport.into();
    account.auth_username = flags.auth_user.clone();
    account.password = flags.password.clone().map(Password::new);
    account.expires = flags.expires;
    if proxy {
        let port = port.unwrap_or(match transport {
            Transport::Tls => 5061,
            _ => 5060,
        });
        let token = match transport {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
            Transport::Tls => "tls",
        };
        account.outbound_proxy = Some(format!("sip:{host}:{port};transport={token};lr"));
    }
    account.validate().map_err(|e| e.to_string())?;
    Ok(Some((account, ip)))
}

/// Adds the one listener a client command needs: `transport` on `listen` (TLS with
/// `cert` and `key`).
pub(crate) fn with_listener(
    b: switchboard::EngineConfigBuilder,
    transport: Transport,
    listen: SocketAddr,
    cert: Option<&PathBuf>,
    key: Option<&PathBuf>,
) -> Result<switchboard::EngineConfigBuilder, String> {
    Ok(match (transport, cert, key) {
        (Transport::Tls, Some(cert), Some(key)) => b.listen_tls(listen, cert, key),
        (Transport::Tls, _, _) => {
            return Err("--transport tls needs --cert and --key for the TLS listener".into())
        }
        (t, _, _) => b.listen(t.into(), listen),
    })
}

/// The local address for a server at `ip`: loopback for a loopback server, else any.
pub(crate) fn local_for(ip: IpAddr) -> SocketAddr {
    let local = match (ip.is_loopback(), ip) {
        (true, IpAddr::V4(_)) => IpAddr::V4(Ipv4Addr::LOCALHOST),
        (true, IpAddr::V6(_)) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        (false, IpAddr::V4(_)) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        (false, IpAddr::V6(_)) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    SocketAddr::new(local, 0)
}

/// Adds `account` and registers it when it has a password; waits for `registered`
/// (printing events). `Err` is the exit code after a failure (printed).
pub(crate) async fn add_and_register(
    engine: &Engine,
    events: &mut EventStream,
    format: EventFormat,
    account: AccountConfig,
) -> Result<switchboard::Account, ExitCode> {
    let register = account.password.is_some();
    let acct = match engine.add_account(account).await {
        Ok(acct) => acct,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(ExitCode::from(exit_code(&e)));
        }
    };
    if !register {
        return Ok(acct);
    }
    if let Err(e) = acct.register().await {
        eprintln!("error: {e}");
        return Err(ExitCode::from(exit_code(&e)));
    }
    while let Some(event) = events.next().await {
        print(format, &event);
        match &event {
            Event::Registration { state, .. } if state == "registered" => return Ok(acct),
            Event::Registration {
                state,
                reason,
                status,
                ..
            } if state == "failed" => {
                let reason = reason.as_deref().unwrap_or("other");
                match status {
                    Some(s) => eprintln!("error: registration failed: {reason} (status {s})"),
                    None => eprintln!("error: registration failed: {reason}"),
                }
                return Err(ExitCode::from(1));
            }
            _ => {}
        }
    }
    eprintln!("error: the engine stopped on its own");
    Err(ExitCode::from(1))
}
