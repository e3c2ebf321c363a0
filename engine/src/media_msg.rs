//! The vocabulary of a [`MediaActor`](crate::media::MediaActor): its messages, its
//! report, what it starts with.

use crate::media_ports::RtpPortRange;
use bytes::Bytes;
use ractor::RpcReplyPort;
use rand_chacha::ChaCha8Rng;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use switchboard_actors::media::{CallStatistics, MediaConfig, MediaEvent, MediaStats};
use switchboard_actors::transport::net::Network;
use switchboard_codecs::{AudioSink, AudioSource};

/// Where a media actor reports its [`MediaEvent`]s (called on the actor's task: keep it
/// short, e.g. a `cast` to the owner).
pub type MediaNotify = Arc<dyn Fn(MediaEvent) + Send + Sync>;

/// Messages of a [`MediaActor`](crate::media::MediaActor).
#[derive(Debug)]
#[non_exhaustive]
pub enum MediaMsg {
    /// Stop sending, keep receiving.
    Hold,
    /// Send again.
    Resume,
    /// Send silence.
    Mute,
    /// Send the source again.
    Unmute,
    /// A new offer/answer: codec, ptime, telephone-event, RTCP, remote
    /// ([`switchboard_actors::media::Input::Reconfigure`]).
    Reconfigure(Box<MediaConfig>),
    /// No media is expected (`true`: either side holds) or it is again; no-media
    /// detection pauses meanwhile.
    RemoteHold(bool),
    /// Send digits as RFC 4733 telephone-events (`DtmfNotSent` when not negotiated).
    SendDtmf {
        /// The digits.
        digits: String,
        /// How long each lasts, in ms.
        duration_ms: u32,
    },
    /// Replies with the session's state and counters.
    Stats(RpcReplyPort<MediaReport>),
    /// End the session (reports `Stopped`, then the actor stops).
    Stop,
    /// A datagram from a receive task (RTP or RTCP socket).
    Datagram {
        /// Its source.
        from: SocketAddr,
        /// Its bytes.
        bytes: Bytes,
    },
    /// The armed timer fired (the arming number; stale ones are ignored).
    Timer(u64),
    /// The socket failed for good (from the receive task).
    SocketFailed(io::Error),
    /// Our address moved (a network change): bind new sockets on `ip` and use them
    /// from now on; the reply is the new RTP address (`None`: the bind failed, the old
    /// sockets stay).
    Rebind {
        /// The new local IP.
        ip: IpAddr,
        /// The new socket's address.
        reply: RpcReplyPort<Option<SocketAddr>>,
    },
}

/// A media session's state and counters.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MediaReport {
    /// The RTP socket's address (for our SDP).
    pub local: SocketAddr,
    /// The RTCP socket's address (RTP port + 1; `None`: RTCP shares the RTP socket).
    pub rtcp_local: Option<SocketAddr>,
    /// Where packets go now (`None`: nowhere yet).
    pub target: Option<SocketAddr>,
    /// On hold.
    pub held: bool,
    /// Muted.
    pub muted: bool,
    /// The codec in use (`opus`, `PCMU`, `PCMA`).
    pub codec: &'static str,
    /// The session's counters.
    pub stats: MediaStats,
    /// The summary: codec, packets and bytes both ways, loss, jitter, RTT, R-factor,
    /// MOS ([`crate::Call::statistics`]).
    pub statistics: CallStatistics,
    /// Datagrams dropped because the mailbox was full.
    pub dropped_busy: u64,
    /// Packets the socket failed to send.
    pub send_errors: u64,
}

/// What a [`MediaActor`](crate::media::MediaActor) starts with.
pub struct MediaArgs {
    /// The network to bind on (the engine's: real sockets or the simulator's).
    pub network: Arc<dyn Network>,
    /// The negotiated session. `local`'s IP is bound (the account's local IP); its port
    /// too when `ports` is `None` (0: ephemeral). `local` is then set to the bound address.
    /// An RTCP socket is bound on the port + 1 when it is free.
    pub config: MediaConfig,
    /// The RTP port range, if one is configured.
    pub ports: Option<RtpPortRange>,
    /// What is sent.
    pub source: Box<dyn AudioSource + Send>,
    /// Where received audio goes.
    pub sink: Box<dyn AudioSink + Send>,
    /// The port choice's and the session's RNG.
    pub rng: ChaCha8Rng,
    /// Where events go.
    pub notify: MediaNotify,
}
