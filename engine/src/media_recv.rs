//! A media actor's receive task and the gate that bounds the datagrams waiting in its
//! mailbox (ractor mailboxes are unbounded: the task drops what the actor cannot take).

use crate::media::MediaMsg;
use bytes::Bytes;
use ractor::ActorRef;
use std::io;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use switchboard_actors::transport::net::UdpSocket;

/// Largest datagram read; longer ones are truncated (and then not valid RTP).
const RECV_BUFFER: usize = 4096;

/// Counts the datagrams in flight between the receive task and the actor.
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    limit: usize,
    queued: Arc<AtomicUsize>,
    dropped: Arc<AtomicU64>,
}

impl Gate {
    /// A gate letting at most `limit` datagrams wait.
    pub(crate) fn new(limit: usize) -> Self {
        Gate {
            limit,
            queued: Arc::new(AtomicUsize::new(0)),
            dropped: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Whether one more datagram may be queued (counted in if so, as dropped if not).
    /// Only the receive task enters, so the check and the increment cannot race.
    pub(crate) fn enter(&self) -> bool {
        if self.queued.load(Ordering::Acquire) >= self.limit {
            self.dropped.fetch_add(1, Ordering::AcqRel);
            return false;
        }
        self.queued.fetch_add(1, Ordering::AcqRel);
        true
    }

    /// The actor took one datagram.
    pub(crate) fn leave(&self) {
        let _ = self
            .queued
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
    }

    /// Datagrams dropped so far.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Acquire)
    }
}

/// Errors a UDP socket survives (an ICMP unreachable from a peer not listening yet).
fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// Feeds the socket's datagrams to the actor, dropping those the [`Gate`] refuses.
pub(crate) async fn read_loop(socket: Arc<dyn UdpSocket>, myself: ActorRef<MediaMsg>, gate: Gate) {
    let mut buf = vec![0u8; RECV_BUFFER];
    loop {
        match socket.recv_from(&mut buf).await {
            Ok((n, from)) => {
                if !gate.enter() {
                    continue;
                }
                let bytes = Bytes::copy_from_slice(buf.get(..n).unwrap_or_default());
                if myself.cast(MediaMsg::Datagram { from, bytes }).is_err() {
                    return;
                }
            }
            Err(e) if is_transient(&e) => tracing::debug!(error = %e, "RTP receive"),
            Err(e) => {
                let _ = myself.cast(MediaMsg::SocketFailed(e));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_bounds_the_queue_and_counts_drops() {
        let gate = Gate::new(2);
        assert!(gate.enter() && gate.enter());
        assert!(!gate.enter());
        assert!(!gate.enter());
        assert_eq!(gate.dropped(), 2);
        gate.leave();
        assert!(gate.enter());
        assert!(!gate.enter());
        gate.leave();
        gate.leave();
        gate.leave(); // an extra leave does not underflow
        assert!(gate.enter() && gate.enter());
        assert_eq!(gate.dropped(), 3);
    }
}
