//! `listen --auto-answer`: answer every incoming call after a delay, one task per call,
//! so the event loop never waits on a call.

use super::*;

/// Events buffered for the CLI in auto-answer mode at least: a lagging subscriber
/// would lose `incoming` events, and those calls would ring unanswered.
pub(crate) const AUTO_ANSWER_EVENT_BOUND: usize = 1 << 16;

/// How the listener answers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AutoAnswer {
    /// The delay between `incoming` and the answer.
    pub(crate) after: Duration,
}

impl AutoAnswer {
    /// Checks `--answer-after SECS` (0..=600, fractions allowed).
    pub(crate) fn new(after_secs: f64) -> Result<AutoAnswer, String> {
        if !(0.0..=600.0).contains(&after_secs) {
            return Err(format!(
                "--answer-after {after_secs}: must be between 0 and 600 seconds"
            ));
        }
        Ok(AutoAnswer {
            after: Duration::from_secs_f64(after_secs),
        })
    }

    /// The ring timeout that leaves room for the delay (at least `current`).
    pub(crate) fn ring_timeout_secs(&self, current: u32) -> u32 {
        let needed = self.after.as_secs().saturating_add(5);
        current.max(u32::try_from(needed).unwrap_or(600).min(600))
    }

    /// Answers the call of `event` if it is a new incoming call.
    pub(crate) fn on_event(&self, engine: &Engine, event: &Event) {
        match event {
            Event::Call { call_id, state, .. } if state == "incoming" => {
                let call = engine.call(call_id);
                let after = self.after;
                tokio::spawn(async move {
                    if !after.is_zero() {
                        tokio::time::sleep(after).await;
                    }
                    match call.answer().await {
                        // The caller gave up meanwhile.
                        Ok(()) | Err(EngineError::UnknownCall { .. }) => {}
                        Err(e) => eprintln!("warning: answering {}: {e}", call.id()),
                    }
                });
            }
            Event::Lagged { missed } => {
                eprintln!("warning: {missed} events missed: some calls may ring unanswered");
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_is_checked_and_fits_the_ring_timeout() {
        assert!(AutoAnswer::new(-1.0).is_err());
        assert!(AutoAnswer::new(601.0).is_err());
        assert!(AutoAnswer::new(f64::NAN).is_err());
        let a = AutoAnswer::new(0.25).unwrap();
        assert_eq!(a.after, Duration::from_millis(250));
        assert_eq!(a.ring_timeout_secs(60), 60);
        assert_eq!(AutoAnswer::new(90.0).unwrap().ring_timeout_secs(60), 95);
        assert_eq!(AutoAnswer::new(600.0).unwrap().ring_timeout_secs(60), 600);
    }
}
