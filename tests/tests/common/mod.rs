//! Helpers shared by the cross-crate tests: start an engine on loopback and wait for
//! its listeners.

#![allow(dead_code)] // each test binary uses a different subset

use futures::StreamExt;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard::{Engine, EngineConfig, Event, EventStream, TransportKind};

/// A started engine, its event stream and the addresses its listeners bound.
pub struct Running {
    pub engine: Engine,
    pub events: EventStream,
    pub bound: Vec<(TransportKind, SocketAddr)>,
}

impl Running {
    /// The bound address of the first listener of `kind`.
    pub fn addr(&self, kind: TransportKind) -> SocketAddr {
        self.bound
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, a)| *a)
            .expect("listener of that kind")
    }
}

/// Starts an engine with `cfg` and collects its `listening` events.
pub async fn start(cfg: EngineConfig) -> Running {
    let n = cfg.listeners.len();
    let mut builder = Engine::builder().config(cfg);
    let mut events = builder.subscribe();
    let engine = builder.start().await.expect("engine starts");
    let mut bound = Vec::new();
    while bound.len() < n {
        let ev = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .expect("listening events")
            .expect("stream open");
        if let Event::Listening { transport, addr } = ev {
            bound.push((transport, addr));
        }
    }
    Running {
        engine,
        events,
        bound,
    }
}

/// An OPTIONS request to `to`, sent from `from` over `via` ("UDP", "TLS"…), with
/// extra header lines.
pub fn options(to: SocketAddr, from: SocketAddr, via: &str, n: u32, extra: &str) -> Vec<u8> {
    format!(
        "OPTIONS sip:ping@{to} SIP/2.0\r\n\
         Via: SIP/2.0/{via} {from};rport;branch=z9hG4bK-test-{n}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:tester@{from}>;tag=t{n}\r\n\
         To: <sip:ping@{to}>\r\n\
         Call-ID: test-{n}@127.0.0.1\r\n\
         CSeq: {n} OPTIONS\r\n\
         {extra}Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}
