//! Account keepalives (RFC 5626 §4.4) on real loopback sockets: an UDP account's OPTIONS
//! keepalive sees a new rport (a NAT rebinding, played by the tiny registrar) and
//! re-registers; a TCP account's CRLF pings are answered until the server goes quiet,
//! then the flow fails and the account re-registers.

use futures::StreamExt;
use std::time::Duration;
use switchboard::{AccountConfig, Engine, EngineConfig, Event, EventStream, TransportKind};
use switchboard_actors::sip::{
    parse_datagram, parse_stream_message, HeaderName, Message, Method, ParseLimits, Request,
    Response,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::mpsc;

mod common;
use common::{answer, datagram};

/// `answer(req, 200)` with the top Via stamped `received=127.0.0.1;rport=<port>`, and
/// for a REGISTER the Contact granted for 60 s.
fn ok(req: &Request, port: u16) -> Response {
    let mut r = answer(req, 200);
    let via = req.headers.get(&HeaderName::Via).unwrap().as_str();
    let via = via.replacen(";rport", &format!(";received=127.0.0.1;rport={port}"), 1);
    r.headers.set(HeaderName::Via, via);
    if req.method == Method::Register {
        let contact = req.headers.get(&HeaderName::Contact).unwrap().as_str();
        r.headers
            .push(HeaderName::Contact, format!("{contact};expires=60"));
    }
    r
}

/// Answers everything 200. From the first OPTIONS on it reports the client at port
/// 40000, as a NAT that rebound her would. Passes each request's method on.
async fn udp_registrar(socket: UdpSocket, seen: mpsc::UnboundedSender<Method>) {
    let mut buf = vec![0u8; 65_536];
    let mut rebound = false;
    while let Ok((n, from)) = socket.recv_from(&mut buf).await {
        let bytes = bytes::Bytes::copy_from_slice(&buf[..n]);
        let Ok(Message::Request(req)) = parse_datagram(bytes, &ParseLimits::default()) else {
            continue;
        };
        rebound |= req.method == Method::Options;
        let port = if rebound { 40_000 } else { from.port() };
        socket
            .send_to(&datagram(&ok(&req, port)), from)
            .await
            .unwrap();
        let _ = seen.send(req.method);
    }
}

/// One TCP connection at a time: answers REGISTERs, pongs the first `pongs` pings of
/// each connection and ignores the rest. Reports "REGISTER" and "PING" to the test.
async fn tcp_registrar(listener: TcpListener, pongs: usize, seen: mpsc::UnboundedSender<String>) {
    while let Ok((mut conn, _)) = listener.accept().await {
        let mut buf = Vec::new();
        let mut chunk = vec![0u8; 16_384];
        let mut pinged = 0;
        while let Ok(n @ 1..) = conn.read(&mut chunk).await {
            buf.extend_from_slice(&chunk[..n]);
            loop {
                if buf.starts_with(b"\r\n\r\n") {
                    buf.drain(..4);
                    pinged += 1;
                    let _ = seen.send("PING".into());
                    if pinged <= pongs {
                        conn.write_all(b"\r\n").await.unwrap();
                    }
                    continue;
                }
                let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                    break;
                };
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let body = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if buf.len() < end + 4 + body {
                    break;
                }
                let msg: Vec<u8> = buf.drain(..end + 4 + body).collect();
                let parsed = parse_stream_message(msg.into(), &ParseLimits::default());
                if let Ok(Message::Request(req)) = parsed {
                    let _ = seen.send(req.method.to_string());
                    conn.write_all(&datagram(&ok(&req, 5060))).await.unwrap();
                }
            }
        }
    }
}

async fn next_state(events: &mut EventStream) -> String {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), events.next())
            .await
            .expect("an event in time")
            .expect("stream open");
        if let Event::Registration { state, .. } = event {
            return state;
        }
    }
}

async fn engine(kind: TransportKind) -> Engine {
    let cfg = EngineConfig::builder()
        .seed(5)
        .listen(kind, "127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap();
    Engine::builder().config(cfg).start().await.unwrap()
}

fn account(port: u16, extra: &str) -> AccountConfig {
    AccountConfig::from_toml(&format!(
        "server = \"127.0.0.1\"\nport = {port}\ndomain = \"example.com\"\n\
         username = \"alice\"\nkeepalive_interval = 5\n{extra}"
    ))
    .unwrap()
}

#[tokio::test]
async fn an_options_keepalive_showing_a_new_rport_re_registers() {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    let (tx, mut seen) = mpsc::unbounded_channel();
    let server = tokio::spawn(udp_registrar(socket, tx));
    let engine = engine(TransportKind::Udp).await;
    let mut events = engine.events();
    let alice = engine.add_account(account(port, "")).await.unwrap();
    alice.register().await.unwrap();
    assert_eq!(next_state(&mut events).await, "registering");
    assert_eq!(next_state(&mut events).await, "registered");
    // The keepalive comes 4-5 s later; its 200 shows rport 40000.
    assert_eq!(next_state(&mut events).await, "address_changed");
    assert_eq!(next_state(&mut events).await, "registered");
    let methods: Vec<Method> = std::iter::from_fn(|| seen.try_recv().ok()).collect();
    assert_eq!(
        methods,
        [Method::Register, Method::Options, Method::Register]
    );
    assert!(alice.is_registered());
    engine.shutdown().await.unwrap();
    server.abort();
}

#[tokio::test]
async fn crlf_pings_then_a_missing_pong_fails_the_flow_and_re_registers() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, mut seen) = mpsc::unbounded_channel();
    let server = tokio::spawn(tcp_registrar(listener, 1, tx));
    let engine = engine(TransportKind::Tcp).await;
    let mut events = engine.events();
    let alice = engine
        .add_account(account(port, "transport = \"tcp\"\n"))
        .await
        .unwrap();
    alice.register().await.unwrap();
    assert_eq!(next_state(&mut events).await, "registering");
    assert_eq!(next_state(&mut events).await, "registered");
    // First ping at 4-5 s is answered; the second, 4-5 s later, is not: 10 s later
    // the flow fails and the account registers again.
    assert_eq!(next_state(&mut events).await, "flow_failed");
    assert_eq!(next_state(&mut events).await, "registered");
    let seen: Vec<String> = std::iter::from_fn(|| seen.try_recv().ok()).collect();
    assert_eq!(seen, ["REGISTER", "PING", "PING", "REGISTER"]);
    engine.shutdown().await.unwrap();
    server.abort();
}
