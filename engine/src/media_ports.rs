//! Binding a media session's RTP socket: port 0 (ephemeral) or an even port from a
//! configured range (RFC 3550 §11: RTP on an even port, RTCP on the next odd one).

use rand::{Rng, RngCore};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use switchboard_actors::transport::net::{Network, UdpSocket};

/// Most ports tried in a range before giving up (each try is one bind).
pub const MAX_BIND_TRIES: usize = 64;

/// The ports RTP sockets are taken from (inclusive bounds; only even ports are used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpPortRange {
    /// The lowest port.
    pub first: u16,
    /// The highest port.
    pub last: u16,
}

impl RtpPortRange {
    /// The range `first..=last`.
    pub fn new(first: u16, last: u16) -> Self {
        RtpPortRange { first, last }
    }

    /// The even ports of the range, in order (none for an empty or odd-only range).
    fn even_ports(self) -> impl Iterator<Item = u16> {
        let start = self.first.saturating_add(self.first % 2).max(2);
        (start..=self.last).step_by(2)
    }
}

/// Why no RTP socket could be bound.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaBindError {
    /// The bind itself failed (e.g. the address is not local).
    #[error("cannot bind RTP socket on {addr}: {source}")]
    Bind {
        /// The address tried.
        addr: SocketAddr,
        /// The error.
        source: io::Error,
    },
    /// The range has no even port.
    #[error("RTP port range {first}-{last} holds no even port")]
    EmptyRange {
        /// The lowest port.
        first: u16,
        /// The highest port.
        last: u16,
    },
    /// Every port tried was in use.
    #[error("no free RTP port in {first}-{last} after {tries} tries")]
    Exhausted {
        /// The lowest port.
        first: u16,
        /// The highest port.
        last: u16,
        /// Ports tried.
        tries: usize,
    },
}

/// The RTCP socket next to the RTP socket at `rtp` (port + 1, RFC 3550 §11), or
/// `None` when that port is taken or there is none.
pub async fn bind_rtcp(network: &dyn Network, rtp: SocketAddr) -> Option<Arc<dyn UdpSocket>> {
    let port = rtp.port().checked_add(1)?;
    match network.bind_udp(SocketAddr::new(rtp.ip(), port)).await {
        Ok(socket) => Some(socket),
        Err(e) => {
            tracing::debug!(%rtp, error = %e, "no RTCP socket on the next port: RTCP shares RTP's");
            None
        }
    }
}

/// Binds a UDP socket on `local`'s IP: on `local`'s port when `range` is `None` (0:
/// ephemeral), else on an even port of `range`, starting at a random one (from `rng`)
/// and going up, wrapping, past ports in use, at most [`MAX_BIND_TRIES`] times.
pub async fn bind_rtp(
    network: &dyn Network,
    local: SocketAddr,
    range: Option<RtpPortRange>,
    rng: &mut impl RngCore,
) -> Result<Arc<dyn UdpSocket>, MediaBindError> {
    let Some(range) = range else {
        return network
            .bind_udp(local)
            .await
            .map_err(|source| MediaBindError::Bind {
                addr: local,
                source,
            });
    };
    let ports: Vec<u16> = range.even_ports().collect();
    if ports.is_empty() {
        return Err(MediaBindError::EmptyRange {
            first: range.first,
            last: range.last,
        });
    }
    let start = rng.gen_range(0..ports.len());
    let tries = ports.len().min(MAX_BIND_TRIES);
    for port in ports.iter().cycle().skip(start).take(tries) {
        let addr = SocketAddr::new(local.ip(), *port);
        match network.bind_udp(addr).await {
            Ok(socket) => return Ok(socket),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => continue,
            Err(source) => return Err(MediaBindError::Bind { addr, source }),
        }
    }
    Err(MediaBindError::Exhausted {
        first: range.first,
        last: range.last,
        tries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use switchboard_actors::transport::TokioNetwork;

    #[test]
    fn ranges_use_even_ports() {
        let even = |f, l| RtpPortRange::new(f, l).even_ports().collect::<Vec<_>>();
        assert_eq!(even(10001, 10006), vec![10002, 10004, 10006]);
        assert_eq!(even(0, 4), vec![2, 4]);
        assert_eq!(even(7, 7), Vec::<u16>::new());
        assert_eq!(even(65534, 65535), vec![65534]);
    }

    #[tokio::test]
    async fn binds_in_the_range_past_ports_in_use() {
        let net = TokioNetwork;
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let local: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let eph = bind_rtp(&net, local, None, &mut rng).await.unwrap();
        assert_ne!(eph.local_addr().unwrap().port(), 0);
        // Hold an ephemeral socket on an even port: a range of just that port is full.
        let mut held = vec![eph];
        while held.last().unwrap().local_addr().unwrap().port() % 2 == 1 {
            held.push(bind_rtp(&net, local, None, &mut rng).await.unwrap());
        }
        let taken = held.last().unwrap().local_addr().unwrap().port();
        let one = Some(RtpPortRange::new(taken, taken));
        let err = bind_rtp(&net, local, one, &mut rng).await.err().unwrap();
        assert!(
            matches!(err, MediaBindError::Exhausted { tries: 1, .. }),
            "{err}"
        );
        let odd = Some(RtpPortRange::new(7, 7));
        let err = bind_rtp(&net, local, odd, &mut rng).await.err().unwrap();
        assert!(matches!(err, MediaBindError::EmptyRange { .. }));
    }
}
