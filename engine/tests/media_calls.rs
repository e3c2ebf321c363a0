//! The media of real calls between engines (and a scripted UAS) on loopback UDP: Opus
//! negotiated by default, RTCP from the RTP port + 1 without rtcp-mux with a round-trip
//! time measured both ways, statistics and the record's summary, and the no-media
//! timeout ending a call whose peer sends no RTP (`no_media`, with a BYE).

use futures::StreamExt;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard::{
    Account, AccountConfig, DialOptions, Engine, EngineConfig, Event, EventStream, MediaSettings,
    TransportKind,
};
use tokio::net::UdpSocket;

async fn engine(seed: u64, media: MediaSettings) -> (Engine, EventStream, SocketAddr) {
    let cfg = EngineConfig::builder()
        .seed(seed)
        .timers(50, 4000, 5000)
        .listen(TransportKind::Udp, "127.0.0.1:0".parse().unwrap());
    let mut cfg = cfg.build().unwrap();
    cfg.media = media;
    let mut builder = Engine::builder().config(cfg);
    let mut events = builder.subscribe();
    let engine = builder.start().await.unwrap();
    loop {
        if let Some(Event::Listening { addr, .. }) = events.next().await {
            return (engine, events, addr);
        }
    }
}

async fn account(engine: &Engine, server: SocketAddr) -> Account {
    let mut cfg = AccountConfig::new("127.0.0.1", "example.com", "alice");
    cfg.port = Some(server.port());
    engine.add_account(cfg).await.unwrap()
}

/// The next `call` event with `state`: its call id and reason (and codec).
async fn call_state(events: &mut EventStream, want: &str, secs: u64) -> (String, Option<String>) {
    let (id, reason, _) = call_codec(events, want, secs).await;
    (id, reason)
}

/// The next `call` event with `state`: its call id, reason and codec.
async fn call_codec(
    events: &mut EventStream,
    want: &str,
    secs: u64,
) -> (String, Option<String>, Option<String>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let event = tokio::time::timeout_at(deadline, events.next())
            .await
            .unwrap_or_else(|_| panic!("no `{want}` call event in {secs} s"))
            .expect("stream open");
        if let Event::Call {
            call_id,
            state,
            reason,
            codec,
            ..
        } = event
        {
            if state == want {
                return (call_id, reason, codec);
            }
        }
    }
}

#[tokio::test]
async fn opus_by_default_rtcp_on_the_next_port_and_statistics() {
    let mut media = MediaSettings::default();
    media.rtcp_mux = false;
    let (a, mut a_events, _) = engine(11, media.clone()).await;
    let (b, mut b_events, b_addr) = engine(12, media).await;
    let alice = account(&a, b_addr).await;
    let call = a
        .dial(&alice, &format!("sip:bob@{b_addr}"), DialOptions::new())
        .await
        .unwrap();
    let (id, _) = call_state(&mut b_events, "incoming", 10).await;
    b.answer_call(&id).await.unwrap();
    let (_, _, codec) = call_codec(&mut a_events, "confirmed", 10).await;
    assert_eq!(
        codec.as_deref(),
        Some("opus/48000"),
        "the event names the codec"
    );
    // The first RTCP report goes out within the RFC 3550 initial interval (≤ 3.75 s
    // with its randomisation); an RTT needs one report each way.
    let mut stats = None;
    for _ in 0..120 {
        let st = call.statistics().await.unwrap().expect("media");
        if st.rtt_ms.is_some() {
            stats = Some(st);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats = stats.expect("an RTT from RTCP within 12 s");
    assert_eq!(stats.codec, "opus");
    assert!(stats.rtt_ms.unwrap() < 50.0, "loopback: {stats:?}");
    assert!(stats.loss_pct < 1.0 && stats.mos > 4.0, "{stats:?}");
    let report = call.media().await.unwrap().expect("media");
    assert_eq!(report.codec, "opus");
    let rtcp = report.rtcp_local.expect("an RTCP socket");
    assert_eq!(rtcp.port(), report.local.port() + 1);
    assert!(
        report.stats.rtcp > 0 && report.stats.rtcp_sent > 0,
        "{report:?}"
    );
    call.hangup().await.unwrap();
    call_state(&mut a_events, "ended", 10).await;
    let record = a.call_history(&Default::default())[0].clone();
    assert_eq!(record.codec.as_deref(), Some("opus/48000"));
    let summary = record.media.expect("summary");
    assert!(
        summary.rtt_ms.is_some() && summary.mos.is_some(),
        "{summary:?}"
    );
    a.shutdown().await.unwrap();
    b.shutdown().await.unwrap();
}

/// A header line of `msg` (`Name: value`), by name, case-insensitive.
fn header<'a>(msg: &'a str, name: &str) -> Vec<&'a str> {
    msg.lines()
        .filter(|l| {
            l.split_once(':')
                .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        })
        .collect()
}

/// A final response to `req` with `status`, the To tagged, an optional SDP body.
fn response(req: &str, status: &str, contact: SocketAddr, sdp: &str) -> String {
    let mut out = format!("SIP/2.0 {status}\r\n");
    for name in ["Via", "From", "Call-ID", "CSeq"] {
        for line in header(req, name) {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    let to = header(req, "To")[0];
    let tag = if to.contains("tag=") { "" } else { ";tag=uas1" };
    out.push_str(&format!("{to}{tag}\r\nContact: <sip:uas@{contact}>\r\n"));
    if !sdp.is_empty() {
        out.push_str("Content-Type: application/sdp\r\n");
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n{sdp}", sdp.len()));
    out
}

#[tokio::test]
async fn a_peer_that_sends_no_rtp_is_hung_up_with_no_media() {
    let mut media = MediaSettings::default();
    media.no_media_secs = 2;
    let (a, mut a_events, _) = engine(13, media).await;
    let uas = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let at = uas.local_addr().unwrap();
    // Where our SDP says the peer receives: a socket that reads and never sends.
    let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let rtp_port = silent.local_addr().unwrap().port();
    let alice = account(&a, at).await;
    a.dial(&alice, &format!("sip:bob@{at}"), DialOptions::new())
        .await
        .unwrap();
    let mut buf = vec![0u8; 65536];
    let mut bye = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while bye.is_none() {
        let (n, from) = tokio::time::timeout_at(deadline, uas.recv_from(&mut buf))
            .await
            .expect("the call's requests in time")
            .unwrap();
        let msg = String::from_utf8_lossy(&buf[..n]).into_owned();
        if msg.starts_with("INVITE ") {
            let sdp = format!(
                "v=0\r\no=uas 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
                 m=audio {rtp_port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
            );
            let ok = response(&msg, "200 OK", at, &sdp);
            uas.send_to(ok.as_bytes(), from).await.unwrap();
        } else if msg.starts_with("BYE ") {
            let ok = response(&msg, "200 OK", at, "");
            uas.send_to(ok.as_bytes(), from).await.unwrap();
            bye = Some(msg);
        }
    }
    let (_, reason) = call_state(&mut a_events, "ended", 5).await;
    assert_eq!(reason.as_deref(), Some("no_media"));
    let record = a.call_history(&Default::default())[0].clone();
    assert_eq!(record.end_reason.as_deref(), Some("no_media"));
    assert_eq!(record.codec.as_deref(), Some("PCMU/8000"));
    let media = record.media.expect("summary");
    assert!(
        media.packets_sent > 50 && media.packets_received == 0,
        "{media:?}"
    );
    // Our RTP went to the SDP's port all along.
    let mut rtp = [0u8; 2048];
    let (n, _) = silent.recv_from(&mut rtp).await.unwrap();
    assert!(n >= 12 && rtp[1] & 0x7f == 0, "PCMU RTP");
    a.shutdown().await.unwrap();
}

/// 8 kHz test audio: 100 ms segments of two tones whose pitches step with `seed`
/// (a structured signal: a pure tone would correlate with any tone).
fn signal(seed: u32, secs: usize) -> Vec<i16> {
    (0..8000 * secs)
        .map(|i| {
            let seg = (i / 800) as u32;
            let f1 = 300.0 + f64::from((seg * 7 + seed * 13) % 17) * 90.0;
            let f2 = 1200.0 + f64::from((seg * 5 + seed * 3) % 11) * 130.0;
            let t = i as f64 / 8000.0;
            let v = (2.0 * std::f64::consts::PI * f1 * t).sin()
                + 0.6 * (2.0 * std::f64::consts::PI * f2 * t).sin();
            (v * 6000.0) as i16
        })
        .collect()
}

/// The best correlation of 0.5 s of `sent` (from 1 s in) within `heard`, at a delay
/// of up to 0.5 s.
fn heard_as(sent: &[i16], heard: &[i16]) -> f64 {
    switchboard_codecs::compare::best_lag(sent, heard, 8000, 4000, 4000).1
}

#[tokio::test]
async fn device_ends_carry_the_calls_audio_both_ways() {
    use switchboard::AudioDevice;
    use switchboard_codecs::{AudioSource, WavSink, WavSource};
    let dir = std::env::temp_dir().join(format!("sb-device-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (b_sent, a_sent) = (signal(1, 4), signal(2, 4));
    let play = dir.join("b.wav");
    let mut wav = WavSink::create(&play, 8000).unwrap();
    switchboard_codecs::AudioSink::write(&mut wav, &b_sent).unwrap();
    wav.finalize().unwrap();
    let record = dir.join("b-heard.wav");

    let (a, mut a_events, _) = engine(14, MediaSettings::default()).await;
    let (b, mut b_events, b_addr) = engine(15, MediaSettings::default()).await;
    let alice = account(&a, b_addr).await;
    let (device, mic, speaker) = AudioDevice::channels(8000);
    let mut opts = DialOptions::new();
    opts.device = Some(device);
    let call = a
        .dial(&alice, &format!("sip:bob@{b_addr}"), opts)
        .await
        .unwrap();
    let (id, _) = call_state(&mut b_events, "incoming", 10).await;
    b.call(&id)
        .answer_with(AudioDevice::files(&play, &record, 8000).unwrap())
        .await
        .unwrap();
    call_state(&mut a_events, "confirmed", 10).await;
    // The app's audio loop: 20 ms of microphone in, what the speaker has out.
    let mut heard = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    for frame in a_sent.chunks(160).take(175) {
        tick.tick().await;
        mic.write(frame).unwrap();
        let mut out = [0i16; 800];
        let n = speaker.read(&mut out);
        heard.extend_from_slice(&out[..n]);
    }
    call.hangup().await.unwrap();
    call_state(&mut b_events, "ended", 10).await;
    a.shutdown().await.unwrap();
    b.shutdown().await.unwrap();

    // Opus at 32 kbit/s keeps the waveform's shape, not its samples: above 0.6 for
    // our signal (the codec tests measure 0.75–0.85), about 0 for another.
    let a_heard = heard_as(&b_sent, &heard);
    assert!(a_heard > 0.6, "A's speaker: {a_heard}");
    assert!(heard_as(&signal(3, 4), &heard) < 0.3);
    let mut rec = WavSource::open_any_rate(&record).unwrap();
    let mut b_heard = vec![0i16; rec.remaining() as usize];
    let n = rec.read(&mut b_heard);
    b_heard.truncate(n);
    let b_corr = heard_as(&a_sent, &b_heard);
    eprintln!("correlation: A heard {a_heard:.3}, B recorded {b_corr:.3}");
    assert!(b_corr > 0.6, "B's recording ({n} samples): {b_corr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A hold longer than the no-media time ends neither side: the held peer (recvonly)
/// sends nothing and the holder (sendonly) expects nothing, so both pause no-media;
/// after the resume RTP flows again and both still run.
#[tokio::test]
async fn a_long_hold_is_not_no_media() {
    let mut media = MediaSettings::default();
    media.no_media_secs = 2;
    let (a, mut a_events, _) = engine(16, media.clone()).await;
    let (b, mut b_events, b_addr) = engine(17, media).await;
    let alice = account(&a, b_addr).await;
    let call = a
        .dial(&alice, &format!("sip:bob@{b_addr}"), DialOptions::new())
        .await
        .unwrap();
    let (id, _) = call_state(&mut b_events, "incoming", 10).await;
    b.answer_call(&id).await.unwrap();
    call_state(&mut a_events, "confirmed", 10).await;
    call.hold().await.unwrap();
    call_state(&mut a_events, "held", 10).await;
    call_state(&mut b_events, "remote_hold", 10).await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let before = call
        .media()
        .await
        .unwrap()
        .expect("media")
        .stats
        .packets_received;
    call.resume().await.unwrap();
    call_state(&mut a_events, "resumed", 10).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let after = call
        .media()
        .await
        .unwrap()
        .expect("media")
        .stats
        .packets_received;
    assert!(
        after > before + 20,
        "RTP again after the resume: {before} → {after}"
    );
    for (engine, who) in [(&a, "A"), (&b, "B")] {
        let live = engine.call(&id).snapshot().await.unwrap();
        assert_eq!(live.phase, "confirmed", "{who} still in the call");
    }
    call.hangup().await.unwrap();
    let (_, reason) = call_state(&mut a_events, "ended", 10).await;
    assert_eq!(reason.as_deref(), Some("normal"));
    a.shutdown().await.unwrap();
    b.shutdown().await.unwrap();
}
