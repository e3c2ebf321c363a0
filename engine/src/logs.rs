//! Log capture and export: the engine's tracing records, kept in a bounded ring buffer
//! with credentials redacted, written out for a time range as JSON lines.
//!
//! Install [`capture_layer`] in the process's subscriber (the CLI does); then
//! [`export`] on [`LogBuffer::global`] (what `Engine::export_logs` does) writes e.g.
//!
//! ```text
//! {"t_ms":1700000000123,"level":"INFO","target":"switchboard::call_run","message":"answered","fields":{"status":200},"spans":{"call_id":"a84b…","direction":"outgoing"}}
//! ```

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[path = "logs_capture.rs"]
mod capture;
#[path = "logs_redact.rs"]
pub mod redact;

pub use capture::{capture_layer, LogCapture};

/// How many records a buffer keeps unless told otherwise.
pub const DEFAULT_LOG_CAPACITY: usize = 20_000;

/// One captured tracing event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRecord {
    /// When it was emitted (unix ms, from the capture's wall clock).
    pub t_ms: u64,
    /// `ERROR`, `WARN`, `INFO`, `DEBUG` or `TRACE`.
    pub level: String,
    /// The emitting module (the event's target).
    pub target: String,
    /// The event's message (redacted).
    pub message: String,
    /// The event's other fields (redacted).
    pub fields: BTreeMap<String, Value>,
    /// The fields of the enclosing spans, outermost first, inner ones overriding
    /// (`call_id`, `aor`, ...; redacted).
    pub spans: BTreeMap<String, Value>,
}

#[derive(Debug)]
struct Inner {
    records: Mutex<VecDeque<LogRecord>>,
    capacity: usize,
    attached: AtomicBool,
    dropped: AtomicU64,
}

/// A bounded ring buffer of log records (oldest dropped first); clones share it.
#[derive(Debug, Clone)]
pub struct LogBuffer {
    inner: Arc<Inner>,
}

impl Default for LogBuffer {
    fn default() -> LogBuffer {
        LogBuffer::new(DEFAULT_LOG_CAPACITY)
    }
}

impl LogBuffer {
    /// A buffer that keeps the newest `capacity` records (at least one).
    pub fn new(capacity: usize) -> LogBuffer {
        let capacity = capacity.max(1);
        LogBuffer {
            inner: Arc::new(Inner {
                records: Mutex::new(VecDeque::with_capacity(capacity.min(4096))),
                capacity,
                attached: AtomicBool::new(false),
                dropped: AtomicU64::new(0),
            }),
        }
    }

    /// The process-wide buffer [`capture_layer`] fills ([`DEFAULT_LOG_CAPACITY`]).
    pub fn global() -> &'static LogBuffer {
        static GLOBAL: OnceLock<LogBuffer> = OnceLock::new();
        GLOBAL.get_or_init(LogBuffer::default)
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<LogRecord>> {
        // Records are whole once pushed: a poisoned lock still holds a usable buffer.
        self.inner
            .records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a record, dropping the oldest when full.
    pub fn push(&self, record: LogRecord) {
        let mut records = self.lock();
        while records.len() >= self.inner.capacity {
            records.pop_front();
            self.inner.dropped.fetch_add(1, Ordering::Relaxed);
        }
        records.push_back(record);
    }

    /// The records stamped in `from_ms <= t < to_ms`, oldest first.
    pub fn records(&self, from_ms: u64, to_ms: u64) -> Vec<LogRecord> {
        self.lock()
            .iter()
            .filter(|r| (from_ms..to_ms).contains(&r.t_ms))
            .cloned()
            .collect()
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// How many records it keeps at most.
    pub fn capacity(&self) -> usize {
        self.inner.capacity
    }

    /// How many old records were dropped to make room.
    pub fn dropped(&self) -> u64 {
        self.inner.dropped.load(Ordering::Relaxed)
    }

    /// Whether a [`LogCapture`] filling it was ever installed in a subscriber.
    pub fn is_attached(&self) -> bool {
        self.inner.attached.load(Ordering::Relaxed)
    }

    fn mark_attached(&self) {
        self.inner.attached.store(true, Ordering::Relaxed);
    }
}

/// Why logs could not be exported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogsError {
    /// Writing the file failed.
    #[error("cannot write logs to {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The range ends before it starts.
    #[error("log range ends ({to_ms}) before it starts ({from_ms})")]
    BadRange {
        /// Start (unix ms, inclusive).
        from_ms: u64,
        /// End (unix ms, exclusive).
        to_ms: u64,
    },
    /// No capture layer was ever installed for this buffer: there is nothing to export.
    #[error("logs are not being captured: install switchboard::logs::capture_layer() in the tracing subscriber")]
    NotCapturing,
}

/// Writes the records of `buffer` stamped in `from_ms <= t < to_ms` to `path` (created
/// or truncated) as JSON lines, oldest first; returns how many were written.
pub fn export(
    buffer: &LogBuffer,
    from_ms: u64,
    to_ms: u64,
    path: &Path,
) -> Result<usize, LogsError> {
    if from_ms > to_ms {
        return Err(LogsError::BadRange { from_ms, to_ms });
    }
    if !buffer.is_attached() {
        return Err(LogsError::NotCapturing);
    }
    let records = buffer.records(from_ms, to_ms);
    let io = |source| LogsError::Io {
        path: path.to_owned(),
        source,
    };
    let mut out = BufWriter::new(File::create(path).map_err(io)?);
    for record in &records {
        serde_json::to_writer(&mut out, record).map_err(|e| io(e.into()))?;
        out.write_all(b"\n").map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(records.len())
}

#[cfg(test)]
#[path = "logs_tests.rs"]
mod tests;
