//! Delay estimation for the jitter buffer: the RFC 3550 §6.4.1 interarrival
//! jitter and a robust upper bound (a high percentile of recent transit
//! times above their minimum), giving the target playout delay.

use std::collections::VecDeque;

/// Recent transit times kept for the minimum and the percentile.
pub(super) const WINDOW: usize = 128;
/// Percentile of the transit spread the delay must cover.
const PERCENTILE: usize = 99;
/// Multiplier of `J` in the target (3·J covers a Gaussian-like jitter well).
const K: f64 = 3.0;

/// Estimates jitter from (arrival, timestamp) pairs, all in RTP clock units.
#[derive(Debug, Clone)]
pub(super) struct DelayEstimator {
    /// RFC 3550 `J`, in timestamp units.
    jitter: f64,
    last_transit: Option<i64>,
    transits: VecDeque<i64>,
    /// Minimum transit of the window.
    base: Option<i64>,
    /// Percentile transit of the window minus `base`.
    spread: i64,
}

impl DelayEstimator {
    pub(super) fn new() -> Self {
        DelayEstimator {
            jitter: 0.0,
            last_transit: None,
            transits: VecDeque::with_capacity(WINDOW),
            base: None,
            spread: 0,
        }
    }

    /// Accounts for one packet (in arrival order) that arrived at `arrival`
    /// with extended timestamp `ts`: `D = transit − previous transit`,
    /// `J += (|D| − J) / 16`.
    pub(super) fn arrival(&mut self, arrival: i64, ts: i64) {
        let transit = arrival.saturating_sub(ts);
        if let Some(previous) = self.last_transit {
            let d = transit.saturating_sub(previous).unsigned_abs() as f64;
            self.jitter += (d - self.jitter) / 16.0;
        }
        self.last_transit = Some(transit);
        if self.transits.len() == WINDOW {
            self.transits.pop_front();
        }
        self.transits.push_back(transit);
        let mut sorted: Vec<i64> = self.transits.iter().copied().collect();
        sorted.sort_unstable();
        let base = sorted.first().copied().unwrap_or(transit);
        let high = sorted
            .get((sorted.len() - 1) * PERCENTILE / 100)
            .copied()
            .unwrap_or(transit);
        self.base = Some(base);
        self.spread = high.saturating_sub(base);
    }

    /// Forgets transit times (the timestamp base changed); `J` is kept since
    /// the network did not change.
    pub(super) fn restart(&mut self) {
        self.last_transit = None;
        self.transits.clear();
        self.base = None;
        self.spread = 0;
    }

    /// RFC 3550 `J` in timestamp units.
    pub(super) fn jitter(&self) -> f64 {
        self.jitter
    }

    /// Smallest recent transit (arrival − timestamp), if any packet came.
    pub(super) fn base(&self) -> Option<i64> {
        self.base
    }

    /// High percentile of recent transits above `base`.
    #[cfg(test)]
    pub(super) fn spread(&self) -> i64 {
        self.spread
    }

    /// Target delay `clamp(max(K·J, spread) + frame, min, max)`; `None`
    /// before any packet.
    pub(super) fn target(&self, frame: i64, min: i64, max: i64) -> Option<i64> {
        self.base?;
        let kj = (K * self.jitter).round().min(i64::MAX as f64 / 4.0) as i64;
        Some(kj.max(self.spread).saturating_add(frame).clamp(min, max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 8 kHz: 10 ms = 80 units; packets every 20 ms = 160 units.
    fn feed(est: &mut DelayEstimator, transits: &[i64]) {
        for (i, t) in transits.iter().enumerate() {
            let ts = 160 * i as i64;
            est.arrival(ts + t, ts);
        }
    }

    #[test]
    fn constant_transit_has_zero_jitter() {
        let mut est = DelayEstimator::new();
        feed(&mut est, &[400; 50]);
        assert_eq!(est.jitter(), 0.0);
        assert_eq!((est.base(), est.spread()), (Some(400), 0));
        // No jitter: the target is one frame, raised to the minimum.
        assert_eq!(est.target(160, 160, 1600), Some(160));
        assert_eq!(est.target(160, 240, 1600), Some(240));
    }

    #[test]
    fn alternating_transit_follows_the_rfc_recursion() {
        // Transit alternates 0 / 10 ms: |D| = 80 units every packet, so
        // J_n = 80 · (1 − (15/16)^n) after n differences.
        let transits: Vec<i64> = (0..201).map(|i| if i % 2 == 0 { 0 } else { 80 }).collect();
        let mut est = DelayEstimator::new();
        feed(&mut est, &transits[..2]);
        assert_eq!(est.jitter(), 5.0); // 80 / 16
        let mut est = DelayEstimator::new();
        feed(&mut est, &transits[..3]);
        assert_eq!(est.jitter(), 9.6875); // 5 + (80 − 5) / 16
        let mut est = DelayEstimator::new();
        feed(&mut est, &transits[..17]);
        let expected = 80.0 * (1.0 - (15.0f64 / 16.0).powi(16)); // 51.5144…
        assert!((est.jitter() - expected).abs() < 1e-9, "{}", est.jitter());
        assert!((est.jitter() - 51.514).abs() < 1e-3);
        let mut est = DelayEstimator::new();
        feed(&mut est, &transits);
        // Fixed point J = |D| = 80 units = 10 ms; after 200 steps it is
        // 80·(15/16)^200 ≈ 2.0e-4 short of it.
        let expected = 80.0 * (1.0 - (15.0f64 / 16.0).powi(200));
        assert!((est.jitter() - expected).abs() < 1e-9, "{}", est.jitter());
        assert!(est.jitter() > 79.9997 && est.jitter() < 80.0);
        assert_eq!((est.base(), est.spread()), (Some(0), 80));
        // max(3·80, 80) + 160 = 400 units = 50 ms.
        assert_eq!(est.target(160, 160, 1600), Some(400));
        assert_eq!(est.target(160, 160, 320), Some(320));
    }

    #[test]
    fn restart_keeps_jitter_but_forgets_transits() {
        let mut est = DelayEstimator::new();
        feed(&mut est, &[0, 80, 0, 80]);
        let j = est.jitter();
        est.restart();
        assert_eq!(
            (est.jitter(), est.base(), est.target(160, 0, 9999)),
            (j, None, None)
        );
        est.arrival(1_000_000, 5);
        assert_eq!(est.jitter(), j); // no difference across the restart
        assert_eq!(est.base(), Some(999_995));
    }

    #[test]
    fn spread_is_a_percentile_of_the_window() {
        let mut est = DelayEstimator::new();
        // 127 packets at transit 0..=126, one outlier of 10_000.
        let mut transits: Vec<i64> = (0..127).collect();
        transits.push(10_000);
        feed(&mut est, &transits);
        // index (128 − 1) · 99 / 100 = 125 of the sorted window.
        assert_eq!((est.base(), est.spread()), (Some(0), 125));
    }
}
