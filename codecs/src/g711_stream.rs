//! G.711 framing: 20 ms frames from a source into RTP payloads and back.

use crate::g711::{decode_into, encode_into, Law};
use crate::rtp_packetizer::{RtpError, RtpSender};
use crate::sink::AudioSink;
use crate::source::AudioSource;
use crate::wav::WavError;
use rand::RngCore;

/// G.711's sampling rate and RTP clock rate (RFC 3551 §4.5.14).
pub const SAMPLE_RATE: u32 = 8000;
/// Samples in one 20 ms frame, the default packetisation time.
pub const FRAME_SAMPLES: usize = 160;

/// Why a frame could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The source does not run at 8 kHz.
    #[error("audio source runs at {found} Hz, G.711 needs {SAMPLE_RATE} Hz")]
    SampleRate {
        /// The source's rate.
        found: u32,
    },
    /// The RTP stream could not be set up.
    #[error(transparent)]
    Rtp(#[from] RtpError),
}

/// Turns frames of a source into G.711 payloads.
#[derive(Debug, Clone)]
pub struct G711Encoder {
    law: Law,
    frame: Vec<i16>,
}

impl G711Encoder {
    /// An encoder of 20 ms (160-sample) frames.
    pub fn new(law: Law) -> Self {
        Self::with_frame(law, FRAME_SAMPLES)
    }

    /// An encoder of `samples`-sample frames (80 per 10 ms of ptime); at least 1.
    pub fn with_frame(law: Law, samples: usize) -> Self {
        G711Encoder {
            law,
            frame: vec![0; samples.max(1)],
        }
    }

    /// The companding law.
    pub fn law(&self) -> Law {
        self.law
    }

    /// Samples per frame (also the RTP timestamp step per packet).
    pub fn frame_samples(&self) -> usize {
        self.frame.len()
    }

    /// Encodes `pcm`, one codeword per sample.
    pub fn encode(&self, pcm: &[i16]) -> Vec<u8> {
        let mut out = Vec::with_capacity(pcm.len());
        encode_into(self.law, pcm, &mut out);
        out
    }

    /// Reads one frame from `source` and encodes it. A final partial frame is
    /// completed with silence; `None` once the source has ended.
    pub fn next_payload(
        &mut self,
        source: &mut impl AudioSource,
    ) -> Result<Option<Vec<u8>>, StreamError> {
        let found = source.sample_rate();
        if found != SAMPLE_RATE {
            return Err(StreamError::SampleRate { found });
        }
        let n = source.read(&mut self.frame);
        if n == 0 {
            return Ok(None);
        }
        if let Some(tail) = self.frame.get_mut(n..) {
            tail.fill(0);
        }
        Ok(Some(self.encode(&self.frame)))
    }
}

/// Turns G.711 payloads back into samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct G711Decoder {
    law: Law,
}

impl G711Decoder {
    /// A decoder for `law`.
    pub fn new(law: Law) -> Self {
        G711Decoder { law }
    }

    /// The companding law.
    pub fn law(&self) -> Law {
        self.law
    }

    /// Decodes `payload`, one sample per codeword.
    pub fn decode(&self, payload: &[u8]) -> Vec<i16> {
        let mut out = Vec::with_capacity(payload.len());
        decode_into(self.law, payload, &mut out);
        out
    }

    /// Decodes `payload` into `sink`.
    pub fn decode_to(&self, payload: &[u8], sink: &mut impl AudioSink) -> Result<(), WavError> {
        sink.write(&self.decode(payload))
    }
}

/// A source, a G.711 encoder and an RTP sender: one outgoing PCMU/PCMA
/// stream, pulled once per packet interval by the media session.
#[derive(Debug)]
pub struct G711Sender<S> {
    source: S,
    encoder: G711Encoder,
    rtp: RtpSender,
}

impl<S: AudioSource> G711Sender<S> {
    /// A 20 ms stream of `law` (static payload type 0 or 8) from `source`.
    pub fn new(law: Law, source: S, rng: &mut impl RngCore) -> Result<Self, StreamError> {
        Self::with_payload_type(law, law.payload_type(), source, rng)
    }

    /// The same with a negotiated payload type (a dynamic one for G.711 is
    /// legal, if rare).
    pub fn with_payload_type(
        law: Law,
        payload_type: u8,
        source: S,
        rng: &mut impl RngCore,
    ) -> Result<Self, StreamError> {
        let found = source.sample_rate();
        if found != SAMPLE_RATE {
            return Err(StreamError::SampleRate { found });
        }
        Ok(G711Sender {
            source,
            encoder: G711Encoder::new(law),
            rtp: RtpSender::new(payload_type, rng)?,
        })
    }

    /// The next RTP packet, or `None` once the source has ended.
    pub fn next_packet(&mut self) -> Result<Option<Vec<u8>>, StreamError> {
        let samples = self.encoder.frame_samples() as u32;
        Ok(self
            .encoder
            .next_payload(&mut self.source)?
            .map(|payload| self.rtp.packetize(&payload, samples)))
    }

    /// Skips one frame interval without sending (hold): the timestamp moves
    /// on and the next packet is marked.
    pub fn skip_frame(&mut self) {
        self.rtp.skip(self.encoder.frame_samples() as u32);
    }

    /// The RTP sender (SSRC, counters, talkspurt marking).
    pub fn rtp(&mut self) -> &mut RtpSender {
        &mut self.rtp
    }

    /// The source (e.g. to mute a [`crate::Muted`] source).
    pub fn source(&mut self) -> &mut S {
        &mut self.source
    }
}

#[cfg(test)]
#[path = "g711_stream_tests.rs"]
mod tests;
