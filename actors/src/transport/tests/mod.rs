//! Transport tests over loopback (127.0.0.1, ephemeral ports).

use super::*;
use crate::vocab::{Target, TransportKind};
use bytes::Bytes;
use ractor::ActorRef;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

mod restart;
mod tcp;
mod tls;
mod udp;
mod virtual_net;

type Events = UnboundedReceiver<TransportEvent>;

fn sink() -> (Sink, Events) {
    let (tx, rx) = unbounded_channel();
    (Arc::new(tx), rx)
}

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

/// A request with a Content-Length matching its body.
fn request(method: &str, body: &str) -> Bytes {
    let len = body.len();
    Bytes::from(format!(
        "{method} sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK{method}\r\n\
         Content-Length: {len}\r\n\r\n{body}"
    ))
}

fn response(body: &str) -> Bytes {
    let len = body.len();
    Bytes::from(format!("SIP/2.0 200 OK\r\nl: {len}\r\n\r\n{body}"))
}

fn target(kind: TransportKind, addr: SocketAddr) -> Target {
    Target {
        kind,
        addr,
        conn: None,
        server_name: None,
    }
}

async fn next_event(events: &mut Events) -> TransportEvent {
    tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("no transport event within 10 s")
        .expect("sink closed")
}

async fn next_inbound(events: &mut Events) -> crate::vocab::Inbound {
    match next_event(events).await {
        TransportEvent::Inbound(inbound) => inbound,
        other => panic!("expected an inbound message, got {other:?}"),
    }
}

async fn local_addr(actor: &ActorRef<TransportMsg>) -> SocketAddr {
    ractor::call!(actor, TransportMsg::LocalAddr)
        .unwrap()
        .expect("listening")
}

async fn connection_count(actor: &ActorRef<TransportMsg>) -> usize {
    ractor::call!(actor, TransportMsg::ConnectionCount).unwrap()
}

fn send(actor: &ActorRef<TransportMsg>, bytes: Bytes, target: Target) {
    actor.cast(TransportMsg::Send { bytes, target }).unwrap();
}
