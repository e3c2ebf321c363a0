//! A dial carries what the account learned and was given: the registrar's Service-Route
//! as the INVITE's route set (RFC 3608) and the app's session token in the account's
//! token header (registration-free flows). A raw UDP socket on loopback plays the
//! registrar and the first hop.

use std::time::Duration;
use switchboard::{AccountConfig, AccountMode, DialOptions, Engine, EngineConfig, TransportKind};
use switchboard_actors::sip::{parse_datagram, HeaderName, Message, ParseLimits, Request};
use tokio::net::UdpSocket;

mod common;
use common::{answer, datagram};

async fn engine() -> Engine {
    let cfg = EngineConfig::builder()
        .seed(9)
        .listen(TransportKind::Udp, "127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap();
    Engine::builder().config(cfg).start().await.unwrap()
}

/// The next request on `socket` with `method`, answering REGISTERs 200 with a
/// Service-Route back to this socket on the way.
async fn next(socket: &UdpSocket, method: &str) -> Request {
    let port = socket.local_addr().unwrap().port();
    let mut buf = vec![0u8; 65_536];
    loop {
        let (n, from) = tokio::time::timeout(Duration::from_secs(10), socket.recv_from(&mut buf))
            .await
            .expect("a request in time")
            .unwrap();
        let bytes = bytes::Bytes::copy_from_slice(&buf[..n]);
        let Ok(Message::Request(req)) = parse_datagram(bytes, &ParseLimits::default()) else {
            continue;
        };
        if req.method.as_str() == "REGISTER" {
            let mut r = answer(&req, 200);
            let contact = req.headers.get(&HeaderName::Contact).unwrap().as_str();
            r.headers
                .push(HeaderName::Contact, format!("{contact};expires=120"));
            r.headers.push(
                HeaderName::ServiceRoute,
                format!("<sip:127.0.0.1:{port};lr>"),
            );
            socket.send_to(&datagram(&r), from).await.unwrap();
        }
        if req.method.as_str() == method {
            return req;
        }
    }
}

fn header(req: &Request, name: &str) -> Option<String> {
    let name = HeaderName::from_wire(name);
    req.headers.get(&name).map(|v| v.as_str().to_owned())
}

#[tokio::test]
async fn a_dial_follows_the_service_route_and_carries_the_session_token() {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    let engine = engine().await;
    let mut cfg = AccountConfig::new("127.0.0.1", "example.com", "alice");
    cfg.port = Some(port);
    cfg.expires = 120;
    cfg.keepalive_interval = Some(0);
    let alice = engine.add_account(cfg).await.unwrap();
    alice.register().await.unwrap();
    next(&socket, "REGISTER").await;
    for _ in 0..100 {
        if !alice.service_route().await.unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    alice.set_session_token("tok-1").await.unwrap();
    // Nobody listens at the target (another loopback address): only the route set brings
    // the INVITE to this socket.
    engine
        .dial(&alice, "sip:bob@127.0.0.2:5999", DialOptions::new())
        .await
        .unwrap();
    let invite = next(&socket, "INVITE").await;
    let route = header(&invite, "Route").expect("a Route header");
    assert!(
        route.contains(&format!("sip:127.0.0.1:{port};lr")),
        "{route}"
    );
    assert_eq!(header(&invite, "X-Session-Token").as_deref(), Some("tok-1"));
    engine.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_registration_free_dial_sends_the_token_as_a_bearer_credential() {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    let engine = engine().await;
    let mut cfg = AccountConfig::new("127.0.0.1", "example.com", "alice");
    cfg.port = Some(port);
    cfg.mode = AccountMode::RegistrationFree;
    cfg.token_header = Some("Authorization".to_owned());
    cfg.outbound_proxy = Some(format!("sip:127.0.0.1:{port}"));
    let alice = engine.add_account(cfg).await.unwrap();
    let mut options = DialOptions::new();
    options.token = Some("tok-2".to_owned());
    engine
        .dial(&alice, "sip:bob@example.com", options)
        .await
        .unwrap();
    let invite = next(&socket, "INVITE").await;
    assert_eq!(
        header(&invite, "Authorization").as_deref(),
        Some("Bearer tok-2")
    );
    let route = header(&invite, "Route").expect("the outbound proxy as Route");
    assert!(route.contains(&format!("127.0.0.1:{port}")), "{route}");
    engine.shutdown().await.unwrap();
}
