//! The engine's side of the call interop tests: an engine with one loopback UDP
//! listener (optionally a call limit), its `call` events, waiting for a state, and the
//! RTP counters of a call.

use futures::StreamExt;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard::{Engine, EngineConfig, Event, EventStream, MediaReport, TransportKind};

/// One `call` event's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEvent {
    /// The call's Call-ID.
    pub call_id: String,
    /// `calling`, `ringing`, `confirmed`, `incoming`, `held`, `ended`, `missed`, …
    pub state: String,
    /// `incoming` or `outgoing`.
    pub direction: String,
    /// The other party's URI.
    pub remote: String,
    /// Why it ended (or the DTMF digit).
    pub reason: Option<String>,
    /// The final status, when there was one.
    pub status: Option<u16>,
}

/// A started engine listening on UDP 127.0.0.1 (ephemeral port), with `call_limit`
/// when given; its event stream (subscribed before start) and the bound address.
pub async fn call_engine(seed: u64, call_limit: Option<u32>) -> (Engine, EventStream, SocketAddr) {
    let mut cfg = EngineConfig::builder()
        .seed(seed)
        .listen(TransportKind::Udp, "127.0.0.1:0".parse().unwrap());
    if let Some(limit) = call_limit {
        cfg = cfg.call_limit(limit);
    }
    start_engine(cfg.build().expect("engine config")).await
}

/// Starts an engine of `cfg`: the engine, its events (subscribed before start) and the
/// address of its first listener.
pub async fn start_engine(cfg: EngineConfig) -> (Engine, EventStream, SocketAddr) {
    let mut builder = Engine::builder().config(cfg);
    let mut events = builder.subscribe();
    let engine = builder.start().await.expect("engine starts");
    loop {
        match tokio::time::timeout(Duration::from_secs(10), events.next()).await {
            Ok(Some(Event::Listening { addr, .. })) => return (engine, events, addr),
            Ok(Some(_)) => continue,
            _ => panic!("no listening event"),
        }
    }
}

/// The next `call` event within `limit` (other events skipped), or `None`.
pub async fn next_call(events: &mut EventStream, limit: Duration) -> Option<CallEvent> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let event = tokio::time::timeout(left, events.next()).await.ok()??;
        if let Event::Call {
            call_id,
            state,
            direction,
            remote,
            reason,
            status,
            ..
        } = event
        {
            return Some(CallEvent {
                call_id,
                state,
                direction,
                remote,
                reason,
                status,
            });
        }
    }
}

/// Call events until one in `state` (for `call_id` when given) within `limit`; all
/// seen, the last one being the awaited one. Panics naming what was seen otherwise.
pub async fn until_call(
    events: &mut EventStream,
    call_id: Option<&str>,
    state: &str,
    limit: Duration,
) -> Vec<CallEvent> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match next_call(events, left).await {
            Some(e) if e.state == state && call_id.is_none_or(|id| id == e.call_id) => {
                seen.push(e);
                return seen;
            }
            Some(e) => seen.push(e),
            None => {
                panic!("no `{state}` call event (call {call_id:?}) within {limit:?}; saw {seen:?}")
            }
        }
    }
}

/// [`until_call`], then checks that no event on the way ended `call_id`.
pub async fn until_call_alive(
    events: &mut EventStream,
    call_id: &str,
    state: &str,
    limit: Duration,
) -> Vec<CallEvent> {
    let seen = until_call(events, Some(call_id), state, limit).await;
    let ended = seen
        .iter()
        .find(|e| e.call_id == call_id && (e.state == "ended" || e.state == "missed"));
    assert!(
        ended.is_none(),
        "call {call_id} ended before `{state}`: {seen:?}"
    );
    seen
}

/// Polls call `call_id`'s media (every 50 ms, at most `limit`) until RTP went both ways
/// (packets sent and received); the last report. Panics with it otherwise.
pub async fn rtp_both_ways(engine: &Engine, call_id: &str, limit: Duration) -> MediaReport {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let report = engine
            .call_media(call_id)
            .await
            .expect("engine running")
            .unwrap_or_else(|| panic!("call {call_id} has no media"));
        let s = &report.stats;
        if s.packets_sent > 0 && s.packets_received > 0 {
            return report;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("RTP did not flow both ways on {call_id} within {limit:?}: {report:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A seed that differs from run to run (the process id and the wall clock), printed so
/// that a failure can be replayed. Long-lived peers remember dialogs: an engine with a
/// fixed seed repeats its Call-IDs and tags from the previous run, and baresip answers
/// such a repeated INVITE `482 Loop Detected`.
pub fn fresh_seed(test: &str) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let seed = nanos ^ (u64::from(std::process::id()) << 32);
    eprintln!("{test}: engine seed {seed}");
    seed
}
