//! The call history: the records of ended calls, newest kept, queryable.
//!
//! A cloneable handle on a bounded store shared by the call actors (which push a record
//! when a call ends) and the API (which queries it and attaches feedback).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use crate::cdr::{CallRecord, Direction, Feedback};

/// How many records a history keeps unless told otherwise.
pub const DEFAULT_HISTORY_CAPACITY: usize = 1000;

/// A filter on the history. Every set field must match; `Default` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryQuery {
    /// Only calls in this direction.
    pub direction: Option<Direction>,
    /// Only calls that started at or after this unix ms.
    pub from_ms: Option<u64>,
    /// Only calls that started before this unix ms.
    pub to_ms: Option<u64>,
    /// Only calls whose remote URI or display name contains this (ASCII case-insensitive).
    pub remote_contains: Option<String>,
    /// At most this many records.
    pub limit: Option<usize>,
}

impl HistoryQuery {
    fn matches(&self, r: &CallRecord, needle: Option<&str>) -> bool {
        self.direction.is_none_or(|d| d == r.direction)
            && self.from_ms.is_none_or(|from| r.started_at_ms >= from)
            && self.to_ms.is_none_or(|to| r.started_at_ms < to)
            && needle.is_none_or(|n| {
                r.remote.to_ascii_lowercase().contains(n)
                    || r.remote_display_name
                        .as_deref()
                        .is_some_and(|name| name.to_ascii_lowercase().contains(n))
            })
    }
}

/// Why the history refused a change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// No ended call with this Call-ID is in the history (never seen, still live, or
    /// dropped as the oldest).
    #[error("no ended call {call_id:?} in the call history")]
    UnknownCall {
        /// The Call-ID asked for.
        call_id: String,
    },
}

/// A bounded, thread-safe store of call records (oldest dropped first).
#[derive(Debug, Clone)]
pub struct CallHistory {
    records: Arc<Mutex<VecDeque<CallRecord>>>,
    capacity: usize,
}

impl Default for CallHistory {
    fn default() -> CallHistory {
        CallHistory::new(DEFAULT_HISTORY_CAPACITY)
    }
}

impl CallHistory {
    /// A history that keeps the newest `capacity` records (at least one).
    pub fn new(capacity: usize) -> CallHistory {
        let capacity = capacity.max(1);
        CallHistory {
            records: Arc::new(Mutex::new(VecDeque::with_capacity(capacity.min(1024)))),
            capacity,
        }
    }

    /// How many records it keeps at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<CallRecord>> {
        // A panic while holding the lock cannot leave a VecDeque half-updated in a way
        // that matters here: keep serving the records.
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a record as the newest. A record with the same Call-ID replaces the old one.
    pub fn push(&self, record: CallRecord) {
        let mut records = self.lock();
        records.retain(|r| r.call_id != record.call_id);
        while records.len() >= self.capacity {
            records.pop_front();
        }
        records.push_back(record);
    }

    /// The record of the call with this Call-ID.
    pub fn get(&self, call_id: &str) -> Option<CallRecord> {
        self.lock().iter().find(|r| r.call_id == call_id).cloned()
    }

    /// Attaches feedback to an ended call's record (replacing earlier feedback).
    pub fn set_feedback(&self, call_id: &str, feedback: Feedback) -> Result<(), HistoryError> {
        let mut records = self.lock();
        match records.iter_mut().find(|r| r.call_id == call_id) {
            Some(record) => {
                record.feedback = Some(feedback);
                Ok(())
            }
            None => Err(HistoryError::UnknownCall {
                call_id: call_id.to_owned(),
            }),
        }
    }

    /// The records matching `query`, newest start first (ties: the later pushed first).
    pub fn query(&self, query: &HistoryQuery) -> Vec<CallRecord> {
        let needle = query
            .remote_contains
            .as_deref()
            .map(str::to_ascii_lowercase);
        let mut found: Vec<CallRecord> = self
            .lock()
            .iter()
            .rev()
            .filter(|r| query.matches(r, needle.as_deref()))
            .cloned()
            .collect();
        found.sort_by_key(|r| std::cmp::Reverse(r.started_at_ms)); // stable
        if let Some(limit) = query.limit {
            found.truncate(limit);
        }
        found
    }

    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
