//! "Connect / disconnect phone services" and the Service-Route: a registrar on a real
//! loopback UDP socket answers every REGISTER 200 with a Service-Route; disconnecting
//! removes the bindings of the accounts that had one and connecting restores exactly
//! those, while an account the app never registered stays quiet.

use futures::StreamExt;
use std::time::Duration;
use switchboard::{AccountConfig, Engine, EngineConfig, Event, EventStream, TransportKind};
use switchboard_actors::sip::{parse_datagram, HeaderName, Message, ParseLimits, Request};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

mod common;
use common::{answer, datagram};

const ROUTE: &str = "<sip:edge.example.com;lr>";

/// Answers every REGISTER 200 (echoing its Contact with the asked expiry and adding a
/// Service-Route) and passes it on to the test.
async fn registrar(socket: UdpSocket, seen: mpsc::Sender<Request>) {
    let mut buf = vec![0u8; 65_536];
    while let Ok((n, from)) = socket.recv_from(&mut buf).await {
        let bytes = bytes::Bytes::copy_from_slice(&buf[..n]);
        let Ok(Message::Request(req)) = parse_datagram(bytes, &ParseLimits::default()) else {
            continue;
        };
        let mut r = answer(&req, 200);
        let expires = req
            .headers
            .get(&HeaderName::Expires)
            .map(|v| v.as_str().trim().to_owned());
        let contact = req
            .headers
            .get(&HeaderName::Contact)
            .map(|v| v.as_str().to_owned());
        if let (Some(c), Some(e)) = (contact, expires) {
            r.headers
                .push(HeaderName::Contact, format!("{c};expires={e}"));
        }
        r.headers.push(HeaderName::ServiceRoute, ROUTE);
        let _ = socket.send_to(&datagram(&r), from).await;
        let _ = seen.send(req).await;
    }
}

async fn next_state(events: &mut EventStream, aor: &str) -> String {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .expect("an event in time")
            .expect("stream open");
        if let Event::Registration { account, state, .. } = event {
            if account == aor {
                return state;
            }
        }
    }
}

fn account(port: u16, user: &str) -> AccountConfig {
    let mut a = AccountConfig::new("127.0.0.1", "example.com", user);
    a.port = Some(port);
    a.expires = 120;
    a.keepalive_interval = Some(0);
    a
}

fn expires_of(req: &Request) -> String {
    let e = req.headers.get(&HeaderName::Expires).unwrap();
    e.as_str().trim().to_owned()
}

#[tokio::test]
async fn disconnect_unregisters_and_connect_restores_the_registered_accounts() {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    let (seen_tx, mut seen) = mpsc::channel(16);
    let server = tokio::spawn(registrar(socket, seen_tx));
    let cfg = EngineConfig::builder()
        .seed(5)
        .listen(TransportKind::Udp, "127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap();
    let engine = Engine::builder().config(cfg).start().await.unwrap();
    let mut events = engine.events();
    let alice = engine.add_account(account(port, "alice")).await.unwrap();
    let bob = engine.add_account(account(port, "bob")).await.unwrap();
    assert!(alice.service_route().await.unwrap().is_empty());

    alice.register().await.unwrap();
    assert_eq!(next_state(&mut events, alice.aor()).await, "registering");
    assert_eq!(next_state(&mut events, alice.aor()).await, "registered");
    assert_eq!(expires_of(&seen.recv().await.unwrap()), "120");
    assert_eq!(alice.service_route().await.unwrap(), [ROUTE]);

    // Disconnect: alice's binding is removed before the call returns; bob sends nothing.
    engine.disconnect_phone_services().await.unwrap();
    assert!(!alice.is_registered());
    let gone = seen.recv().await.unwrap();
    assert_eq!(expires_of(&gone), "0");
    assert!(gone
        .headers
        .get(&HeaderName::To)
        .unwrap()
        .as_str()
        .contains("alice"));
    assert_eq!(next_state(&mut events, alice.aor()).await, "unregistering");
    assert_eq!(next_state(&mut events, alice.aor()).await, "unregistered");
    assert!(alice.service_route().await.unwrap().is_empty());

    // Connect: alice registers again; bob, never registered by the app, stays quiet.
    engine.connect_phone_services().await.unwrap();
    assert_eq!(next_state(&mut events, alice.aor()).await, "registering");
    assert_eq!(next_state(&mut events, alice.aor()).await, "registered");
    let back = seen.recv().await.unwrap();
    assert_eq!(expires_of(&back), "120");
    assert!(back
        .headers
        .get(&HeaderName::To)
        .unwrap()
        .as_str()
        .contains("alice"));
    assert!(!bob.is_registered());
    assert!(seen.try_recv().is_err(), "bob sent nothing");

    // A second connect does not register twice.
    engine.connect_phone_services().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(seen.try_recv().is_err());
    engine.shutdown().await.unwrap();
    server.abort();
}
