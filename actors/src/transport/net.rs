//! The socket abstraction: everything the transports need from a network, behind object-safe
//! traits, so the simulator can plug in a virtual network. [`TokioNetwork`] is the real one.
//!
//! Futures are boxed ([`BoxFuture`]) so the traits stay object-safe (`Arc<dyn Network>`).
//! Implementations must make [`UdpSocket::recv_from`] and [`TcpListener::accept`]
//! cancel-safe (as tokio's are): the transports may drop them when they stop.

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};

/// A boxed, sendable future: the return type of every network operation.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A byte stream (a TCP connection, or anything a simulator offers in its place).
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

/// An owned, type-erased stream.
pub type BoxStream = Box<dyn Stream>;

/// An established stream with both of its addresses.
pub struct StreamConn {
    /// The byte stream.
    pub stream: BoxStream,
    /// Our end.
    pub local: SocketAddr,
    /// The peer's end.
    pub remote: SocketAddr,
}

impl std::fmt::Debug for StreamConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamConn")
            .field("local", &self.local)
            .field("remote", &self.remote)
            .finish_non_exhaustive()
    }
}

/// A bound datagram socket.
pub trait UdpSocket: Send + Sync + 'static {
    /// Sends one datagram to `target`.
    fn send_to<'a>(&'a self, buf: &'a [u8], target: SocketAddr)
        -> BoxFuture<'a, io::Result<usize>>;
    /// Receives one datagram into `buf`: its length and its source. Cancel-safe.
    fn recv_from<'a>(&'a self, buf: &'a mut [u8])
        -> BoxFuture<'a, io::Result<(usize, SocketAddr)>>;
    /// The address the socket is bound to.
    fn local_addr(&self) -> io::Result<SocketAddr>;
}

/// A listening stream socket.
pub trait TcpListener: Send + Sync + 'static {
    /// Waits for the next incoming connection. Cancel-safe.
    fn accept(&self) -> BoxFuture<'_, io::Result<StreamConn>>;
    /// The address the listener is bound to.
    fn local_addr(&self) -> io::Result<SocketAddr>;
}

/// A network: binds datagram sockets, listens for and opens stream connections.
pub trait Network: Send + Sync + 'static {
    /// Binds a datagram socket (port 0 picks an ephemeral port).
    fn bind_udp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<Arc<dyn UdpSocket>>>;
    /// Binds a stream listener (port 0 picks an ephemeral port).
    fn listen_tcp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<Arc<dyn TcpListener>>>;
    /// Opens a stream connection to `addr`.
    fn connect_tcp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<StreamConn>>;
    /// The local address this host would send from to reach `dst` (the routing
    /// table's source address), found without sending anything. After a network change
    /// (Wi-Fi to cellular) it is the new address. Networks that cannot tell say
    /// `Unsupported`.
    fn source_ip(&self, dst: SocketAddr) -> BoxFuture<'_, io::Result<IpAddr>> {
        let _ = dst;
        Box::pin(async { Err(io::ErrorKind::Unsupported.into()) })
    }
}

/// The real network: tokio sockets.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioNetwork;

impl TokioNetwork {
    /// The real network, shared.
    pub fn shared() -> Arc<dyn Network> {
        Arc::new(TokioNetwork)
    }
}

impl Network for TokioNetwork {
    fn bind_udp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<Arc<dyn UdpSocket>>> {
        Box::pin(async move {
            let socket = tokio::net::UdpSocket::bind(addr).await?;
            Ok(Arc::new(socket) as Arc<dyn UdpSocket>)
        })
    }

    fn listen_tcp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<Arc<dyn TcpListener>>> {
        Box::pin(async move {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            Ok(Arc::new(listener) as Arc<dyn TcpListener>)
        })
    }

    fn connect_tcp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<StreamConn>> {
        Box::pin(async move {
            let stream = tokio::net::TcpStream::connect(addr).await?;
            tcp_conn(stream)
        })
    }

    /// A `connect` on an unbound UDP socket: the kernel picks the route and its source
    /// address; no packet leaves.
    fn source_ip(&self, dst: SocketAddr) -> BoxFuture<'_, io::Result<IpAddr>> {
        Box::pin(async move {
            let any: SocketAddr = if dst.is_ipv4() {
                (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
            } else {
                (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
            };
            let socket = tokio::net::UdpSocket::bind(any).await?;
            socket.connect(dst).await?;
            Ok(socket.local_addr()?.ip())
        })
    }
}

/// Wraps a tokio TCP stream (no Nagle delay: SIP messages are written whole).
fn tcp_conn(stream: tokio::net::TcpStream) -> io::Result<StreamConn> {
    stream.set_nodelay(true)?;
    Ok(StreamConn {
        local: stream.local_addr()?,
        remote: stream.peer_addr()?,
        stream: Box::new(stream),
    })
}

impl UdpSocket for tokio::net::UdpSocket {
    fn send_to<'a>(
        &'a self,
        buf: &'a [u8],
        target: SocketAddr,
    ) -> BoxFuture<'a, io::Result<usize>> {
        Box::pin(tokio::net::UdpSocket::send_to(self, buf, target))
    }

    fn recv_from<'a>(
        &'a self,
        buf: &'a mut [u8],
    ) -> BoxFuture<'a, io::Result<(usize, SocketAddr)>> {
        Box::pin(tokio::net::UdpSocket::recv_from(self, buf))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        tokio::net::UdpSocket::local_addr(self)
    }
}

impl TcpListener for tokio::net::TcpListener {
    fn accept(&self) -> BoxFuture<'_, io::Result<StreamConn>> {
        Box::pin(async move {
            let (stream, _) = tokio::net::TcpListener::accept(self).await?;
            tcp_conn(stream)
        })
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        tokio::net::TcpListener::local_addr(self)
    }
}
