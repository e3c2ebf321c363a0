//! A deterministic timer list for sans-IO peers: deadlines in simulated time, ordered by
//! `(deadline, insertion sequence)` so two timers due at the same instant fire in the
//! order they were set, whatever the key type.

use std::collections::BTreeMap;
use std::time::Duration;

/// Pending deadlines, each carrying a key saying what it is for.
#[derive(Debug, Clone)]
pub struct Timers<K> {
    due: BTreeMap<(Duration, u64), K>,
    seq: u64,
}

impl<K> Default for Timers<K> {
    fn default() -> Self {
        Timers {
            due: BTreeMap::new(),
            seq: 0,
        }
    }
}

impl<K: PartialEq> Timers<K> {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Arms `key` at `at` (another timer with the same key stays armed).
    pub fn set(&mut self, at: Duration, key: K) {
        self.seq += 1;
        self.due.insert((at, self.seq), key);
    }

    /// Disarms every timer whose key equals `key`.
    pub fn cancel(&mut self, key: &K) {
        self.due.retain(|_, k| k != key);
    }

    /// Disarms every timer whose key matches `pred`.
    pub fn cancel_where(&mut self, mut pred: impl FnMut(&K) -> bool) {
        self.due.retain(|_, k| !pred(k));
    }

    /// Whether a timer with this key is armed.
    pub fn is_armed(&self, key: &K) -> bool {
        self.due.values().any(|k| k == key)
    }

    /// The earliest deadline.
    pub fn next(&self) -> Option<Duration> {
        self.due.keys().next().map(|(at, _)| *at)
    }

    /// Removes and returns the earliest timer due at or before `now`.
    pub fn pop_due(&mut self, now: Duration) -> Option<(Duration, K)> {
        let (&(at, seq), _) = self.due.iter().next()?;
        if at > now {
            return None;
        }
        self.due.remove(&(at, seq)).map(|k| (at, k))
    }

    /// How many timers are armed.
    pub fn len(&self) -> usize {
        self.due.len()
    }

    /// Whether no timer is armed.
    pub fn is_empty(&self) -> bool {
        self.due.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_and_ties_in_insertion_order() {
        let mut t = Timers::new();
        t.set(Duration::from_secs(2), "b");
        t.set(Duration::from_secs(1), "a");
        t.set(Duration::from_secs(2), "c");
        assert_eq!(t.next(), Some(Duration::from_secs(1)));
        assert_eq!(t.pop_due(Duration::from_millis(500)), None);
        let now = Duration::from_secs(5);
        let order: Vec<_> = std::iter::from_fn(|| t.pop_due(now).map(|(_, k)| k)).collect();
        assert_eq!(order, ["a", "b", "c"]);
        assert!(t.is_empty());
    }

    #[test]
    fn cancel_removes_every_copy() {
        let mut t = Timers::new();
        t.set(Duration::from_secs(1), 7);
        t.set(Duration::from_secs(3), 7);
        t.set(Duration::from_secs(2), 8);
        assert!(t.is_armed(&7));
        t.cancel(&7);
        assert!(!t.is_armed(&7));
        assert_eq!(t.len(), 1);
        t.cancel_where(|k| *k == 8);
        assert_eq!(t.next(), None);
    }
}
