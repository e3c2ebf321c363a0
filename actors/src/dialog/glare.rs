//! [`ReinviteGuard`]: one INVITE transaction at a time per dialog, and re-INVITE glare
//! (RFC 3261 §14.1, §14.2).

use super::{DialogError, DialogEvent, Role};
use crate::sip::StatusCode;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// What a [`ReinviteGuard`] is fed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReinviteInput {
    /// We want to send a re-INVITE.
    Send,
    /// Our re-INVITE got this final status.
    Answered(StatusCode),
    /// A re-INVITE of the peer arrived.
    Received,
    /// Their re-INVITE's transaction is over (we answered it finally, and got the
    /// ACK for a 2xx).
    ReceivedDone,
    /// The deadline from [`ReinviteGuard::poll_timeout`] passed.
    Timer,
}

/// Guards the re-INVITEs of one dialog (our side; theirs is one flag beside it):
///
/// ```text
///            Send (nothing in progress)
///   +------+ ------------------------> +---------+   Received: Err(Glare) → 491
///   | Idle |                           | Pending |
///   +------+ <------------------------ +---------+
///      ^      Answered(anything but 491)    |
///      |                                    | Answered(491): draw the back-off
///      |  Timer at the drawn time:          V
///      |  event ReinviteRetry          +---------+
///      +-------------------------------| Backoff |   Send: Err(RequestPending)
///                                      +---------+
/// ```
///
/// Back-off (§14.1): 2.1–4 s when we own the Call-ID (we were the UAC), else 0–2 s, in
/// 10 ms units. A re-INVITE of theirs in progress makes `Send` fail with
/// [`DialogError::RequestPending`], and a second one of theirs fail with
/// [`DialogError::InviteInProgress`] (500, §14.2).
#[derive(Debug)]
pub struct ReinviteGuard {
    owner: bool,
    ours: Ours,
    theirs: bool,
    rng: ChaCha8Rng,
    out: VecDeque<DialogEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ours {
    Idle,
    Pending,
    Backoff(Instant),
}

impl ReinviteGuard {
    /// A guard for a dialog where we were `role`; the back-off is drawn from `rng`.
    pub fn new(role: Role, rng: ChaCha8Rng) -> ReinviteGuard {
        ReinviteGuard {
            owner: role == Role::Uac,
            ours: Ours::Idle,
            theirs: false,
            rng,
            out: VecDeque::new(),
        }
    }

    /// Whether a re-INVITE of ours is out.
    pub fn is_pending(&self) -> bool {
        self.ours == Ours::Pending
    }

    /// The back-off after a 491 (RFC 3261 §14.1): 2.1–4 s when we own the Call-ID (we
    /// were the UAC), else 0–2 s, in units of 10 ms.
    pub fn backoff(&mut self) -> Duration {
        let units = if self.owner {
            self.rng.gen_range(210..=400u64)
        } else {
            self.rng.gen_range(0..=200u64)
        };
        Duration::from_millis(units * 10)
    }

    /// Feeds one input. Err on `Send`: not now (an INVITE transaction is in progress
    /// or the back-off runs); on `Received`: answer the re-INVITE with the error's
    /// status (491 on glare, 500 when theirs is still in progress).
    pub fn handle(&mut self, now: Instant, input: ReinviteInput) -> Result<(), DialogError> {
        match input {
            ReinviteInput::Send => {
                if self.ours != Ours::Idle || self.theirs {
                    return Err(DialogError::RequestPending);
                }
                self.ours = Ours::Pending;
            }
            ReinviteInput::Answered(status) if self.ours == Ours::Pending => {
                self.ours = if status == StatusCode::REQUEST_PENDING {
                    Ours::Backoff(now + self.backoff())
                } else {
                    Ours::Idle
                };
            }
            ReinviteInput::Answered(_) => {}
            ReinviteInput::Received => {
                if self.ours == Ours::Pending {
                    return Err(DialogError::Glare);
                }
                if self.theirs {
                    return Err(DialogError::InviteInProgress);
                }
                self.theirs = true;
            }
            ReinviteInput::ReceivedDone => self.theirs = false,
            ReinviteInput::Timer => {
                if let Ours::Backoff(at) = self.ours {
                    if now >= at {
                        self.ours = Ours::Idle;
                        self.out.push_back(DialogEvent::ReinviteRetry);
                    }
                }
            }
        }
        Ok(())
    }

    /// The next event.
    pub fn poll_output(&mut self) -> Option<DialogEvent> {
        self.out.pop_front()
    }

    /// When the back-off ends, if it runs.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.ours {
            Ours::Backoff(at) => Some(at),
            _ => None,
        }
    }
}
