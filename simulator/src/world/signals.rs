//! What flows from the world to the engines and back outside SIP: the engines' events
//! into the trace (and the call book), and the peers' app signals (pushes, the cellular
//! radio) into the engines.

use super::calls::CallBook;
use crate::peers::AppSignal;
use crate::trace::{Record, Trace};
use futures::StreamExt;
use std::collections::BTreeMap;
use std::sync::Arc;
use switchboard::{CellularEvent, Engine};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// The engine event a cellular state name stands for (`ringing`, `answered`, `ended`).
pub(crate) fn cellular_event(state: &str) -> Option<CellularEvent> {
    match state {
        "ringing" => Some(CellularEvent::Ringing),
        "answered" => Some(CellularEvent::Answered),
        "ended" => Some(CellularEvent::Ended),
        _ => None,
    }
}

/// What peers signal to the apps on the users' phones, handed to the user's engine
/// one at a time, in order, each traced as an `action` record with its outcome: a push
/// goes to `handle_push` (action `push`), a cellular radio change to `cellular`
/// (action `cellular`).
pub(crate) async fn deliver_app_signals(
    mut app: mpsc::UnboundedReceiver<(String, AppSignal)>,
    engines: BTreeMap<String, Arc<Engine>>,
    trace: Trace,
    epoch: Instant,
) {
    while let Some((user, signal)) = app.recv().await {
        let Some(engine) = engines.get(&user) else {
            continue;
        };
        let (action, result) = match signal {
            AppSignal::Push { payload } => ("push", engine.handle_push(&payload).await),
            AppSignal::Cellular { state } => match cellular_event(&state) {
                Some(event) => ("cellular", engine.cellular(event).await),
                None => {
                    tracing::error!(%state, "unknown cellular state from the radio");
                    continue;
                }
            },
        };
        let outcome = match result {
            Ok(()) => "ok".to_owned(),
            Err(e) => e.to_string(),
        };
        trace.push(
            epoch.elapsed(),
            Record::Action {
                user,
                action: action.to_owned(),
                outcome,
            },
        );
    }
}

/// Copies `user`'s engine events into the trace, and its `call` events into the book.
pub(crate) async fn forward_events(
    user: String,
    mut events: switchboard::EventStream,
    trace: Trace,
    epoch: Instant,
    calls: CallBook,
) {
    while let Some(event) = events.next().await {
        if let switchboard::Event::Call { call_id, state, .. } = &event {
            calls.on_event(&user, call_id, state);
        }
        let event = serde_json::to_value(&event).unwrap_or_default();
        trace.push(
            epoch.elapsed(),
            Record::Engine {
                user: user.clone(),
                event,
            },
        );
    }
}
