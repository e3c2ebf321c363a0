//! The real transports: a [`TransportSpawner`] that opens each configured listener with
//! `switchboard_actors::transport` over a [`Network`] (real tokio sockets by default; the
//! simulator passes its virtual network).

use crate::children::{SpawnedTransport, TransportContext, TransportSpawner};
use crate::error::EngineError;
use futures::future::BoxFuture;
use ractor::{Actor, ActorCell, ActorRef};
use std::sync::Arc;
use switchboard_actors::transport::{
    ConnIds, Network, PemSource, StreamArgs, StreamTransport, TlsConfig, TokioNetwork,
    TransportMsg, TrustStore, UdpArgs, UdpTransport,
};
use switchboard_actors::vocab::TransportKind;

/// Opens listeners on a [`Network`].
pub struct SocketTransports {
    network: Arc<dyn Network>,
    conn_ids: ConnIds,
}

impl SocketTransports {
    /// Listeners on `network`.
    pub fn new(network: Arc<dyn Network>) -> SocketTransports {
        SocketTransports {
            network,
            conn_ids: ConnIds::new(),
        }
    }

    /// Listeners on the machine's real sockets.
    pub fn tokio() -> SocketTransports {
        SocketTransports::new(TokioNetwork::shared())
    }
}

fn bind_error(ctx: &TransportContext, err: impl std::fmt::Display) -> EngineError {
    EngineError::Bind {
        transport: ctx.listener.transport,
        addr: ctx.listener.addr,
        source: std::io::Error::other(err.to_string()),
    }
}

impl TransportSpawner for SocketTransports {
    fn network(&self) -> Option<Arc<dyn Network>> {
        Some(self.network.clone())
    }

    fn spawn(
        &self,
        ctx: TransportContext,
        supervisor: ActorCell,
    ) -> BoxFuture<'static, Result<SpawnedTransport, EngineError>> {
        let network = self.network.clone();
        let conn_ids = self.conn_ids.clone();
        Box::pin(async move {
            let addr = ctx.listener.addr;
            let sink = ctx.sink.clone();
            let actor: ActorRef<TransportMsg> = match ctx.listener.transport {
                TransportKind::Udp => {
                    let args = UdpArgs {
                        network,
                        bind: addr,
                        sink,
                    };
                    Actor::spawn_linked(None, UdpTransport, args, supervisor)
                        .await
                        .map_err(|e| bind_error(&ctx, e))?
                        .0
                }
                TransportKind::Tcp => {
                    let mut args = StreamArgs::tcp(network, Some(addr), sink);
                    args.conn_ids = conn_ids;
                    Actor::spawn_linked(None, StreamTransport, args, supervisor)
                        .await
                        .map_err(|e| bind_error(&ctx, e))?
                        .0
                }
                TransportKind::Tls => {
                    let files = ctx.listener.tls.clone().ok_or_else(|| {
                        bind_error(&ctx, "TLS listener without certificate and key")
                    })?;
                    let tls = TlsConfig {
                        cert_chain: Some(PemSource::File(files.cert_path.clone())),
                        key: Some(PemSource::File(files.key_path.clone())),
                        trust: TrustStore::WebpkiRoots,
                    }
                    .build()
                    .map_err(|source| EngineError::Tls {
                        path: files.cert_path.clone(),
                        source: std::io::Error::other(source.to_string()),
                    })?;
                    let mut args = StreamArgs::tls(network, Some(addr), tls, sink);
                    args.conn_ids = conn_ids;
                    Actor::spawn_linked(None, StreamTransport, args, supervisor)
                        .await
                        .map_err(|e| bind_error(&ctx, e))?
                        .0
                }
            };
            let local_addr = ractor::call!(actor, TransportMsg::LocalAddr)
                .ok()
                .flatten()
                .unwrap_or(addr);
            ctx.registry
                .set(ctx.index, ctx.listener.transport, actor.clone());
            Ok(SpawnedTransport {
                cell: actor.get_cell(),
                local_addr,
            })
        })
    }
}
