//! Building a run's world from its scenario: hosts and links on the virtual network, the
//! engines under test (real `switchboard::Engine`s on it), the peers in their shells —
//! and taking it down again at the end, with the leak checks.

use super::calls::CallBook;
use super::invariants::Violation;
use super::peer_shell::PeerShell;
use super::signals::{deliver_app_signals, forward_events};
use super::WorldError;
use crate::net::{LinkConfig, NatConfig, SimNet};
use crate::peers::{self, Peer, PeerCommand, PeerContext, PeerKind};
use crate::scenario::{default_media, LinkSpec, Scenario};
use crate::trace::Trace;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use switchboard::{Account, AccountConfig, Engine, EngineConfig, EngineState, SocketTransports};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How long the end of a run waits for transactions still in flight to end by their
/// own timers (64 × T1 with the default T1, plus Timer K's T4 and a margin).
const GRACE: std::time::Duration = std::time::Duration::from_secs(70);

/// A running world.
pub(crate) struct World {
    pub(crate) net: SimNet,
    pub(crate) engines: BTreeMap<String, Arc<Engine>>,
    /// Each user's account, when its `[[user]]` has an `account` table.
    pub(crate) accounts: BTreeMap<String, Account>,
    pub(crate) peers: BTreeMap<String, mpsc::UnboundedSender<PeerCommand>>,
    pub(crate) directory: BTreeMap<String, SocketAddr>,
    pub(crate) defaults: LinkConfig,
    /// The scenario's links, for `set_link` faults (fields they leave out keep the
    /// pair's configured values).
    pub(crate) network: crate::scenario::NetworkSpec,
    shells: Vec<(String, JoinHandle<std::io::Result<()>>)>,
    forwarders: Vec<JoinHandle<()>>,
    pub(crate) actions: std::sync::Mutex<Vec<JoinHandle<()>>>,
    /// Each user's live calls, for the call actions.
    pub(crate) calls: CallBook,
}

/// `spec` laid over the simulator's link defaults.
pub(crate) fn link_config(base: &LinkConfig, spec: &LinkSpec) -> LinkConfig {
    LinkConfig {
        latency: spec.latency.map_or(base.latency, |d| d.0),
        jitter: spec.jitter.map_or(base.jitter, |d| d.0),
        loss: spec.loss.unwrap_or(base.loss),
        duplicate: spec.duplicate.unwrap_or(base.duplicate),
        reorder: spec.reorder.unwrap_or(base.reorder),
        bandwidth_bps: spec.bandwidth.or(base.bandwidth_bps),
        queue_limit: spec.queue_limit.unwrap_or(base.queue_limit),
        tcp_timeout: spec.tcp_timeout.map_or(base.tcp_timeout, |d| d.0),
    }
}

impl World {
    pub(crate) async fn build(
        scenario: &Scenario,
        seed: u64,
        epoch: Instant,
        trace: Trace,
    ) -> Result<World, WorldError> {
        let fail = |reason: String| WorldError::Build {
            file: scenario.file.clone(),
            reason,
        };
        let mut master = ChaCha8Rng::seed_from_u64(seed);
        let defaults = link_config(&LinkConfig::default(), &scenario.network.defaults);
        let net = SimNet::new(epoch, fork(&mut master), trace.clone(), defaults.clone());
        let mut directory = BTreeMap::new();
        for user in &scenario.users {
            net.add_host(&user.name, user.address)
                .map_err(|e| fail(e.to_string()))?;
            if let Some(nat) = &user.nat {
                let cfg = NatConfig {
                    public_ip: nat.public,
                    binding_timeout: nat.binding_timeout.0,
                };
                net.set_nat(&user.name, cfg)
                    .map_err(|e| fail(e.to_string()))?;
            }
            let port = user.listen.first().map_or(5060, |(_, p)| *p);
            directory.insert(user.name.clone(), SocketAddr::new(user.address, port));
        }
        for peer in &scenario.peers {
            if let Some(addr) = peer.address {
                net.add_host(&peer.name, addr.ip())
                    .map_err(|e| fail(e.to_string()))?;
                directory.insert(peer.name.clone(), addr);
            }
        }
        for link in &scenario.network.links {
            let [a, b] = &link.between;
            let cfg = link_config(&defaults, &scenario.network.link(a, b));
            net.set_link(a, b, cfg).map_err(|e| fail(e.to_string()))?;
        }
        let mut engines = BTreeMap::new();
        let mut accounts = BTreeMap::new();
        let mut forwarders = Vec::new();
        let calls = CallBook::default();
        for user in &scenario.users {
            let mut cfg = EngineConfig::builder().seed(master.next_u64());
            for (kind, port) in &user.listen {
                cfg = cfg.listen(*kind, SocketAddr::new(user.address, *port));
            }
            if let Some(t) = &user.timers {
                let ms = |d: Option<crate::time::SimDuration>, default: u64| {
                    d.map_or(default, |d| {
                        u64::try_from(d.0.as_millis()).unwrap_or(u64::MAX)
                    })
                };
                cfg = cfg.timers(ms(t.t1, 500), ms(t.t2, 4000), ms(t.t4, 5000));
            }
            let mut cfg = cfg
                .build()
                .map_err(|e| fail(format!("user `{}`: {e}", user.name)))?;
            if let Some(network) = user.network {
                cfg.network = network;
            }
            cfg.media = user.media.clone().unwrap_or_else(default_media);
            cfg.validate()
                .map_err(|e| fail(format!("user `{}` media: {e}", user.name)))?;
            if let Some(calls) = user.calls {
                cfg.calls = calls;
                cfg.validate()
                    .map_err(|e| fail(format!("user `{}` calls: {e}", user.name)))?;
            }
            let network = net.network(&user.name).map_err(|e| fail(e.to_string()))?;
            let mut builder = Engine::builder()
                .config(cfg)
                .clock(Arc::new(SimWallClock { epoch }))
                .transports(Arc::new(SocketTransports::new(network)));
            let events = builder.subscribe();
            forwarders.push(tokio::spawn(forward_events(
                user.name.clone(),
                events,
                trace.clone(),
                epoch,
                calls.clone(),
            )));
            let engine = builder
                .start()
                .await
                .map_err(|e| fail(format!("user `{}` did not start: {e}", user.name)))?;
            if let Some(table) = &user.account {
                let cfg = account_config(table, &directory)
                    .map_err(|e| fail(format!("user `{}` account: {e}", user.name)))?;
                let account = engine
                    .add_account(cfg)
                    .await
                    .map_err(|e| fail(format!("user `{}` account: {e}", user.name)))?;
                accounts.insert(user.name.clone(), account);
            }
            engines.insert(user.name.clone(), Arc::new(engine));
        }
        let (app_tx, app_rx) = mpsc::unbounded_channel();
        // Ends when the last peer shell (holding a sender) ends, before the forwarders
        // are awaited in `finish`.
        forwarders.push(tokio::spawn(deliver_app_signals(
            app_rx,
            engines.clone(),
            trace.clone(),
            epoch,
        )));
        let mut peers = BTreeMap::new();
        let mut shells = Vec::new();
        for spec in &scenario.peers {
            let local = spec
                .address
                .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
            let ctx = PeerContext {
                name: spec.name.clone(),
                local,
                transports: spec.transports.clone(),
                directory: directory.clone(),
                rng: fork(&mut master),
            };
            let machine = new_peer(&spec.kind, ctx)
                .map_err(|e| fail(format!("peer `{}`: {e}", spec.name)))?;
            let net_handle = match spec.address {
                Some(_) => Some(net.network(&spec.name).map_err(|e| fail(e.to_string()))?),
                None => None,
            };
            let shell = PeerShell {
                name: spec.name.clone(),
                net: net_handle,
                local,
                transports: spec.transports.clone(),
                trace: trace.clone(),
                epoch,
                app: app_tx.clone(),
            };
            let (tx, rx) = mpsc::unbounded_channel();
            shells.push((spec.name.clone(), tokio::spawn(shell.run(machine, rx))));
            peers.insert(spec.name.clone(), tx);
        }
        Ok(World {
            net,
            engines,
            accounts,
            peers,
            directory,
            defaults,
            network: scenario.network.clone(),
            shells,
            forwarders,
            actions: std::sync::Mutex::new(Vec::new()),
            calls,
        })
    }

    /// Tells every peer the run's duration is over (start nothing new).
    pub(crate) fn quiesce(&self) {
        for tx in self.peers.values() {
            let _ = tx.send(PeerCommand::Quiesce);
        }
    }

    /// Whether any running engine still has transactions or requests in flight.
    async fn busy(&self) -> bool {
        for engine in self.engines.values() {
            if engine.state() == EngineState::Stopped {
                continue;
            }
            if let Ok(s) = engine.stats().await {
                if s.transactions > 0 || s.pending_requests > 0 {
                    return true;
                }
            }
        }
        false
    }

    /// Ends the run: checks that nothing is left in flight, shuts everything down and
    /// checks that nothing leaked.
    pub(crate) async fn finish(self, _trace: &Trace) -> Vec<Violation> {
        let mut violations = Vec::new();
        let actions = std::mem::take(&mut *self.actions.lock().unwrap_or_else(|e| e.into_inner()));
        for action in actions {
            if action.is_finished() {
                let _ = action.await;
            } else {
                action.abort();
                violations.push(Violation::ActionStuck);
            }
        }
        // A request that arrived near the end legitimately keeps its transaction for up
        // to 64*T1 (Timer J/H/F); wait that long, no longer, for everything to end.
        let grace_end = Instant::now() + GRACE;
        while Instant::now() < grace_end && self.busy().await {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        for (user, engine) in &self.engines {
            if engine.state() == EngineState::Stopped {
                continue;
            }
            match engine.stats().await {
                Ok(stats) if stats.transactions > 0 || stats.pending_requests > 0 => violations
                    .push(Violation::LeftInFlight {
                        user: user.clone(),
                        transactions: stats.transactions,
                        requests: stats.pending_requests,
                    }),
                Ok(_) => {}
                Err(e) => violations.push(Violation::EngineGone {
                    user: user.clone(),
                    error: e.to_string(),
                }),
            }
            if let Err(e) = engine.shutdown().await {
                violations.push(Violation::EngineGone {
                    user: user.clone(),
                    error: e.to_string(),
                });
            }
        }
        drop(self.engines);
        drop(self.peers);
        for (peer, shell) in self.shells {
            match shell.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => violations.push(Violation::PeerFailed {
                    peer,
                    error: e.to_string(),
                }),
                Err(e) => violations.push(Violation::PeerFailed {
                    peer,
                    error: e.to_string(),
                }),
            }
        }
        for forwarder in self.forwarders {
            let _ = forwarder.await;
        }
        // Let closing connections (a lost FIN is retransmitted with backoff) and stopping
        // actors finish on the simulated clock.
        tokio::time::sleep(std::time::Duration::from_secs(10)).await;
        let sockets = self.net.bound_sockets();
        let connections = self.net.open_connections();
        if sockets > 0 || connections > 0 {
            violations.push(Violation::NetLeak {
                sockets,
                connections,
            });
        }
        drop(self.net);
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let tasks = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        if tasks > 0 {
            violations.push(Violation::TasksLeaked { tasks });
        }
        violations
    }
}

/// A user's `account` table as an [`AccountConfig`]; `server` may name a peer of the
/// scenario (its IP and port are filled in).
fn account_config(
    table: &toml::Table,
    directory: &BTreeMap<String, SocketAddr>,
) -> Result<AccountConfig, String> {
    let mut table = table.clone();
    let named = table
        .get("server")
        .and_then(|v| v.as_str())
        .and_then(|name| directory.get(name))
        .copied();
    if let Some(addr) = named {
        table.insert("server".into(), toml::Value::String(addr.ip().to_string()));
        table
            .entry("port")
            .or_insert(toml::Value::Integer(i64::from(addr.port())));
    }
    let cfg: AccountConfig = table.try_into().map_err(|e| e.to_string())?;
    cfg.validate().map_err(|e| e.to_string())?;
    Ok(cfg)
}

/// A fresh RNG seeded from the run's master RNG (forks are drawn in a fixed order).
fn fork(master: &mut ChaCha8Rng) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(master.next_u64())
}

fn new_peer(
    kind: &PeerKind,
    ctx: PeerContext,
) -> Result<Box<dyn Peer>, Box<dyn std::error::Error>> {
    Ok(match kind {
        PeerKind::Ua(cfg) => Box::new(peers::Ua::new(cfg, ctx)?),
        PeerKind::Gateway(cfg) => Box::new(peers::Gateway::new(cfg, ctx)?),
        PeerKind::Registrar(cfg) => Box::new(peers::Registrar::new(cfg, ctx)?),
        PeerKind::Push(cfg) => Box::new(peers::PushBackend::new(cfg, ctx)?),
        PeerKind::Radio(cfg) => Box::new(peers::Radio::new(cfg, ctx)?),
    })
}

/// The engines' wall clock in a run: a fixed date (2026-01-01T00:00:00Z) plus the
/// virtual time since the run began, so call records are the same on every replay.
struct SimWallClock {
    epoch: Instant,
}

/// 2026-01-01T00:00:00Z, in seconds since the Unix epoch.
const SIM_DATE_SECS: u64 = 1_767_225_600;

impl switchboard::WallClock for SimWallClock {
    fn now(&self) -> std::time::SystemTime {
        let since = Instant::now().saturating_duration_since(self.epoch); // clock-ok: tokio time, paused
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(SIM_DATE_SECS) + since
    }
}
