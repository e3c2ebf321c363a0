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
pub mod g711;
pub mod g711_stream;
#[cfg(test)]
mod g711_tests;
pub mod opus;
mod opus_fmtp;
pub mod resample;
pub mod rtp_packetizer;
pub mod rtp_receiver;
pub mod sink;
pub mod source;
pub mod wav;

pub use codec::{decoder, encoder, AudioDecoder, AudioEncoder, CodecError, CodecKind, CodecParams};
pub use g711::Law;
pub use g711_stream::{
    G711Decoder, G711Encoder, G711Sender, StreamError, FRAME_SAMPLES, SAMPLE_RATE,
};
pub use opus::{OpusConfig, OpusDecoder, OpusEncoder, OpusError, OpusFmtp, OPUS_CLOCK_RATE};
pub use resample::{ResampleError, Resampler};
pub use rtp_packetizer::{RtpError, RtpSender};
pub use rtp_receiver::{Arrival, ReceiverStats, RtpPacket, RtpReceiver};
pub use sink::{AudioSink, NullSink};
pub use source::{AudioSource, Muted, Silence, Tone};
pub use wav::{WavError, WavSink, WavSource};
