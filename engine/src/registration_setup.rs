//! What an account's actor starts from: the [`AccountConfig`] turned into the
//! registration machine's [`RegistrationConfig`] and the transport [`Target`] its
//! REGISTERs go to. The Contact is the account's user at the local listener's address.

use crate::account::{AccountConfig, DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_MAX};
use crate::error::EngineError;
use crate::outbound::{parse_target, resolve};
use crate::stack::TransportRegistry;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::registrar::{Backoff, PushParams, RegistrationConfig};
use switchboard_actors::transport::TransportMsg;
use switchboard_actors::vocab::{Target, TransportKind};

/// The registration settings and where REGISTERs are sent.
#[derive(Debug)]
pub(crate) struct Setup {
    pub(crate) reg: RegistrationConfig,
    pub(crate) target: Target,
    /// The local listener's address (the keepalive OPTIONS' Via).
    pub(crate) local: SocketAddr,
}

/// The lowercase `transport=` value.
fn token(kind: TransportKind) -> &'static str {
    match kind {
        TransportKind::Udp => "udp",
        TransportKind::Tcp => "tcp",
        TransportKind::Tls => "tls",
    }
}

fn host_port(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => a.to_string(),
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
    }
}

/// The account's server as a URI: `sip:server:port;transport=…`.
pub(crate) fn server_uri(cfg: &AccountConfig) -> String {
    let port = cfg.port.unwrap_or(match cfg.transport {
        TransportKind::Tls => 5061,
        _ => 5060,
    });
    format!(
        "sip:{}:{port};transport={}",
        cfg.server,
        token(cfg.transport)
    )
}

/// The local address of the first listener of the account's transport.
async fn local_addr(
    registry: &TransportRegistry,
    kind: TransportKind,
) -> Result<SocketAddr, EngineError> {
    let transport = registry
        .pick(kind)
        .ok_or(EngineError::NoTransport { transport: kind })?;
    match transport.call(TransportMsg::LocalAddr, None).await {
        Ok(ractor::rpc::CallResult::Success(Some(addr))) => Ok(addr),
        _ => Err(EngineError::NoTransport { transport: kind }),
    }
}

/// The registration machine's settings for `cfg` (already validated) when the local
/// listener is at `local`: addresses, credentials, RFC 5626 instance/reg-id, RFC 8599
/// push parameters and timings. Errors: `InvalidTarget`.
pub(crate) fn registration_config(
    cfg: &AccountConfig,
    local: SocketAddr,
    default_user_agent: &str,
) -> Result<RegistrationConfig, EngineError> {
    let aor = parse_target(&format!("sip:{}@{}", cfg.username, cfg.domain))?;
    let registrar = parse_target(&format!("sip:{}", cfg.domain))?;
    let contact = parse_target(&format!(
        "sip:{}@{};transport={}",
        cfg.username,
        host_port(local),
        token(cfg.transport)
    ))?;
    let mut reg = RegistrationConfig::new(aor, registrar, contact);
    reg.display_name = cfg.display_name.clone();
    reg.expires = cfg.expires;
    if let Some(a) = &cfg.auth_username {
        reg.auth_username = a.clone();
    }
    reg.password = cfg.password.clone();
    reg.user_agent = cfg
        .user_agent
        .clone()
        .unwrap_or_else(|| default_user_agent.to_owned());
    reg.outbound_proxy = cfg
        .outbound_proxy
        .as_deref()
        .map(parse_target)
        .transpose()?;
    reg.instance = cfg.instance_urn();
    reg.reg_id = cfg.reg_id;
    reg.push = cfg.push.as_ref().map(|p| PushParams {
        provider: p.provider.clone(),
        prid: p.prid.clone(),
        param: p.param.clone(),
    });
    if let Some(f) = cfg.refresh_fraction {
        reg.refresh_fraction = f;
    }
    reg.backoff = Backoff {
        base: Duration::from_secs(u64::from(cfg.backoff_base.unwrap_or(DEFAULT_BACKOFF_BASE))),
        max: Duration::from_secs(u64::from(cfg.backoff_max.unwrap_or(DEFAULT_BACKOFF_MAX))),
    };
    Ok(reg)
}

/// Builds the setup for `cfg` (already validated). Errors: `NoTransport`,
/// `Unresolvable` (a server or proxy host name), `InvalidTarget`.
pub(crate) async fn setup(
    cfg: &AccountConfig,
    registry: &TransportRegistry,
    default_user_agent: &str,
) -> Result<Setup, EngineError> {
    let server = parse_target(&server_uri(cfg))?;
    let proxy = cfg
        .outbound_proxy
        .as_deref()
        .map(parse_target)
        .transpose()?;
    let target = resolve(proxy.as_ref().unwrap_or(&server))?;
    let local = local_addr(registry, cfg.transport).await?;
    let reg = registration_config(cfg, local, default_user_agent)?;
    Ok(Setup { reg, target, local })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_uri_has_port_and_transport() {
        let mut cfg = AccountConfig::from_toml(
            "server = \"10.0.0.1\"\ndomain = \"example.com\"\nusername = \"alice\"\n",
        )
        .unwrap();
        assert_eq!(server_uri(&cfg), "sip:10.0.0.1:5060;transport=udp");
        cfg.transport = TransportKind::Tls;
        cfg.port = Some(6000);
        assert_eq!(server_uri(&cfg), "sip:10.0.0.1:6000;transport=tls");
        let t = resolve(&parse_target(&server_uri(&cfg)).unwrap()).unwrap();
        assert_eq!(t.kind, TransportKind::Tls);
        assert_eq!(t.addr, "10.0.0.1:6000".parse().unwrap());
    }

    #[test]
    fn registration_config_carries_outbound_and_push_parameters() {
        let cfg = AccountConfig::from_toml(
            "server = \"10.0.0.1\"\ndomain = \"example.com\"\nusername = \"alice\"\n\
             instance_id = \"F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6\"\nreg_id = 2\n\
             refresh_fraction = 0.8\nbackoff_base = 5\nbackoff_max = 60\n\
             push = { provider = \"apns\", prid = \"00fc13adff78512\", param = \"DEF.com.example.voip\" }\n",
        )
        .unwrap();
        let local: SocketAddr = "127.0.0.1:5070".parse().unwrap();
        let reg = registration_config(&cfg, local, "sb-test").unwrap();
        assert_eq!(
            reg.instance.as_deref(),
            Some("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>")
        );
        assert_eq!(reg.reg_id, Some(2));
        assert_eq!(
            reg.push,
            Some(PushParams {
                provider: "apns".into(),
                prid: "00fc13adff78512".into(),
                param: Some("DEF.com.example.voip".into()),
            })
        );
        assert_eq!(reg.refresh_fraction, 0.8);
        assert_eq!(reg.backoff.base, Duration::from_secs(5));
        assert_eq!(reg.backoff.max, Duration::from_secs(60));
        assert_eq!(reg.user_agent, "sb-test");
        assert_eq!(reg.contact.port, Some(5070));
        assert_eq!(reg.aor.user.as_deref(), Some("alice"));
    }

    #[test]
    fn registration_config_defaults_leave_outbound_and_push_off() {
        let cfg = AccountConfig::from_toml(
            "server = \"10.0.0.1\"\ndomain = \"example.com\"\nusername = \"alice\"\n",
        )
        .unwrap();
        let reg = registration_config(&cfg, "[::1]:5060".parse().unwrap(), "sb").unwrap();
        assert_eq!(reg.instance, None);
        assert_eq!(reg.reg_id, None);
        assert_eq!(reg.push, None);
        assert_eq!(reg.refresh_fraction, 0.5);
        assert_eq!(reg.backoff, Backoff::default());
    }
}
