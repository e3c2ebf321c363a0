//! Opus (RFC 6716) over RTP (RFC 7587) through the system libopus.
//!
//! The encoder and decoder wrap [`audiopus`]' safe API (no `unsafe` here).
//! `audiopus_sys` finds libopus with pkg-config (`libopus-dev`); set
//! `LIBOPUS_STATIC=1` at build time to link it statically instead.
//!
//! Opus always runs at 48 kHz here: RFC 7587 §4.1 fixes the RTP clock at
//! 48000 whatever rate the encoder uses internally, so timestamps step by
//! 48 × ptime (960 for 20 ms) for mono and stereo alike.

use audiopus::coder::{Decoder, Encoder};
use audiopus::{Application, Bitrate, Channels, SampleRate};

pub use crate::opus_fmtp::OpusFmtp;

/// The RTP clock rate of Opus (RFC 7587 §4.1), also our sampling rate.
pub const OPUS_CLOCK_RATE: u32 = 48_000;
/// Samples per channel per millisecond at 48 kHz.
const SAMPLES_PER_MS: usize = 48;
/// The longest Opus packet: 120 ms (RFC 6716 §3.2.5), per channel.
pub const MAX_FRAME_SAMPLES: usize = 120 * SAMPLES_PER_MS;
/// The granularity of concealment and FEC: 2.5 ms, per channel.
pub const PLC_GRANULE: usize = 120;
/// libopus' recommended output buffer for one packet.
const MAX_PACKET_BYTES: usize = 4000;

/// Why an Opus operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpusError {
    /// A configuration field is out of range.
    #[error("Opus config `{field}` = {value} is out of range ({expected})")]
    Config {
        /// The field's name, e.g. `bitrate_bps`.
        field: &'static str,
        /// The rejected value.
        value: u32,
        /// What is allowed.
        expected: &'static str,
    },
    /// The PCM handed to the encoder, or the duration asked of the decoder,
    /// is not a whole frame.
    #[error("expected {expected} samples, got {found}")]
    FrameLength {
        /// Samples (interleaved) or samples per channel expected.
        expected: usize,
        /// What was given.
        found: usize,
    },
    /// An empty payload (RFC 7587 §3: every Opus packet has a TOC byte).
    #[error("empty Opus payload")]
    EmptyPayload,
    /// libopus refused the operation (corrupt packet, bad argument...).
    #[error("libopus: {0}")]
    Library(#[from] audiopus::Error),
}

/// Encoder settings. Build with [`OpusConfig::default`] and set fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpusConfig {
    /// 1 (mono) or 2 (stereo).
    pub channels: u16,
    /// Target bitrate, 6 000..=510 000 bit/s (default 32 000).
    pub bitrate_bps: u32,
    /// In-band forward error correction (default on).
    pub fec: bool,
    /// Discontinuous transmission (default off).
    pub dtx: bool,
    /// Packet loss the encoder should plan for, 0..=100 % (default 10).
    pub expected_loss_pct: u8,
    /// Frame duration: 10, 20, 40 or 60 ms (default 20).
    pub frame_ms: u16,
    /// The PCM rate the encoder takes: 8, 12, 16, 24 or 48 kHz (default 48 000).
    /// Below 48 kHz libopus codes only that band (narrowband SILK for 8 kHz): the
    /// right, and much cheaper, choice for a source that has no more. The RTP clock
    /// stays 48 kHz (RFC 7587 §4.1).
    pub sample_rate: u32,
}

impl Default for OpusConfig {
    fn default() -> Self {
        OpusConfig {
            channels: 1,
            bitrate_bps: 32_000,
            fec: true,
            dtx: false,
            expected_loss_pct: 10,
            frame_ms: 20,
            sample_rate: OPUS_CLOCK_RATE,
        }
    }
}

/// The PCM rates libopus encodes from and decodes to.
pub const OPUS_PCM_RATES: [u32; 5] = [8_000, 12_000, 16_000, 24_000, 48_000];

/// The lowest Opus PCM rate that keeps all of a `hz` signal (48 kHz above 24 kHz).
pub fn opus_rate_for(hz: u32) -> u32 {
    OPUS_PCM_RATES
        .into_iter()
        .find(|r| *r >= hz)
        .unwrap_or(OPUS_CLOCK_RATE)
}

fn sample_rate_of(hz: u32) -> Result<SampleRate, OpusError> {
    Ok(match hz {
        8_000 => SampleRate::Hz8000,
        12_000 => SampleRate::Hz12000,
        16_000 => SampleRate::Hz16000,
        24_000 => SampleRate::Hz24000,
        48_000 => SampleRate::Hz48000,
        _ => {
            return Err(OpusError::Config {
                field: "sample_rate",
                value: hz,
                expected: "8000, 12000, 16000, 24000 or 48000",
            })
        }
    })
}

impl OpusConfig {
    /// Checks every field, naming the first one out of range.
    pub fn validate(&self) -> Result<(), OpusError> {
        let bad = |field, value: u32, expected| {
            Err(OpusError::Config {
                field,
                value,
                expected,
            })
        };
        if !matches!(self.channels, 1 | 2) {
            return bad("channels", self.channels.into(), "1 or 2");
        }
        if !(6_000..=510_000).contains(&self.bitrate_bps) {
            return bad("bitrate_bps", self.bitrate_bps, "6000..=510000");
        }
        if self.expected_loss_pct > 100 {
            return bad(
                "expected_loss_pct",
                self.expected_loss_pct.into(),
                "0..=100",
            );
        }
        if !matches!(self.frame_ms, 10 | 20 | 40 | 60) {
            return bad("frame_ms", self.frame_ms.into(), "10, 20, 40 or 60");
        }
        sample_rate_of(self.sample_rate)?;
        Ok(())
    }

    /// PCM samples per channel in one frame (960 for 20 ms at 48 kHz, 160 at 8 kHz).
    pub fn frame_samples(&self) -> usize {
        usize::from(self.frame_ms) * (self.sample_rate as usize / 1000)
    }

    /// RTP timestamp units (48 kHz) of one frame: 960 for 20 ms.
    pub fn rtp_step(&self) -> u32 {
        u32::from(self.frame_ms) * (OPUS_CLOCK_RATE / 1000)
    }
}

fn channels_of(n: u16) -> Result<Channels, OpusError> {
    match n {
        1 => Ok(Channels::Mono),
        2 => Ok(Channels::Stereo),
        _ => Err(OpusError::Config {
            field: "channels",
            value: n.into(),
            expected: "1 or 2",
        }),
    }
}

/// Turns 48 kHz PCM frames into Opus packets.
///
/// With DTX on, frames of silence come out as packets of at most 2 bytes
/// (see [`OpusEncoder::is_dtx`]). RFC 7587 §3.1.3 lets the sender not send
/// them: skip the packet but still advance the RTP timestamp, and mark the
/// first packet after the gap (a new talkspurt). libopus emits one such
/// packet every 400 ms of silence; sending those keeps NAT bindings and the
/// peer's comfort noise alive, so sending them is fine too.
#[derive(Debug)]
pub struct OpusEncoder {
    inner: Encoder,
    config: OpusConfig,
    out: Vec<u8>,
}

impl OpusEncoder {
    /// An encoder for `config` (validated first), in VoIP mode.
    pub fn new(config: &OpusConfig) -> Result<Self, OpusError> {
        config.validate()?;
        let channels = channels_of(config.channels)?;
        let rate = sample_rate_of(config.sample_rate)?;
        let mut inner = Encoder::new(rate, channels, Application::Voip)?;
        inner.set_signal(audiopus::Signal::Voice)?;
        let mut encoder = OpusEncoder {
            inner,
            config: *config,
            out: vec![0; MAX_PACKET_BYTES],
        };
        encoder.set_bitrate(config.bitrate_bps)?;
        encoder.set_fec(config.fec)?;
        encoder.set_dtx(config.dtx)?;
        encoder.set_expected_loss(config.expected_loss_pct)?;
        Ok(encoder)
    }

    /// The current settings.
    pub fn config(&self) -> &OpusConfig {
        &self.config
    }

    /// Samples per channel per frame.
    pub fn frame_samples(&self) -> usize {
        self.config.frame_samples()
    }

    /// The codec delay in samples per channel (encoder look-ahead plus
    /// decoder overlap; 312 = 6.5 ms for libopus in VoIP mode).
    pub fn lookahead(&self) -> usize {
        self.inner.lookahead().map_or(312, |n| n as usize)
    }

    /// Encodes one frame: `frame_samples() × channels` interleaved samples.
    pub fn encode(&mut self, pcm: &[i16]) -> Result<Vec<u8>, OpusError> {
        let expected = self.frame_samples() * usize::from(self.config.channels);
        if pcm.len() != expected {
            return Err(OpusError::FrameLength {
                expected,
                found: pcm.len(),
            });
        }
        let n = self.inner.encode(pcm, &mut self.out)?;
        Ok(self.out.get(..n).unwrap_or_default().to_vec())
    }

    /// Changes the target bitrate (6 000..=510 000 bit/s).
    pub fn set_bitrate(&mut self, bps: u32) -> Result<(), OpusError> {
        OpusConfig {
            bitrate_bps: bps,
            ..self.config
        }
        .validate()?;
        let bits = i32::try_from(bps).unwrap_or(510_000);
        self.inner.set_bitrate(Bitrate::BitsPerSecond(bits))?;
        self.config.bitrate_bps = bps;
        Ok(())
    }

    /// Turns in-band FEC on or off (it only helps with expected loss > 0).
    pub fn set_fec(&mut self, on: bool) -> Result<(), OpusError> {
        self.inner.set_inband_fec(on)?;
        self.config.fec = on;
        Ok(())
    }

    /// Turns discontinuous transmission on or off.
    pub fn set_dtx(&mut self, on: bool) -> Result<(), OpusError> {
        self.inner
            .set_encoder_ctl_request(audiopus::ffi::OPUS_SET_DTX_REQUEST, i32::from(on))?;
        self.config.dtx = on;
        Ok(())
    }

    /// Sets the packet loss the encoder plans for (0..=100 %), e.g. from
    /// RTCP receiver reports.
    pub fn set_expected_loss(&mut self, pct: u8) -> Result<(), OpusError> {
        OpusConfig {
            expected_loss_pct: pct,
            ..self.config
        }
        .validate()?;
        self.inner.set_packet_loss_perc(pct)?;
        self.config.expected_loss_pct = pct;
        Ok(())
    }

    /// Whether `packet` is a DTX (silence) packet that may be left unsent.
    pub fn is_dtx(packet: &[u8]) -> bool {
        packet.len() <= 2
    }
}

/// Turns Opus packets back into interleaved PCM (48 kHz, or a lower Opus rate).
#[derive(Debug)]
pub struct OpusDecoder {
    inner: Decoder,
    channels: usize,
    rate: u32,
    buf: Vec<i16>,
}

impl OpusDecoder {
    /// A decoder producing `channels` (1 or 2) channels at 48 kHz, whatever the
    /// packets carry (libopus up- or down-mixes).
    pub fn new(channels: u16) -> Result<Self, OpusError> {
        Self::with_rate(channels, OPUS_CLOCK_RATE)
    }

    /// A decoder producing `channels` channels at `rate` (8, 12, 16, 24 or 48 kHz:
    /// libopus decodes straight to it, cheaper than decoding 48 kHz and resampling).
    /// Sample counts below (`conceal`, `decode_fec`) are at this rate.
    pub fn with_rate(channels: u16, rate: u32) -> Result<Self, OpusError> {
        let inner = Decoder::new(sample_rate_of(rate)?, channels_of(channels)?)?;
        let channels = usize::from(channels);
        Ok(OpusDecoder {
            inner,
            channels,
            rate,
            buf: vec![0; MAX_FRAME_SAMPLES * channels],
        })
    }

    /// The output rate.
    pub fn sample_rate(&self) -> u32 {
        self.rate
    }

    /// 2.5 ms and 120 ms in samples at the output rate.
    fn granule_and_max(&self) -> (usize, usize) {
        let per_ms = self.rate as usize / 1000;
        (per_ms * 5 / 2, per_ms * 120)
    }

    /// Output channels.
    pub fn channels(&self) -> u16 {
        if self.channels == 2 {
            2
        } else {
            1
        }
    }

    /// Decodes one packet. A corrupt packet is an error (the caller may then
    /// [`conceal`](Self::conceal)), never a panic.
    pub fn decode(&mut self, payload: &[u8]) -> Result<Vec<i16>, OpusError> {
        if payload.is_empty() {
            return Err(OpusError::EmptyPayload);
        }
        let n = self.inner.decode(Some(payload), &mut self.buf[..], false)?;
        Ok(self.take(n))
    }

    /// Packet loss concealment: `samples_per_channel` samples extrapolated
    /// from the past (silence if libopus refuses). Durations are rounded up
    /// to 2.5 ms inside, the output has exactly the length asked.
    pub fn conceal(&mut self, samples_per_channel: usize) -> Vec<i16> {
        let want = samples_per_channel * self.channels;
        let mut out = Vec::with_capacity(want);
        while out.len() < want {
            let left = (want - out.len()) / self.channels;
            let (granule, max) = self.granule_and_max();
            let step = (left.div_ceil(granule) * granule).min(max);
            let keep = step.min(left);
            let buf = &mut self.buf[..step * self.channels];
            let got = match self.inner.decode(None::<&[u8]>, buf, false) {
                Ok(n) => n.min(keep),
                Err(_) => 0,
            };
            out.extend_from_slice(&self.buf[..got * self.channels]);
            out.resize(out.len() + (keep - got) * self.channels, 0);
        }
        out
    }

    /// Recovers a lost frame of `samples_per_channel` samples (a multiple of
    /// 120, at most 5760) from the in-band FEC of the packet after it. Call
    /// it before decoding `next_payload` itself. Without FEC data in
    /// `next_payload`, libopus conceals instead.
    pub fn decode_fec(
        &mut self,
        next_payload: &[u8],
        samples_per_channel: usize,
    ) -> Result<Vec<i16>, OpusError> {
        if next_payload.is_empty() {
            return Err(OpusError::EmptyPayload);
        }
        let (granule, max) = self.granule_and_max();
        if samples_per_channel == 0
            || !samples_per_channel.is_multiple_of(granule)
            || samples_per_channel > max
        {
            let expected = samples_per_channel.div_ceil(granule).max(1) * granule;
            return Err(OpusError::FrameLength {
                expected: expected.min(max),
                found: samples_per_channel,
            });
        }
        let buf = &mut self.buf[..samples_per_channel * self.channels];
        let n = self.inner.decode(Some(next_payload), buf, true)?;
        Ok(self.take(n))
    }

    fn take(&self, samples_per_channel: usize) -> Vec<i16> {
        let len = (samples_per_channel * self.channels).min(self.buf.len());
        self.buf.get(..len).unwrap_or_default().to_vec()
    }
}

#[cfg(test)]
#[path = "opus_tests.rs"]
pub(crate) mod tests;
