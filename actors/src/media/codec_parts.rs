//! [`CodecParts`]: what depends on the negotiated codec (encoder, decoder, resamplers,
//! jitter buffer, telephone-event sender), built together for a new session and for a
//! renegotiation.

use super::{MediaConfig, MediaError};
use switchboard_codecs::{
    decoder_at, encoder, opus_rate_for, AudioDecoder, AudioEncoder, CodecError, CodecKind,
    CodecParams, DtmfSender, JitterBuffer, Resampler,
};

/// An encoder and a decoder.
pub(super) type Codecs = (Box<dyn AudioEncoder>, Box<dyn AudioDecoder>);

/// The encoder and decoder of `config` for a source at `src_rate` and a (mono) sink at
/// `sink_rate`: Opus encodes from and decodes to the lowest Opus rate that keeps the
/// source's and the sink's band (an 8 kHz phone path costs narrowband, not fullband),
/// and decodes to mono (libopus mixes a stereo stream down).
pub(super) fn codecs(
    config: &MediaConfig,
    src_rate: u32,
    sink_rate: u32,
) -> Result<Codecs, MediaError> {
    let kind = config.codec;
    if kind != CodecKind::Opus && config.channels != 1 {
        let channels = config.channels;
        return Err(CodecError::Channels { kind, channels }.into());
    }
    let mut params = CodecParams::default();
    params.ptime_ms = config.ptime_ms();
    params.opus = config.opus;
    params.opus.channels = config.channels;
    let (enc_rate, dec_rate) = match kind {
        CodecKind::Opus => (opus_rate_for(src_rate), opus_rate_for(sink_rate)),
        _ => (kind.clock_rate(), kind.clock_rate()),
    };
    params.opus.sample_rate = enc_rate;
    Ok((encoder(kind, &params)?, decoder_at(kind, 1, dec_rate)?))
}

/// Everything that depends on the codec, its ptime and telephone-event type.
pub(super) struct CodecParts {
    pub(super) encoder: Box<dyn AudioEncoder>,
    pub(super) decoder: Box<dyn AudioDecoder>,
    pub(super) up: Resampler,
    pub(super) down: Resampler,
    pub(super) jitter: JitterBuffer,
    pub(super) dtmf_tx: Option<DtmfSender>,
}

impl CodecParts {
    /// The parts of `config` for a source at `src_rate` and a sink at `sink_rate`,
    /// the jitter buffer from `jitter`'s delays.
    pub(super) fn build(
        config: &MediaConfig,
        jitter: &switchboard_codecs::JitterConfig,
        src_rate: u32,
        sink_rate: u32,
    ) -> Result<CodecParts, MediaError> {
        let ms = config.ptime_ms();
        if !(10..=120).contains(&ms) {
            return Err(MediaError::Ptime(config.ptime));
        }
        let (encoder, decoder) = codecs(config, src_rate, sink_rate)?;
        let rate = |what, found| MediaError::SampleRate { what, found };
        let up = Resampler::new(src_rate, encoder.sample_rate(), 1)
            .map_err(|_| rate("source", src_rate))?;
        let down = Resampler::new(decoder.sample_rate(), sink_rate, 1)
            .map_err(|_| rate("sink", sink_rate))?;
        let clock = config.codec.clock_rate();
        let mut jitter = jitter.clone();
        jitter.clock_rate = clock;
        jitter.frame_samples = encoder.rtp_timestamp_step();
        let dtmf_tx = match config.telephone_event {
            Some(pt) => Some(
                DtmfSender::new(pt, clock, u32::from(ms))
                    .map_err(|_| MediaError::TelephoneEvent(pt))?,
            ),
            None => None,
        };
        Ok(CodecParts {
            jitter: JitterBuffer::new(jitter)?,
            encoder,
            decoder,
            up,
            down,
            dtmf_tx,
        })
    }
}
