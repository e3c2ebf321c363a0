//! The engine's audio as a real baresip hears it (`tests/peers/up.sh`: carol on
//! 127.0.0.1:5090, auto-answer, offering opus/48000/2, PCMU, PCMA):
//! - the engine dials carol directly with `DialOptions::audio_file` = a 4 s WAV of
//!   [`test_signal`] (seeded two-tone syllables plus noise; a sine would match any
//!   sine, and baresip's own source is one), talks ~5 s, hangs up;
//! - baresip's recording of what it decoded must contain that signal: windows of 1 s
//!   at 0.5, 1.5 and 2.5 s of the source are searched in it ([`heard`]) and each must
//!   correlate above the codec's threshold, while the same windows of another seed's
//!   signal stay at chance level;
//! - with the default codecs, Opus is negotiated (the engine's call record and the
//!   SDP of baresip's 200), baresip decodes it at 48 kHz, and the DTMF "159#" the
//!   engine sends goes as RFC 4733 events that baresip reports (`received event`).
//!
//! The recording: baresip 1.0.0's `aufile` module is only a source (its player came in
//! later releases), so carol loads the `sndfile` audio filter, which writes each call's
//! decoded audio — after baresip's jitter buffer and decoder, exactly what its player
//! gets — to `$PEERS_RUN/baresip/recordings/dump-<time>-dec.wav` (16-bit, the
//! decoder's rate and channels), and logs the path. That is baresip's own decoding
//! of our packets, which a tshark capture decoded by our codecs would not prove, and
//! it needs neither root nor capture timing.
//!
//! Thresholds (each window's normalised correlation at its best lag): PCMU ≥ 0.9 —
//! G.711 alone gives 0.9999 (tests/src/audio_check_tests.rs) and the calls to baresip
//! measured 0.9999 at lag 0 in every window; the margin is for a jitter-buffer
//! adjustment or a concealed packet inside a window. Opus ≥ 0.6 — a perceptual codec
//! does not keep the waveform: the codec alone gives 0.74–0.84 at 16, 28 and
//! 32 kbit/s (audio_check_tests.rs), and baresip's jitter buffer and PLC may cost a
//! little more. Another seed's signal stays below 0.09 at its best lag in all of these
//! (live: ≤ 0.05), so either threshold separates "our audio" from "some audio" widely.
//!
//! baresip (carol) is shared with tests/tests/baresip_call.rs, another test binary
//! that `cargo test` may run at the same time: the tests take turns through a lock file
//! ([`baresip_turn`]). Without the peers each test prints `SKIPPED` and passes unless
//! `SWITCHBOARD_PEERS=1`.

use std::path::PathBuf;
use std::time::Duration;
use switchboard::config::AudioCodec;
use switchboard::{DialOptions, Engine, EventStream};
use switchboard_tests::audio_check::{heard, test_signal, wait_recording, write_wav, WindowMatch};
use switchboard_tests::baresip::{baresip, Baresip, BARESIP};
use switchboard_tests::calls::{call_engine, fresh_seed, until_call, until_call_alive};
use switchboard_tests::engine_side::account;
use switchboard_tests::media_side::{
    answer_sdp, chosen_codec, engine_with_codecs, final_record, recording, wait_rfc4733_digits,
};
use switchboard_tests::turn::baresip_turn;

const LIMIT: Duration = Duration::from_secs(10);
/// Seconds of test signal in the WAV (then the engine sends silence).
const SIGNAL_SECS: f64 = 4.0;

/// What one call produced.
struct Heard {
    /// The negotiated codec from the engine's call record.
    codec: Option<String>,
    /// What baresip's 200 chose.
    answer_codec: Option<String>,
    /// The recording's rate and channels as baresip wrote them.
    format: (u32, u16),
    /// Our signal's windows in the recording.
    ours: Vec<WindowMatch>,
    /// Another seed's signal in the same recording.
    other: Vec<WindowMatch>,
    /// The RFC 4733 digits baresip reported.
    digits: Vec<char>,
    /// baresip's log of the call, for failure messages.
    log: String,
}

/// The engine dials carol directly with the test signal as its audio, sends `dtmf`
/// (if any) once the signal is over, hangs up after ~5 s and reads what baresip heard.
async fn call_with_signal(
    bs: &Baresip,
    engine: &Engine,
    events: &mut EventStream,
    test: &str,
    dtmf: &str,
) -> Heard {
    let seed = fresh_seed(test);
    let source = test_signal(seed, SIGNAL_SECS);
    let wav = std::env::temp_dir().join(format!("sb-{test}-{}.wav", std::process::id()));
    write_wav(&wav, &source).unwrap();
    let port = BARESIP.rsplit(':').next().unwrap().parse().unwrap();
    let alice = engine
        .add_account(account("alice", "alice-pw", "udp", port, 60))
        .await
        .unwrap();
    let offset = bs.log_len();
    let mut options = DialOptions::new();
    options.audio_file = Some(wav.clone());
    let call = engine
        .dial(&alice, &format!("sip:carol@{BARESIP}"), options)
        .await
        .unwrap();
    until_call_alive(events, call.id(), "confirmed", LIMIT).await;
    tokio::time::sleep(Duration::from_secs_f64(SIGNAL_SECS + 0.3)).await;
    let digits = if dtmf.is_empty() {
        Vec::new()
    } else {
        call.send_dtmf(dtmf).await.unwrap();
        wait_rfc4733_digits(bs, offset, dtmf.len(), Duration::from_secs(5)).await
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    call.hangup().await.unwrap();
    let seen = until_call(events, Some(call.id()), "ended", LIMIT).await;
    assert_eq!(seen.last().unwrap().reason.as_deref(), Some("normal"));
    let record = final_record(&call, LIMIT).await;

    let log = bs.log_since(offset);
    let path: PathBuf = recording(bs, offset, "decode")
        .unwrap_or_else(|| panic!("baresip's sndfile wrote no decode dump:\n{log}"));
    let (heard_pcm, rate, channels) = wait_recording(&path, Duration::from_secs(5)).await;
    eprintln!(
        "{test}: {} samples at 8 kHz from {} ({rate} Hz, {channels} ch)",
        heard_pcm.len(),
        path.display()
    );
    let ours = heard(&source, &heard_pcm, 4000, 8000, 8000, 3);
    let other = heard(
        &test_signal(seed ^ 0x5eed, SIGNAL_SECS),
        &heard_pcm,
        4000,
        8000,
        8000,
        3,
    );
    eprintln!("{test}: ours {ours:?}\n{test}: other seed {other:?}");
    let _ = std::fs::remove_file(&wav);
    Heard {
        codec: record.codec,
        answer_codec: answer_sdp(bs, offset, call.id())
            .as_deref()
            .and_then(chosen_codec),
        format: (rate, channels),
        ours,
        other,
        digits,
        log,
    }
}

/// Each window of ours above `threshold`, each of the other seed's below 0.2.
fn assert_heard(h: &Heard, threshold: f64) {
    assert!(
        h.ours.iter().all(|w| w.correlation >= threshold),
        "our signal in baresip's recording, below {threshold}: {:?}\n{}",
        h.ours,
        h.log
    );
    assert!(
        h.other.iter().all(|w| w.correlation < 0.2),
        "another signal matches as well: {:?}",
        h.other
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baresip_hears_the_engines_wav_in_pcmu() {
    let test = "baresip_hears_the_engines_wav_in_pcmu";
    let _turn = baresip_turn(test).await;
    let Some(bs) = baresip(test) else {
        return;
    };
    let (engine, mut events, _) = engine_with_codecs(fresh_seed(test), &[AudioCodec::Pcmu]).await;
    let h = call_with_signal(&bs, &engine, &mut events, test, "").await;
    assert_eq!(h.codec.as_deref(), Some("PCMU/8000"));
    assert_eq!(h.answer_codec.as_deref(), Some("PCMU/8000"), "{}", h.log);
    assert_eq!(h.format, (8000, 1), "baresip decoded G.711");
    assert_heard(&h, 0.9);
    engine.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baresip_hears_the_engines_wav_in_opus_and_its_rfc4733_digits() {
    let test = "baresip_hears_the_engines_wav_in_opus_and_its_rfc4733_digits";
    let _turn = baresip_turn(test).await;
    let Some(bs) = baresip(test) else {
        return;
    };
    // The default codecs: Opus first, then PCMU, PCMA, and telephone-event.
    let (engine, mut events, _) = call_engine(fresh_seed(test), None).await;
    let h = call_with_signal(&bs, &engine, &mut events, test, "159#").await;
    assert_eq!(
        h.codec.as_deref(),
        Some("opus/48000"),
        "the engine's record"
    );
    assert_eq!(
        h.answer_codec.as_deref(),
        Some("opus/48000"),
        "baresip's 200:\n{}",
        h.log
    );
    assert_eq!(h.format.0, 48_000, "baresip decoded Opus at 48 kHz");
    assert_heard(&h, 0.6);
    assert_eq!(
        h.digits,
        ['1', '5', '9', '#'],
        "baresip's RFC 4733 events (INFO digits would print `received DTMF`):\n{}",
        h.log
    );
    engine.shutdown().await.unwrap();
}
