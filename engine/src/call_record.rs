//! Call detail records, wired: every call actor keeps a [`CdrBuilder`] fed from the
//! events it publishes (start, answer, end with reason and status, codec) and, when
//! the call is over, adds its media summary, stores the record in the engine's
//! [`CallHistory`] and publishes [`Event::CallRecord`]. The embedder reads it live with
//! [`Call::details`], afterwards with [`Engine::call_history`], attaches
//! [`Call::post_feedback`], and exports the engine's logs with [`Engine::export_logs`].

use crate::call::{CallCommand, CallState};
use crate::call_handle::Call;
use crate::cdr::{CallRecord, Feedback, FeedbackIssue, MediaSummary};
use crate::clock::{SystemClock, WallClock};
use crate::engine::Engine;
use crate::error::EngineError;
use crate::events::Event;
use crate::history::{CallHistory, HistoryQuery};
use std::path::Path;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

/// Where records go and what stamps them; one per engine, shared by its calls.
#[derive(Clone)]
pub struct Records {
    /// The injected wall clock.
    pub clock: Arc<dyn WallClock>,
    /// The engine's call history.
    pub history: CallHistory,
}

impl Default for Records {
    fn default() -> Self {
        Records {
            clock: Arc::new(SystemClock),
            history: CallHistory::default(),
        }
    }
}

impl Records {
    /// Now, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> u64 {
        let since = self
            .clock
            .now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
    }
}

impl CallState {
    /// Publishes `event` and notes it in the call's record.
    pub(crate) fn publish(&mut self, event: Event) {
        if let Event::Call {
            state,
            reason,
            status,
            by,
            display_name,
            ..
        } = &event
        {
            let now = self.records.now_ms();
            match state.as_str() {
                "incoming" => {
                    self.cdr.remote_display_name(display_name.clone());
                }
                "confirmed" => {
                    self.cdr.answered(now);
                }
                "ended" | "missed" | "rejected" | "failed" => {
                    let reason = reason.as_deref().unwrap_or(state.as_str());
                    self.cdr.ended(now, reason, by.as_deref(), *status);
                }
                _ => {}
            }
        }
        self.events.emit(event);
    }

    /// The call is over: media summary, history, `call_record` event.
    pub(crate) async fn record_end(&mut self) {
        if self.recorded {
            return;
        }
        self.recorded = true;
        if let Some(media) = &self.media {
            if let Some(report) = crate::call_media::report(media).await {
                self.cdr.media(MediaSummary::from_session(
                    &report.stats,
                    &report.statistics,
                ));
            }
        }
        let record = self.cdr.snapshot(self.records.now_ms());
        self.records.history.push(record.clone());
        self.events.emit(Event::CallRecord {
            record: Box::new(record),
        });
    }

    /// The record so far.
    pub(crate) fn details(&self) -> CallRecord {
        self.cdr.snapshot(self.records.now_ms())
    }

    /// Attaches the user's feedback.
    pub(crate) fn feedback(&mut self, feedback: Feedback) {
        self.cdr.feedback(feedback);
    }
}

impl Call {
    /// The call's record: live while the call goes on, final afterwards (from the
    /// history). `UnknownCall` when the history no longer holds it.
    pub async fn details(&self) -> Result<CallRecord, EngineError> {
        match self.snapshot().await {
            Ok(s) => Ok(s.record),
            Err(EngineError::UnknownCall { call_id }) => self
                .history()
                .get(&call_id)
                .ok_or(EngineError::UnknownCall { call_id }),
            Err(e) => Err(e),
        }
    }

    /// Rates the call (1..=5) with an issue (`NoIssue`, `BackgroundNoise`,
    /// `ChoppyAudio`, `HighLatency`, `NoAudio`, `Echo`); attached to its record,
    /// live or ended. Errors: `Feedback` (rating out of range), `UnknownCall`.
    pub async fn post_feedback(&self, rating: u8, issue: FeedbackIssue) -> Result<(), EngineError> {
        let feedback = Feedback::new(rating, issue)?;
        match self.command(CallCommand::Feedback(feedback)).await {
            Err(EngineError::UnknownCall { call_id }) => self
                .history()
                .set_feedback(&call_id, feedback)
                .map_err(|_| EngineError::UnknownCall { call_id }),
            other => other,
        }
    }
}

impl Engine {
    /// Records of ended calls, newest first, filtered by `query` (direction, time
    /// range on the start, remote party, limit). The history keeps the last 1000.
    pub fn call_history(&self, query: &HistoryQuery) -> Vec<CallRecord> {
        self.records().history.query(query)
    }

    /// Writes the engine's tracing records stamped in `from_ms..to_ms` (Unix ms) to
    /// `path` as JSON lines, credentials redacted; returns how many. The records come
    /// from [`logs::capture_layer`](crate::logs::capture_layer), which the embedder
    /// installs in its subscriber (the CLI does). Errors: `Logs` (`NotCapturing`,
    /// `BadRange`, `Io` naming the path).
    pub fn export_logs(&self, from_ms: u64, to_ms: u64, path: &Path) -> Result<usize, EngineError> {
        Ok(crate::logs::export(
            crate::logs::LogBuffer::global(),
            from_ms,
            to_ms,
            path,
        )?)
    }
}
