//! The injected wall clock. Engine logic never reads the time of day: protocol timing
//! uses `tokio::time` (paused in tests and the simulator), and the few wall-clock
//! stamps in records (CDR start/answer/end) come from a [`WallClock`] the embedder or
//! the simulator supplies.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of wall-clock stamps for records.
pub trait WallClock: Send + Sync + 'static {
    /// The current time of day.
    fn now(&self) -> SystemTime;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl WallClock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now() // clock-ok: wall-clock stamps for records, injected
    }
}

/// A clock that moves only when told: for tests and the simulator.
#[derive(Debug, Default)]
pub struct ManualClock {
    since_epoch_ms: AtomicU64,
}

impl ManualClock {
    /// A clock standing at `since_epoch` after the Unix epoch.
    pub fn new(since_epoch: Duration) -> ManualClock {
        ManualClock {
            since_epoch_ms: AtomicU64::new(since_epoch.as_millis().try_into().unwrap_or(u64::MAX)),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let ms = by.as_millis().try_into().unwrap_or(u64::MAX);
        let _ = self
            .since_epoch_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| {
                Some(t.saturating_add(ms))
            });
    }

    /// Sets the clock.
    pub fn set(&self, since_epoch: Duration) {
        let ms = since_epoch.as_millis().try_into().unwrap_or(u64::MAX);
        self.since_epoch_ms.store(ms, Ordering::Relaxed);
    }
}

impl WallClock for ManualClock {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.since_epoch_ms.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(Duration::from_secs(1_700_000_000));
        let t0 = c.now();
        assert_eq!(c.now(), t0);
        c.advance(Duration::from_millis(1500));
        assert_eq!(
            c.now().duration_since(t0).unwrap(),
            Duration::from_millis(1500)
        );
        c.set(Duration::ZERO);
        assert_eq!(c.now(), UNIX_EPOCH);
    }

    #[test]
    fn system_clock_is_after_the_epoch() {
        let clock: &dyn WallClock = &SystemClock;
        assert!(clock.now() > UNIX_EPOCH);
    }
}
