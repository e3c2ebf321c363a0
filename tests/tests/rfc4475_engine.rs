//! RFC 4475 torture messages sent to a running engine over real UDP: what a UAS must
//! answer (not just what the parser decides). Each message's top Via is replaced by a
//! loopback one with `rport`, so every answer comes back to the test's socket (the
//! RFC's Vias name example hosts, and responses follow the Via, RFC 3261 §18.2.2);
//! `badinv01` keeps its broken Via, so its 400 goes back to the source address.

mod common;

use std::time::Duration;
use switchboard::{EngineConfig, TransportKind};
use tokio::net::UdpSocket;

fn torture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../actors/tests/rfc4475/{name}.sip",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).expect("RFC 4475 message file")
}

/// Replaces the first `Via:`/`v:` header line with a loopback Via asking for rport.
fn loopback_via(msg: &[u8], from: std::net::SocketAddr, name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(msg.len() + 64);
    let mut done = false;
    for line in msg.split_inclusive(|b| *b == b'\n') {
        let lower = line.to_ascii_lowercase();
        if !done && (lower.starts_with(b"via:") || lower.starts_with(b"v:")) {
            out.extend_from_slice(
                format!("Via: SIP/2.0/UDP {from};rport;branch=z9hG4bK-{name}\r\n").as_bytes(),
            );
            done = true;
        } else {
            out.extend_from_slice(line);
        }
    }
    assert!(done, "{name} has a Via");
    out
}

async fn answer(sock: &UdpSocket, to: std::net::SocketAddr, msg: &[u8]) -> Option<String> {
    sock.send_to(msg, to).await.unwrap();
    let mut buf = vec![0u8; 65536];
    match tokio::time::timeout(Duration::from_millis(1500), sock.recv_from(&mut buf)).await {
        Ok(Ok((n, _))) => Some(String::from_utf8_lossy(&buf[..n]).into_owned()),
        _ => None,
    }
}

fn status(resp: &str) -> u16 {
    resp.get(8..11).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_answers_torture_messages_as_the_rfc_asks() {
    let cfg = EngineConfig::builder()
        .listen(TransportKind::Udp, "127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap();
    let run = common::start(cfg).await;
    let to = run.addr(TransportKind::Udp);
    let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let from = sock.local_addr().unwrap();

    for (name, want) in [
        ("mismatch01", 400), // §3.1.2.17 CSeq method ≠ request method
        ("mismatch02", 501), // §3.1.2.18 unknown method: 501 preferred over 400
        ("badvers", 505),    // §3.1.2.16 SIP/7.0
        ("unkscm", 416),     // §3.3.4 unknown Request-URI scheme
        ("novelsc", 416),    // §3.3.5 novel scheme in Request-URI
        ("insuf", 400),      // §3.3.2 missing Call-ID / From / To
        ("multi01", 400),    // several values in single-value headers
        ("scalar02", 400),   // §3.1.2.3 negative Content-Length
        ("clerr", 400),      // §3.1.2.2 Content-Length larger than the datagram
        ("zeromf", 200),     // OPTIONS with Max-Forwards 0 is still answered
    ] {
        let msg = loopback_via(&torture(name), from, name);
        let resp = answer(&sock, to, &msg).await.unwrap_or_default();
        assert_eq!(status(&resp), want, "{name}: {resp}");
        if want != 200 {
            assert!(
                resp.contains(&format!("branch=z9hG4bK-{name}")),
                "{name}: Via copied: {resp}"
            );
        }
    }

    // badinv01: its Via is `SIP/2.0/UDP 192.0.2.15;;,;,,`: answered 400 to the source,
    // with no empty Via lines copied into the response.
    let resp = answer(&sock, to, &torture("badinv01"))
        .await
        .unwrap_or_default();
    assert_eq!(status(&resp), 400, "badinv01: {resp}");
    assert!(
        !resp.lines().any(|l| l.trim_end() == "Via:"),
        "badinv01: no empty Via in {resp}"
    );

    // After all that the engine still answers a well-formed ping.
    let ok = answer(&sock, to, &common::options(to, from, "UDP", 9, "")).await;
    assert_eq!(status(ok.as_deref().unwrap_or("")), 200);
    run.engine.shutdown().await.unwrap();
}
