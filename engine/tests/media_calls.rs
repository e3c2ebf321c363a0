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
    assert_eq!(codec.as_deref(), Some("opus/48000"), "the event names the codec");
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
