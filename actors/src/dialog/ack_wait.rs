//! [`AckWait`]: the UAS core retransmitting its 2xx to an INVITE until the ACK comes
//! (RFC 3261 §13.3.1.4; Timers G and H at the TU, RFC 6026 §8.1).

use super::DialogEvent;
use crate::sip::{Method, Request, Response};
use crate::transaction::TimerConfig;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// What an [`AckWait`] is fed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AckWaitInput {
    /// An ACK arrived in the dialog; one for another 2xx is ignored.
    Ack(Request),
    /// The deadline from [`AckWait::poll_timeout`] passed.
    Timer,
}

/// What an [`AckWait`] asks the shell to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AckWaitOutput {
    /// Send the 2xx again.
    Retransmit(Response),
    /// No ACK within 64·T1: end the dialog with a BYE (RFC 3261 §13.3.1.4).
    SendBye,
    /// Tell the application ([`DialogEvent::AckTimeout`]).
    Event(DialogEvent),
}

/// The 2xx retransmission machine:
///
/// ```text
///        2xx sent by the caller
///              |
///              V         retransmit timer (T1, 2·T1, 4·T1 … capped at T2)
///        +-----------+   send the 2xx again
///        |  Waiting  |<---------------+
///        |           |----------------+
///        +-----------+
///          |       |
///     ACK  |       | 64·T1 after the first 2xx
///          V       V
///     +-------+  +----------+
///     | Acked |  | TimedOut |  → SendBye, AckTimeout
///     +-------+  +----------+
/// ```
#[derive(Debug)]
pub struct AckWait {
    response: Response,
    call_id: String,
    seq: u32,
    state: Phase,
    t2: Duration,
    out: VecDeque<AckWaitOutput>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Waiting {
        next: Instant,
        interval: Duration,
        give_up: Instant,
    },
    Acked,
    TimedOut,
}

impl AckWait {
    /// Starts waiting for the ACK of `response` (a 2xx to an INVITE), which the caller
    /// sent at `now`. The first retransmission is due at `now + T1`.
    pub fn new(now: Instant, response: Response, timers: &TimerConfig) -> AckWait {
        let seq = response.cseq().map_or(0, |c| c.seq);
        let call_id = response.call_id().unwrap_or_default().to_owned();
        AckWait {
            response,
            call_id,
            seq,
            state: Phase::Waiting {
                next: now + timers.t1,
                interval: timers.t1,
                give_up: now + timers.t1 * 64,
            },
            t2: timers.t2,
            out: VecDeque::new(),
        }
    }

    /// Whether the ACK arrived.
    pub fn is_acked(&self) -> bool {
        self.state == Phase::Acked
    }

    /// Whether it gave up waiting.
    pub fn is_timed_out(&self) -> bool {
        self.state == Phase::TimedOut
    }

    /// Whether `ack` acknowledges our 2xx: Call-ID and CSeq number match.
    pub fn is_our_ack(&self, ack: &Request) -> bool {
        ack.method == Method::Ack
            && ack.call_id().is_ok_and(|c| c == self.call_id)
            && ack
                .cseq()
                .is_ok_and(|c| c.seq == self.seq && c.method == Method::Ack)
    }

    /// Feeds one input.
    pub fn handle(&mut self, now: Instant, input: AckWaitInput) {
        let Phase::Waiting {
            next,
            interval,
            give_up,
        } = self.state
        else {
            return;
        };
        match input {
            AckWaitInput::Ack(ack) if self.is_our_ack(&ack) => self.state = Phase::Acked,
            AckWaitInput::Ack(_) => {}
            AckWaitInput::Timer if now >= give_up => {
                self.state = Phase::TimedOut;
                self.out.push_back(AckWaitOutput::SendBye);
                self.out
                    .push_back(AckWaitOutput::Event(DialogEvent::AckTimeout));
            }
            AckWaitInput::Timer if now >= next => {
                self.out
                    .push_back(AckWaitOutput::Retransmit(self.response.clone()));
                let interval = (interval * 2).min(self.t2);
                self.state = Phase::Waiting {
                    next: now + interval,
                    interval,
                    give_up,
                };
            }
            AckWaitInput::Timer => {}
        }
    }

    /// The next thing to do.
    pub fn poll_output(&mut self) -> Option<AckWaitOutput> {
        self.out.pop_front()
    }

    /// When [`AckWaitInput::Timer`] is due: the next retransmission or giving up.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            Phase::Waiting { next, give_up, .. } => Some(next.min(give_up)),
            _ => None,
        }
    }
}
