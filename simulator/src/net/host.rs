//! [`Network`] as one host: what the engine (or a peer) on that host binds and connects.

use super::state::Shared;
use super::tcp_connect::{connect, Listener, SimListener};
use super::udp::{SimUdpSocket, UdpSock};
use std::collections::VecDeque;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use switchboard_actors::transport::net::{BoxFuture, Network, StreamConn, TcpListener, UdpSocket};

/// The network as seen from `host`.
pub(crate) struct HostNet {
    pub shared: Arc<Shared>,
    pub host: String,
}

impl Network for HostNet {
    fn bind_udp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<Arc<dyn UdpSocket>>> {
        Box::pin(async move {
            let mut st = self.shared.lock();
            let ip = st.bind_ip(&self.host, addr)?;
            let port = st.pick_port(&self.host, ip, addr.port(), true)?;
            let id = st.id();
            let sock = UdpSock {
                host: self.host.clone(),
                ip,
                port,
                queue: VecDeque::new(),
                wakers: Vec::new(),
                dead: false,
            };
            st.udp.insert(id, sock);
            st.udp_bind.insert((self.host.clone(), ip, port), id);
            let socket = SimUdpSocket {
                shared: self.shared.clone(),
                id,
                local: SocketAddr::new(addr.ip(), port),
            };
            Ok(Arc::new(socket) as Arc<dyn UdpSocket>)
        })
    }

    fn listen_tcp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<Arc<dyn TcpListener>>> {
        Box::pin(async move {
            let mut st = self.shared.lock();
            let ip = st.bind_ip(&self.host, addr)?;
            let port = st.pick_port(&self.host, ip, addr.port(), false)?;
            let id = st.id();
            let listener = Listener {
                host: self.host.clone(),
                ip,
                port,
                pending: VecDeque::new(),
                wakers: Vec::new(),
            };
            st.listeners.insert(id, listener);
            st.tcp_bind.insert((self.host.clone(), ip, port), id);
            let listener = SimListener {
                shared: self.shared.clone(),
                id,
                local: SocketAddr::new(addr.ip(), port),
            };
            Ok(Arc::new(listener) as Arc<dyn TcpListener>)
        })
    }

    fn connect_tcp(&self, addr: SocketAddr) -> BoxFuture<'_, io::Result<StreamConn>> {
        Box::pin(connect(self.shared.clone(), self.host.clone(), addr))
    }

    /// The host's one address, whatever the destination (the virtual network has a
    /// single interface per host); it follows a `move_host`.
    fn source_ip(&self, _dst: SocketAddr) -> BoxFuture<'_, io::Result<IpAddr>> {
        Box::pin(async move {
            let st = self.shared.lock();
            st.source_ip(&self.host, None)
                .ok_or_else(|| io::ErrorKind::AddrNotAvailable.into())
        })
    }
}
