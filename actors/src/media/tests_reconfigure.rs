//! Reconfiguring a running session (a new offer/answer): PCMU → Opus and back, the
//! RTP stream running on; an unusable setup keeps the old codec.

use super::tests_path::Pair;
use super::*;
use switchboard_codecs::{rtp_receiver::parse, AudioSource, CodecKind, Law, Tone};
use tokio::time::Instant;

fn tone() -> Box<dyn AudioSource + Send> {
    Box::new(Tone::new(440.0, 8000, 8000))
}

fn pcmu() -> MediaConfig {
    MediaConfig::new(
        Law::Mu,
        tests::addr(tests::LOCAL),
        tests::addr(tests::LOCAL),
    )
}

/// (payload type, sequence, timestamp, SSRC) of each RTP packet a sent.
fn sent_rtp(pair: &Pair) -> Vec<(u8, u16, u32, u32)> {
    pair.sent[0]
        .iter()
        .filter(|(_, b)| !switchboard_codecs::is_rtcp(b))
        .map(|(_, b)| {
            let p = parse(b).unwrap();
            (
                p.payload_type(),
                p.sequence_number().into(),
                p.timestamp(),
                p.ssrc(),
            )
        })
        .collect()
}

#[test]
fn pcmu_to_opus_keeps_the_stream_and_b_follows() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut pair = Pair::new(pcmu(), pcmu(), [tone(), tone()], 8000, t0);
    pair.run_until(t0 + Duration::from_millis(1000));
    let mut opus = MediaConfig::with_codec(
        CodecKind::Opus,
        111,
        tests::addr(tests::LOCAL),
        tests::addr(tests::LOCAL),
    );
    opus.telephone_event = Some(101);
    pair.input(false, Input::Reconfigure(Box::new(opus.clone())));
    pair.input(true, Input::Reconfigure(Box::new(opus)));
    pair.run_until(t0 + Duration::from_millis(2000));
    let rtp = sent_rtp(&pair);
    let switch = rtp.iter().position(|p| p.0 == 111).expect("Opus packets");
    assert!(switch >= 45, "about 50 PCMU packets first: {switch}");
    assert!(rtp[..switch].iter().all(|p| p.0 == 0));
    assert!(rtp[switch..].iter().all(|p| p.0 == 111));
    for w in rtp.windows(2) {
        assert_eq!(w[1].3, w[0].3, "one SSRC");
        assert_eq!(w[1].1, w[0].1.wrapping_add(1), "the sequence runs on");
    }
    let steps: Vec<u32> = rtp[switch + 1..]
        .windows(2)
        .map(|w| w[1].2.wrapping_sub(w[0].2))
        .collect();
    assert!(steps.iter().all(|s| *s == 960), "48 kHz clock: {steps:?}");
    assert_eq!(pair.b.config().codec, CodecKind::Opus);
    let st = pair.b.stats();
    assert_eq!(st.decode_errors, 0, "{st:?}");
    assert!(st.frames_played >= 90, "{st:?}");
    // Telephone-events now go out with the new type.
    pair.input(
        false,
        Input::SendDtmf {
            digits: "5".into(),
            duration_ms: 100,
        },
    );
    pair.run_until(t0 + Duration::from_millis(2500));
    assert!(sent_rtp(&pair).iter().any(|p| p.0 == 101));
    assert!(pair.events_of(1).contains(&MediaEvent::Dtmf('5')));
}

#[test]
fn an_unusable_setup_keeps_the_old_codec() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut pair = Pair::new(pcmu(), pcmu(), [tone(), tone()], 8000, t0);
    pair.run_until(t0 + Duration::from_millis(200));
    let mut bad = pcmu();
    bad.ptime = Duration::from_millis(7);
    pair.input(false, Input::Reconfigure(Box::new(bad)));
    let mut stereo_pcmu = pcmu();
    stereo_pcmu.channels = 2;
    pair.input(false, Input::Reconfigure(Box::new(stereo_pcmu)));
    pair.run_until(t0 + Duration::from_millis(600));
    let unusable = pair
        .events_of(0)
        .iter()
        .filter(|e| **e == MediaEvent::Unusable)
        .count();
    assert_eq!(unusable, 2);
    assert_eq!(pair.a.config().ptime, Duration::from_millis(20));
    assert!(sent_rtp(&pair).iter().all(|p| p.0 == 0));
    assert!(pair.b.stats().frames_played >= 20);
}

#[test]
fn a_new_remote_address_is_taken() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut pair = Pair::new(pcmu(), pcmu(), [tone(), tone()], 8000, t0);
    pair.run_until(t0 + Duration::from_millis(200));
    let mut moved = pcmu();
    moved.remote = "127.0.0.9:7000".parse().unwrap();
    pair.input(false, Input::Reconfigure(Box::new(moved)));
    assert_eq!(pair.a.target(), Some("127.0.0.9:7000".parse().unwrap()));
}

/// A peer sending 30 ms packets to a session set for 20 ms (no `a=ptime` said so):
/// after three packets the jitter buffer and the playout slots follow, and the audio
/// is played, not concealed.
#[test]
fn the_peers_packet_length_is_learnt() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut thirty = pcmu();
    thirty.ptime = Duration::from_millis(30);
    let mut pair = Pair::new(thirty, pcmu(), [tone(), tone()], 8000, t0);
    pair.run_until(t0 + Duration::from_millis(3000));
    let st = pair.b.stats();
    assert!((98..=101).contains(&st.packets_received), "{st:?}");
    assert_eq!(pair.b.jitter.config().frame_samples, 240);
    assert!(st.frames_played >= 90, "{st:?}");
    assert!(st.frames_concealed <= 3, "{st:?}");
    let heard = pair.b_heard.0.lock().unwrap().len();
    assert!(
        (20_000..=24_200).contains(&heard),
        "about 3 s at 8 kHz: {heard}"
    );
}
