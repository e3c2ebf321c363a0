//! The one timer of an actor shell (DESIGN.md: "the actor feeds the core and arms one
//! timer"): armed at the machine's `poll_timeout`, it sends the actor a message carrying
//! its arming number; a message from an earlier arming is stale and ignored. Time is
//! tokio's (paused and driven by the simulator).

use ractor::{ActorRef, Message};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// A background task (a socket reader) aborted when its owner's state drops, which
/// happens however the owning actor ends — also when its supervisor kills it, where
/// `post_stop` does not run. (Regression: every call leaked its RTP socket, because a
/// stopping call actor's linked media actor was killed with its reader still running.)
#[derive(Debug)]
pub(crate) struct TaskGuard(pub(crate) JoinHandle<()>);

impl Drop for TaskGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Drop for OneTimer {
    fn drop(&mut self) {
        self.disarm();
    }
}

/// One actor's timer.
#[derive(Debug, Default)]
pub(crate) struct OneTimer {
    task: Option<JoinHandle<()>>,
    armed: Option<Instant>,
    arming: u64,
}

impl OneTimer {
    /// Arms the timer at `next` (`None` disarms it); a deadline already armed is left
    /// running. When it fires, `myself` gets `message(arming)`.
    pub(crate) fn arm<M: Message>(
        &mut self,
        next: Option<Instant>,
        myself: &ActorRef<M>,
        message: fn(u64) -> M,
    ) {
        if next.is_some() && next == self.armed {
            return;
        }
        self.disarm();
        if let Some(at) = next {
            self.arming += 1;
            let (arming, me) = (self.arming, myself.clone());
            self.armed = Some(at);
            self.task = Some(tokio::spawn(async move {
                tokio::time::sleep_until(at).await;
                let _ = me.send_message(message(arming));
            }));
        }
    }

    /// Stops the armed timer, if any.
    pub(crate) fn disarm(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
        self.armed = None;
    }

    /// Whether a timer message with `arming` is the current one; if so the timer counts
    /// as fired (nothing armed until the next `arm`).
    pub(crate) fn fired(&mut self, arming: u64) -> bool {
        if arming != self.arming || self.armed.is_none() {
            return false;
        }
        self.task = None;
        self.armed = None;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ractor::{Actor, ActorProcessingErr};
    use std::time::Duration;
    use tokio::sync::mpsc;

    struct Probe;
    impl Actor for Probe {
        type Msg = u64;
        type State = mpsc::UnboundedSender<u64>;
        type Arguments = mpsc::UnboundedSender<u64>;
        async fn pre_start(
            &self,
            _: ActorRef<u64>,
            tx: Self::Arguments,
        ) -> Result<Self::State, ActorProcessingErr> {
            Ok(tx)
        }
        async fn handle(
            &self,
            _: ActorRef<u64>,
            msg: u64,
            tx: &mut Self::State,
        ) -> Result<(), ActorProcessingErr> {
            let _ = tx.send(msg);
            Ok(())
        }
    }

    #[tokio::test(start_paused = true)]
    async fn only_the_latest_arming_counts_and_rearming_the_same_deadline_keeps_it() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let (probe, _) = Actor::spawn(None, Probe, tx).await.unwrap();
        let mut timer = OneTimer::default();
        let t0 = Instant::now(); // clock-ok: paused tokio time in a test
        timer.arm(Some(t0 + Duration::from_secs(5)), &probe, |n| n);
        timer.arm(Some(t0 + Duration::from_secs(5)), &probe, |n| n);
        timer.arm(Some(t0 + Duration::from_secs(1)), &probe, |n| n);
        let first = rx.recv().await.unwrap();
        assert_eq!(first, 2, "the 5 s arming was replaced");
        assert!(!timer.fired(1), "a stale arming");
        assert!(timer.fired(2));
        assert!(!timer.fired(2), "fired once");
        timer.arm(Some(t0 + Duration::from_secs(9)), &probe, |n| n);
        timer.disarm();
        tokio::time::sleep(Duration::from_secs(20)).await;
        assert!(rx.try_recv().is_err(), "a disarmed timer sends nothing");
        probe.stop(None);
    }
}
