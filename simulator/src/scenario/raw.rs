//! The scenario file exactly as TOML has it, with the spans semantic checks need.
//! Every table refuses unknown fields. [`super::validate`] turns this into the typed
//! [`super::Scenario`].

use super::actions::{Action, Fault};
use super::matcher::Matcher;
use super::schema::{probability, LinkOverride, LinkSpec, NatSpec, TimerSpec};
use crate::peers::{
    GatewayConfig, PeerCommand, PushConfig, RadioConfig, RegistrarConfig, UaConfig,
};
use crate::time::SimDuration;
use serde::{de, Deserialize, Deserializer};
use std::net::{IpAddr, SocketAddr};
use switchboard_actors::vocab::TransportKind;
use toml::Spanned;

/// The whole file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub duration: Spanned<SimDuration>,
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub pending: Option<String>,
    #[serde(default)]
    pub settle: Option<SimDuration>,
    #[serde(default)]
    pub network: Option<RawNetwork>,
    #[serde(default)]
    pub user: Vec<Spanned<RawUser>>,
    #[serde(default)]
    pub peer: Vec<Spanned<RawPeer>>,
    #[serde(default)]
    pub step: Vec<Spanned<RawStep>>,
    #[serde(default)]
    pub expect: Vec<Spanned<RawExpect>>,
}

/// Writes a struct with every [`LinkSpec`] field plus `$extra` fields.
macro_rules! with_link_fields {
    ($name:ident { $($extra:tt)* }) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct $name {
            $($extra)*
            #[serde(default)]
            latency: Option<SimDuration>,
            #[serde(default)]
            jitter: Option<SimDuration>,
            #[serde(default, deserialize_with = "probability")]
            loss: Option<f64>,
            #[serde(default, deserialize_with = "probability")]
            duplicate: Option<f64>,
            #[serde(default, deserialize_with = "probability")]
            reorder: Option<f64>,
            #[serde(default)]
            bandwidth: Option<u64>,
            #[serde(default)]
            queue_limit: Option<usize>,
            #[serde(default)]
            tcp_timeout: Option<SimDuration>,
        }

        impl $name {
            fn link_spec(&self) -> LinkSpec {
                LinkSpec {
                    latency: self.latency,
                    jitter: self.jitter,
                    loss: self.loss,
                    duplicate: self.duplicate,
                    reorder: self.reorder,
                    bandwidth: self.bandwidth,
                    queue_limit: self.queue_limit,
                    tcp_timeout: self.tcp_timeout,
                }
            }
        }
    };
}

with_link_fields!(RawNetwork {
    #[serde(default)]
    pub link: Vec<Spanned<LinkOverride>>,
});

with_link_fields!(RawLink {
    between: [String; 2],
});

impl RawNetwork {
    /// The `[network]` table's own fields: the defaults for every link.
    pub fn defaults(&self) -> LinkSpec {
        self.link_spec()
    }
}

impl From<RawLink> for LinkOverride {
    fn from(raw: RawLink) -> LinkOverride {
        let link = raw.link_spec();
        LinkOverride {
            between: raw.between,
            link,
        }
    }
}

/// `[[user]]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUser {
    pub name: Spanned<String>,
    pub address: Spanned<IpAddr>,
    #[serde(default)]
    pub listen: Option<Spanned<Vec<Listen>>>,
    #[serde(default)]
    pub nat: Option<Spanned<NatSpec>>,
    #[serde(default)]
    pub timers: Option<Spanned<TimerSpec>>,
    #[serde(default)]
    pub account: Option<toml::Table>,
    #[serde(default)]
    pub calls: Option<switchboard::CallsConfig>,
    #[serde(default)]
    pub network: Option<switchboard::NetworkSettings>,
    #[serde(default)]
    pub media: Option<Spanned<switchboard::MediaSettings>>,
}

/// `[[peer]]`: exactly one of the kind keys is set (checked in validation).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPeer {
    pub name: Spanned<String>,
    #[serde(default)]
    pub address: Option<Spanned<SocketAddr>>,
    #[serde(default)]
    pub transports: Option<Spanned<Vec<Transport>>>,
    #[serde(default)]
    pub ua: Option<Spanned<UaConfig>>,
    #[serde(default)]
    pub registrar: Option<Spanned<RegistrarConfig>>,
    #[serde(default)]
    pub gateway: Option<Spanned<GatewayConfig>>,
    #[serde(default)]
    pub push: Option<Spanned<PushConfig>>,
    #[serde(default)]
    pub radio: Option<Spanned<RadioConfig>>,
}

/// `[[step]]`: exactly one of action / command / fault (checked in validation).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStep {
    pub at: Spanned<SimDuration>,
    #[serde(default)]
    pub user: Option<Spanned<String>>,
    #[serde(default)]
    pub peer: Option<Spanned<String>>,
    #[serde(default)]
    pub action: Option<Spanned<Action>>,
    #[serde(default)]
    pub command: Option<Spanned<PeerCommand>>,
    #[serde(default)]
    pub fault: Option<Spanned<Fault>>,
}

/// `[[expect]]`: exactly one of sequence / count / never / state.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpect {
    #[serde(default)]
    pub sequence: Option<Spanned<Vec<Matcher>>>,
    #[serde(default)]
    pub count: Option<Spanned<Matcher>>,
    #[serde(default)]
    pub min: Option<Spanned<u64>>,
    #[serde(default)]
    pub max: Option<Spanned<u64>>,
    #[serde(default)]
    pub never: Option<Spanned<Matcher>>,
    #[serde(default)]
    pub state: Option<Spanned<RawState>>,
    #[serde(default)]
    pub at: Option<Spanned<SimDuration>>,
    #[serde(default)]
    pub within: Option<Spanned<[SimDuration; 2]>>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `state = { user = "alice", engine = "running", registered = true }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawState {
    pub user: Spanned<String>,
    #[serde(default)]
    pub engine: Option<Spanned<String>>,
    #[serde(default)]
    pub registered: Option<bool>,
}

/// `"udp"`, `"tcp"` or `"tls"`.
pub(crate) struct Transport(pub TransportKind);

impl<'de> Deserialize<'de> for Transport {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Transport, D::Error> {
        let text = String::deserialize(d)?;
        transport(&text).map(Transport).map_err(de::Error::custom)
    }
}

fn transport(text: &str) -> Result<TransportKind, String> {
    TransportKind::from_via_token(text)
        .ok_or_else(|| format!("unknown transport `{text}`, expected udp, tcp or tls"))
}

/// `"udp:5060"`: a transport and a port.
pub(crate) struct Listen(pub TransportKind, pub u16);

impl<'de> Deserialize<'de> for Listen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Listen, D::Error> {
        let text = String::deserialize(d)?;
        let bad = || format!("`{text}` is not `transport:port`, e.g. \"udp:5060\"");
        let (kind, port) = text
            .split_once(':')
            .ok_or_else(|| de::Error::custom(bad()))?;
        let kind = transport(kind).map_err(de::Error::custom)?;
        let port = port.parse().map_err(|_| de::Error::custom(bad()))?;
        Ok(Listen(kind, port))
    }
}
