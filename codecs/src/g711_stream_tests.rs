use super::*;
use crate::compare::correlation;
use crate::rtp_receiver::{Arrival, RtpReceiver};
use crate::sink::NullSink;
use crate::source::{Muted, Silence, Tone};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[test]
fn a_tone_survives_encode_packetise_parse_decode() {
    for law in [Law::Mu, Law::A] {
        for (freq, amp) in [(1000.0, 12_000), (440.0, 800), (3100.0, 30_000)] {
            let mut reference = Tone::new(freq, amp, SAMPLE_RATE);
            let mut rng = ChaCha8Rng::seed_from_u64(42);
            let mut tx = G711Sender::new(law, Tone::new(freq, amp, SAMPLE_RATE), &mut rng).unwrap();
            let mut rx = RtpReceiver::new();
            let dec = G711Decoder::new(law);
            let (mut sent, mut heard) = (Vec::new(), Vec::new());
            for _ in 0..50 {
                let mut frame = [0i16; FRAME_SAMPLES];
                reference.read(&mut frame);
                sent.extend_from_slice(&frame);
                let datagram = tx.next_packet().unwrap().unwrap();
                let p = rx.receive(&datagram).unwrap();
                assert_eq!(p.payload_type, law.payload_type());
                heard.extend(dec.decode(p.payload));
            }
            assert_eq!(heard.len(), 50 * FRAME_SAMPLES);
            let r = correlation(&sent, &heard);
            assert!(r > 0.99, "{law:?} {freq} Hz amp {amp}: r = {r}");
            assert_eq!(rx.stats().packets, 50);
        }
    }
}

#[test]
fn a_short_source_ends_with_a_padded_frame() {
    let pcm: Vec<i16> = (0..200).map(|i| i as i16 * 50).collect();
    struct Samples(Vec<i16>, usize);
    impl AudioSource for Samples {
        fn read(&mut self, frame: &mut [i16]) -> usize {
            let rest = self.0.get(self.1..).unwrap_or(&[]);
            let n = rest.len().min(frame.len());
            frame[..n].copy_from_slice(&rest[..n]);
            self.1 += n;
            n
        }
        fn sample_rate(&self) -> u32 {
            SAMPLE_RATE
        }
    }
    let mut src = Samples(pcm.clone(), 0);
    let mut enc = G711Encoder::new(Law::A);
    let first = enc.next_payload(&mut src).unwrap().unwrap();
    let second = enc.next_payload(&mut src).unwrap().unwrap();
    assert_eq!((first.len(), second.len()), (160, 160));
    assert_eq!(second[40..], [Law::A.silence(); 120]);
    assert_eq!(second[..40], enc.encode(&pcm[160..]));
    assert_eq!(enc.next_payload(&mut src).unwrap(), None);
}

#[test]
fn wrong_rates_are_refused() {
    let mut enc = G711Encoder::new(Law::Mu);
    let mut src = Silence::new(16_000);
    let err = enc.next_payload(&mut src).unwrap_err();
    assert_eq!(err, StreamError::SampleRate { found: 16_000 });
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    assert!(G711Sender::new(Law::Mu, Silence::new(48_000), &mut rng).is_err());
    let bad_pt = G711Sender::with_payload_type(Law::Mu, 200, Silence::new(8000), &mut rng);
    assert!(matches!(
        bad_pt,
        Err(StreamError::Rtp(RtpError::PayloadType(200)))
    ));
}

#[test]
fn hold_mute_and_resume() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let src = Muted::new(Tone::new(1000.0, 8000, SAMPLE_RATE));
    let mut tx = G711Sender::new(Law::Mu, src, &mut rng).unwrap();
    let mut rx = RtpReceiver::new();
    let mut sink = NullSink::new(SAMPLE_RATE);
    let dec = G711Decoder::new(Law::Mu);

    let d = tx.next_packet().unwrap().unwrap();
    let first = rx.receive(&d).unwrap();
    assert!(first.marker);
    let ts0 = first.timestamp;
    dec.decode_to(first.payload, &mut sink).unwrap();
    assert!(sink.non_silent > 0);

    // Hold for 5 frames: nothing sent, time moves on, next packet marked.
    for _ in 0..5 {
        tx.skip_frame();
    }
    tx.source().set_muted(true);
    let d = tx.next_packet().unwrap().unwrap();
    let resumed = rx.receive(&d).unwrap();
    assert!(resumed.marker);
    assert_eq!(resumed.arrival, Arrival::InOrder { lost: 0 });
    assert_eq!(resumed.timestamp, ts0.wrapping_add(6 * 160));
    assert_eq!(resumed.payload, &[Law::Mu.silence(); 160][..]);
    assert_eq!(tx.rtp().packets_sent(), 2);
}
