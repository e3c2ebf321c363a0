//! The supervisor's side of network changes (see [`crate::netwatch`]): the periodic
//! check, re-binding a listener whose address went away, and telling the accounts and
//! the UA core.

use crate::events::Event;
use crate::lifecycle::EngineState;
use crate::netwatch::{address_gone, replacement, Relocation};
use crate::registration::AccountMsg;
use crate::supervisor::SupervisorMsg;
use crate::supervisor_state::SupervisorState;
use crate::ua::UaMsg;
use ractor::ActorRef;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use switchboard_actors::transport::net::{Network, TokioNetwork};

/// How long the calls' re-INVITEs wait for the accounts' re-registrations.
const REREGISTER_WAIT: Duration = Duration::from_secs(4);

impl SupervisorState {
    /// Arms the next periodic check (none when `check_interval_secs` is 0).
    pub(crate) fn watch_network(&self, myself: &ActorRef<SupervisorMsg>) {
        let secs = self.cfg.network.check_interval_secs;
        if secs > 0 {
            let every = Duration::from_secs(u64::from(secs));
            myself.send_after(every, || SupervisorMsg::CheckNetwork(None));
        }
    }

    /// The network the transports (and media, and the address checks) run on.
    pub(crate) fn network(&self) -> Arc<dyn Network> {
        self.spawner
            .as_ref()
            .and_then(|s| s.network())
            .unwrap_or_else(TokioNetwork::shared)
    }

    /// Checks every listener's address; moves those whose address is gone. Returns
    /// what moved (empty outside Running/Paused).
    pub(crate) async fn check_network(&mut self, myself: &ActorRef<SupervisorMsg>) -> Relocation {
        let mut moved = Relocation::default();
        if !matches!(
            self.lifecycle.state(),
            EngineState::Running | EngineState::Paused
        ) {
            return moved;
        }
        let network = self.network();
        let mut toward: Option<Vec<SocketAddr>> = None;
        for index in 0..self.transports.len() {
            let Some(old) = self.transports.get(index).and_then(|t| t.bound) else {
                continue;
            };
            if !address_gone(network.as_ref(), old.ip()).await {
                continue;
            }
            if toward.is_none() {
                toward = Some(self.servers().await);
            }
            let servers = toward.as_deref().unwrap_or_default();
            let Some(ip) = replacement(network.as_ref(), servers, old.ip()).await else {
                tracing::warn!(parent: &self.span, %old, "listener's address is gone and no new one routes to the servers");
                continue;
            };
            if let Some(new) = self.move_listener(myself, index, ip).await {
                moved.moves.push((old, new));
            }
        }
        if let (false, Some(stack)) = (moved.moves.is_empty(), &self.stack) {
            // Accounts first, calls once the re-registrations settled (as PJSIP's IP
            // change does): a proxy that routes or admits by the registered Contact
            // then knows the new address before the re-INVITEs reach it.
            let accounts = self.accounts.clone();
            let (ua, calls) = (stack.ua.clone(), moved.clone());
            tokio::spawn(async move {
                let registered =
                    (accounts.iter()).map(|a| a.call(AccountMsg::Relocated, Some(REREGISTER_WAIT)));
                futures::future::join_all(registered).await;
                let _ = ua.cast(UaMsg::Relocated(calls));
            });
        }
        moved
    }

    /// Where the accounts send their REGISTERs: the destinations whose route tells the
    /// host's new address.
    async fn servers(&self) -> Vec<SocketAddr> {
        let mut out = Vec::new();
        for account in &self.accounts {
            if let Ok(ractor::rpc::CallResult::Success(addr)) =
                account.call(AccountMsg::Server, None).await
            {
                out.push(addr);
            }
        }
        out
    }

    /// Stops listener `index`'s transport and binds it again on `ip` (the same port
    /// unless the config says 0); its new address, or `None` when it could not be
    /// bound (it is then restarted as after a failure).
    async fn move_listener(
        &mut self,
        myself: &ActorRef<SupervisorMsg>,
        index: usize,
        ip: IpAddr,
    ) -> Option<SocketAddr> {
        let slot = self.transports.get_mut(index)?;
        let old = slot.bound.take()?;
        if let Some(cell) = slot.cell.take() {
            // Not a failure: forgotten first, so its end restarts nothing.
            self.children.remove(&cell.get_id());
            cell.stop(Some("network change".into()));
        }
        if let Some(stack) = &self.stack {
            stack.registry.clear(index);
        }
        let listener = self.cfg.listeners.get_mut(index)?;
        listener.addr = SocketAddr::new(ip, listener.addr.port());
        let transport = listener.transport;
        if let Err(e) = self.spawn_transport(myself, index).await {
            self.transport_failed(myself, index, e.to_string());
            return None;
        }
        let new = self.transports.get(index).and_then(|t| t.bound)?;
        tracing::info!(parent: &self.span, %old, %new, "listener moved (network change)");
        self.events.emit(Event::NetworkChanged {
            transport,
            from: old,
            to: new,
        });
        Some(new)
    }
}
