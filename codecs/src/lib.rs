//! Switchboard's codecs: G.711, Opus, resampling, RTP packetisation and audio sources/sinks.
//!
//! Everything here is sans-IO: no sockets, no tasks, no clock reads. Randomness
//! (SSRC, initial sequence number and timestamp) comes from an injected RNG.
//!
//! ```
//! use rand::SeedableRng;
//! use switchboard_codecs::{G711Decoder, G711Sender, Law, RtpReceiver, Tone};
//!
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
//! let mut tx = G711Sender::new(Law::Mu, Tone::new(440.0, 8000, 8000), &mut rng).unwrap();
//! let datagram = tx.next_packet().unwrap().unwrap(); // every 20 ms
//! let mut rx = RtpReceiver::new();
//! let packet = rx.receive(&datagram).unwrap();
//! let samples = G711Decoder::new(Law::Mu).decode(packet.payload);
//! assert_eq!(samples.len(), 160);
//! ```

pub mod codec;
pub mod compare;
pub mod emodel;
pub mod g711;
pub mod g711_stream;
#[cfg(test)]
mod g711_tests;
pub mod jitter;
pub mod opus;
mod opus_fmtp;
#[cfg(test)]
mod opus_rate_tests;
pub mod quality;
pub mod resample;
pub mod rtcp;
pub mod rtcp_events;
pub mod rtcp_interval;
pub mod rtcp_stats;
pub mod rtcp_wire;
pub mod rtp_packetizer;
pub mod rtp_receiver;
pub mod sink;
pub mod source;
pub mod wav;

pub use codec::{
    decoder, decoder_at, encoder, AudioDecoder, AudioEncoder, CodecError, CodecKind, CodecParams,
};
pub use emodel::{delay_impairment, effective_ie, mos_from_r, r_factor, CodecImpairment};
pub use g711::Law;
pub use g711_stream::{
    G711Decoder, G711Encoder, G711Sender, StreamError, FRAME_SAMPLES, SAMPLE_RATE,
};
pub use jitter::{JitterBuffer, JitterConfig, JitterConfigError, JitterStats, Playout};
pub use opus::{
    opus_rate_for, OpusConfig, OpusDecoder, OpusEncoder, OpusError, OpusFmtp, OPUS_CLOCK_RATE,
};
pub use quality::{CallStatistics, MediaCounters};
pub use resample::{ResampleError, Resampler};
pub use rtcp::{is_rtcp, RtcpError, RtcpEvent, RtcpSession, StreamStats};
pub use rtcp_stats::{ReceptionStats, ReportFigures};
pub use rtcp_wire::SenderInfo;
pub use rtp_packetizer::{RtpError, RtpSender};
pub use rtp_receiver::{Arrival, ReceiverStats, RtpPacket, RtpReceiver};
pub use sink::{AudioSink, NullSink};
pub use source::{AudioSource, Muted, Silence, Tone};
pub use wav::{WavError, WavSink, WavSource};

// Telephone-events (RFC 4733), conference mixing, the embedder's channels.
pub mod channel;
#[cfg(test)]
mod channel_tests;
pub mod mixer;
#[cfg(test)]
mod mixer_tests;
pub mod telephone_event;
pub mod telephone_event_recv;
#[cfg(test)]
mod telephone_event_recv_props;
#[cfg(test)]
mod telephone_event_recv_tests;
pub mod telephone_event_send;
#[cfg(test)]
mod telephone_event_send_tests;
#[cfg(test)]
mod telephone_event_tests;
pub use channel::{
    channel_sink, channel_source, ChannelError, ChannelSink, ChannelSource, ChannelStats,
    MicWriter, SpeakerReader,
};
pub use mixer::{Mixer, MixerError};
pub use telephone_event::{digit_to_event, event_to_digit, EventError, EventPayload, Key, FLASH};
pub use telephone_event_recv::{DigitEvent, DtmfReceiver};
pub use telephone_event_send::{DtmfSender, DEFAULT_GAP_MS};
