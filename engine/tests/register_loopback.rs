//! `Engine::add_account` + `Account::register`: an engine registers with a tiny digest
//! registrar on a real loopback UDP socket (401 challenge, then 200), then unregisters;
//! and a bad account field is a typed error naming it.

use futures::StreamExt;
use rand::SeedableRng;
use std::time::Duration;
use switchboard::{
    AccountConfig, Engine, EngineConfig, EngineError, Event, EventStream, TransportKind,
};
use switchboard_actors::sip::auth::{DigestCredentials, DigestServer, Password};
use switchboard_actors::sip::{parse_datagram, HeaderName, Message, ParseLimits, Request};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

mod common;
use common::{answer, datagram};

/// Challenges the first REGISTER, accepts (and verifies) the second with
/// `Contact;expires=60`, and answers any later one with a plain 200. Every REGISTER
/// it gets is passed on to the test.
async fn registrar(socket: UdpSocket, seen: mpsc::Sender<Request>) {
    let mut digest = DigestServer::new("example.com");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut buf = vec![0u8; 65_536];
    let mut count = 0;
    loop {
        let Ok((n, from)) = socket.recv_from(&mut buf).await else {
            return;
        };
        let bytes = bytes::Bytes::copy_from_slice(&buf[..n]);
        let Ok(Message::Request(req)) = parse_datagram(bytes, &ParseLimits::default()) else {
            continue;
        };
        count += 1;
        let now = tokio::time::Instant::now().into_std();
        let response = match count {
            1 => {
                let mut r = answer(&req, 401);
                let challenge = digest.challenge(now, false, &mut rng);
                r.headers
                    .push(HeaderName::WwwAuthenticate, challenge.to_string());
                r
            }
            2 => {
                let creds = req.headers.get(&HeaderName::Authorization).unwrap();
                let creds = DigestCredentials::parse(creds.as_str()).unwrap();
                let lookup = |u: &str| (u == "alice").then(|| Password::new("alice-pw"));
                digest
                    .verify(now, &creds, "REGISTER", b"", lookup)
                    .expect("digest verifies");
                let mut r = answer(&req, 200);
                let contact = req.headers.get(&HeaderName::Contact).unwrap().as_str();
                r.headers
                    .push(HeaderName::Contact, format!("{contact};expires=60"));
                r
            }
            _ => answer(&req, 200),
        };
        socket.send_to(&datagram(&response), from).await.unwrap();
        let _ = seen.send(req).await;
    }
}

async fn next_registration(events: &mut EventStream) -> (String, Option<u32>) {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .expect("an event in time")
            .expect("stream open");
        if let Event::Registration { state, expires, .. } = event {
            return (state, expires);
        }
    }
}

fn account(port: u16) -> AccountConfig {
    AccountConfig::from_toml(&format!(
        "server = \"127.0.0.1\"\nport = {port}\ndomain = \"example.com\"\n\
         username = \"alice\"\npassword = \"alice-pw\"\nexpires = 120\n"
    ))
    .unwrap()
}

async fn engine() -> Engine {
    let cfg = EngineConfig::builder()
        .seed(11)
        .listen(TransportKind::Udp, "127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap();
    Engine::builder().config(cfg).start().await.unwrap()
}

#[tokio::test]
async fn registers_through_a_digest_challenge_then_unregisters() {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    let (seen_tx, mut seen) = mpsc::channel(16);
    let server = tokio::spawn(registrar(socket, seen_tx));
    let engine = engine().await;
    let mut events = engine.events();
    let alice = engine.add_account(account(port)).await.unwrap();
    assert_eq!(alice.aor(), "sip:alice@example.com");
    assert!(!alice.is_registered());
    assert_eq!(engine.stats().await.unwrap().accounts, 1);

    alice.register().await.unwrap();
    assert_eq!(
        next_registration(&mut events).await,
        ("registering".into(), None)
    );
    assert_eq!(
        next_registration(&mut events).await,
        ("registered".into(), Some(60))
    );
    assert!(alice.is_registered());
    let first = seen.recv().await.unwrap();
    let contact = first.headers.get(&HeaderName::Contact).unwrap().as_str();
    assert!(contact.contains("sip:alice@127.0.0.1:"), "{contact}");
    assert!(contact.contains("transport=udp"), "{contact}");
    let second = seen.recv().await.unwrap();
    assert!(second.headers.get(&HeaderName::Authorization).is_some());

    alice.unregister().await.unwrap();
    assert_eq!(
        next_registration(&mut events).await,
        ("unregistering".into(), None)
    );
    assert_eq!(
        next_registration(&mut events).await,
        ("unregistered".into(), None)
    );
    assert!(!alice.is_registered());
    let third = seen.recv().await.unwrap();
    let expires = third.headers.get(&HeaderName::Expires).unwrap().as_str();
    assert_eq!(expires.trim(), "0");

    let stats = engine.stats().await.unwrap();
    assert_eq!((stats.pending_requests, stats.accounts), (0, 1));
    engine.shutdown().await.unwrap();
    assert!(matches!(
        alice.register().await,
        Err(EngineError::NotRunning { .. })
    ));
    server.abort();
}

#[tokio::test]
async fn shutdown_unregisters_a_registered_account() {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    let (seen_tx, mut seen) = mpsc::channel(16);
    let server = tokio::spawn(registrar(socket, seen_tx));
    let engine = engine().await;
    let mut events = engine.events();
    let alice = engine.add_account(account(port)).await.unwrap();
    alice.register().await.unwrap();
    assert_eq!(next_registration(&mut events).await.0, "registering");
    assert_eq!(next_registration(&mut events).await.0, "registered");
    engine.shutdown().await.unwrap();
    assert!(!alice.is_registered());
    let mut states = Vec::new();
    while let Some(event) = events.next().await {
        if let Event::Registration { state, .. } = event {
            states.push(state);
        }
    }
    assert_eq!(states, ["unregistering", "unregistered"]);
    let (_, _, third) = (seen.recv().await, seen.recv().await, seen.recv().await);
    let third = third.unwrap();
    let expires = third.headers.get(&HeaderName::Expires).unwrap().as_str();
    assert_eq!(expires.trim(), "0");
    server.abort();
}

#[tokio::test]
async fn a_bad_account_field_is_a_typed_error_naming_it() {
    let engine = engine().await;
    let mut cfg = account(5060);
    cfg.username = "a b".into();
    let err = engine.add_account(cfg).await.unwrap_err();
    assert!(
        matches!(
            &err,
            EngineError::Account(switchboard::AccountError::Invalid {
                field: "username",
                ..
            })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("username"));
    assert_eq!(engine.stats().await.unwrap().accounts, 0);
    // No TCP listener: the account cannot be served.
    let mut tcp = account(5060);
    tcp.transport = TransportKind::Tcp;
    assert!(matches!(
        engine.add_account(tcp).await,
        Err(EngineError::NoTransport {
            transport: TransportKind::Tcp
        })
    ));
    engine.shutdown().await.unwrap();
}
