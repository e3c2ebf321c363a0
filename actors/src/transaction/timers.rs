//! RFC 3261 §17 timer values (Table 4 of RFC 3261, Timers L and M of RFC 6026).

use std::time::Duration;
use thiserror::Error;
use tokio::time::Instant;

/// The longest span any base timer may be configured to; keeps `64 * T1` and every
/// deadline arithmetic far from overflow.
pub const MAX_BASE_TIMER: Duration = Duration::from_secs(3600);

/// The transaction timer values. Derived timers (B, F, H, J, L, M = 64·T1; D, I, K per
/// transport) are methods so they always stay consistent with the base values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerConfig {
    /// T1: RTT estimate, initial retransmit interval (default 500 ms).
    pub t1: Duration,
    /// T2: maximum retransmit interval for non-INVITE requests and INVITE responses
    /// (default 4 s).
    pub t2: Duration,
    /// T4: maximum time a message stays in the network (default 5 s).
    pub t4: Duration,
    /// Timer D over unreliable transports: wait time for response retransmissions
    /// (default 32 s; RFC 3261 requires at least 32 s).
    pub timer_d: Duration,
    /// How long a server INVITE transaction waits for the TU's provisional before it
    /// sends 100 Trying itself (RFC 3261 §17.2.1: 200 ms).
    pub trying_delay: Duration,
}

/// An invalid [`TimerConfig`]; names the offending field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TimerConfigError {
    /// A timer that must be positive is zero.
    #[error("timer {field} must not be zero")]
    Zero {
        /// The field.
        field: &'static str,
    },
    /// A timer exceeds [`MAX_BASE_TIMER`].
    #[error("timer {field} exceeds one hour")]
    TooLong {
        /// The field.
        field: &'static str,
    },
    /// T2 is shorter than T1.
    #[error("t2 ({t2:?}) is shorter than t1 ({t1:?})")]
    T2BelowT1 {
        /// The configured T1.
        t1: Duration,
        /// The configured T2.
        t2: Duration,
    },
    /// Timer D is below the 32 s floor of RFC 3261 §17.1.1.2.
    #[error("timer_d ({0:?}) is below 32 s")]
    TimerDTooShort(Duration),
}

impl Default for TimerConfig {
    fn default() -> Self {
        TimerConfig {
            t1: Duration::from_millis(500),
            t2: Duration::from_secs(4),
            t4: Duration::from_secs(5),
            timer_d: Duration::from_secs(32),
            trying_delay: Duration::from_millis(200),
        }
    }
}

impl TimerConfig {
    /// Checks the values: T1, T2, T4 positive and at most an hour, T2 ≥ T1, D ≥ 32 s.
    pub fn validate(&self) -> Result<(), TimerConfigError> {
        for (field, value) in [
            ("t1", self.t1),
            ("t2", self.t2),
            ("t4", self.t4),
            ("timer_d", self.timer_d),
            ("trying_delay", self.trying_delay),
        ] {
            if value.is_zero() && field != "trying_delay" {
                return Err(TimerConfigError::Zero { field });
            }
            if value > MAX_BASE_TIMER {
                return Err(TimerConfigError::TooLong { field });
            }
        }
        if self.t2 < self.t1 {
            return Err(TimerConfigError::T2BelowT1 {
                t1: self.t1,
                t2: self.t2,
            });
        }
        if self.timer_d < Duration::from_secs(32) {
            return Err(TimerConfigError::TimerDTooShort(self.timer_d));
        }
        Ok(())
    }

    /// 64·T1: Timers B, F, H, J (unreliable), L and M.
    pub fn sixty_four_t1(&self) -> Duration {
        self.t1.saturating_mul(64)
    }

    /// Timer B: INVITE transaction timeout.
    pub fn timer_b(&self) -> Duration {
        self.sixty_four_t1()
    }

    /// Timer F: non-INVITE transaction timeout.
    pub fn timer_f(&self) -> Duration {
        self.sixty_four_t1()
    }

    /// Timer H: wait time for ACK receipt.
    pub fn timer_h(&self) -> Duration {
        self.sixty_four_t1()
    }

    /// Timer L (RFC 6026): server INVITE Accepted state lifetime.
    pub fn timer_l(&self) -> Duration {
        self.sixty_four_t1()
    }

    /// Timer M (RFC 6026): client INVITE Accepted state lifetime.
    pub fn timer_m(&self) -> Duration {
        self.sixty_four_t1()
    }

    /// Timer D for a transport: `timer_d` when unreliable, zero when reliable.
    pub fn timer_d_for(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            self.timer_d
        }
    }

    /// Timer I (ACK retransmissions) and K (response retransmissions): T4 when
    /// unreliable, zero when reliable.
    pub fn t4_for(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            self.t4
        }
    }

    /// Timer J: 64·T1 when unreliable, zero when reliable.
    pub fn timer_j_for(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            self.sixty_four_t1()
        }
    }
}

/// `now + span`, saturating instead of panicking on overflow (an unvalidated config
/// must not crash a machine).
pub fn deadline(now: Instant, span: Duration) -> Instant {
    now.checked_add(span)
        .or_else(|| now.checked_add(MAX_BASE_TIMER.saturating_mul(64)))
        .unwrap_or(now)
}

/// A retransmission timer: next due time and the interval that led to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retransmit {
    /// When the next retransmission is due.
    pub due: Instant,
    /// The interval last used.
    pub interval: Duration,
}

impl Retransmit {
    /// First retransmission `t1` after `now`.
    pub fn start(now: Instant, t1: Duration) -> Retransmit {
        Retransmit {
            due: deadline(now, t1),
            interval: t1,
        }
    }

    /// The next schedule after a firing: the interval doubles (capped at `cap` when
    /// given) and counts from the previous due time, so the schedule stays exact.
    pub fn next(self, cap: Option<Duration>) -> Retransmit {
        let doubled = self.interval.saturating_mul(2);
        let interval = cap.map_or(doubled, |c| doubled.min(c));
        Retransmit {
            due: deadline(self.due, interval),
            interval,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_rfc_values_and_valid() {
        let c = TimerConfig::default();
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(c.timer_b(), Duration::from_secs(32));
        assert_eq!(c.timer_j_for(false), Duration::from_secs(32));
        assert_eq!(c.timer_j_for(true), Duration::ZERO);
        assert_eq!(c.timer_d_for(true), Duration::ZERO);
        assert_eq!(c.t4_for(false), Duration::from_secs(5));
    }

    #[test]
    fn validation_names_the_field() {
        let mut c = TimerConfig {
            t2: Duration::from_millis(100),
            ..TimerConfig::default()
        };
        assert!(matches!(
            c.validate(),
            Err(TimerConfigError::T2BelowT1 { .. })
        ));
        c = TimerConfig {
            t1: Duration::ZERO,
            ..TimerConfig::default()
        };
        assert_eq!(c.validate(), Err(TimerConfigError::Zero { field: "t1" }));
        c = TimerConfig {
            t4: Duration::from_secs(7200),
            ..TimerConfig::default()
        };
        assert_eq!(c.validate(), Err(TimerConfigError::TooLong { field: "t4" }));
        c = TimerConfig {
            timer_d: Duration::from_secs(5),
            ..TimerConfig::default()
        };
        assert!(matches!(
            c.validate(),
            Err(TimerConfigError::TimerDTooShort(_))
        ));
    }

    #[test]
    fn retransmit_doubles_with_cap() {
        let now = Instant::now(); // clock-ok: test code
        let t1 = Duration::from_millis(500);
        let mut r = Retransmit::start(now, t1);
        let mut dues = vec![r.due - now];
        for _ in 0..5 {
            r = r.next(Some(Duration::from_secs(4)));
            dues.push(r.due - now);
        }
        let ms: Vec<u128> = dues.iter().map(Duration::as_millis).collect();
        assert_eq!(ms, [500, 1500, 3500, 7500, 11500, 15500]);
    }
}
