//! A failed socket fails its transport actor; its supervisor restarts it and `pre_start`
//! binds again. The broken socket comes from a wrapping [`Network`], which also shows a
//! network other than tokio's plugging in.

use super::*;
use crate::transport::net::{BoxFuture, StreamConn, TcpListener, UdpSocket};
use ractor::{Actor, ActorProcessingErr, SupervisionEvent};
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::mpsc::UnboundedSender;

/// Tokio's network, except that the first UDP socket bound fails on its first receive.
#[derive(Default)]
struct FirstSocketBreaks {
    bound: AtomicUsize,
}

struct Broken(Arc<dyn UdpSocket>);

impl UdpSocket for Broken {
    fn send_to<'a>(&'a self, buf: &'a [u8], to: SocketAddr) -> BoxFuture<'a, io::Result<usize>> {
        self.0.send_to(buf, to)
    }
    fn recv_from<'a>(&'a self, _: &'a mut [u8]) -> BoxFuture<'a, io::Result<(usize, SocketAddr)>> {
        Box::pin(async { Err(io::Error::other("socket broken")) })
    }
    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl Network for FirstSocketBreaks {
    fn bind_udp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<Arc<dyn UdpSocket>>> {
        Box::pin(async move {
            let socket = TokioNetwork.bind_udp(addr).await?;
            if self.bound.fetch_add(1, Ordering::SeqCst) == 0 {
                return Ok(Arc::new(Broken(socket)) as Arc<dyn UdpSocket>);
            }
            Ok(socket)
        })
    }
    fn listen_tcp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<Arc<dyn TcpListener>>> {
        TokioNetwork.listen_tcp(addr)
    }
    fn connect_tcp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<StreamConn>> {
        TokioNetwork.connect_tcp(addr)
    }
}

/// Starts a UDP transport and restarts it, with the same arguments, when it fails.
struct Restarter;

struct Restarting {
    args: UdpArgs,
    started: UnboundedSender<ActorRef<TransportMsg>>,
}

impl Restarter {
    async fn start(myself: &ActorRef<()>, state: &Restarting) -> Result<(), ActorProcessingErr> {
        let (child, _) =
            Actor::spawn_linked(None, UdpTransport, state.args.clone(), myself.get_cell()).await?;
        state.started.send(child)?;
        Ok(())
    }
}

impl Actor for Restarter {
    type Msg = ();
    type State = Restarting;
    type Arguments = Restarting;

    async fn pre_start(
        &self,
        _: ActorRef<()>,
        args: Restarting,
    ) -> Result<Restarting, ActorProcessingErr> {
        Ok(args)
    }

    async fn post_start(
        &self,
        myself: ActorRef<()>,
        state: &mut Restarting,
    ) -> Result<(), ActorProcessingErr> {
        Restarter::start(&myself, state).await
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<()>,
        event: SupervisionEvent,
        state: &mut Restarting,
    ) -> Result<(), ActorProcessingErr> {
        if let SupervisionEvent::ActorFailed(..) = event {
            Restarter::start(&myself, state).await?;
        }
        Ok(())
    }
}

#[tokio::test]
async fn failed_udp_socket_is_rebound_by_a_restart() {
    let (sink_b, mut events_b) = sink();
    let (started, mut children) = unbounded_channel();
    let args = UdpArgs {
        network: Arc::new(FirstSocketBreaks::default()),
        bind: loopback(),
        sink: sink_b,
    };
    let (_sup, _) = Actor::spawn(None, Restarter, Restarting { args, started })
        .await
        .unwrap();
    let first = children.recv().await.unwrap();
    let second = tokio::time::timeout(Duration::from_secs(10), children.recv())
        .await
        .expect("not restarted")
        .unwrap();
    assert_ne!(first.get_id(), second.get_id());
    let addr_b = local_addr(&second).await;

    let (sink_a, _events_a) = sink();
    let args = UdpArgs {
        network: TokioNetwork::shared(),
        bind: loopback(),
        sink: sink_a,
    };
    let a = Actor::spawn(None, UdpTransport, args).await.unwrap().0;
    let req = request("OPTIONS", "");
    send(&a, req.clone(), target(TransportKind::Udp, addr_b));
    assert_eq!(next_inbound(&mut events_b).await.bytes, req);
}
