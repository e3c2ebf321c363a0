//! [`MediaSession`]: sending, timing, hold, mute, stop. Receiving is in `receive.rs`.

use super::{Input, MediaConfig, MediaError, MediaEvent, MediaStats, Output};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;
use std::net::SocketAddr;
use switchboard_codecs::{
    AudioSink, AudioSource, G711Decoder, G711Encoder, Muted, RtpReceiver, RtpSender, Silence,
    SAMPLE_RATE,
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

type Source = Muted<Box<dyn AudioSource + Send>>;

/// One call's PCMU/PCMA media, sans-IO. See the [module docs](super).
pub struct MediaSession {
    pub(super) config: MediaConfig,
    source: Source,
    pub(super) sink: Box<dyn AudioSink + Send>,
    encoder: G711Encoder,
    pub(super) decoder: G711Decoder,
    rtp: RtpSender,
    pub(super) receiver: RtpReceiver,
    /// Kept for RTCP's randomised intervals and SSRC collision handling (issue 6).
    _rng: ChaCha8Rng,
    pub(super) phase: Phase,
    held: bool,
    source_ended: bool,
    pub(super) latch: Option<Latch>,
    pub(super) outputs: VecDeque<Output>,
    pub(super) stats: MediaStats,
    /// Losses of the peer's earlier SSRCs (the receiver only counts the current one).
    pub(super) lost_before: i64,
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
    /// A session of `config` sending `source` and playing into `sink` (both 8 kHz);
    /// its SSRC, initial sequence number and timestamp come from `rng`.
    pub fn new(
        config: MediaConfig,
        source: Box<dyn AudioSource + Send>,
        sink: Box<dyn AudioSink + Send>,
        mut rng: ChaCha8Rng,
    ) -> Result<Self, MediaError> {
        let ms = config.ptime.as_millis();
        let whole = config.ptime.subsec_nanos().is_multiple_of(1_000_000);
        if !whole || !(10..=120).contains(&ms) {
            return Err(MediaError::Ptime(config.ptime));
        }
        for (what, found) in [
            ("source", source.sample_rate()),
            ("sink", sink.sample_rate()),
        ] {
            if found != SAMPLE_RATE {
                return Err(MediaError::SampleRate { what, found });
            }
        }
        let rtp = RtpSender::new(config.payload_type, &mut rng)
            .map_err(|_| MediaError::PayloadType(config.payload_type))?;
        let samples = ms as usize * (SAMPLE_RATE as usize / 1000);
        Ok(MediaSession {
            held: config.held,
            encoder: G711Encoder::with_frame(config.law, samples),
            decoder: G711Decoder::new(config.law),
            config,
            source: Muted::new(source),
            sink,
            rtp,
            receiver: RtpReceiver::new(),
            _rng: rng,
            phase: Phase::New,
            source_ended: false,
            latch: None,
            outputs: VecDeque::new(),
            stats: MediaStats::default(),
            lost_before: 0,
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

    /// Held, or nowhere to send: no frame is due, so no timer runs (a thousand held
    /// calls cost nothing); [`catch_up`](Self::catch_up) accounts for the gap after.
    fn is_idle(&self) -> bool {
        self.held || self.target().is_none()
    }

    /// Skips the frames of an idle gap at once (the RTP timestamp keeps pace, the
    /// next packet is marked) so sending resumes on time instead of in a burst.
    fn catch_up(&mut self, now: Instant) {
        let Phase::Running { next_frame } = self.phase else {
            return;
        };
        if now < next_frame {
            return;
        }
        let ptime = self.config.ptime;
        let gap = (now - next_frame).as_nanos() / ptime.as_nanos().max(1);
        let frames = u32::try_from(gap).unwrap_or(u32::MAX);
        let samples = self.encoder.frame_samples() as u32;
        self.rtp.skip(samples.wrapping_mul(frames));
        self.stats.frames_skipped += u64::from(frames);
        self.phase = Phase::Running {
            next_frame: next_frame + ptime.saturating_mul(frames),
        };
    }

    fn handle_input(&mut self, now: Instant, input: Input) {
        match self.phase {
            Phase::Stopped => return,
            Phase::New => {
                self.phase = Phase::Running { next_frame: now };
                self.event(MediaEvent::Started);
            }
            Phase::Running { .. } => {}
        }
        match input {
            Input::Tick => self.frames_due(now),
            Input::Datagram { from, bytes } => self.datagram(from, &bytes),
            Input::Hold => self.held = true,
            Input::Resume => {
                if std::mem::take(&mut self.held) {
                    self.rtp.talkspurt();
                }
            }
            Input::Mute => self.source.set_muted(true),
            Input::Unmute => self.source.set_muted(false),
            Input::SetRemote(addr) => {
                if addr != self.config.remote {
                    self.config.remote = addr;
                    self.latch = None;
                }
            }
            Input::SetLaw(law) if law != self.config.law => {
                let ms = usize::try_from(self.config.ptime.as_millis()).unwrap_or(20);
                let samples = ms * (SAMPLE_RATE as usize / 1000);
                self.config.law = law;
                self.config.payload_type = law.payload_type();
                self.encoder = G711Encoder::with_frame(law, samples);
                self.decoder = G711Decoder::new(law);
                let _ = self.rtp.set_payload_type(law.payload_type());
            }
            Input::SetLaw(_) => {}
            Input::Stop => {
                self.phase = Phase::Stopped;
                self.event(MediaEvent::Stopped);
            }
        }
    }

    /// The next output, if any; drain after every [`MediaSession::handle`].
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When the next frame is due (feed [`Input::Tick`] then); `None` before the first
    /// input and once stopped.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.phase {
            Phase::Running { .. } if self.is_idle() => None,
            Phase::Running { next_frame } => Some(next_frame),
            Phase::New | Phase::Stopped => None,
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> MediaStats {
        let mut stats = self.stats;
        stats.lost = self.lost_before + self.receiver.lost();
        stats
    }

    /// Where packets go now: the latched address, else the SDP's; `None` when that is
    /// unspecified (nothing is sent).
    pub fn target(&self) -> Option<SocketAddr> {
        let addr = match (self.config.symmetric, self.latch) {
            (true, Some(latch)) => latch.addr,
            _ => self.config.remote,
        };
        (!addr.ip().is_unspecified() && addr.port() != 0).then_some(addr)
    }

    /// The negotiated configuration (with the current SDP address).
    pub fn config(&self) -> &MediaConfig {
        &self.config
    }
    /// Our SSRC.
    pub fn ssrc(&self) -> u32 {
        self.rtp.ssrc()
    }
    /// Whether the session is on hold.
    pub fn is_held(&self) -> bool {
        self.held
    }
    /// Whether the session is muted.
    pub fn is_muted(&self) -> bool {
        self.source.is_muted()
    }
    /// Whether the session has stopped.
    pub fn is_stopped(&self) -> bool {
        self.phase == Phase::Stopped
    }

    pub(super) fn event(&mut self, event: MediaEvent) {
        self.outputs.push_back(Output::Event(event));
    }

    /// Sends (or skips) every frame due by `now`, at most [`MAX_BURST`] of them.
    fn frames_due(&mut self, now: Instant) {
        let Phase::Running { next_frame } = self.phase else {
            return;
        };
        if now < next_frame {
            return;
        }
        let ptime = self.config.ptime;
        let behind = (now - next_frame).as_nanos() / ptime.as_nanos().max(1);
        let due = u32::try_from(behind.saturating_add(1)).unwrap_or(u32::MAX);
        let skip = u64::from(due).saturating_sub(MAX_BURST);
        for _ in 0..skip {
            self.skip_frame();
        }
        for _ in skip..u64::from(due) {
            self.frame();
        }
        self.phase = Phase::Running {
            next_frame: next_frame + ptime.saturating_mul(due),
        };
    }

    fn skip_frame(&mut self) {
        self.rtp.skip(self.encoder.frame_samples() as u32);
        self.stats.frames_skipped += 1;
    }

    /// One frame interval: a packet to the target, or a skip when held or addressless.
    fn frame(&mut self) {
        let target = match self.target() {
            Some(to) if !self.held => to,
            _ => return self.skip_frame(),
        };
        let payload = match self.encoder.next_payload(&mut self.source) {
            Ok(Some(payload)) => payload,
            // Ended (rates were checked in `new`, so an error means the same).
            Ok(None) | Err(_) => {
                self.source_ended();
                let silence = vec![0i16; self.encoder.frame_samples()];
                self.encoder.encode(&silence)
            }
        };
        let samples = self.encoder.frame_samples() as u32;
        let packet = self.rtp.packetize(&payload, samples);
        self.stats.packets_sent += 1;
        self.stats.bytes_sent += packet.len() as u64;
        self.outputs.push_back(Output::Send {
            to: target,
            bytes: packet.into(),
        });
    }

    /// Reports the end once and replaces the source with silence (keeping the mute).
    fn source_ended(&mut self) {
        if std::mem::replace(&mut self.source_ended, true) {
            return;
        }
        let muted = self.source.is_muted();
        self.source = Muted::new(Box::new(Silence::new(SAMPLE_RATE)));
        self.source.set_muted(muted);
        self.event(MediaEvent::SourceEnded);
    }
}
