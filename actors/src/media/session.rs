//! [`MediaSession`]: its parts, construction, inputs and deadlines. Sending is in
//! `send.rs`, receiving in `receive.rs`, playout in `playout.rs`, RTCP, statistics and
//! no-media detection in `session_rtcp.rs`.

pub(super) use super::codec_parts::CodecParts;
use super::{Input, MediaConfig, MediaError, MediaEvent, MediaStats, Output};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_codecs::{
    AudioDecoder, AudioEncoder, AudioSink, AudioSource, DtmfReceiver, DtmfSender, JitterBuffer,
    Muted, Resampler, RtcpSession, RtpReceiver, RtpSender,
};
use tokio::time::Instant;

/// At most this many frames are sent at one tick when the timer fired late; older
/// frames due are skipped (the timestamp moves on) rather than sent in a burst.
pub(super) const MAX_BURST: u64 = 3;

/// Where the session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// Built, no input yet.
    New,
    /// Sending (unless held) and receiving; the next frame is due at `next_frame`.
    Running {
        /// When the next frame is due.
        next_frame: Instant,
    },
    /// Stopped: inputs are ignored.
    Stopped,
}

/// The peer's address and SSRC packets are sent back to (RFC 4961).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Latch {
    pub(super) addr: SocketAddr,
    pub(super) ssrc: u32,
}

pub(super) type Source = Muted<Box<dyn AudioSource + Send>>;

/// One call's media, sans-IO. See the [module docs](super).
pub struct MediaSession {
    pub(super) config: MediaConfig,
    pub(super) source: Source,
    /// Source rate → encoder rate (mono), and its output not yet encoded.
    pub(super) up: Resampler,
    pub(super) pending: Vec<i16>,
    pub(super) sink: Box<dyn AudioSink + Send>,
    /// Decoder rate → sink rate (mono, after the downmix).
    pub(super) down: Resampler,
    pub(super) encoder: Box<dyn AudioEncoder>,
    pub(super) decoder: Box<dyn AudioDecoder>,
    pub(super) rtp: RtpSender,
    pub(super) receiver: RtpReceiver,
    pub(super) jitter: JitterBuffer,
    pub(super) rtcp: RtcpSession,
    pub(super) dtmf_tx: Option<DtmfSender>,
    pub(super) dtmf_rx: DtmfReceiver,
    /// The first input's time: every `Duration` below counts from it.
    pub(super) epoch: Option<Instant>,
    /// (session time, NTP wall clock) of the last wall-clock reading.
    pub(super) ntp_ref: (Duration, u64),
    pub(super) phase: Phase,
    /// The next playout slot; `None` while nothing is being received.
    pub(super) playout: Option<Instant>,
    /// When the last audio packet and the last RTP packet of any kind arrived.
    pub(super) last_audio: Duration,
    pub(super) last_media: Duration,
    pub(super) no_media_reported: bool,
    pub(super) remote_held: bool,
    pub(super) held: bool,
    pub(super) source_ended: bool,
    pub(super) latch: Option<Latch>,
    pub(super) outputs: VecDeque<Output>,
    pub(super) stats: MediaStats,
    /// Losses of the peer's earlier SSRCs (the receiver only counts the current one).
    pub(super) lost_before: i64,
    /// The peer's packet length as learnt so far.
    pub(super) rx_length: super::packet_length::PacketLength,
}

impl std::fmt::Debug for MediaSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaSession")
            .field("config", &self.config)
            .field("phase", &self.phase)
            .field("held", &self.held)
            .field("latch", &self.latch)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl MediaSession {
    /// A session of `config` sending `source` and playing into `sink` (any rates from 1
    /// to 384 kHz: resampled); its SSRC, sequence and timestamp origins, and the RTCP
    /// intervals come from `rng`.
    pub fn new(
        config: MediaConfig,
        source: Box<dyn AudioSource + Send>,
        sink: Box<dyn AudioSink + Send>,
        mut rng: ChaCha8Rng,
    ) -> Result<Self, MediaError> {
        let rtp = RtpSender::new(config.payload_type, &mut rng)
            .map_err(|_| MediaError::PayloadType(config.payload_type))?;
        let (src_rate, sink_rate) = (source.sample_rate(), sink.sample_rate());
        let parts = CodecParts::build(&config, &config.jitter, src_rate, sink_rate)?;
        let clock = config.codec.clock_rate();
        let rtcp = RtcpSession::new(rtp.ssrc(), config.cname.clone(), clock, &mut rng);
        let CodecParts {
            encoder,
            decoder,
            up,
            down,
            jitter,
            dtmf_tx,
        } = parts;
        Ok(MediaSession {
            held: config.held,
            ntp_ref: (Duration::ZERO, config.ntp_epoch),
            jitter,
            dtmf_rx: DtmfReceiver::new(clock),
            config,
            source: Muted::new(source),
            up,
            pending: Vec::new(),
            sink,
            down,
            encoder,
            decoder,
            rtp,
            receiver: RtpReceiver::new(),
            rtcp,
            dtmf_tx,
            epoch: None,
            phase: Phase::New,
            playout: None,
            last_audio: Duration::ZERO,
            last_media: Duration::ZERO,
            no_media_reported: false,
            remote_held: false,
            source_ended: false,
            latch: None,
            outputs: VecDeque::new(),
            stats: MediaStats::default(),
            lost_before: 0,
            rx_length: Default::default(),
        })
    }

    /// Feeds one input at `now`. The first input starts the session
    /// ([`MediaEvent::Started`]; a `Tick` then sends the first frame at once).
    pub fn handle(&mut self, now: Instant, input: Input) {
        let was_idle = self.is_idle();
        self.handle_input(now, input);
        if was_idle && !self.is_idle() {
            self.catch_up(now);
        }
    }

    /// Held, or nowhere to send: no frame is due, so no frame timer runs;
    /// [`catch_up`](Self::catch_up) accounts for the gap after.
    pub(super) fn is_idle(&self) -> bool {
        self.held || self.target().is_none()
    }

    /// Time since the session started.
    pub(super) fn elapsed(&self, now: Instant) -> Duration {
        self.epoch
            .map_or(Duration::ZERO, |e| now.saturating_duration_since(e))
    }

    fn handle_input(&mut self, now: Instant, input: Input) {
        match self.phase {
            Phase::Stopped => return,
            Phase::New => {
                self.epoch = Some(now);
                self.phase = Phase::Running { next_frame: now };
                self.event(MediaEvent::Started);
            }
            Phase::Running { .. } => {}
        }
        match input {
            Input::Tick => {
                self.frames_due(now);
                self.playout_due(now);
                self.rtcp_due(now);
                self.no_media_due(now);
            }
            Input::Datagram { from, bytes } => self.datagram(now, from, &bytes),
            Input::Hold => self.held = true,
            Input::Resume => {
                if std::mem::take(&mut self.held) {
                    self.rtp.talkspurt();
                    self.last_media = self.elapsed(now);
                }
            }
            Input::RemoteHold(on) => {
                if std::mem::replace(&mut self.remote_held, on) && !on {
                    self.last_media = self.elapsed(now);
                }
            }
            Input::Mute => self.source.set_muted(true),
            Input::Unmute => self.source.set_muted(false),
            Input::SetRemote(addr) => self.set_remote(addr),
            Input::Reconfigure(config) => self.reconfigure(now, *config),
            Input::SendDtmf {
                digits,
                duration_ms,
            } => self.send_dtmf(&digits, duration_ms),
            Input::WallClock(ntp) => self.ntp_ref = (self.elapsed(now), ntp),
            Input::Stop => {
                self.bye();
                self.phase = Phase::Stopped;
                self.event(MediaEvent::Stopped);
            }
        }
    }

    /// The next output, if any; drain after every [`MediaSession::handle`].
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// The earliest deadline (next frame unless held, next playout slot while
    /// receiving, next RTCP report, no-media); feed [`Input::Tick`] then. `None` before
    /// the first input and once stopped.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let Phase::Running { next_frame } = self.phase else {
            return None;
        };
        let epoch = self.epoch?;
        let frame = (!self.is_idle()).then_some(next_frame);
        let rtcp = Some(epoch + self.rtcp.poll_timeout());
        let no_media = self.no_media_deadline().map(|d| epoch + d);
        [frame, self.playout, rtcp, no_media]
            .into_iter()
            .flatten()
            .min()
    }
}
