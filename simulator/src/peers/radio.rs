//! The phone's cellular radio: not SIP, a small state machine the scenario drives
//! (ring, answer, end) and that can answer and end by itself after configured delays.
//! Each change is reported as a peer event and handed to the phone's app.
//!
//! ```text
//!   idle/ended ──ring──▶ ringing ──answer (or answer_after)──▶ answered
//!                           │                                    │
//!                           └──────────end──────▶ ended ◀──end (or end_after)
//! ```

use super::RadioConfig;
use super::{AppSignal, PeerCommand, PeerContext, PeerEvent, PeerInput, PeerOutput, ServerError};
use std::collections::VecDeque;
use std::time::Duration;

/// The cellular call's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Idle,
    Ringing,
    Answered,
    Ended,
}

impl Cell {
    fn name(self) -> &'static str {
        match self {
            Cell::Idle => "idle",
            Cell::Ringing => "ringing",
            Cell::Answered => "answered",
            Cell::Ended => "ended",
        }
    }
}

/// The phone's cellular radio.
#[derive(Debug)]
pub struct Radio {
    cfg: RadioConfig,
    state: Cell,
    /// When the automatic next step (answer or end) happens.
    deadline: Option<Duration>,
    out: VecDeque<PeerOutput>,
}

impl Radio {
    /// A radio for `cfg.phone`, idle; refuses an empty phone name.
    pub fn new(cfg: &RadioConfig, _ctx: PeerContext) -> Result<Radio, ServerError> {
        if cfg.phone.trim().is_empty() {
            return Err(ServerError::Empty { field: "phone" });
        }
        Ok(Radio {
            cfg: cfg.clone(),
            state: Cell::Idle,
            deadline: None,
            out: VecDeque::new(),
        })
    }

    /// The current state: `idle`, `ringing`, `answered` or `ended`.
    pub fn state(&self) -> &'static str {
        self.state.name()
    }

    fn step(&mut self, now: Duration, to: Cell) {
        let legal = matches!(
            (self.state, to),
            (Cell::Idle | Cell::Ended, Cell::Ringing)
                | (Cell::Ringing, Cell::Answered)
                | (Cell::Ringing | Cell::Answered, Cell::Ended)
        );
        if !legal {
            return;
        }
        self.state = to;
        self.deadline = match to {
            Cell::Ringing => self.cfg.answer_after.map(|d| now + d.0),
            Cell::Answered => self.cfg.end_after.map(|d| now + d.0),
            Cell::Idle | Cell::Ended => None,
        };
        let user = self.cfg.phone.clone();
        let state = to.name().to_owned();
        self.out.push_back(PeerOutput::Event(PeerEvent::Cellular {
            user: user.clone(),
            state: state.clone(),
        }));
        self.out.push_back(PeerOutput::App {
            user,
            signal: AppSignal::Cellular { state },
        });
    }
}

impl super::Peer for Radio {
    fn handle(&mut self, now: Duration, input: PeerInput) {
        let to = match input {
            PeerInput::Command(PeerCommand::CellularRing) => Cell::Ringing,
            PeerInput::Command(PeerCommand::CellularAnswer) => Cell::Answered,
            PeerInput::Command(PeerCommand::CellularEnd) => Cell::Ended,
            // Not SIP: packets and other commands mean nothing to a radio.
            _ => return,
        };
        self.step(now, to);
    }

    fn poll_output(&mut self) -> Option<PeerOutput> {
        self.out.pop_front()
    }

    fn poll_timeout(&self) -> Option<Duration> {
        self.deadline
    }

    fn handle_timeout(&mut self, now: Duration) {
        if self.deadline.is_some_and(|d| d <= now) {
            self.deadline = None;
            match self.state {
                Cell::Ringing => self.step(now, Cell::Answered),
                Cell::Answered => self.step(now, Cell::Ended),
                Cell::Idle | Cell::Ended => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Peer;
    use super::*;
    use crate::time::SimDuration;
    use rand_chacha::rand_core::SeedableRng;

    fn radio(answer_after: Option<u64>, end_after: Option<u64>) -> Radio {
        let cfg = RadioConfig {
            phone: "alice".into(),
            answer_after: answer_after.map(SimDuration::from_secs),
            end_after: end_after.map(SimDuration::from_secs),
        };
        let ctx = PeerContext {
            name: "radio".into(),
            local: "10.0.0.9:5060".parse().unwrap(),
            transports: vec![],
            directory: Default::default(),
            rng: rand_chacha::ChaCha8Rng::seed_from_u64(1),
        };
        Radio::new(&cfg, ctx).unwrap()
    }

    fn drain(r: &mut Radio) -> Vec<String> {
        let mut states = Vec::new();
        while let Some(o) = r.poll_output() {
            match o {
                PeerOutput::Event(PeerEvent::Cellular { user, state }) => {
                    assert_eq!(user, "alice");
                    states.push(state);
                }
                PeerOutput::App {
                    user,
                    signal: AppSignal::Cellular { state },
                } => {
                    assert_eq!(user, "alice");
                    assert_eq!(Some(&state), states.last(), "app signal follows the event");
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        states
    }

    fn cmd(r: &mut Radio, secs: u64, c: PeerCommand) {
        r.handle(Duration::from_secs(secs), PeerInput::Command(c));
    }

    #[test]
    fn commanded_transitions_and_illegal_ones_ignored() {
        let mut r = radio(None, None);
        cmd(&mut r, 1, PeerCommand::CellularAnswer); // idle → answered: illegal
        cmd(&mut r, 1, PeerCommand::CellularEnd); // idle → ended: illegal
        assert!(drain(&mut r).is_empty());
        cmd(&mut r, 2, PeerCommand::CellularRing);
        cmd(&mut r, 2, PeerCommand::CellularRing); // again: ignored
        cmd(&mut r, 3, PeerCommand::CellularAnswer);
        cmd(&mut r, 4, PeerCommand::CellularEnd);
        cmd(&mut r, 4, PeerCommand::CellularAnswer); // ended → answered: ignored
        assert_eq!(drain(&mut r), ["ringing", "answered", "ended"]);
        assert_eq!(r.poll_timeout(), None);
        cmd(&mut r, 9, PeerCommand::CellularRing); // a second cellular call
        cmd(&mut r, 9, PeerCommand::CellularEnd); // missed: ends while ringing
        assert_eq!(drain(&mut r), ["ringing", "ended"]);
        assert_eq!(r.state(), "ended");
    }

    #[test]
    fn answers_and_ends_by_itself() {
        let mut r = radio(Some(5), Some(30));
        cmd(&mut r, 10, PeerCommand::CellularRing);
        assert_eq!(r.poll_timeout(), Some(Duration::from_secs(15)));
        r.handle_timeout(Duration::from_secs(14)); // early: nothing
        assert_eq!(drain(&mut r), ["ringing"]);
        r.handle_timeout(Duration::from_secs(15));
        assert_eq!(drain(&mut r), ["answered"]);
        assert_eq!(r.poll_timeout(), Some(Duration::from_secs(45)));
        r.handle_timeout(Duration::from_secs(45));
        assert_eq!(drain(&mut r), ["ended"]);
        assert_eq!(r.poll_timeout(), None);
    }

    #[test]
    fn a_command_overrides_the_automatic_step() {
        let mut r = radio(Some(5), None);
        cmd(&mut r, 0, PeerCommand::CellularRing);
        cmd(&mut r, 2, PeerCommand::CellularEnd); // the user rejects before auto-answer
        assert_eq!(r.poll_timeout(), None);
        r.handle_timeout(Duration::from_secs(5));
        assert_eq!(drain(&mut r), ["ringing", "ended"]);
    }
}
