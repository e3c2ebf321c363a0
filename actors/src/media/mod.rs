//! The media of one call, sans-IO: PCMU/PCMA over RTP (RFC 3550, RFC 3551).
//!
//! [`MediaSession`] pulls one frame from its audio source every packet interval (the
//! shell arms its one timer at [`MediaSession::poll_timeout`] and feeds
//! [`Input::Tick`]), encodes it and hands back [`Output::Send`]; the shell feeds
//! every datagram its socket receives as [`Input::Datagram`], the session decodes the
//! negotiated payload type into its sink.
//!
//! ```text
//!   (new) --first input: Started--> Running --Stop: Stopped--> Stopped
//!                                    |  ^
//!                              Hold  |  |  Resume (next packet marked)
//!                                    v  |
//!                                   Held: no packets sent, the RTP timestamp moves on,
//!                                         still receiving
//! ```
//!
//! - Symmetric RTP (RFC 4961): with `symmetric`, the session sends to the source address
//!   of the first valid packet of the negotiated payload type (latching), and re-latches
//!   when a new SSRC arrives from a new address; until then it sends to the address
//!   from the SDP. After latching, packets from other addresses that do not carry a new
//!   SSRC are dropped (counted as `stray`).
//! - Mute: silence is sent in place of the source (which keeps advancing); no signalling.
//! - When the source ends the session reports [`MediaEvent::SourceEnded`] and goes on
//!   sending silence (keeping NAT bindings and the peer's latching alive).
//! - Not here yet (issue 6): Opus, the jitter buffer (late packets are dropped, losses are
//!   not concealed), RTCP (RTCP datagrams on the RTP port are counted and ignored),
//!   no-media detection. [`Input`], [`MediaEvent`] and [`MediaStats`] are
//!   `#[non_exhaustive]` for them, and the session keeps its RNG for RTCP intervals.

mod receive;
mod session;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_receive;

pub use session::MediaSession;

use bytes::Bytes;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_codecs::Law;

/// The default packetisation time (RFC 3551 §4.5: 20 ms for G.711).
pub const DEFAULT_PTIME: Duration = Duration::from_millis(20);

/// What the session was negotiated to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MediaConfig {
    /// μ-law (PCMU) or A-law (PCMA).
    pub law: Law,
    /// The negotiated payload type (0 for PCMU, 8 for PCMA unless a dynamic one was used).
    pub payload_type: u8,
    /// Our RTP address (the socket's).
    pub local: SocketAddr,
    /// The peer's RTP address from its SDP. An unspecified IP or port 0 sends nothing
    /// until a packet is latched (symmetric) or [`Input::SetRemote`] gives one.
    pub remote: SocketAddr,
    /// Packetisation time: whole milliseconds, 10 to 120.
    pub ptime: Duration,
    /// Symmetric RTP (RFC 4961): send to where the peer's packets come from.
    pub symmetric: bool,
    /// Start held: receive only until [`Input::Resume`] (an `inactive`/`recvonly`
    /// session must not send even its first packet).
    pub held: bool,
}

impl MediaConfig {
    /// `law` with its static payload type, 20 ms, symmetric.
    pub fn new(law: Law, local: SocketAddr, remote: SocketAddr) -> Self {
        MediaConfig {
            law,
            payload_type: law.payload_type(),
            local,
            remote,
            ptime: DEFAULT_PTIME,
            symmetric: true,
            held: false,
        }
    }
}

/// What the shell feeds the session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input {
    /// The timer armed at [`MediaSession::poll_timeout`] fired: send the frames due.
    Tick,
    /// A datagram arrived on the RTP socket.
    Datagram {
        /// Its source address.
        from: SocketAddr,
        /// Its bytes.
        bytes: Bytes,
    },
    /// Stop sending (keep receiving).
    Hold,
    /// Send again after a hold; the next packet starts a talkspurt.
    Resume,
    /// Send silence instead of the source.
    Mute,
    /// Send the source again.
    Unmute,
    /// The peer's address changed (a new SDP): send there, forget the latched address.
    SetRemote(SocketAddr),
    /// The answer chose this G.711 law: encode, decode and label packets with it.
    SetLaw(Law),
    /// End the session.
    Stop,
}

/// What the session gives back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Output {
    /// Send `bytes` (one RTP packet) to `to`.
    Send {
        /// The destination.
        to: SocketAddr,
        /// The packet.
        bytes: Bytes,
    },
    /// Report this to the session's owner.
    Event(MediaEvent),
}

/// What happened, for the session's owner (the call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaEvent {
    /// The session started (its first input).
    Started,
    /// Packets are now sent to `addr`, where the peer's packets come from (RFC 4961).
    RemoteLatched {
        /// The latched address.
        addr: SocketAddr,
    },
    /// The audio source ended; silence is sent from now on.
    SourceEnded,
    /// The session stopped: nothing more is sent or received.
    Stopped,
}

/// Counters over the session's life (for the CDR and checks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MediaStats {
    /// RTP packets sent.
    pub packets_sent: u64,
    /// Bytes sent (whole RTP packets).
    pub bytes_sent: u64,
    /// RTP packets accepted (any payload type, from an accepted address).
    pub packets_received: u64,
    /// Bytes of the accepted packets (whole RTP packets).
    pub bytes_received: u64,
    /// Packets expected but not received (RFC 3550 A.3), summed over the peer's SSRCs.
    pub lost: i64,
    /// Duplicates dropped.
    pub duplicates: u64,
    /// Packets that arrived behind a later one (dropped: no jitter buffer yet).
    pub late: u64,
    /// Datagrams that were not RTP.
    pub malformed: u64,
    /// RTCP datagrams on the RTP port (ignored until RTCP is built).
    pub rtcp: u64,
    /// Packets dropped because they came from an address other than the latched one.
    pub stray: u64,
    /// Packets of another payload type (telephone-event, comfort noise): not played.
    pub other_payload: u64,
    /// Frames decoded into the sink.
    pub frames_played: u64,
    /// Frame intervals nothing was sent in (hold, no address, catching up a late timer).
    pub frames_skipped: u64,
    /// Writes the sink refused.
    pub sink_errors: u64,
    /// Times the send address was latched.
    pub latches: u64,
}

/// Why a session could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// A payload type above 127.
    #[error("RTP payload type {0} is not in 0..=127")]
    PayloadType(u8),
    /// A packetisation time that is not whole milliseconds in 10..=120.
    #[error("ptime {0:?} is not a whole number of milliseconds from 10 to 120")]
    Ptime(Duration),
    /// The source or sink does not run at 8 kHz.
    #[error("{what} runs at {found} Hz, G.711 needs 8000 Hz")]
    SampleRate {
        /// "source" or "sink".
        what: &'static str,
        /// Its rate.
        found: u32,
    },
}
