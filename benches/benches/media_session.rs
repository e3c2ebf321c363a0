//! RTP packets per second through one call's sans-IO `MediaSession`, set up as the
//! engine sets it up (engine/src/call_media.rs: a 440 Hz tone from an 8 kHz source, a
//! counting 8 kHz sink, so Opus is resampled 8 → 48 kHz on the way out and 48 → 8 kHz
//! on the way in):
//! - `media_session/receive/{pcmu,opus}`: in-order RTP packets (built beforehand with the
//!   codecs crate's encoder and `RtpSender`, outside the timing) each fed as
//!   `Input::Datagram`, then the `Input::Tick` of its 20 ms slot, which plays the jitter
//!   buffer's frame out (decode, downmix, resample, sink). The session starts held
//!   (receive only), so nothing is encoded; RTCP reports still go out on their interval.
//! - `media_session/send/{pcmu,opus}`: `Input::Tick` at 20 ms steps, each reading 20 ms
//!   of the source, resampling, encoding and packetising one RTP packet.
//!
//! Time is `tokio::time::Instant` values advanced by hand (no sleeping, no runtime).
//! Throughput is in packets (criterion `Elements`); a call carries 50 packets/s each way,
//! so the media CPU of one call-second is 50 / receive rate + 50 / send rate.
//!
//! `cargo bench -p switchboard-benches --bench media_session -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs)] // criterion_group! generates undocumented public functions

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::media::{Input, MediaConfig, MediaSession, Output};
use switchboard_codecs::{encoder, AudioSource, CodecKind, CodecParams, NullSink, RtpSender, Tone};
use tokio::time::Instant;

const PTIME: Duration = Duration::from_millis(20);
/// Packets built per untimed batch (each batch continues the stream).
const BATCH: u64 = 2000;
/// Distinct encoded frames cycled through (5 s of tone).
const PAYLOADS: usize = 250;

const LOCAL: &str = "127.0.0.1:40000";
const REMOTE: &str = "127.0.0.1:40002";

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("address")
}

/// (name, codec, payload type as negotiated with baresip).
const CASES: [(&str, CodecKind, u8); 2] =
    [("pcmu", CodecKind::Pcmu, 0), ("opus", CodecKind::Opus, 96)];

/// A session as the engine builds one: tone source and null sink at 8 kHz.
fn session(kind: CodecKind, pt: u8, held: bool) -> MediaSession {
    let mut config = MediaConfig::with_codec(kind, pt, addr(LOCAL), addr(REMOTE));
    config.held = held;
    let source = Box::new(Tone::new(440.0, 4000, 8000));
    let sink = Box::new(NullSink::new(8000));
    MediaSession::new(config, source, sink, ChaCha8Rng::seed_from_u64(7)).expect("session")
}

/// Drains the session's outputs; returns the datagrams sent.
fn drain(s: &mut MediaSession) -> usize {
    let mut sent = 0;
    while let Some(out) = s.poll_output() {
        if let Output::Send { .. } = out {
            sent += 1;
        }
    }
    sent
}

/// The peer's stream: encoded 20 ms frames of a 300 Hz tone, packetised in order.
struct PeerStream {
    rtp: RtpSender,
    payloads: Vec<Vec<u8>>,
    step: u32,
    next: usize,
}

impl PeerStream {
    fn new(kind: CodecKind, pt: u8) -> Self {
        let mut enc = encoder(kind, &CodecParams::default()).expect("encoder");
        let rate = enc.sample_rate();
        let mut tone = Tone::new(300.0, 6000, rate);
        let mut frame = vec![0i16; rate as usize / 50 * usize::from(enc.channels())];
        let payloads = (0..PAYLOADS)
            .map(|_| {
                tone.read(&mut frame);
                enc.encode(&frame).expect("encode")
            })
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        PeerStream {
            rtp: RtpSender::new(pt, &mut rng).expect("payload type"),
            payloads,
            step: enc.rtp_timestamp_step(),
            next: 0,
        }
    }

    fn packet(&mut self) -> Bytes {
        let payload = &self.payloads[self.next % self.payloads.len()];
        self.next += 1;
        Bytes::from(self.rtp.packetize(payload, self.step))
    }
}

fn receive(c: &mut Criterion) {
    let mut group = c.benchmark_group("media_session/receive");
    group.throughput(Throughput::Elements(1));
    let from = addr(REMOTE);
    for (name, kind, pt) in CASES {
        let mut s = session(kind, pt, true);
        let mut peer = PeerStream::new(kind, pt);
        let mut now = Instant::now(); // clock-ok: bench start, advanced by hand after
        let mut feed = |s: &mut MediaSession, n: u64, now: &mut Instant| {
            let batch: Vec<Bytes> = (0..n).map(|_| peer.packet()).collect();
            let start = std::time::Instant::now(); // clock-ok: bench timing
            for bytes in batch {
                s.handle(*now, Input::Datagram { from, bytes });
                s.handle(*now, Input::Tick);
                drain(s);
                *now += PTIME;
            }
            start.elapsed()
        };
        // Sanity: 2 s of packets are all received and played (after the playout delay).
        feed(&mut s, 100, &mut now);
        let st = s.stats();
        assert_eq!(st.packets_received, 100, "{st:?}");
        assert!(st.frames_played >= 90 && st.decode_errors == 0, "{st:?}");
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                let mut left = iters;
                while left > 0 {
                    let n = left.min(BATCH);
                    total += feed(&mut s, n, &mut now);
                    left -= n;
                }
                total
            })
        });
        let st = s.stats();
        assert_eq!(st.packets_sent, 0, "held: nothing sent");
        // Every packet was played but the few still in the buffer (its playout delay).
        let waiting = st.packets_received - st.frames_played;
        assert!(waiting < 20 && st.frames_concealed == 0, "{st:?}");
    }
    group.finish();
}

fn send(c: &mut Criterion) {
    let mut group = c.benchmark_group("media_session/send");
    group.throughput(Throughput::Elements(1));
    for (name, kind, pt) in CASES {
        let mut s = session(kind, pt, false);
        let mut now = Instant::now(); // clock-ok: bench start, advanced by hand after
        s.handle(now, Input::Tick);
        assert_eq!(drain(&mut s), 1, "the first tick sends the first frame");
        group.bench_function(name, |b| {
            b.iter(|| {
                now += PTIME;
                s.handle(now, Input::Tick);
                drain(&mut s)
            })
        });
        let st = s.stats();
        assert_eq!(st.frames_skipped, 0, "{st:?}");
    }
    group.finish();
}

criterion_group!(benches, receive, send);
criterion_main!(benches);
