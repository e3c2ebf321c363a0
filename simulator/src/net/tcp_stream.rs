//! One end of a virtual TCP connection as an `AsyncRead + AsyncWrite` stream.

use super::state::Shared;
use super::udp::register;
use bytes::Bytes;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// End `end` (0 client, 1 server) of connection `conn`.
pub(crate) struct SimStream {
    pub shared: Arc<Shared>,
    pub conn: u64,
    pub end: usize,
}

fn broken(kind: io::ErrorKind) -> io::Error {
    io::Error::new(kind, "virtual TCP connection broken")
}

fn gone() -> io::Error {
    io::Error::new(io::ErrorKind::NotConnected, "virtual TCP connection gone")
}

impl AsyncRead for SimStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let mut state = self.shared.lock();
        let Some(c) = state.conns.get_mut(&self.conn) else {
            return Poll::Ready(Err(gone()));
        };
        if let Some(kind) = c.broken {
            return Poll::Ready(Err(broken(kind)));
        }
        let end = &mut c.ends[self.end];
        if let Some(front) = end.buf.front_mut() {
            let n = front.len().min(buf.remaining());
            let chunk = front.split_to(n);
            buf.put_slice(&chunk);
            if front.is_empty() {
                end.buf.pop_front();
            }
            return Poll::Ready(Ok(()));
        }
        if end.eof {
            return Poll::Ready(Ok(()));
        }
        register(&mut end.wakers, cx.waker());
        Poll::Pending
    }
}

impl AsyncWrite for SimStream {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mut state = self.shared.lock();
        let Some(c) = state.conns.get(&self.conn) else {
            return Poll::Ready(Err(gone()));
        };
        if let Some(kind) = c.broken {
            return Poll::Ready(Err(broken(kind)));
        }
        if c.ends[self.end].fin_sent {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let data = Bytes::copy_from_slice(buf);
        state.tcp_send(self.conn, self.end, Some(data), Instant::now());
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let state = self.shared.lock();
        match state.conns.get(&self.conn).map(|c| c.broken) {
            None => Poll::Ready(Err(gone())),
            Some(Some(kind)) => Poll::Ready(Err(broken(kind))),
            Some(None) => Poll::Ready(Ok(())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut state = self.shared.lock();
        let Some(c) = state.conns.get_mut(&self.conn) else {
            return Poll::Ready(Err(gone()));
        };
        if let Some(kind) = c.broken {
            return Poll::Ready(Err(broken(kind)));
        }
        let end = &mut c.ends[self.end];
        if !end.fin_sent {
            end.fin_sent = true;
            state.tcp_send(self.conn, self.end, None, Instant::now());
        }
        Poll::Ready(Ok(()))
    }
}

impl Drop for SimStream {
    fn drop(&mut self) {
        self.shared.lock().drop_end(self.conn, self.end);
    }
}
