//! The typed scenario, as the runner consumes it: hosts, network, steps and expectations.
//! Built from the TOML by [`super::parse`]; every name in it is known to exist and every
//! time lies within the run.

use super::actions::{Action, Fault};
use super::expect::Expect;
use crate::peers::{PeerCommand, PeerKind};
use crate::time::SimDuration;
use serde::{de, Deserialize, Deserializer};
use std::net::{IpAddr, SocketAddr};
use switchboard_actors::vocab::TransportKind;

/// One scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Its name (the verdict table's first column).
    pub name: String,
    /// Free text for the reader.
    pub description: Option<String>,
    /// Simulated time the run lasts (steps happen within it).
    pub duration: SimDuration,
    /// Default seed; the CLI's `--seed` overrides it.
    pub seed: Option<u64>,
    /// When set, the scenario is not run but listed as pending with this reason.
    pub pending: Option<String>,
    /// Extra time after `duration` for transactions to finish before the end-of-run
    /// invariants are checked (default 40 s).
    pub settle: SimDuration,
    /// Link defaults and per-pair overrides.
    pub network: NetworkSpec,
    /// The engines under test.
    pub users: Vec<UserSpec>,
    /// The simulated SIP elements.
    pub peers: Vec<PeerSpec>,
    /// What happens when, sorted (stably) by `at`.
    pub steps: Vec<Step>,
    /// What must be observed.
    pub expects: Vec<Expect>,
    /// The file it came from (as given to the loader).
    pub file: String,
}

impl Scenario {
    /// `duration + settle`: when the run ends.
    pub fn end(&self) -> SimDuration {
        SimDuration(self.duration.0.saturating_add(self.settle.0))
    }

    /// The first step whose action the engine cannot do yet, with the issue it waits
    /// for. The runner refuses to run a non-pending scenario that has one.
    pub fn first_unbuilt_action(&self) -> Option<(&Step, &'static str)> {
        self.steps.iter().find_map(|step| match &step.what {
            StepWhat::Action { action, .. } => action.needs_issue().map(|issue| (step, issue)),
            _ => None,
        })
    }
}

/// Link defaults and overrides.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NetworkSpec {
    /// What every link does unless overridden (`[network]`).
    pub defaults: LinkSpec,
    /// Overrides for one pair of hosts, both directions (`[[network.link]]`).
    pub links: Vec<LinkOverride>,
}

impl NetworkSpec {
    /// The effective link between `a` and `b` (either order): the defaults with the
    /// last matching override laid over them.
    pub fn link(&self, a: &str, b: &str) -> LinkSpec {
        self.links
            .iter()
            .filter(|l| l.connects(a, b))
            .fold(self.defaults.clone(), |acc, l| acc.overlay(&l.link))
    }
}

/// What a link does; `None` leaves the network's default (or the simulator's: no
/// latency, no loss, unlimited bandwidth, 30 s TCP timeout).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// One-way delay.
    #[serde(default)]
    pub latency: Option<SimDuration>,
    /// Uniform extra delay up to this.
    #[serde(default)]
    pub jitter: Option<SimDuration>,
    /// Probability a packet is lost (0–1).
    #[serde(default, deserialize_with = "probability")]
    pub loss: Option<f64>,
    /// Probability a packet is delivered twice (0–1).
    #[serde(default, deserialize_with = "probability")]
    pub duplicate: Option<f64>,
    /// Probability a packet is held back behind the next one (0–1).
    #[serde(default, deserialize_with = "probability")]
    pub reorder: Option<f64>,
    /// Bits per second.
    #[serde(default)]
    pub bandwidth: Option<u64>,
    /// Packets queued behind the bandwidth limit before drops.
    #[serde(default)]
    pub queue_limit: Option<usize>,
    /// How long a TCP connection survives a partition before it breaks.
    #[serde(default)]
    pub tcp_timeout: Option<SimDuration>,
}

impl LinkSpec {
    /// `self` with every field `over` sets replaced.
    pub fn overlay(&self, over: &LinkSpec) -> LinkSpec {
        LinkSpec {
            latency: over.latency.or(self.latency),
            jitter: over.jitter.or(self.jitter),
            loss: over.loss.or(self.loss),
            duplicate: over.duplicate.or(self.duplicate),
            reorder: over.reorder.or(self.reorder),
            bandwidth: over.bandwidth.or(self.bandwidth),
            queue_limit: over.queue_limit.or(self.queue_limit),
            tcp_timeout: over.tcp_timeout.or(self.tcp_timeout),
        }
    }
}

/// A probability in 0..=1, refused otherwise.
pub(crate) fn probability<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let p = f64::deserialize(d)?;
    if (0.0..=1.0).contains(&p) {
        Ok(Some(p))
    } else {
        Err(de::Error::custom(format!(
            "probability {p} is outside 0..1 (write 0.2 for 20%)"
        )))
    }
}

/// A link setting for one pair of hosts (`[[network.link]]`, or a `set_link` fault).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "super::raw::RawLink")]
pub struct LinkOverride {
    /// The two hosts (users or peers), in either order.
    pub between: [String; 2],
    /// What it changes.
    pub link: LinkSpec,
}

impl LinkOverride {
    /// Whether this is the link between `a` and `b` (either order).
    pub fn connects(&self, a: &str, b: &str) -> bool {
        let [x, y] = &self.between;
        (x == a && y == b) || (x == b && y == a)
    }
}

/// An engine under test: one real `switchboard::Engine` on a simulated host.
#[derive(Debug, Clone, PartialEq)]
pub struct UserSpec {
    /// Its name (also its host's name).
    pub name: String,
    /// Its host's IP.
    pub address: IpAddr,
    /// Listeners: transport and port on `address` (default `udp:5060`).
    pub listen: Vec<(TransportKind, u16)>,
    /// A NAT in front of the host.
    pub nat: Option<NatSpec>,
    /// RFC 3261 timer overrides.
    pub timers: Option<TimerSpec>,
    /// Account settings, free-form until the accounts issue defines them.
    pub account: Option<toml::Table>,
    /// The engine's call policies (`EngineConfig.calls`: `call_limit`, `over_limit`,
    /// `cellular`, `ring_timeout_secs`, `single_active`); the engine's defaults when
    /// absent.
    pub calls: Option<switchboard::CallsConfig>,
    /// How the engine watches for network changes (`EngineConfig.network`:
    /// `check_interval_secs`, 0 = only on the `network_changed` action).
    pub network: Option<switchboard::NetworkSettings>,
    /// What its calls offer and accept (`EngineConfig.media`: `codecs`, …); absent,
    /// the simulator's [`default_media`], not the engine's default.
    pub media: Option<switchboard::MediaSettings>,
    /// The line of its `[[user]]` table.
    pub line: usize,
}

/// The media settings of a user without a `media` table: the engine's defaults with
/// `codecs = ["pcmu", "pcma"]`. The engine's own default puts Opus first, and encoding
/// Opus in every call of a 1000-seed sweep would cost minutes of CPU; G.711 is a table
/// lookup. A scenario that wants Opus says so: `media = { codecs = ["opus", "pcmu"] }`.
// `MediaSettings` becomes `#[non_exhaustive]` (no struct literal then): set the field.
#[allow(clippy::field_reassign_with_default)]
pub fn default_media() -> switchboard::MediaSettings {
    let mut m = switchboard::MediaSettings::default();
    m.codecs = vec![switchboard::AudioCodec::Pcmu, switchboard::AudioCodec::Pcma];
    m
}

/// A NAT in front of a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatSpec {
    /// The NAT's public IP.
    pub public: IpAddr,
    /// An idle binding expires after this (default 30 s).
    #[serde(default = "default_binding_timeout")]
    pub binding_timeout: SimDuration,
}

fn default_binding_timeout() -> SimDuration {
    SimDuration::from_secs(30)
}

/// RFC 3261 timer values for an engine; absent ones keep the engine's defaults
/// (T1 500 ms, T2 4 s, T4 5 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimerSpec {
    /// RTT estimate.
    #[serde(default)]
    pub t1: Option<SimDuration>,
    /// Maximum retransmit interval for non-INVITE requests and INVITE responses.
    #[serde(default)]
    pub t2: Option<SimDuration>,
    /// Maximum duration a message remains in the network.
    #[serde(default)]
    pub t4: Option<SimDuration>,
}

/// A simulated SIP element.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerSpec {
    /// Its name (also its host's name).
    pub name: String,
    /// Its SIP address; `None` only for the radio, which is not on the network.
    pub address: Option<SocketAddr>,
    /// Transports it listens on (default `["udp"]` when it has an address).
    pub transports: Vec<TransportKind>,
    /// What it is and how it behaves.
    pub kind: PeerKind,
    /// The line of its `[[peer]]` table.
    pub line: usize,
}

/// Something that happens at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// When, since the start of the run.
    pub at: SimDuration,
    /// The line of its `[[step]]` table.
    pub line: usize,
    /// What.
    pub what: StepWhat,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq)]
pub enum StepWhat {
    /// A user acts through the engine's API.
    Action {
        /// The user.
        user: String,
        /// The action.
        action: Action,
    },
    /// A peer is told to do something.
    Command {
        /// The peer.
        peer: String,
        /// The command.
        command: PeerCommand,
    },
    /// The network changes.
    Fault(Fault),
}
