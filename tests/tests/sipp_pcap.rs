//! SIPp's built-in `uac_pcap` calls the engine and replays a recorded RTP stream into
//! it (`/usr/share/sip-tester/g711a.pcap`: 7 s of PCMA in 30 ms packets, then
//! `dtmf_2833_1.pcap`: an RFC 4733 digit 1, then BYE). The engine answers; its media
//! session must receive and count the stream.
//!
//! The scenario is SIPp's own (`sipp -sd uac_pcap`); only its `pcap/…` paths, which
//! SIPp resolves against its working directory, are made absolute.
//!
//! Expected counts come from parsing the pcap files themselves (`switchboard_tests::
//! pcap`), not from constants. Tolerance: none for the audio. Loopback UDP at 33
//! packets/s does not drop, SIPp sends each packet of the file once at its recorded
//! time, and the engine's RTP socket is bound before its 200 goes out, so the first
//! packets cannot miss it: every audio packet must be counted (`packets_received`
//! minus the telephone-event and other-payload packets), none lost. The digit's packets
//! (8 distinct of 10; the end packet is sent three times) may count or not depending
//! on whether telephone-event was negotiated, so the call's total may exceed the audio
//! by at most that many.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use switchboard::{Engine, EventStream, MediaReport};
use switchboard_tests::calls::{call_engine, fresh_seed, next_call, until_call, CallEvent};
use switchboard_tests::media_side::final_record;
use switchboard_tests::pcap::{distinct, rtp_packets};
use switchboard_tests::sipp::{free_port, require_sipp};
use switchboard_tests::sipp_run::{Scenario, Sipp, SippSpec};

const LIMIT: Duration = Duration::from_secs(10);
/// Where Debian's sip-tester puts the pcaps its `uac_pcap` plays.
const PCAP_DIR: &str = "/usr/share/sip-tester";

/// SIPp's built-in `uac_pcap` with absolute pcap paths, written to a temp file.
fn uac_pcap_scenario() -> PathBuf {
    require_sipp();
    let out = Command::new("timeout")
        .args(["10", "sipp", "-sd", "uac_pcap"])
        .output()
        .expect("sipp -sd uac_pcap");
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(
        xml.contains("play_pcap_audio=\"pcap/g711a.pcap\""),
        "SIPp's uac_pcap changed:\n{xml}"
    );
    let xml = xml.replace("\"pcap/", &format!("\"{PCAP_DIR}/"));
    let path = std::env::temp_dir().join(format!("sb-uac_pcap-{}.xml", std::process::id()));
    std::fs::write(&path, xml).unwrap();
    path
}

/// Polls call `call_id`'s media every 200 ms until its `ended` event (within
/// `limit`); the last report taken while it was up, and the events.
async fn watch_until_ended(
    engine: &Engine,
    events: &mut EventStream,
    call_id: &str,
    limit: Duration,
) -> (Option<MediaReport>, Vec<CallEvent>) {
    let deadline = tokio::time::Instant::now() + limit;
    let mut last = None;
    let mut seen = Vec::new();
    while tokio::time::Instant::now() < deadline {
        if let Some(e) = next_call(events, Duration::from_millis(200)).await {
            let ended = e.call_id == call_id && e.state == "ended";
            seen.push(e);
            if ended {
                return (last, seen);
            }
            continue;
        }
        if let Ok(Some(report)) = engine.call_media(call_id).await {
            last = Some(report);
        }
    }
    panic!("call {call_id} did not end within {limit:?}: {seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_receives_sipps_pcap_stream() {
    let test = "the_engine_receives_sipps_pcap_stream";
    let audio = rtp_packets(&Path::new(PCAP_DIR).join("g711a.pcap")).expect("g711a.pcap");
    let dtmf = rtp_packets(&Path::new(PCAP_DIR).join("dtmf_2833_1.pcap")).expect("dtmf pcap");
    let (audio_n, dtmf_n) = (distinct(&audio), distinct(&dtmf));
    assert_eq!(audio_n, audio.len(), "g711a.pcap repeats no packet");
    assert!(audio.iter().all(|p| p.payload_type == 8), "PCMA only");
    eprintln!("{test}: pcap audio {audio_n} packets, digit {dtmf_n} distinct");

    let (engine, mut events, addr) = call_engine(fresh_seed(test), None).await;
    let scenario = uac_pcap_scenario();
    let spec = SippSpec::new("uac_pcap", Scenario::File(scenario.clone()), 1)
        .to(addr.to_string())
        .args(["-s", "bob", "-mp", &free_port().to_string()]);
    let sipp = Sipp::start(spec);
    let seen = until_call(&mut events, None, "incoming", LIMIT).await;
    let call_id = seen.last().unwrap().call_id.clone();
    engine.answer_call(&call_id).await.unwrap();
    // 7 s of audio, 8 s pause, the digit, 1 s, BYE.
    let (live, seen) =
        watch_until_ended(&engine, &mut events, &call_id, Duration::from_secs(20)).await;
    let _ = std::fs::remove_file(&scenario);
    let (outcome, sipp) = sipp.finish(LIMIT).await;
    assert_eq!(
        (outcome.code, outcome.ok, outcome.failed),
        (Some(0), Some(1), Some(0)),
        "{}",
        sipp.logs()
    );
    assert_eq!(
        seen.last().unwrap().reason.as_deref(),
        Some("normal"),
        "{seen:?}"
    );

    let live = live.expect("the call's media while it was up");
    let s = &live.stats;
    eprintln!("{test}: last live report {live:?}");
    let audio_counted = s.packets_received - s.dtmf_packets - s.other_payload;
    assert_eq!(
        (audio_counted, s.lost),
        (audio_n as u64, 0),
        "every PCMA packet of the pcap counted, none lost: {s:?}"
    );
    // The pcap's packets are 30 ms and its SDP says no a=ptime: the engine learns the
    // length from the timestamps (three packets) and plays every packet, concealing
    // only around the learning and the stream's end.
    assert!(
        s.frames_played + 5 >= audio_n as u64 && s.frames_concealed <= 10,
        "decoded into the sink: {s:?}"
    );
    let record = final_record(&engine.call(&call_id), LIMIT).await;
    let media = record.media.expect("the record's media summary");
    assert!(
        (audio_n as u64..=(audio_n + dtmf_n) as u64).contains(&media.packets_received),
        "the record counts the audio and at most the digit's packets: {media:?}"
    );
    assert_eq!(record.codec.as_deref(), Some("PCMA/8000"));

    // With telephone-event answered, the digit of dtmf_2833_1.pcap is reported.
    let digits: Vec<&str> = seen
        .iter()
        .filter(|e| e.state == "dtmf")
        .filter_map(|e| e.reason.as_deref())
        .collect();
    assert_eq!(digits, ["1"], "RFC 4733 digit from SIPp: {seen:?} {s:?}");
    engine.shutdown().await.unwrap();
}
