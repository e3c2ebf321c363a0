//! The stream transport over an in-memory network (tokio duplex pipes) with paused time:
//! the shape the simulator plugs in, and a deterministic idle-timeout test.

use super::*;
use crate::transport::net::{BoxFuture, StreamConn, TcpListener, UdpSocket};
use ractor::Actor;
use std::collections::HashMap;
use std::io;
use std::sync::Mutex;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc::{unbounded_channel as channel, UnboundedReceiver, UnboundedSender};

/// Listeners by address; connecting makes a duplex pipe and hands one end to the listener.
#[derive(Default)]
struct Pipes {
    listeners: Mutex<HashMap<SocketAddr, UnboundedSender<StreamConn>>>,
}

struct PipeListener {
    addr: SocketAddr,
    incoming: tokio::sync::Mutex<UnboundedReceiver<StreamConn>>,
}

impl TcpListener for PipeListener {
    fn accept(&self) -> BoxFuture<'_, io::Result<StreamConn>> {
        Box::pin(async move {
            let next = self.incoming.lock().await.recv().await;
            next.ok_or_else(|| io::Error::other("network gone"))
        })
    }
    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.addr)
    }
}

impl Network for Pipes {
    fn bind_udp(&self, _: SocketAddr) -> BoxFuture<'_, io::Result<Arc<dyn UdpSocket>>> {
        Box::pin(async { Err(io::Error::from(io::ErrorKind::Unsupported)) })
    }
    fn listen_tcp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<Arc<dyn TcpListener>>> {
        let (tx, rx) = channel();
        self.listeners.lock().unwrap().insert(addr, tx);
        let incoming = tokio::sync::Mutex::new(rx);
        Box::pin(
            async move { Ok(Arc::new(PipeListener { addr, incoming }) as Arc<dyn TcpListener>) },
        )
    }
    fn connect_tcp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<StreamConn>> {
        let listener = self.listeners.lock().unwrap().get(&addr).cloned();
        Box::pin(async move {
            let listener = listener.ok_or(io::Error::from(io::ErrorKind::ConnectionRefused))?;
            let (ours, theirs) = tokio::io::duplex(64 * 1024);
            let client: SocketAddr = ([10, 0, 0, 2], 40000).into();
            let accepted = StreamConn {
                stream: Box::new(theirs),
                local: addr,
                remote: client,
            };
            listener
                .send(accepted)
                .map_err(|_| io::Error::from(io::ErrorKind::ConnectionRefused))?;
            Ok(StreamConn {
                stream: Box::new(ours),
                local: client,
                remote: addr,
            })
        })
    }
}

#[tokio::test(start_paused = true)]
async fn idle_timeout_on_a_virtual_network_with_paused_time() {
    let pipes = Arc::new(Pipes::default());
    let server_addr: SocketAddr = ([10, 0, 0, 1], 5060).into();
    let (sink, mut events) = sink();
    let mut args = StreamArgs::tcp(pipes.clone(), Some(server_addr), sink);
    let idle = Duration::from_secs(30);
    args.options.idle_timeout = idle;
    let server = Actor::spawn(None, StreamTransport, args).await.unwrap().0;
    assert_eq!(local_addr(&server).await, server_addr);

    let mut client = pipes.connect_tcp(server_addr).await.unwrap();
    let start = tokio::time::Instant::now();
    let req = request("OPTIONS", "");
    client.stream.write_all(&req).await.unwrap();
    let got = next_inbound(&mut events).await;
    assert_eq!((got.bytes, got.flow.remote), (req, client.local));

    // Activity at 20 s pushes the deadline to 50 s.
    tokio::time::sleep(Duration::from_secs(20)).await;
    client.stream.write_all(b"\r\n\r\n").await.unwrap();
    // Paused time: the helper's 10 s limit would fire first, so wait up to 120 s here.
    let event = tokio::time::timeout(Duration::from_secs(120), events.recv()).await;
    match event.expect("no close within 120 s").expect("sink closed") {
        TransportEvent::ConnectionClosed {
            reason: TransportError::Idle,
            flow,
        } => {
            assert_eq!(flow.remote, client.local);
        }
        other => panic!("expected an idle close, got {other:?}"),
    }
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_secs(50), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(51), "{elapsed:?}");
    assert_eq!(connection_count(&server).await, 0);
}
