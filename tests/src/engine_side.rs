//! The engine's side of the registration interop tests: an engine with one loopback
//! listener, an account for a peer, and waiting for its `registration` events.

use futures::StreamExt;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard::{AccountConfig, Engine, EngineConfig, Event, EventStream, TransportKind};
use switchboard_actors::sip::auth::Password;

/// One `registration` event's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reg {
    /// The account's address of record.
    pub account: String,
    /// `registering`, `registered`, `failed`, …
    pub state: String,
    /// The granted expiry.
    pub expires: Option<u32>,
    /// Why it failed.
    pub reason: Option<String>,
    /// The final response's status.
    pub status: Option<u16>,
    /// When the engine retries by itself.
    pub retry_in_ms: Option<u64>,
}

/// `udp` or `tcp` as the engine's transport kind.
pub fn kind(transport: &str) -> TransportKind {
    match transport {
        "tcp" => TransportKind::Tcp,
        _ => TransportKind::Udp,
    }
}

/// A started engine listening on 127.0.0.1 (ephemeral port) over `transport`, its
/// event stream (subscribed before start) and the bound address.
pub async fn engine(transport: &str, seed: u64) -> (Engine, EventStream, SocketAddr) {
    let cfg = EngineConfig::builder()
        .seed(seed)
        .listen(kind(transport), "127.0.0.1:0".parse().unwrap())
        .build()
        .expect("engine config");
    let mut builder = Engine::builder().config(cfg);
    let mut events = builder.subscribe();
    let engine = builder.start().await.expect("engine starts");
    loop {
        match next_event(&mut events, Duration::from_secs(10)).await {
            Some(Event::Listening { addr, .. }) => return (engine, events, addr),
            Some(_) => continue,
            None => panic!("no listening event"),
        }
    }
}

/// An account `user@127.0.0.1` at `127.0.0.1:port` over `transport`.
pub fn account(
    user: &str,
    password: &str,
    transport: &str,
    port: u16,
    expires: u32,
) -> AccountConfig {
    let mut a = AccountConfig::new("127.0.0.1", "127.0.0.1", user);
    a.port = Some(port);
    a.transport = kind(transport);
    a.password = Some(Password::new(password));
    a.expires = expires;
    a
}

async fn next_event(events: &mut EventStream, limit: Duration) -> Option<Event> {
    tokio::time::timeout(limit, events.next())
        .await
        .ok()
        .flatten()
}

/// The next `registration` event within `limit`, or `None`.
pub async fn next_registration(events: &mut EventStream, limit: Duration) -> Option<Reg> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match next_event(events, left).await? {
            Event::Registration {
                account,
                state,
                expires,
                reason,
                status,
                retry_in_ms,
                ..
            } => {
                return Some(Reg {
                    account,
                    state,
                    expires,
                    reason,
                    status,
                    retry_in_ms,
                })
            }
            _ => continue,
        }
    }
}

/// Registration events until one in `state` (within `limit` overall); all seen, the
/// last one being in `state`. Panics naming what was seen otherwise.
pub async fn until_state(events: &mut EventStream, state: &str, limit: Duration) -> Vec<Reg> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match next_registration(events, left).await {
            Some(r) if r.state == state => {
                seen.push(r);
                return seen;
            }
            Some(r) => seen.push(r),
            None => panic!("no `{state}` registration event within {limit:?}; saw {seen:?}"),
        }
    }
}
