//! The restart budget of one supervised child, as a sans-IO machine: it is told when
//! the child failed (`now` passed in, from `tokio::time` in the shell) and answers
//! whether to restart it and after how long. Jitter comes from the caller's seeded RNG.

use crate::config::RestartConfig;
use rand::RngCore;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// What to do after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestartDecision {
    /// Restart after this delay.
    RestartAfter(Duration),
    /// The budget is spent: leave the child down.
    GiveUp,
}

/// Counts a child's recent failures within the configured window.
#[derive(Debug, Clone)]
pub struct RestartBudget {
    cfg: RestartConfig,
    recent: VecDeque<Instant>,
}

impl RestartBudget {
    /// A fresh budget.
    pub fn new(cfg: RestartConfig) -> RestartBudget {
        RestartBudget {
            cfg,
            recent: VecDeque::new(),
        }
    }

    /// Failures counted in the current window.
    pub fn recent_failures(&self) -> usize {
        self.recent.len()
    }

    /// The child failed at `now`.
    pub fn failed(&mut self, now: Instant, rng: &mut impl RngCore) -> RestartDecision {
        let window = Duration::from_millis(self.cfg.window_ms);
        while let Some(&first) = self.recent.front() {
            if now.saturating_duration_since(first) >= window {
                self.recent.pop_front();
            } else {
                break;
            }
        }
        let attempts = self.recent.len();
        if attempts >= self.cfg.max_restarts as usize {
            return RestartDecision::GiveUp;
        }
        self.recent.push_back(now);
        // backoff × 2^attempts, capped; then uniformly in [half, full] of that.
        let shift = u32::try_from(attempts).unwrap_or(u32::MAX).min(32);
        let full = self
            .cfg
            .backoff_ms
            .saturating_mul(1u64 << shift)
            .min(self.cfg.max_backoff_ms);
        let half = full / 2;
        let jitter = if full > half {
            rng.next_u64() % (full - half + 1)
        } else {
            0
        };
        RestartDecision::RestartAfter(Duration::from_millis(half + jitter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn cfg() -> RestartConfig {
        RestartConfig {
            max_restarts: 3,
            window_ms: 10_000,
            backoff_ms: 100,
            max_backoff_ms: 300,
        }
    }

    fn delay(d: RestartDecision) -> Duration {
        match d {
            RestartDecision::RestartAfter(d) => d,
            RestartDecision::GiveUp => panic!("gave up"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn backs_off_then_gives_up_then_forgives_after_the_window() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut b = RestartBudget::new(cfg());
        let t0 = Instant::now(); // clock-ok: test code
        let d1 = delay(b.failed(t0, &mut rng));
        assert!((50..=100).contains(&d1.as_millis()), "{d1:?}");
        let d2 = delay(b.failed(t0, &mut rng));
        assert!((100..=200).contains(&d2.as_millis()), "{d2:?}");
        let d3 = delay(b.failed(t0, &mut rng));
        assert!((150..=300).contains(&d3.as_millis()), "capped: {d3:?}");
        assert_eq!(b.failed(t0, &mut rng), RestartDecision::GiveUp);
        assert_eq!(b.recent_failures(), 3);
        let later = t0 + Duration::from_millis(10_000);
        assert!(matches!(
            b.failed(later, &mut rng),
            RestartDecision::RestartAfter(_)
        ));
        assert_eq!(b.recent_failures(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn same_seed_same_delays() {
        let run = || {
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let mut b = RestartBudget::new(cfg());
            let t0 = Instant::now(); // clock-ok: test code
            (0..3).map(|_| b.failed(t0, &mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }

    #[tokio::test(start_paused = true)]
    async fn zero_budget_never_restarts() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut b = RestartBudget::new(RestartConfig {
            max_restarts: 0,
            ..cfg()
        });
        let now = Instant::now(); // clock-ok: test code
        assert_eq!(b.failed(now, &mut rng), RestartDecision::GiveUp);
    }
}
