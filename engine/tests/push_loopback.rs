//! Registration-free mode on loopback: a raw UDP socket plays the push proxy.
//! `Engine::handle_push` → REGISTER with the RFC 8599 pn-* Contact parameters and the
//! session token → the proxy releases the INVITE → `call incoming` and 180 on the wire
//! → CANCEL → 200 + 487 → `call missed (cancelled)`; the binding stays for the ACK.
//! Also: reject, a push whose INVITE never comes, duplicate and malformed pushes.

use futures::StreamExt;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard::{
    AccountConfig, AccountMode, Engine, EngineConfig, EngineError, Event, EventStream, PushError,
    PushSettings, TransportKind,
};
use switchboard_actors::sip::{
    parse_datagram, HeaderName, Message, ParseLimits, Request, Response,
};
use tokio::net::UdpSocket;

mod common;
use common::{answer, datagram};

const WAIT: Duration = Duration::from_secs(10);

struct Proxy {
    socket: UdpSocket,
    engine: Option<SocketAddr>,
}

impl Proxy {
    async fn recv(&mut self) -> Message {
        let mut buf = vec![0u8; 65_536];
        let (n, from) = tokio::time::timeout(WAIT, self.socket.recv_from(&mut buf))
            .await
            .expect("a message in time")
            .unwrap();
        self.engine = Some(from);
        parse_datagram(
            bytes::Bytes::copy_from_slice(&buf[..n]),
            &ParseLimits::default(),
        )
        .expect("the engine sends valid SIP")
    }

    async fn request(&mut self) -> Request {
        loop {
            if let Message::Request(r) = self.recv().await {
                return r;
            }
        }
    }

    async fn response(&mut self) -> Response {
        loop {
            if let Message::Response(r) = self.recv().await {
                return r;
            }
        }
    }

    async fn send(&self, bytes: &[u8]) {
        let to = self.engine.expect("the engine spoke first");
        self.socket.send_to(bytes, to).await.unwrap();
    }

    /// Takes a REGISTER and accepts it.
    async fn register(&mut self) -> Request {
        let reg = self.request().await;
        assert_eq!(reg.method.as_str(), "REGISTER");
        let mut ok = answer(&reg, 200);
        let contact = reg.headers.get(&HeaderName::Contact).unwrap().as_str();
        ok.headers
            .push(HeaderName::Contact, format!("{contact};expires=60"));
        self.send(&datagram(&ok)).await;
        reg
    }
}

fn request_text(method: &str, call_id: &str, cseq: &str, to_tag: &str) -> Vec<u8> {
    format!(
        "{method} sip:alice@127.0.0.1 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bKpush{call_id}\r\n\
         Max-Forwards: 70\r\n\
         From: \"Carol\" <sip:carol@example.com>;tag=carol1\r\n\
         To: <sip:alice@example.com>{to_tag}\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: 1 {cseq}\r\n\
         Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

async fn setup(push_wait: u32) -> (Engine, EventStream, Proxy) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    let cfg = EngineConfig::builder()
        .seed(5)
        .listen(TransportKind::Udp, "127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap();
    let engine = Engine::builder().config(cfg).start().await.unwrap();
    let events = engine.events();
    let mut account = AccountConfig::new("127.0.0.1", "example.com", "alice");
    account.port = Some(port);
    account.mode = AccountMode::RegistrationFree;
    account.push_wait = Some(push_wait);
    account.push = Some(PushSettings {
        provider: "apns".into(),
        prid: "device-1".into(),
        param: Some("ABC.com.example.voip".into()),
    });
    engine.add_account(account).await.unwrap();
    let proxy = Proxy {
        socket,
        engine: None,
    };
    (engine, events, proxy)
}

fn payload(call_id: &str, port: u16) -> String {
    format!(
        r#"{{"call_id":"{call_id}","caller":"sip:carol@example.com","token":"tok-1",
            "server":"sip:127.0.0.1:{port}","extra":true}}"#
    )
}

async fn next_call(events: &mut EventStream) -> Event {
    loop {
        let e = tokio::time::timeout(WAIT, events.next())
            .await
            .expect("an event in time")
            .expect("stream open");
        if matches!(e, Event::Call { .. }) {
            return e;
        }
    }
}

fn state_of(e: &Event) -> (&str, Option<&str>, Option<u16>) {
    match e {
        Event::Call {
            state,
            reason,
            status,
            ..
        } => (state, reason.as_deref(), *status),
        _ => unreachable!(),
    }
}

/// Push → REGISTER (pn params, token) → INVITE → 180 and `incoming`.
async fn ring(engine: &Engine, events: &mut EventStream, proxy: &mut Proxy, call_id: &str) {
    let port = proxy.socket.local_addr().unwrap().port();
    engine.handle_push(&payload(call_id, port)).await.unwrap();
    let reg = proxy.register().await;
    let contact = reg.headers.get(&HeaderName::Contact).unwrap().as_str();
    assert!(contact.contains("pn-provider=apns"), "{contact}");
    assert!(contact.contains("pn-prid=device-1"), "{contact}");
    assert!(
        contact.contains("pn-param=ABC.com.example.voip"),
        "{contact}"
    );
    let token = reg
        .headers
        .get(&HeaderName::Other("X-Session-Token".into()));
    assert_eq!(token.map(|v| v.as_str()), Some("tok-1"));
    proxy
        .send(&request_text("INVITE", call_id, "INVITE", ""))
        .await;
    let ringing = proxy.response().await;
    assert_eq!(ringing.status.as_u16(), 180);
    assert!(ringing.to().unwrap().tag().is_some());
    assert!(ringing.headers.get(&HeaderName::Contact).is_some());
    let incoming = next_call(events).await;
    let Event::Call {
        call_id: id,
        remote,
        display_name,
        account,
        ..
    } = &incoming
    else {
        unreachable!()
    };
    assert_eq!(state_of(&incoming).0, "incoming");
    assert_eq!(id, call_id);
    assert_eq!(remote, "sip:carol@example.com");
    assert_eq!(display_name.as_deref(), Some("Carol"));
    assert_eq!(account.as_deref(), Some("sip:alice@example.com"));
}

/// After a final response the binding stays (the ACK must reach us): no REGISTER soon.
async fn expect_binding_kept(proxy: &mut Proxy) {
    let mut buf = [0u8; 2048];
    let quiet =
        tokio::time::timeout(Duration::from_millis(300), proxy.socket.recv_from(&mut buf)).await;
    assert!(quiet.is_err(), "the binding is kept while the ACK may come");
}

async fn expect_unregister(proxy: &mut Proxy) {
    let unreg = proxy.register().await;
    let expires = unreg.headers.get(&HeaderName::Expires).unwrap().as_str();
    assert_eq!(expires.trim(), "0");
}

#[tokio::test]
async fn pushed_call_rings_then_cancel_is_missed_and_the_account_unregisters() {
    let (engine, mut events, mut proxy) = setup(15).await;
    ring(&engine, &mut events, &mut proxy, "pushed-1").await;
    // A duplicate push for the ringing call is ignored (no second REGISTER).
    let port = proxy.socket.local_addr().unwrap().port();
    engine
        .handle_push(&payload("pushed-1", port))
        .await
        .unwrap();

    proxy
        .send(&request_text("CANCEL", "pushed-1", "CANCEL", ""))
        .await;
    let (a, b) = (proxy.response().await, proxy.response().await);
    let mut got: Vec<(u16, String)> = [a, b]
        .iter()
        .map(|r| (r.status.as_u16(), r.cseq().unwrap().method.to_string()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [(200, "CANCEL".to_owned()), (487, "INVITE".to_owned())]
    );
    let missed = next_call(&mut events).await;
    assert_eq!(state_of(&missed), ("missed", Some("cancelled"), Some(487)));
    expect_binding_kept(&mut proxy).await;
    engine.shutdown().await.unwrap();
}

#[tokio::test]
async fn reject_call_sends_the_code() {
    let (engine, mut events, mut proxy) = setup(15).await;
    ring(&engine, &mut events, &mut proxy, "pushed-2").await;
    engine.reject_call("pushed-2", 486).await.unwrap();
    let busy = proxy.response().await;
    assert_eq!(busy.status.as_u16(), 486);
    let rejected = next_call(&mut events).await;
    assert_eq!(state_of(&rejected), ("rejected", None, Some(486)));
    assert!(matches!(
        engine.reject_call("pushed-2", 486).await,
        Err(EngineError::UnknownCall { .. })
    ));
    expect_binding_kept(&mut proxy).await;
    engine.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_push_whose_invite_never_comes_is_missed_not_a_hang() {
    let (engine, mut events, mut proxy) = setup(1).await;
    let port = proxy.socket.local_addr().unwrap().port();
    engine.handle_push(&payload("gone-1", port)).await.unwrap();
    proxy.register().await;
    assert!(engine.stats().await.unwrap().pending_requests >= 1);
    let missed = next_call(&mut events).await;
    assert_eq!(state_of(&missed), ("missed", Some("not_delivered"), None));
    expect_unregister(&mut proxy).await;
    let mut settled = false;
    for _ in 0..50 {
        if engine.stats().await.unwrap().pending_requests == 0 {
            settled = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(settled, "nothing stays in flight after the missed push");
    // The same push again (a late duplicate) is ignored: no REGISTER follows.
    engine.handle_push(&payload("gone-1", port)).await.unwrap();
    let mut buf = [0u8; 2048];
    let quiet =
        tokio::time::timeout(Duration::from_millis(300), proxy.socket.recv_from(&mut buf)).await;
    assert!(quiet.is_err(), "no REGISTER for a duplicate push");
    engine.shutdown().await.unwrap();
}

#[tokio::test]
async fn malformed_pushes_and_unknown_servers_are_typed_errors() {
    let (engine, _events, _proxy) = setup(15).await;
    let err = engine
        .handle_push(r#"{"caller":"x","token":"t"}"#)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            EngineError::Push(PushError::MissingField { field: "call_id" })
        ),
        "{err:?}"
    );
    let err = engine
        .handle_push(r#"{"call_id":"c","caller":"x","token":"t","server":"sip:10.9.9.9"}"#)
        .await
        .unwrap_err();
    assert!(
        matches!(err, EngineError::Push(PushError::NoAccount { .. })),
        "{err:?}"
    );
    assert_eq!(engine.stats().await.unwrap().pending_requests, 0);
    engine.shutdown().await.unwrap();
}
