//! One interface for every audio codec, so the media session can drive
//! PCMU, PCMA and Opus alike through `Box<dyn AudioEncoder>` and
//! `Box<dyn AudioDecoder>`.

use crate::g711::Law;
use crate::g711_stream::{G711Decoder, G711Encoder, SAMPLE_RATE as G711_RATE};
use crate::opus::{OpusConfig, OpusDecoder, OpusEncoder, OpusError, OPUS_CLOCK_RATE};

/// The codecs we can send and receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodecKind {
    /// G.711 µ-law.
    Pcmu,
    /// G.711 A-law.
    Pcma,
    /// Opus (RFC 7587).
    Opus,
}

impl CodecKind {
    /// The SDP encoding name: `PCMU`, `PCMA` or `opus`.
    pub fn encoding_name(self) -> &'static str {
        match self {
            CodecKind::Pcmu => "PCMU",
            CodecKind::Pcma => "PCMA",
            CodecKind::Opus => "opus",
        }
    }

    /// The RTP clock rate: 8000 for G.711, 48000 for Opus.
    pub fn clock_rate(self) -> u32 {
        match self {
            CodecKind::Pcmu | CodecKind::Pcma => G711_RATE,
            CodecKind::Opus => OPUS_CLOCK_RATE,
        }
    }

    /// The static payload type (RFC 3551): 0, 8, or none (Opus is dynamic).
    pub fn default_payload_type(self) -> Option<u8> {
        match self {
            CodecKind::Pcmu => Some(Law::Mu.payload_type()),
            CodecKind::Pcma => Some(Law::A.payload_type()),
            CodecKind::Opus => None,
        }
    }

    /// The channel count in `a=rtpmap`: 1 for G.711; 2 for Opus, which
    /// RFC 7587 §7 always writes `opus/48000/2` whatever is sent.
    pub fn channels_in_sdp(self) -> u16 {
        match self {
            CodecKind::Pcmu | CodecKind::Pcma => 1,
            CodecKind::Opus => 2,
        }
    }

    /// The kind of an SDP encoding name (case-insensitive, RFC 4855 §3).
    pub fn from_encoding_name(name: &str) -> Option<CodecKind> {
        [CodecKind::Pcmu, CodecKind::Pcma, CodecKind::Opus]
            .into_iter()
            .find(|k| k.encoding_name().eq_ignore_ascii_case(name))
    }

    fn law(self) -> Option<Law> {
        match self {
            CodecKind::Pcmu => Some(Law::Mu),
            CodecKind::Pcma => Some(Law::A),
            CodecKind::Opus => None,
        }
    }
}

/// Why a codec could not be built or could not code a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// An Opus failure.
    #[error(transparent)]
    Opus(#[from] OpusError),
    /// A packetisation time the codec cannot do.
    #[error("{kind:?} cannot use ptime {ptime_ms} ms")]
    Ptime {
        /// The codec.
        kind: CodecKind,
        /// The rejected ptime.
        ptime_ms: u16,
    },
    /// A channel count the codec cannot do.
    #[error("{kind:?} cannot have {channels} channels")]
    Channels {
        /// The codec.
        kind: CodecKind,
        /// The rejected count.
        channels: u16,
    },
    /// A PCM rate the codec cannot decode to.
    #[error("{kind:?} cannot decode to {rate} Hz")]
    SampleRate {
        /// The codec.
        kind: CodecKind,
        /// The rejected rate.
        rate: u32,
    },
    /// The PCM handed to an encoder is not one frame.
    #[error("expected {expected} samples, got {found}")]
    FrameLength {
        /// Interleaved samples of one frame.
        expected: usize,
        /// What was given.
        found: usize,
    },
}

/// Settings for [`encoder`]. Build with [`CodecParams::default`] (20 ms,
/// default Opus settings) and set fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodecParams {
    /// Packetisation time: 1..=200 ms for G.711; for Opus it replaces
    /// `opus.frame_ms` and must be 10, 20, 40 or 60.
    pub ptime_ms: u16,
    /// Opus settings (ignored by G.711).
    pub opus: OpusConfig,
}

impl Default for CodecParams {
    fn default() -> Self {
        CodecParams {
            ptime_ms: 20,
            opus: OpusConfig::default(),
        }
    }
}

/// Encodes frames of PCM into RTP payloads.
pub trait AudioEncoder: Send {
    /// The codec.
    fn kind(&self) -> CodecKind;
    /// The PCM sampling rate `encode` expects.
    fn sample_rate(&self) -> u32;
    /// Interleaved channels `encode` expects.
    fn channels(&self) -> u16;
    /// Samples per channel in one frame.
    fn frame_samples(&self) -> usize;
    /// Encodes exactly one frame (`frame_samples × channels` samples).
    fn encode(&mut self, pcm: &[i16]) -> Result<Vec<u8>, CodecError>;
    /// How far the RTP timestamp moves per frame (in clock-rate units).
    fn rtp_timestamp_step(&self) -> u32;
}

/// Decodes RTP payloads into interleaved PCM.
pub trait AudioDecoder: Send {
    /// The codec.
    fn kind(&self) -> CodecKind;
    /// The sampling rate of the PCM produced.
    fn sample_rate(&self) -> u32;
    /// Interleaved channels of the PCM produced.
    fn channels(&self) -> u16;
    /// Decodes one payload.
    fn decode(&mut self, payload: &[u8]) -> Result<Vec<i16>, CodecError>;
    /// Fills a gap of `samples_per_channel` samples after a lost packet.
    /// G.711 repeats the last frame once at half amplitude, then gives
    /// silence; Opus runs libopus' packet loss concealment.
    fn conceal(&mut self, samples_per_channel: usize) -> Vec<i16>;
    /// Recovers a lost frame from the packet after it, if the codec can
    /// (Opus in-band FEC); `None` for G.711 or when it fails.
    fn decode_fec(&mut self, next: &[u8], samples_per_channel: usize) -> Option<Vec<i16>>;
}

/// An encoder of `kind` with `params`.
pub fn encoder(kind: CodecKind, params: &CodecParams) -> Result<Box<dyn AudioEncoder>, CodecError> {
    let ptime_ms = params.ptime_ms;
    if let Some(law) = kind.law() {
        if !(1..=200).contains(&ptime_ms) {
            return Err(CodecError::Ptime { kind, ptime_ms });
        }
        let samples = usize::from(ptime_ms) * (G711_RATE as usize / 1000);
        return Ok(Box::new(G711Enc(G711Encoder::with_frame(law, samples))));
    }
    if !matches!(ptime_ms, 10 | 20 | 40 | 60) {
        return Err(CodecError::Ptime { kind, ptime_ms });
    }
    let config = OpusConfig {
        frame_ms: ptime_ms,
        ..params.opus
    };
    Ok(Box::new(OpusEncoder::new(&config)?))
}

/// A decoder of `kind` producing `channels` channels (1 for G.711; 1 or 2
/// for Opus) at the codec's rate.
pub fn decoder(kind: CodecKind, channels: u16) -> Result<Box<dyn AudioDecoder>, CodecError> {
    decoder_at(kind, channels, kind.clock_rate())
}

/// [`decoder`] producing `rate` Hz: Opus decodes to 8, 12, 16, 24 or 48 kHz
/// ([`crate::opus::opus_rate_for`] picks one for a sink); G.711 is 8 kHz only.
pub fn decoder_at(
    kind: CodecKind,
    channels: u16,
    rate: u32,
) -> Result<Box<dyn AudioDecoder>, CodecError> {
    if kind.law().is_some() && rate != G711_RATE {
        return Err(CodecError::SampleRate { kind, rate });
    }
    match kind.law() {
        Some(_) if channels != 1 => Err(CodecError::Channels { kind, channels }),
        Some(law) => Ok(Box::new(G711Dec {
            inner: G711Decoder::new(law),
            last: Vec::new(),
            repeated: false,
        })),
        None if !matches!(channels, 1 | 2) => Err(CodecError::Channels { kind, channels }),
        None => Ok(Box::new(OpusDecoder::with_rate(channels, rate)?)),
    }
}

#[path = "codec_impls.rs"]
mod impls;
use impls::{G711Dec, G711Enc};

#[cfg(test)]
#[path = "codec_tests.rs"]
mod tests;
