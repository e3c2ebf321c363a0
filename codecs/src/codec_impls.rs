//! [`AudioEncoder`]/[`AudioDecoder`] for G.711 (wrapping the existing
//! `G711Encoder`/`G711Decoder`) and for Opus.

use super::{AudioDecoder, AudioEncoder, CodecError, CodecKind};
use crate::g711::Law;
use crate::g711_stream::{G711Decoder, G711Encoder, SAMPLE_RATE as G711_RATE};
use crate::opus::{OpusDecoder, OpusEncoder};

fn g711_kind(law: Law) -> CodecKind {
    match law {
        Law::Mu => CodecKind::Pcmu,
        Law::A => CodecKind::Pcma,
    }
}

/// G.711 behind [`AudioEncoder`].
pub(super) struct G711Enc(pub(super) G711Encoder);

impl AudioEncoder for G711Enc {
    fn kind(&self) -> CodecKind {
        g711_kind(self.0.law())
    }
    fn sample_rate(&self) -> u32 {
        G711_RATE
    }
    fn channels(&self) -> u16 {
        1
    }
    fn frame_samples(&self) -> usize {
        self.0.frame_samples()
    }
    fn encode(&mut self, pcm: &[i16]) -> Result<Vec<u8>, CodecError> {
        let expected = self.0.frame_samples();
        if pcm.len() != expected {
            return Err(CodecError::FrameLength {
                expected,
                found: pcm.len(),
            });
        }
        Ok(self.0.encode(pcm))
    }
    fn rtp_timestamp_step(&self) -> u32 {
        self.0.frame_samples() as u32
    }
}

/// G.711 behind [`AudioDecoder`], with a minimal concealment: the last
/// good frame is replayed once at half amplitude (-6 dB), then silence
/// until the next good packet (G.711 has no PLC of its own; Appendix I's
/// pitch-repetition PLC would be the next step).
pub(super) struct G711Dec {
    pub(super) inner: G711Decoder,
    pub(super) last: Vec<i16>,
    pub(super) repeated: bool,
}

impl AudioDecoder for G711Dec {
    fn kind(&self) -> CodecKind {
        g711_kind(self.inner.law())
    }
    fn sample_rate(&self) -> u32 {
        G711_RATE
    }
    fn channels(&self) -> u16 {
        1
    }
    fn decode(&mut self, payload: &[u8]) -> Result<Vec<i16>, CodecError> {
        let pcm = self.inner.decode(payload);
        if !pcm.is_empty() {
            self.last.clone_from(&pcm);
            self.repeated = false;
        }
        Ok(pcm)
    }
    fn conceal(&mut self, samples_per_channel: usize) -> Vec<i16> {
        if self.repeated || self.last.is_empty() {
            return vec![0; samples_per_channel];
        }
        self.repeated = true;
        self.last
            .iter()
            .cycle()
            .take(samples_per_channel)
            .map(|s| s / 2)
            .collect()
    }
    fn decode_fec(&mut self, _next: &[u8], _samples_per_channel: usize) -> Option<Vec<i16>> {
        None
    }
}

impl AudioEncoder for OpusEncoder {
    fn kind(&self) -> CodecKind {
        CodecKind::Opus
    }
    fn sample_rate(&self) -> u32 {
        self.config().sample_rate
    }
    fn channels(&self) -> u16 {
        self.config().channels
    }
    fn frame_samples(&self) -> usize {
        OpusEncoder::frame_samples(self)
    }
    fn encode(&mut self, pcm: &[i16]) -> Result<Vec<u8>, CodecError> {
        Ok(OpusEncoder::encode(self, pcm)?)
    }
    fn rtp_timestamp_step(&self) -> u32 {
        self.config().rtp_step()
    }
}

impl AudioDecoder for OpusDecoder {
    fn kind(&self) -> CodecKind {
        CodecKind::Opus
    }
    fn sample_rate(&self) -> u32 {
        OpusDecoder::sample_rate(self)
    }
    fn channels(&self) -> u16 {
        OpusDecoder::channels(self)
    }
    fn decode(&mut self, payload: &[u8]) -> Result<Vec<i16>, CodecError> {
        Ok(OpusDecoder::decode(self, payload)?)
    }
    fn conceal(&mut self, samples_per_channel: usize) -> Vec<i16> {
        OpusDecoder::conceal(self, samples_per_channel)
    }
    fn decode_fec(&mut self, next: &[u8], samples_per_channel: usize) -> Option<Vec<i16>> {
        OpusDecoder::decode_fec(self, next, samples_per_channel).ok()
    }
}
