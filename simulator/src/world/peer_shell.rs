//! The shell that puts a sans-IO [`Peer`] on the network: it binds the peer's UDP socket
//! and TCP listener through a [`Network`] (the virtual one), frames TCP streams, feeds the
//! machine with the simulated time, carries out its outputs and arms its one timer.

use crate::peers::{AppSignal, Peer, PeerCommand, PeerInput, PeerOutput};
use crate::trace::{Record, Trace};
use bytes::Bytes;
use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use switchboard_actors::transport::net::{BoxStream, Network, TcpListener, UdpSocket};
use switchboard_actors::transport::{Frame, Framer};
use switchboard_actors::vocab::TransportKind;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// What the shell needs besides the machine.
pub struct PeerShell {
    /// The peer's name (trace lines).
    pub name: String,
    /// The network as the peer's host (`None` for peers off the network: the radio).
    pub net: Option<Arc<dyn Network>>,
    /// The address it binds.
    pub local: SocketAddr,
    /// Transports it serves.
    pub transports: Vec<TransportKind>,
    /// The run's trace.
    pub trace: Trace,
    /// The start of the run.
    pub epoch: Instant,
    /// Signals for the app on a phone (push, cellular), to the world.
    pub app: mpsc::UnboundedSender<(String, AppSignal)>,
}

/// Something for the shell's loop from its helper tasks.
enum Io {
    Message(TransportKind, SocketAddr, Bytes),
    Accepted(BoxStream, SocketAddr),
    SendFailed(TransportKind, SocketAddr),
    Closed(SocketAddr),
}

impl PeerShell {
    /// Runs `peer` until `commands` closes. Binding failures end it with the error.
    pub async fn run(
        self,
        mut peer: Box<dyn Peer>,
        mut commands: mpsc::UnboundedReceiver<PeerCommand>,
    ) -> io::Result<()> {
        let (io_tx, mut io_rx) = mpsc::unbounded_channel();
        let mut tasks = JoinSet::new();
        let mut udp = None;
        if let Some(net) = &self.net {
            if self.transports.contains(&TransportKind::Udp) {
                let socket = net.bind_udp(self.local).await?;
                tasks.spawn(read_udp(socket.clone(), io_tx.clone()));
                udp = Some(socket);
            }
            if self.transports.contains(&TransportKind::Tcp) {
                let listener = net.listen_tcp(self.local).await?;
                tasks.spawn(accept_tcp(listener, io_tx.clone()));
            }
        }
        let mut conns: BTreeMap<SocketAddr, mpsc::UnboundedSender<Bytes>> = BTreeMap::new();
        let now = |epoch: Instant| Instant::now().saturating_duration_since(epoch);
        // Drive the machine once at t=0 so scripted starts (a REGISTER) happen.
        peer.handle_timeout(now(self.epoch));
        loop {
            self.drain(&mut *peer, udp.as_deref(), &mut conns, &mut tasks, &io_tx)
                .await;
            let deadline = peer.poll_timeout().map(|d| self.epoch + d);
            tokio::select! {
                biased;
                cmd = commands.recv() => match cmd {
                    Some(cmd) => peer.handle(now(self.epoch), PeerInput::Command(cmd)),
                    None => break,
                },
                Some(io) = io_rx.recv() => match io {
                    Io::Message(transport, from, bytes) => peer.handle(
                        now(self.epoch),
                        PeerInput::Message { transport, from, bytes },
                    ),
                    Io::Accepted(stream, remote) => {
                        let tx = spawn_conn(&mut tasks, stream, remote, io_tx.clone());
                        conns.insert(remote, tx);
                    }
                    Io::SendFailed(transport, to) => {
                        conns.remove(&to);
                        peer.handle(now(self.epoch), PeerInput::SendFailed { transport, to });
                    }
                    Io::Closed(remote) => {
                        conns.remove(&remote);
                    }
                },
                () = sleep_until(deadline) => peer.handle_timeout(now(self.epoch)),
            }
        }
        tasks.shutdown().await;
        Ok(())
    }

    async fn drain(
        &self,
        peer: &mut dyn Peer,
        udp: Option<&dyn UdpSocket>,
        conns: &mut BTreeMap<SocketAddr, mpsc::UnboundedSender<Bytes>>,
        tasks: &mut JoinSet<()>,
        io_tx: &mpsc::UnboundedSender<Io>,
    ) {
        while let Some(out) = peer.poll_output() {
            match out {
                PeerOutput::Send {
                    transport: TransportKind::Udp,
                    to,
                    bytes,
                } => {
                    if let Some(socket) = udp {
                        let _ = socket.send_to(&bytes, to).await;
                    }
                }
                PeerOutput::Send {
                    transport,
                    to,
                    bytes,
                } => {
                    let live = conns
                        .get(&to)
                        .is_some_and(|tx| tx.send(bytes.clone()).is_ok());
                    match (&self.net, live) {
                        (_, true) => {}
                        (Some(net), false) => {
                            let tx =
                                spawn_connect(tasks, net.clone(), to, transport, io_tx.clone());
                            let _ = tx.send(bytes);
                            conns.insert(to, tx);
                        }
                        (None, false) => drop(io_tx.send(Io::SendFailed(transport, to))),
                    }
                }
                PeerOutput::Event(event) => self.trace.push(
                    Instant::now().saturating_duration_since(self.epoch),
                    Record::Peer {
                        peer: self.name.clone(),
                        event,
                    },
                ),
                PeerOutput::App { user, signal } => {
                    let _ = self.app.send((user, signal));
                }
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

async fn read_udp(socket: Arc<dyn UdpSocket>, tx: mpsc::UnboundedSender<Io>) {
    let mut buf = vec![0u8; 65_536];
    while let Ok((n, from)) = socket.recv_from(&mut buf).await {
        let bytes = Bytes::copy_from_slice(buf.get(..n).unwrap_or_default());
        if tx
            .send(Io::Message(TransportKind::Udp, from, bytes))
            .is_err()
        {
            break;
        }
    }
}

async fn accept_tcp(listener: Arc<dyn TcpListener>, tx: mpsc::UnboundedSender<Io>) {
    while let Ok(conn) = listener.accept().await {
        if tx.send(Io::Accepted(conn.stream, conn.remote)).is_err() {
            break;
        }
    }
}

/// Opens a connection to `to` in the background; writes queue until it is up.
fn spawn_connect(
    tasks: &mut JoinSet<()>,
    net: Arc<dyn Network>,
    to: SocketAddr,
    transport: TransportKind,
    io: mpsc::UnboundedSender<Io>,
) -> mpsc::UnboundedSender<Bytes> {
    let (tx, rx) = mpsc::unbounded_channel();
    tasks.spawn(async move {
        match net.connect_tcp(to).await {
            Ok(conn) => serve_conn(conn.stream, to, rx, io).await,
            Err(_) => drop(io.send(Io::SendFailed(transport, to))),
        }
    });
    tx
}

fn spawn_conn(
    tasks: &mut JoinSet<()>,
    stream: BoxStream,
    remote: SocketAddr,
    io: mpsc::UnboundedSender<Io>,
) -> mpsc::UnboundedSender<Bytes> {
    let (tx, rx) = mpsc::unbounded_channel();
    tasks.spawn(serve_conn(stream, remote, rx, io));
    tx
}

/// Reads frames off a connection and writes what the peer sends on it, until either
/// side ends.
async fn serve_conn(
    stream: BoxStream,
    remote: SocketAddr,
    mut writes: mpsc::UnboundedReceiver<Bytes>,
    io: mpsc::UnboundedSender<Io>,
) {
    let (mut rd, mut wr) = tokio::io::split(stream);
    let mut framer = Framer::default();
    let mut buf = vec![0u8; 16_384];
    loop {
        tokio::select! {
            biased;
            out = writes.recv() => match out {
                Some(bytes) => {
                    if wr.write_all(&bytes).await.is_err() {
                        let _ = io.send(Io::SendFailed(TransportKind::Tcp, remote));
                        return;
                    }
                }
                None => break,
            },
            read = rd.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    framer.feed(buf.get(..n).unwrap_or_default());
                    loop {
                        match framer.next_frame() {
                            Ok(Some(Frame::Message(m))) => {
                                let _ = io.send(Io::Message(TransportKind::Tcp, remote, m));
                            }
                            Ok(Some(Frame::Ping)) => {
                                let _ = wr.write_all(b"\r\n").await;
                            }
                            Ok(Some(Frame::Pong)) => {}
                            Ok(None) => break,
                            Err(_) => {
                                let _ = io.send(Io::Closed(remote));
                                return;
                            }
                        }
                    }
                }
            },
        }
    }
    let _ = io.send(Io::Closed(remote));
}
