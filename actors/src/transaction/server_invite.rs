//! The INVITE server transaction (RFC 3261 §17.2.1, corrected by RFC 6026 §7.1).

use super::event::{Input, Output, TxEvent};
use super::timers::{deadline, Retransmit, TimerConfig};
use crate::sip::{Message, Method, Request, Response, StatusCode};
use crate::vocab::Target;
use std::collections::VecDeque;
use tokio::time::Instant;

/// The states of the INVITE server transaction (RFC 3261 figure 7 with RFC 6026's
/// Accepted state):
///
/// ```text
///                                      |INVITE
///                                      |pass INV to TU
///                   INVITE             V send 100 if TU won't in 200 ms
///                   send response+------------+
///                       +--------|            |--------+ 101-199 from TU
///                       |        |            |        | send response
///                       +------->|            |<-------+
///                                | Proceeding |
///                                |            |--------+ Transport Err.
///                                |            |        | Inform TU
///                                |            |<-------+
///                                +------------+
///                   300-699 from TU |    |2xx from TU
///                   send response   |    |send response
///                    +--------------+    +------------+
///                    |                                |
///   INVITE           V          Timer G fires         |
///   send response +-----------+ send response         |
///        +--------|           |--------+              |
///        |        |           |        |              |
///        +------->| Completed |<-------+      INVITE  |  Transport Err.
///                 |           |               -       |  Inform TU
///        +--------|           |----+          +-----+ |  +---+
///        |        +-----------+    | ACK      |     v v  |   v
///        |          ^   |          | -        |  +------------+
///        |          |   |          |          |  |            |---+ ACK
///        +----------+   |          |          +--|  Accepted  |   | to TU
///        Transport Err. |          |             |            |<--+
///        Inform TU      |          V             +------------+
///                       |      +-----------+        |  ^     |
///                       |      |           |        |  |     |
///                       |      | Confirmed |        |  +-----+
///                       |      |           |        |  2xx from TU
///         Timer H fires |      +-----------+        |  send response
///         -             |          |                |
///                       |          | Timer I fires  |
///                       |          | -              | Timer L fires
///                       |          V                | -
///                       |        +------------+     |
///                       |        |            |<----+
///                       +------->| Terminated |
///                                |            |
///                                +------------+
/// ```
///
/// Here every transport error informs the TU and terminates the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerInviteState {
    /// Waiting for the TU's final response.
    Proceeding(ProceedingServer),
    /// A 300–699 was sent; retransmitting it (Timer G) until the ACK or Timer H.
    Completed(CompletedServer),
    /// The ACK arrived; absorbing ACK retransmissions until Timer I.
    Confirmed(ConfirmedServer),
    /// A 2xx was sent (RFC 6026); the TU retransmits it, until Timer L.
    Accepted(AcceptedServer),
    /// Finished.
    Terminated,
}

/// Proceeding: the 100 Trying timer and the last provisional sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProceedingServer {
    /// When to send 100 Trying if the TU has sent nothing (§17.2.1).
    pub trying_at: Option<Instant>,
    /// The most recent provisional response, re-sent on INVITE retransmissions.
    pub last_provisional: Option<Response>,
}

/// Completed: the final response, Timer G (unreliable only) and Timer H.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedServer {
    /// The final response, re-sent on Timer G and on INVITE retransmissions.
    pub response: Response,
    /// Timer G: response retransmission, doubling up to T2.
    pub timer_g: Option<Retransmit>,
    /// Timer H: give up waiting for the ACK.
    pub timer_h: Instant,
}

/// Confirmed: Timer I.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmedServer {
    /// Timer I: leave Confirmed.
    pub timer_i: Instant,
}

/// Accepted: Timer L.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptedServer {
    /// Timer L: leave Accepted.
    pub timer_l: Instant,
}

/// An INVITE server transaction.
#[derive(Debug)]
pub struct ServerInvite {
    request: Request,
    target: Target,
    cfg: TimerConfig,
    reliable: bool,
    state: ServerInviteState,
    out: VecDeque<Output>,
}

impl ServerInvite {
    /// Starts the transaction for a received INVITE; responses go to `target`
    /// (see [`super::response_target()`]). The layer passes the INVITE to the TU.
    pub fn new(now: Instant, request: Request, target: Target, cfg: TimerConfig) -> ServerInvite {
        ServerInvite {
            state: ServerInviteState::Proceeding(ProceedingServer {
                trying_at: Some(deadline(now, cfg.trying_delay)),
                last_provisional: None,
            }),
            reliable: target.kind.is_reliable(),
            request,
            target,
            cfg,
            out: VecDeque::new(),
        }
    }

    /// The current state.
    pub fn state(&self) -> &ServerInviteState {
        &self.state
    }

    /// Feeds one input.
    pub fn handle(&mut self, now: Instant, input: Input) {
        match input {
            Input::RecvRequest(r) => self.recv_request(now, r),
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
            ServerInviteState::Proceeding(p) => p.trying_at,
            ServerInviteState::Completed(c) => {
                Some(c.timer_g.map_or(c.timer_h, |g| g.due.min(c.timer_h)))
            }
            ServerInviteState::Confirmed(c) => Some(c.timer_i),
            ServerInviteState::Accepted(a) => Some(a.timer_l),
            ServerInviteState::Terminated => None,
        }
    }

    /// Whether the transaction has reached Terminated.
    pub fn is_terminated(&self) -> bool {
        self.state == ServerInviteState::Terminated
    }

    /// A request matching this transaction arrived: an INVITE retransmission or an ACK.
    pub fn recv_request(&mut self, now: Instant, request: Request) {
        if request.method == Method::Ack {
            self.recv_ack(now, request);
        } else {
            self.recv_request_retransmission();
        }
    }

    /// An INVITE retransmission: re-send the last provisional (Proceeding) or the
    /// final response (Completed); absorbed elsewhere.
    pub fn recv_request_retransmission(&mut self) {
        match &mut self.state {
            ServerInviteState::Proceeding(p) => {
                let resp = p
                    .last_provisional
                    .get_or_insert_with(|| Response::to_request(&self.request, StatusCode::TRYING));
                p.trying_at = None;
                let resp = resp.clone();
                self.transmit(resp);
            }
            ServerInviteState::Completed(c) => {
                let resp = c.response.clone();
                self.transmit(resp);
            }
            _ => {}
        }
    }

    fn recv_ack(&mut self, now: Instant, ack: Request) {
        match &self.state {
            ServerInviteState::Completed(_) => {
                let i = self.cfg.t4_for(self.reliable);
                if i.is_zero() {
                    self.terminate();
                } else {
                    self.state = ServerInviteState::Confirmed(ConfirmedServer {
                        timer_i: deadline(now, i),
                    });
                }
            }
            ServerInviteState::Accepted(_) => self.out.push_back(Output::ToTu(TxEvent::Ack(ack))),
            _ => {}
        }
    }

    /// The TU sends a response.
    pub fn send_response(&mut self, now: Instant, response: Response) {
        let code = response.status;
        match &mut self.state {
            ServerInviteState::Proceeding(p) => {
                if code.is_provisional() {
                    p.last_provisional = Some(response.clone());
                    p.trying_at = None;
                    self.transmit(response);
                } else if code.is_success() {
                    self.transmit(response);
                    self.state = ServerInviteState::Accepted(AcceptedServer {
                        timer_l: deadline(now, self.cfg.timer_l()),
                    });
                } else {
                    self.transmit(response.clone());
                    self.state = ServerInviteState::Completed(CompletedServer {
                        response,
                        timer_g: (!self.reliable).then(|| Retransmit::start(now, self.cfg.t1)),
                        timer_h: deadline(now, self.cfg.timer_h()),
                    });
                }
            }
            // RFC 6026 §7.1: the TU retransmits its 2xx through the Accepted state.
            ServerInviteState::Accepted(_) if code.is_success() => self.transmit(response),
            _ => tracing::debug!(%code, "response from the TU ignored in this state"),
        }
    }

    /// Every timer due at `now` fires, earliest first.
    pub fn on_timer(&mut self, now: Instant) {
        while let Some(due) = self.poll_timeout().filter(|d| *d <= now) {
            match &mut self.state {
                ServerInviteState::Proceeding(p) => {
                    p.trying_at = None;
                    let trying = Response::to_request(&self.request, StatusCode::TRYING);
                    p.last_provisional = Some(trying.clone());
                    self.transmit(trying);
                }
                ServerInviteState::Completed(c) => {
                    if c.timer_h <= due {
                        self.out.push_back(Output::ToTu(TxEvent::Timeout));
                        self.terminate();
                    } else if let Some(g) = c.timer_g {
                        c.timer_g = Some(g.next(Some(self.cfg.t2)));
                        let resp = c.response.clone();
                        self.transmit(resp);
                    }
                }
                ServerInviteState::Confirmed(_) | ServerInviteState::Accepted(_) => {
                    self.terminate()
                }
                ServerInviteState::Terminated => break,
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
        self.state = ServerInviteState::Terminated;
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
#[path = "server_invite_tests.rs"]
mod tests;
