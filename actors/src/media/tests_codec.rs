//! Two sessions through a simulated path: Opus and PCMU, loss, reordering, quality.

use super::tests_path::{best_correlation, Link, Pair};
use super::*;
use switchboard_codecs::{AudioSource, CodecKind, Tone};
use tokio::time::Instant;

/// 2 s of a 440 Hz tone from an 8 kHz source, a→b with 40 ms + up to 30 ms of random
/// delay (reordering) and every 20th RTP packet dropped (5 %); b's sink runs at
/// `sink_rate`. Returns the pair after 2.5 s.
fn call(kind: CodecKind, pt: u8, sink_rate: u32) -> Pair {
    let t0 = Instant::now(); // clock-ok: test code
    let cfg = || {
        MediaConfig::with_codec(
            kind,
            pt,
            tests::addr(tests::LOCAL),
            tests::addr(tests::LOCAL),
        )
    };
    let tone = || Box::new(Tone::new(440.0, 8000, 8000)) as Box<dyn AudioSource + Send>;
    let mut pair = Pair::new(cfg(), cfg(), [tone(), tone()], sink_rate, t0);
    pair.ab = Link {
        delay: Duration::from_millis(40),
        jitter: Duration::from_millis(30),
        drop_every: 20,
        cut: false,
    };
    pair.ba = Link {
        delay: Duration::from_millis(40),
        ..Link::default()
    };
    pair.run_until(t0 + Duration::from_millis(2000));
    pair.input(false, Input::Hold);
    pair.run_until(t0 + Duration::from_millis(2500));
    pair
}

/// What b heard, checked against the tone: the best normalised correlation of
/// 0.5 s of b's sink (from 1 s in, after start-up) with the tone at any lag.
///
/// Threshold 0.9: the window holds 25 frames of which 1-2 were lost; even if a
/// concealed frame correlated 0 the rest give ≥ 23/25 = 0.92 of the energy-normalised
/// product, and codec error on a pure tone is far below that.
fn check_audio(pair: &Pair, sink_rate: u32) -> f64 {
    let heard = pair.b_heard.0.lock().unwrap().clone();
    let rate = sink_rate as usize;
    assert!(heard.len() >= 2 * rate, "{} samples", heard.len());
    let window = &heard[rate..rate + rate / 2];
    let mut tone = Tone::new(440.0, 8000, sink_rate);
    let mut reference = vec![0i16; 2 * rate];
    tone.read(&mut reference);
    let c = best_correlation(window, &reference, rate);
    assert!(c > 0.9, "correlation {c}");
    c
}

/// b's loss as RTCP measured it: the 5 % injected, ± 1.5.
fn check_loss(pair: &Pair) {
    let st = pair.b.statistics();
    let sent = pair.dropped[0];
    assert!((4..=6).contains(&sent), "dropped {sent}");
    assert!((st.loss_pct - 5.0).abs() <= 1.5, "{st:?}");
    assert!(st.packets_received >= 90, "{st:?}");
    assert!(st.mos > 3.5 && st.r_factor > 70.0, "{st:?}");
    let own = pair.a.statistics();
    assert_eq!(own.packets_sent, pair.a.stats().packets_sent);
}

#[test]
fn opus_call_through_a_lossy_reordering_path() {
    let pair = call(CodecKind::Opus, 111, 16000);
    let c = check_audio(&pair, 16000);
    check_loss(&pair);
    let st = pair.b.stats();
    // Each lost frame was in the buffer's next slot: Opus FEC or PLC filled it.
    assert!(st.frames_recovered + st.frames_concealed >= 4, "{st:?}");
    assert!(st.late > 0, "the path reordered: {st:?}");
    let stats = pair.b.statistics();
    assert_eq!(stats.codec, "opus");
    eprintln!("opus: correlation {c:.3}, {stats:?}, {st:?}");
}

#[test]
fn pcmu_call_through_a_lossy_reordering_path() {
    let pair = call(CodecKind::Pcmu, 0, 8000);
    let c = check_audio(&pair, 8000);
    check_loss(&pair);
    let st = pair.b.stats();
    assert!(st.frames_concealed >= 4, "{st:?}");
    assert_eq!(st.frames_recovered, 0, "G.711 has no FEC");
    let stats = pair.b.statistics();
    assert_eq!(stats.codec, "PCMU");
    // 2 s at 50 packets/s, 172-byte packets: a sent ~100.
    let sent = pair.a.stats();
    assert!((99..=102).contains(&sent.packets_sent), "{sent:?}");
    eprintln!("pcmu: correlation {c:.3}, {stats:?}, {st:?}");
}

/// The sender's rate is that of the codec: 48 kHz Opus steps 960 per 20 ms, stereo
/// encoders duplicate the mono source, and the marker starts the stream.
#[test]
fn opus_packets_carry_the_48_khz_clock() {
    let pair = call(CodecKind::Opus, 111, 8000);
    let rtp: Vec<_> = pair.sent[0]
        .iter()
        .filter(|(_, b)| !switchboard_codecs::is_rtcp(b))
        .map(|(_, b)| switchboard_codecs::rtp_receiver::parse(b).unwrap())
        .collect();
    assert!(rtp[0].mark());
    for w in rtp.windows(2) {
        assert_eq!(w[1].timestamp().wrapping_sub(w[0].timestamp()), 960);
        assert_eq!(w[1].payload_type(), 111);
    }
}
