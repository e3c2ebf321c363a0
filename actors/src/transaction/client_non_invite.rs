//! The non-INVITE client transaction (RFC 3261 §17.1.2).

use super::event::{Input, Output, TxEvent};
use super::timers::{deadline, Retransmit, TimerConfig};
use crate::sip::{Message, Request, Response};
use crate::vocab::Target;
use std::collections::VecDeque;
use tokio::time::Instant;

/// The states of the non-INVITE client transaction (RFC 3261 figure 6):
///
/// ```text
///                                    |Request from TU
///                                    |send request
///                Timer E             V
///                send request  +-----------+
///                    +---------|           |-------------------+
///                    |         |  Trying   |  Timer F          |
///                    +-------->|           |  or Transport Err.|
///                              +-----------+  inform TU        |
///                 200-699         |  |                         |
///                 resp. to TU     |  |1xx                      |
///                 +---------------+  |resp. to TU              |
///                 |                  |                         |
///                 |   Timer E        V       Timer F           |
///                 |   send req +-----------+ or Transport Err. |
///                 |  +---------|           | inform TU         |
///                 |  |         |Proceeding |------------------>|
///                 |  +-------->|           |-----+             |
///                 |            +-----------+     |1xx          |
///                 |              |      ^        |resp to TU   |
///                 | 200-699      |      +--------+             |
///                 | resp. to TU  |                             |
///                 |              |                             |
///                 |              V                             |
///                 |            +-----------+                   |
///                 |            |           |                   |
///                 |            | Completed |                   |
///                 |            |           |                   |
///                 |            +-----------+                   |
///                 |              ^   |                         |
///                 |              |   | Timer K                 |
///                 +--------------+   | -                       |
///                                    |                         |
///                                    V                         |
///              NOTE:           +-----------+                   |
///                              |           |                   |
///          transitions         | Terminated|<------------------+
///          labeled with        |           |
///          the event           +-----------+
///          over the action
///          to take
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientNonInviteState {
    /// Request sent, no response yet.
    Trying(Waiting),
    /// A provisional response arrived; Timer E now runs at T2.
    Proceeding(Waiting),
    /// A final response arrived; absorbing retransmissions until Timer K.
    Completed(CompletedNonInvite),
    /// Finished.
    Terminated,
}

/// Trying and Proceeding: Timer E (unreliable only) and Timer F.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    /// Timer E: request retransmission.
    pub timer_e: Option<Retransmit>,
    /// Timer F: transaction timeout.
    pub timer_f: Instant,
}

/// Completed: Timer K.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompletedNonInvite {
    /// Timer K: leave Completed.
    pub timer_k: Instant,
}

/// A non-INVITE client transaction.
#[derive(Debug)]
pub struct ClientNonInvite {
    request: Request,
    target: Target,
    cfg: TimerConfig,
    reliable: bool,
    state: ClientNonInviteState,
    out: VecDeque<Output>,
}

impl ClientNonInvite {
    /// Starts the transaction: the request is queued for transmission at once.
    pub fn new(
        now: Instant,
        request: Request,
        target: Target,
        cfg: TimerConfig,
    ) -> ClientNonInvite {
        let reliable = target.kind.is_reliable();
        let state = ClientNonInviteState::Trying(Waiting {
            timer_e: (!reliable).then(|| Retransmit::start(now, cfg.t1)),
            timer_f: deadline(now, cfg.timer_f()),
        });
        let mut tx = ClientNonInvite {
            request,
            target,
            cfg,
            reliable,
            state,
            out: VecDeque::new(),
        };
        tx.transmit_request();
        tx
    }

    /// The current state.
    pub fn state(&self) -> &ClientNonInviteState {
        &self.state
    }

    /// The request this transaction sends.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// Feeds one input.
    pub fn handle(&mut self, now: Instant, input: Input) {
        match input {
            Input::RecvResponse(r) => self.recv_response(now, r),
            Input::Timer => self.on_timer(now),
            Input::TransportError => self.recv_transport_error(),
            Input::RecvRequest(_) | Input::SendResponse(_) => {
                tracing::debug!("client transaction ignores a server-side input");
            }
        }
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// The earliest pending deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.state {
            ClientNonInviteState::Trying(w) | ClientNonInviteState::Proceeding(w) => {
                Some(w.timer_e.map_or(w.timer_f, |e| e.due.min(w.timer_f)))
            }
            ClientNonInviteState::Completed(c) => Some(c.timer_k),
            ClientNonInviteState::Terminated => None,
        }
    }

    /// Whether the transaction has reached Terminated.
    pub fn is_terminated(&self) -> bool {
        self.state == ClientNonInviteState::Terminated
    }

    /// A response arrived.
    pub fn recv_response(&mut self, now: Instant, response: Response) {
        let w = match &self.state {
            ClientNonInviteState::Trying(w) | ClientNonInviteState::Proceeding(w) => *w,
            ClientNonInviteState::Completed(_) | ClientNonInviteState::Terminated => return,
        };
        let provisional = response.status.is_provisional();
        self.out
            .push_back(Output::ToTu(TxEvent::Response(response)));
        if provisional {
            self.state = ClientNonInviteState::Proceeding(w);
            return;
        }
        let k = self.cfg.t4_for(self.reliable);
        if k.is_zero() {
            self.terminate();
        } else {
            self.state = ClientNonInviteState::Completed(CompletedNonInvite {
                timer_k: deadline(now, k),
            });
        }
    }

    /// Every timer due at `now` fires, earliest first.
    pub fn on_timer(&mut self, now: Instant) {
        while let Some(due) = self.poll_timeout().filter(|d| *d <= now) {
            match self.state.clone() {
                ClientNonInviteState::Trying(mut w) | ClientNonInviteState::Proceeding(mut w) => {
                    if w.timer_f <= due {
                        self.out.push_back(Output::ToTu(TxEvent::Timeout));
                        self.terminate();
                        continue;
                    }
                    let Some(e) = w.timer_e else { break };
                    self.transmit_request();
                    let proceeding = matches!(self.state, ClientNonInviteState::Proceeding(_));
                    w.timer_e = Some(if proceeding {
                        // §17.1.2.2: in Proceeding, Timer E is reset with T2.
                        Retransmit {
                            due: deadline(e.due, self.cfg.t2),
                            interval: self.cfg.t2,
                        }
                    } else {
                        e.next(Some(self.cfg.t2))
                    });
                    self.state = if proceeding {
                        ClientNonInviteState::Proceeding(w)
                    } else {
                        ClientNonInviteState::Trying(w)
                    };
                }
                ClientNonInviteState::Completed(_) => self.terminate(),
                ClientNonInviteState::Terminated => break,
            }
        }
    }

    /// The transport reported a failure: inform the TU and terminate.
    pub fn recv_transport_error(&mut self) {
        if !self.is_terminated() {
            self.out.push_back(Output::ToTu(TxEvent::TransportError));
            self.terminate();
        }
    }

    fn terminate(&mut self) {
        self.state = ClientNonInviteState::Terminated;
        self.out.push_back(Output::ToTu(TxEvent::Terminated));
    }

    fn transmit_request(&mut self) {
        self.out.push_back(Output::Transmit {
            message: Message::Request(self.request.clone()),
            target: self.target.clone(),
        });
    }
}

#[cfg(test)]
#[path = "client_non_invite_tests.rs"]
mod tests;
