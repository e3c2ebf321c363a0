//! The media of one call, sans-IO: PCMU, PCMA or Opus over RTP (RFC 3550, 3551,
//! 7587), with a jitter buffer, RTCP, RFC 4733 telephone-events and no-media detection.
//!
//! [`MediaSession`] keeps several deadlines (the next frame to send, the next playout
//! slot, the next RTCP report, the no-media deadline) and [`MediaSession::poll_timeout`]
//! gives the earliest; the shell arms its one timer there and feeds [`Input::Tick`],
//! which does whatever is due. Every datagram the shell's socket(s) receive goes in as
//! [`Input::Datagram`]: RTCP (RFC 5761 test) to the [`RtcpSession`](switchboard_codecs::RtcpSession),
//! telephone-events to the DTMF receiver, audio to the jitter buffer.
//!
//! ```text
//!   (new) --first input: Started--> Running --Stop: RTCP BYE, Stopped--> Stopped
//!                                    |  ^
//!                              Hold  |  |  Resume (next packet marked)
//!                                    v  |
//!                                   Held: no RTP sent (the timestamp moves on), RTCP
//!                                         RR/SR still sent, still receiving and playing
//! ```
//!
//! - Sending: each ptime one frame is read from the source (any rate: resampled to
//!   G.711's 8 kHz, or to the lowest Opus PCM rate keeping the source's band — an 8 kHz
//!   source is coded as narrowband Opus, still on the 48 kHz RTP clock — duplicated for
//!   stereo Opus), encoded through the codec trait
//!   objects and packetised; while a telephone-event plays its packets replace audio
//!   (same SSRC and sequence, the source keeps advancing).
//! - Receiving: symmetric RTP latching (RFC 4961) as before; audio packets go into the
//!   [`JitterBuffer`](switchboard_codecs::JitterBuffer); one playout slot per ptime,
//!   started by the first packet and kept running while packets come (stopped 1 s after
//!   the buffer went quiet, so a silent call costs no wake-ups): `Frame` is decoded,
//!   `Missing` is recovered from the next packet's Opus FEC or concealed, `Empty` plays
//!   silence. Opus is decoded to mono (libopus mixes a stereo stream down) at the
//!   lowest Opus rate keeping the sink's band; everything is resampled to the sink's
//!   rate. The slot follows the peer's packet length, learnt from its timestamps.
//! - RTCP: SR/RR + SDES at the RFC 3550 §6.3 interval, sent to the RTP target when
//!   `rtcp_mux`, else to `rtcp_remote` or the target's port + 1 (a shell with a separate
//!   RTCP socket tells them apart with [`switchboard_codecs::is_rtcp`]). The SR's NTP time
//!   is `ntp_epoch` (or the last [`Input::WallClock`]) plus the elapsed session time.
//! - DTMF (RFC 4733): [`Input::SendDtmf`] needs a negotiated telephone-event type, else
//!   [`MediaEvent::DtmfNotSent`] (the engine falls back to SIP INFO). Received digits are
//!   reported once each, at their first packet ([`MediaEvent::Dtmf`]: lowest latency; a
//!   lost start packet does not matter, the event's timestamp identifies it).
//! - No media: no RTP for `no_media_timeout` while neither side holds
//!   ([`Input::Hold`], [`Input::RemoteHold`]) reports [`MediaEvent::NoMedia`] once (again
//!   only after media came back); the clock restarts on every packet and on resume.
//! - Mute: silence is sent in place of the source (which keeps advancing); no signalling.
//! - When the source ends the session reports [`MediaEvent::SourceEnded`] and goes on
//!   sending silence (keeping NAT bindings and the peer's latching alive).
//! - [`MediaSession::statistics`] is the CDR summary ([`CallStatistics`]: loss, jitter,
//!   RTT, R-factor, MOS); [`MediaSession::stats`] the raw counters.

mod accessors;
mod codec_parts;
mod config;
mod negotiated;
mod packet_length;
mod playout;
mod receive;
mod reconfigure;
mod send;
mod session;
mod session_rtcp;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_codec;
#[cfg(test)]
mod tests_dtmf;
#[cfg(test)]
mod tests_path;
#[cfg(test)]
mod tests_receive;
#[cfg(test)]
mod tests_reconfigure;
#[cfg(test)]
mod tests_rtcp;

pub use config::{MediaConfig, DEFAULT_NO_MEDIA_TIMEOUT};
pub use negotiated::UnusableCodec;
pub use session::MediaSession;
pub use switchboard_codecs::CallStatistics;

use bytes::Bytes;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_codecs::CodecError;
#[cfg(test)]
use switchboard_codecs::Law;

/// The default packetisation time (RFC 3551 §4.5: 20 ms for G.711).
pub const DEFAULT_PTIME: Duration = Duration::from_millis(20);

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
    /// End the session (an RTCP BYE goes out).
    Stop,
    /// Send these digits as RFC 4733 telephone-events, each lasting `duration_ms`
    /// (clamped to 40..=8000) with 50 ms between them.
    SendDtmf {
        /// 0-9, *, #, A-D.
        digits: String,
        /// How long each digit lasts.
        duration_ms: u32,
    },
    /// The wall clock now, as a 64-bit NTP timestamp (for RTCP sender reports).
    WallClock(u64),
    /// No media is expected (`true`: the peer holds us, or we hold it and it answered
    /// recvonly/inactive) or it is again: no-media detection pauses meanwhile.
    RemoteHold(bool),
    /// A new offer/answer: take its codec, payload type, ptime, channels, Opus
    /// settings, telephone-event type, RTCP mux/address and remote address (see
    /// [`MediaConfig::negotiated`]); the RTP stream runs on (same SSRC, sequence).
    Reconfigure(Box<MediaConfig>),
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
    /// The peer pressed this key (RFC 4733), reported once per press.
    Dtmf(char),
    /// [`Input::SendDtmf`] was not done; the digits were not sent.
    DtmfNotSent(DtmfRefusal),
    /// No RTP arrived for `no_media_timeout` while not on hold.
    NoMedia,
    /// The peer sent an RTCP BYE.
    RemoteBye,
    /// [`Input::Reconfigure`] asked for a codec setup the session cannot build; the
    /// old one stays.
    Unusable,
}

/// Why [`Input::SendDtmf`] was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DtmfRefusal {
    /// No telephone-event payload type was negotiated (use SIP INFO).
    NotNegotiated,
    /// Not a DTMF key.
    InvalidDigit(char),
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
    /// Packets that arrived behind a later one (still played if in time).
    pub late: u64,
    /// Datagrams that were not RTP.
    pub malformed: u64,
    /// RTCP datagrams received.
    pub rtcp: u64,
    /// RTCP compound packets sent (reports and BYE).
    pub rtcp_sent: u64,
    /// Packets dropped because they came from an address other than the latched one.
    pub stray: u64,
    /// Packets of another payload type (telephone-event, comfort noise): not played.
    pub other_payload: u64,
    /// Frames decoded into the sink.
    pub frames_played: u64,
    /// Playout slots filled by concealment (no packet).
    pub frames_concealed: u64,
    /// Lost frames recovered from the next packet's Opus FEC.
    pub frames_recovered: u64,
    /// Received payloads the decoder refused (concealed instead).
    pub decode_errors: u64,
    /// Telephone-event packets received.
    pub dtmf_packets: u64,
    /// Digits received (each reported once).
    pub dtmf_digits: u64,
    /// Telephone-event packets sent.
    pub dtmf_sent: u64,
    /// Payload octets received (RTP headers excluded).
    pub payload_bytes_received: u64,
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
    /// The source or sink runs at a rate that cannot be resampled.
    #[error("{what} runs at {found} Hz, which cannot be resampled")]
    SampleRate {
        /// "source" or "sink".
        what: &'static str,
        /// Its rate.
        found: u32,
    },
    /// The codec could not be built (channels, ptime, Opus settings).
    #[error("codec: {0}")]
    Codec(#[from] CodecError),
    /// The jitter buffer settings are unusable.
    #[error("jitter buffer: {0}")]
    Jitter(#[from] switchboard_codecs::JitterConfigError),
    /// The telephone-event payload type is above 127.
    #[error("telephone-event payload type {0} is not in 0..=127")]
    TelephoneEvent(u8),
}
