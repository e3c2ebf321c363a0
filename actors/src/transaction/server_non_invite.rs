//! The non-INVITE server transaction (RFC 3261 §17.2.2).

use super::event::{Input, Output, TxEvent};
use super::timers::{deadline, TimerConfig};
use crate::sip::{Message, Response};
use crate::vocab::Target;
use std::collections::VecDeque;
use tokio::time::Instant;

/// The states of the non-INVITE server transaction (RFC 3261 figure 8):
///
/// ```text
///                                   |Request received
///                                   |pass to TU
///                                   V
///                             +-----------+
///                             |           |
///                             | Trying    |-------------+
///                             |           |             |
///                             +-----------+             |200-699 from TU
///                                   |                   |send response
///                                   |1xx from TU        |
///                                   |send response      |
///                                   |                   |
///                Request            V      1xx from TU  |
///                send response+-----------+send response|
///                    +--------|           |--------+    |
///                    |        | Proceeding|        |    |
///                    +------->|           |<-------+    |
///             +<--------------|           |             |
///             |Trnsprt Err    +-----------+             |
///             |Inform TU            |                   |
///             |                     |                   |
///             |                     |200-699 from TU    |
///             |                     |send response      |
///             |  Request            V                   |
///             |  send response+-----------+             |
///             |      +--------|           |             |
///             |      |        | Completed |<------------+
///             |      +------->|           |
///             +<--------------|           |
///             |Trnsprt Err    +-----------+
///             |Inform TU            |
///             |                     |Timer J fires
///             |                     |-
///             |                     |
///             |                     V
///             |               +-----------+
///             |               |           |
///             +-------------->| Terminated|
///                             |           |
///                             +-----------+
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerNonInviteState {
    /// Waiting for the TU; request retransmissions are absorbed.
    Trying,
    /// A provisional was sent; re-sent on request retransmissions.
    Proceeding(Response),
    /// A final response was sent; re-sent on request retransmissions until Timer J.
    Completed(CompletedNonInviteServer),
    /// Finished.
    Terminated,
}

/// Completed: the final response and Timer J.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedNonInviteServer {
    /// The final response.
    pub response: Response,
    /// Timer J: leave Completed.
    pub timer_j: Instant,
}

/// A non-INVITE server transaction.
#[derive(Debug)]
pub struct ServerNonInvite {
    target: Target,
    cfg: TimerConfig,
    reliable: bool,
    state: ServerNonInviteState,
    out: VecDeque<Output>,
}

impl ServerNonInvite {
    /// Starts the transaction for a received request; responses go to `target`
    /// (see [`super::response_target()`]). The layer passes the request to the TU.
    pub fn new(target: Target, cfg: TimerConfig) -> ServerNonInvite {
        ServerNonInvite {
            reliable: target.kind.is_reliable(),
            target,
            cfg,
            state: ServerNonInviteState::Trying,
            out: VecDeque::new(),
        }
    }

    /// The current state.
    pub fn state(&self) -> &ServerNonInviteState {
        &self.state
    }

    /// Feeds one input.
    pub fn handle(&mut self, now: Instant, input: Input) {
        match input {
            Input::RecvRequest(_) => self.recv_request_retransmission(),
            Input::SendResponse(r) => self.send_response(now, r),
            Input::Timer => self.on_timer(now),
            Input::TransportError => self.recv_transport_error(),
            Input::RecvResponse(_) => tracing::debug!("server transaction ignores a response"),
        }
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// The earliest pending deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.state {
            ServerNonInviteState::Completed(c) => Some(c.timer_j),
            _ => None,
        }
    }

    /// Whether the transaction has reached Terminated.
    pub fn is_terminated(&self) -> bool {
        self.state == ServerNonInviteState::Terminated
    }

    /// A retransmission of the request: re-send the last response, if any.
    pub fn recv_request_retransmission(&mut self) {
        let resp = match &self.state {
            ServerNonInviteState::Proceeding(r) => r.clone(),
            ServerNonInviteState::Completed(c) => c.response.clone(),
            ServerNonInviteState::Trying | ServerNonInviteState::Terminated => return,
        };
        self.transmit(resp);
    }

    /// The TU sends a response.
    pub fn send_response(&mut self, now: Instant, response: Response) {
        if matches!(
            self.state,
            ServerNonInviteState::Completed(_) | ServerNonInviteState::Terminated
        ) {
            tracing::debug!(code = %response.status, "response after the final one ignored");
            return;
        }
        self.transmit(response.clone());
        if response.status.is_provisional() {
            self.state = ServerNonInviteState::Proceeding(response);
            return;
        }
        let j = self.cfg.timer_j_for(self.reliable);
        if j.is_zero() {
            self.terminate();
        } else {
            self.state = ServerNonInviteState::Completed(CompletedNonInviteServer {
                response,
                timer_j: deadline(now, j),
            });
        }
    }

    /// Timer J fires when due.
    pub fn on_timer(&mut self, now: Instant) {
        if self.poll_timeout().is_some_and(|d| d <= now) {
            self.terminate();
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
        self.state = ServerNonInviteState::Terminated;
        self.out.push_back(Output::ToTu(TxEvent::Terminated));
    }

    fn transmit(&mut self, response: Response) {
        self.out.push_back(Output::Transmit {
            message: Message::Response(response),
            target: self.target.clone(),
        });
    }
}

#[cfg(test)]
#[path = "server_non_invite_tests.rs"]
mod tests;
