//! A bound on messages queued towards the transaction layer. ractor mailboxes have no
//! bound of their own, so the sender counts what it has queued and the layer counts it
//! back down as it takes each message; past the bound the sender sheds load (the engine
//! answers requests 503 statelessly, RFC 3261 §21.5.4) instead of queueing without limit.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A shared count of queued messages.
#[derive(Debug, Clone, Default)]
pub struct Backlog(Arc<AtomicUsize>);

impl Backlog {
    /// An empty backlog.
    pub fn new() -> Backlog {
        Backlog::default()
    }

    /// Counts one more queued message if fewer than `bound` are queued.
    pub fn try_acquire(&self, bound: usize) -> bool {
        self.0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < bound).then_some(n + 1)
            })
            .is_ok()
    }

    /// One queued message was taken.
    pub fn release(&self) {
        let _ = self
            .0
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
    }

    /// How many are queued now.
    pub fn len(&self) -> usize {
        self.0.load(Ordering::Acquire)
    }

    /// Nothing queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_never_negative() {
        let b = Backlog::new();
        assert!(b.try_acquire(2));
        assert!(b.try_acquire(2));
        assert!(!b.try_acquire(2), "the bound holds");
        b.release();
        assert!(b.try_acquire(2));
        b.release();
        b.release();
        b.release();
        assert!(b.is_empty(), "release below zero saturates");
    }
}
