//! [`MediaConfig`]: what the offer/answer negotiated for one session.

use super::DEFAULT_PTIME;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_codecs::{CodecKind, JitterConfig, Law, OpusConfig};

/// How long without RTP (not on hold) before [`super::MediaEvent::NoMedia`].
pub const DEFAULT_NO_MEDIA_TIMEOUT: Duration = Duration::from_secs(30);

/// What the session was negotiated to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MediaConfig {
    /// The codec sent and received (PCMU, PCMA or Opus).
    pub codec: CodecKind,
    /// μ-law or A-law: kept in step with `codec` for G.711 (ignored for Opus).
    pub law: Law,
    /// The negotiated payload type (0 for PCMU, 8 for PCMA unless a dynamic one was used).
    pub payload_type: u8,
    /// Our RTP address (the socket's).
    pub local: SocketAddr,
    /// The peer's RTP address from its SDP. An unspecified IP or port 0 sends nothing
    /// until a packet is latched (symmetric) or [`super::Input::SetRemote`] gives one.
    pub remote: SocketAddr,
    /// Packetisation time: whole milliseconds, 10 to 120 (Opus: 10, 20, 40 or 60).
    pub ptime: Duration,
    /// Channels we encode: 1, or 2 for stereo Opus (the mono source is duplicated).
    /// Opus is decoded to mono (libopus mixes a stereo stream down, RFC 7587 §7) for
    /// the mono sink.
    pub channels: u16,
    /// Opus encoder settings (`channels` and `frame_ms` come from the fields above).
    pub opus: OpusConfig,
    /// The negotiated telephone-event payload type (RFC 4733), if any.
    pub telephone_event: Option<u8>,
    /// RTCP on the RTP port (RFC 5761). Without it RTCP goes to `rtcp_remote`.
    pub rtcp_mux: bool,
    /// The peer's RTCP address (SDP `a=rtcp`); `None`: the RTP target's port + 1.
    pub rtcp_remote: Option<SocketAddr>,
    /// No RTP for this long while not held reports [`super::MediaEvent::NoMedia`]
    /// (`None`: never).
    pub no_media_timeout: Option<Duration>,
    /// Our RTCP CNAME (RFC 7022: a random or per-call identifier).
    pub cname: String,
    /// Jitter buffer delays and capacity; `clock_rate` and `frame_samples` are set by
    /// the session from the codec and ptime.
    pub jitter: JitterConfig,
    /// The wall clock at the session's first input as a 64-bit NTP timestamp (for the
    /// SR timestamps); [`super::Input::WallClock`] updates it. 0: NTP time 0 + elapsed
    /// (round-trip times are right either way, only absolute SR times are not).
    pub ntp_epoch: u64,
    /// Symmetric RTP (RFC 4961): send to where the peer's packets come from.
    pub symmetric: bool,
    /// Start held: receive only until [`super::Input::Resume`] (an `inactive`/`recvonly`
    /// session must not send even its first packet).
    pub held: bool,
}

impl MediaConfig {
    /// `law` with its static payload type, 20 ms, symmetric.
    pub fn new(law: Law, local: SocketAddr, remote: SocketAddr) -> Self {
        let kind = match law {
            Law::Mu => CodecKind::Pcmu,
            Law::A => CodecKind::Pcma,
        };
        Self::with_codec(kind, law.payload_type(), local, remote)
    }

    /// `kind` with `payload_type` (dynamic for Opus), 20 ms, mono, symmetric, RTCP on
    /// port + 1, no telephone-event, no-media after 30 s.
    pub fn with_codec(
        kind: CodecKind,
        payload_type: u8,
        local: SocketAddr,
        remote: SocketAddr,
    ) -> Self {
        MediaConfig {
            codec: kind,
            law: if kind == CodecKind::Pcma {
                Law::A
            } else {
                Law::Mu
            },
            payload_type,
            local,
            remote,
            ptime: DEFAULT_PTIME,
            channels: 1,
            opus: OpusConfig::default(),
            telephone_event: None,
            rtcp_mux: false,
            rtcp_remote: None,
            no_media_timeout: Some(DEFAULT_NO_MEDIA_TIMEOUT),
            cname: format!("switchboard@{}", local.ip()),
            jitter: JitterConfig::default(),
            ntp_epoch: 0,
            symmetric: true,
            held: false,
        }
    }

    /// Whole milliseconds of `ptime` (0 when it is not whole).
    pub(super) fn ptime_ms(&self) -> u16 {
        let whole = self.ptime.subsec_nanos().is_multiple_of(1_000_000);
        match u16::try_from(self.ptime.as_millis()) {
            Ok(ms) if whole => ms,
            _ => 0,
        }
    }
}
