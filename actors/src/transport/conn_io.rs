//! The I/O of one stream connection: opening it (TCP connect, TLS handshake), framing
//! what it reads, writing with a time limit.

use super::conn::ConnMsg;
use super::error::TransportError;
use super::framing::Framer;
use super::net::{BoxStream, Network, StreamConn};
use super::tls::TlsContext;
use crate::vocab::TransportKind;
use ractor::ActorRef;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::time::timeout;

/// How the stream comes about.
pub(crate) enum Setup {
    /// Accepted by the listener (TLS: the server handshake is still to do).
    Accepted(StreamConn),
    /// To be opened to `addr` (TLS: verifying `server_name`, or the address).
    Connect {
        addr: SocketAddr,
        server_name: Option<String>,
    },
}

/// Opens or handshakes the stream.
pub(crate) async fn establish(
    setup: Setup,
    kind: TransportKind,
    network: &dyn Network,
    tls: Option<&TlsContext>,
) -> Result<StreamConn, TransportError> {
    let (conn, server_name) = match setup {
        Setup::Accepted(conn) => (conn, None),
        Setup::Connect { addr, server_name } => {
            let conn = network.connect_tcp(addr).await;
            let conn = conn.map_err(|e| TransportError::Connect(Arc::new(e)))?;
            (conn, Some(server_name))
        }
    };
    if kind != TransportKind::Tls {
        return Ok(conn);
    }
    let tls = tls.ok_or(TransportError::TlsNotConfigured)?;
    let StreamConn {
        stream,
        local,
        remote,
    } = conn;
    let stream = match server_name {
        None => tls.accept(stream).await?,
        Some(name) => tls.connect(name.as_deref(), remote.ip(), stream).await?,
    };
    Ok(StreamConn {
        stream,
        local,
        remote,
    })
}

/// Frames the stream and hands the frames to the connection actor.
/// Frames the stream for the connection actor. `pinged` is set by the actor before it
/// writes a keepalive ping, so a lone CRLF read after it counts as the pong.
pub(crate) async fn read_loop(
    mut reader: ReadHalf<BoxStream>,
    max_message: usize,
    me: ActorRef<ConnMsg>,
    pinged: Arc<std::sync::atomic::AtomicBool>,
) {
    let mut framer = Framer::new(max_message);
    let mut buf = vec![0u8; 16 * 1024];
    let _ = loop {
        let n = match reader.read(&mut buf).await {
            Ok(0) => break me.cast(ConnMsg::ReadEnded(TransportError::ClosedByPeer)),
            Ok(n) => n,
            Err(e) => break me.cast(ConnMsg::ReadEnded(TransportError::Read(Arc::new(e)))),
        };
        framer.feed(buf.get(..n).unwrap_or_default());
        if pinged.swap(false, std::sync::atomic::Ordering::AcqRel) {
            framer.expect_pong();
        }
        loop {
            match framer.next_frame() {
                Ok(Some(frame)) => {
                    if me.cast(ConnMsg::Frame(frame)).is_err() {
                        return;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = me.cast(ConnMsg::ReadEnded(e.into()));
                    return;
                }
            }
        }
    };
}

pub(crate) async fn write(
    writer: &mut WriteHalf<BoxStream>,
    bytes: &[u8],
    limit: Duration,
) -> Result<(), TransportError> {
    let io = async {
        writer.write_all(bytes).await?;
        writer.flush().await
    };
    match timeout(limit, io).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(TransportError::Write(Arc::new(e))),
        Err(_) => Err(TransportError::WriteTimeout),
    }
}
