//! The virtual network: hosts with addresses, links with latency, jitter, loss,
//! duplication, reordering and bandwidth, faults (partition, one-way block, hold,
//! drop-all, handover, NAT rebind), NATs, UDP and a reliable in-order TCP — all seeded
//! and deterministic, on tokio's paused clock. The real engine runs on it through
//! [`Network`](switchboard_actors::transport::Network) ([`SimNet::network`]).
//!
//! Every timed thing (a packet's arrival, a retransmission, a fault's end, a NAT
//! binding's expiry) is an event in one priority queue keyed by (time, sequence number),
//! served by one driver task with one timer: events at the same instant happen in the
//! order they were scheduled. Every packet's fate lands in the [`Trace`](crate::trace::Trace) as a
//! [`Record::Wire`](crate::trace::Record::Wire); every fault as a
//! [`Record::Net`](crate::trace::Record::Net).

mod api;
mod driver;
mod faults;
mod host;
mod link;
mod nat;
mod state;
mod tap;
mod tcp;
mod tcp_close;
mod tcp_connect;
mod tcp_stream;
mod udp;

pub use api::SimNet;

use std::net::IpAddr;
use std::time::Duration;

/// How a link between two hosts behaves (per direction; a pair's override is symmetric).
#[derive(Clone, Debug, PartialEq)]
pub struct LinkConfig {
    /// One-way delay.
    pub latency: Duration,
    /// Extra one-way delay, uniform in `0..=jitter`, drawn per packet.
    pub jitter: Duration,
    /// Probability a packet is lost (TCP retransmits it).
    pub loss: f64,
    /// Probability a datagram is delivered twice.
    pub duplicate: f64,
    /// Probability a datagram is held back 1–3× the latency, so later ones overtake it.
    pub reorder: f64,
    /// Bits per second each way (`None`: unlimited): a packet takes `len × 8 / bps` to
    /// send, after the ones before it.
    pub bandwidth_bps: Option<u64>,
    /// Most packets waiting to be sent each way when the bandwidth is limited; more are
    /// dropped (`queue_full`). Also the size of each UDP socket's receive queue.
    pub queue_limit: usize,
    /// How long TCP keeps trying (connect, or a segment that cannot get through) before
    /// the connection times out.
    pub tcp_timeout: Duration,
}

impl Default for LinkConfig {
    fn default() -> LinkConfig {
        LinkConfig {
            latency: Duration::from_millis(10),
            jitter: Duration::ZERO,
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            bandwidth_bps: None,
            queue_limit: 1000,
            tcp_timeout: Duration::from_secs(30),
        }
    }
}

impl LinkConfig {
    /// Checks that the probabilities are in `0..=1`.
    pub fn validate(&self) -> Result<(), NetError> {
        for (field, value) in [
            ("loss", self.loss),
            ("duplicate", self.duplicate),
            ("reorder", self.reorder),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(NetError::BadProbability { field, value });
            }
        }
        Ok(())
    }
}

/// A host behind a NAT: outbound traffic leaves from `public_ip`; inbound traffic gets in
/// only through a live binding (endpoint-independent mapping and filtering).
#[derive(Clone, Debug, PartialEq)]
pub struct NatConfig {
    /// The NAT's public address.
    pub public_ip: IpAddr,
    /// A UDP binding expires after this long without outbound traffic.
    pub binding_timeout: Duration,
}

/// Why a network operation was refused.
#[non_exhaustive]
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum NetError {
    /// No host has this name.
    #[error("unknown host {0:?}")]
    UnknownHost(String),
    /// A host with this name exists already.
    #[error("host {0:?} exists already")]
    DuplicateHost(String),
    /// Another host (or a NAT) has this address.
    #[error("address {0} is taken")]
    AddressTaken(IpAddr),
    /// A probability outside `0..=1`.
    #[error("{field} must be a probability in 0..=1, not {value}")]
    BadProbability {
        /// Which field.
        field: &'static str,
        /// Its value.
        value: f64,
    },
    /// The host is not behind a NAT (for `nat_rebind`).
    #[error("host {0:?} is not behind a NAT")]
    NoNat(String),
    /// A fault between a host and itself.
    #[error("a fault needs two different hosts, not {0:?} twice")]
    SameHost(String),
}

#[cfg(test)]
mod block_tests;
#[cfg(test)]
mod engine_tests;
#[cfg(test)]
mod fault_tests;
#[cfg(test)]
mod nat_tests;
#[cfg(test)]
mod tcp_tests;
#[cfg(test)]
mod test_util;
#[cfg(test)]
mod udp_tests;
