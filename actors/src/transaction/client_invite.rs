//! The INVITE client transaction (RFC 3261 §17.1.1, corrected by RFC 6026 §8.4).

use super::event::{Input, Output, TxEvent};
use super::timers::{deadline, Retransmit, TimerConfig};
use crate::sip::{HeaderName, Message, Method, Request, Response};
use crate::vocab::Target;
use std::collections::VecDeque;
use tokio::time::Instant;

/// The states of the INVITE client transaction (RFC 3261 figure 5 with RFC 6026's
/// Accepted state):
///
/// ```text
///                                |INVITE from TU
///              Timer A fires     |INVITE sent      Timer B fires
///              Reset A,          V                 or Transport Err.
///              INVITE sent +-----------+           inform TU
///                +---------|           |--------------------------+
///                |         |  Calling  |                          |
///                +-------->|           |-----------+              |
///   300-699                +-----------+ 2xx       |              |
///   ACK sent                  |  |       2xx to TU |              |
///   resp. to TU               |  |1xx              |              |
///   +-------------------------+  |1xx to TU        |              |
///   |                            |                 |              |
///   |                1xx         V                 |              |
///   |                1xx to TU  +-----------+      |              |
///   |                +---------|            |      |              |
///   |                |         |Proceeding  |      |              |
///   |                +-------->|            |      |              |
///   |                          +-----------+ 2xx   |              |
///   |         300-699             |    2xx to TU   |              |
///   |         ACK sent,  +--------+----------------+              |
///   |         resp. to TU|                         |              |
///   |                    V                         V              |
///   |              +-----------+              +----------+        |
///   +------------->| Completed |              | Accepted |        |
///                  +-----------+              +----------+        |
///                  ^   |    |                  |       ^          |
///                  |   |    | Timer D fires    |       |          |
///                  +---+    | -                |       |          |
///                300-699    |    Timer M fires |       | 2xx      |
///                ACK sent   |    -             |       | 2xx to TU|
///                           V                  V       +----------+
///                      +------------+                             |
///                      | Terminated |<----------------------------+
///                      +------------+
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientInviteState {
    /// INVITE sent, no response yet.
    Calling(Calling),
    /// A provisional response arrived.
    Proceeding,
    /// A 300–699 arrived and was ACKed; absorbing its retransmissions until Timer D.
    Completed(CompletedClient),
    /// A 2xx arrived (RFC 6026); further 2xx go to the TU until Timer M.
    Accepted(AcceptedClient),
    /// Finished.
    Terminated,
}

/// Calling: Timer A (unreliable transports only) and Timer B.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calling {
    /// Timer A: INVITE retransmission, doubling each time.
    pub timer_a: Option<Retransmit>,
    /// Timer B: transaction timeout.
    pub timer_b: Instant,
}

/// Completed: Timer D.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompletedClient {
    /// Timer D: leave Completed.
    pub timer_d: Instant,
}

/// Accepted: Timer M.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptedClient {
    /// Timer M: leave Accepted.
    pub timer_m: Instant,
}

/// An INVITE client transaction.
#[derive(Debug)]
pub struct ClientInvite {
    request: Request,
    target: Target,
    cfg: TimerConfig,
    reliable: bool,
    state: ClientInviteState,
    ack: Option<Request>,
    out: VecDeque<Output>,
}

impl ClientInvite {
    /// Starts the transaction: the INVITE is queued for transmission at once.
    pub fn new(now: Instant, request: Request, target: Target, cfg: TimerConfig) -> ClientInvite {
        let reliable = target.kind.is_reliable();
        let state = ClientInviteState::Calling(Calling {
            timer_a: (!reliable).then(|| Retransmit::start(now, cfg.t1)),
            timer_b: deadline(now, cfg.timer_b()),
        });
        let mut tx = ClientInvite {
            request,
            target,
            cfg,
            reliable,
            state,
            ack: None,
            out: VecDeque::new(),
        };
        tx.transmit_request();
        tx
    }

    /// The current state.
    pub fn state(&self) -> &ClientInviteState {
        &self.state
    }

    /// The INVITE this transaction sends.
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
                tracing::debug!("client INVITE transaction ignores a server-side input");
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
            ClientInviteState::Calling(c) => {
                Some(c.timer_a.map_or(c.timer_b, |a| a.due.min(c.timer_b)))
            }
            ClientInviteState::Completed(c) => Some(c.timer_d),
            ClientInviteState::Accepted(a) => Some(a.timer_m),
            ClientInviteState::Proceeding | ClientInviteState::Terminated => None,
        }
    }

    /// Whether the transaction has reached Terminated.
    pub fn is_terminated(&self) -> bool {
        self.state == ClientInviteState::Terminated
    }

    /// A response arrived.
    pub fn recv_response(&mut self, now: Instant, response: Response) {
        let code = response.status;
        match &self.state {
            ClientInviteState::Calling(_) | ClientInviteState::Proceeding => {
                if code.is_provisional() {
                    self.state = ClientInviteState::Proceeding;
                    self.tell_tu(TxEvent::Response(response));
                } else if code.is_success() {
                    self.state = ClientInviteState::Accepted(AcceptedClient {
                        timer_m: deadline(now, self.cfg.timer_m()),
                    });
                    self.tell_tu(TxEvent::Response(response));
                } else {
                    let ack = build_ack(&self.request, &response);
                    self.ack = Some(ack);
                    self.transmit_ack();
                    self.tell_tu(TxEvent::Response(response));
                    let d = self.cfg.timer_d_for(self.reliable);
                    if d.is_zero() {
                        self.terminate();
                    } else {
                        self.state = ClientInviteState::Completed(CompletedClient {
                            timer_d: deadline(now, d),
                        });
                    }
                }
            }
            ClientInviteState::Completed(_) => {
                if code.is_final() && !code.is_success() {
                    self.transmit_ack();
                }
            }
            ClientInviteState::Accepted(_) => {
                if code.is_success() {
                    self.tell_tu(TxEvent::Response(response));
                }
            }
            ClientInviteState::Terminated => {}
        }
    }

    /// Every timer due at `now` fires, earliest first.
    pub fn on_timer(&mut self, now: Instant) {
        while let Some(due) = self.poll_timeout().filter(|d| *d <= now) {
            match self.state {
                ClientInviteState::Calling(mut c) => {
                    if c.timer_b <= due {
                        self.tell_tu(TxEvent::Timeout);
                        self.terminate();
                    } else if let Some(a) = c.timer_a {
                        self.transmit_request();
                        c.timer_a = Some(a.next(None));
                        self.state = ClientInviteState::Calling(c);
                    }
                }
                ClientInviteState::Completed(_) | ClientInviteState::Accepted(_) => {
                    self.terminate()
                }
                ClientInviteState::Proceeding | ClientInviteState::Terminated => break,
            }
        }
    }

    /// The transport reported a failure: inform the TU and terminate.
    pub fn recv_transport_error(&mut self) {
        if !self.is_terminated() {
            self.tell_tu(TxEvent::TransportError);
            self.terminate();
        }
    }

    fn terminate(&mut self) {
        self.state = ClientInviteState::Terminated;
        self.tell_tu(TxEvent::Terminated);
    }

    fn tell_tu(&mut self, event: TxEvent) {
        self.out.push_back(Output::ToTu(event));
    }

    fn transmit_request(&mut self) {
        self.out.push_back(Output::Transmit {
            message: Message::Request(self.request.clone()),
            target: self.target.clone(),
        });
    }

    fn transmit_ack(&mut self) {
        if let Some(ack) = &self.ack {
            self.out.push_back(Output::Transmit {
                message: Message::Request(ack.clone()),
                target: self.target.clone(),
            });
        }
    }
}

/// The ACK for a non-2xx final response (RFC 3261 §17.1.1.3): the INVITE's
/// Request-URI, Call-ID, From, Max-Forwards and Route headers, its top Via only, the
/// response's To (with its tag), and CSeq with the INVITE's number and method ACK.
pub fn build_ack(invite: &Request, response: &Response) -> Request {
    let mut ack = Request::new(Method::Ack, invite.uri.clone());
    let h = &invite.headers;
    if let Some(via) = h.get(&HeaderName::Via) {
        ack.headers.push(HeaderName::Via, via.clone());
    }
    if let Some(mf) = h.get(&HeaderName::MaxForwards) {
        ack.headers.push(HeaderName::MaxForwards, mf.clone());
    }
    for route in h.get_all(&HeaderName::Route) {
        ack.headers.push(HeaderName::Route, route.clone());
    }
    for name in [HeaderName::From, HeaderName::CallId] {
        if let Some(v) = h.get(&name) {
            ack.headers.push(name, v.clone());
        }
    }
    if let Some(to) = response
        .headers
        .get(&HeaderName::To)
        .or(h.get(&HeaderName::To))
    {
        ack.headers.push(HeaderName::To, to.clone());
    }
    let seq = h
        .get(&HeaderName::CSeq)
        .and_then(|v| crate::sip::CSeq::parse(v.as_str()).ok())
        .map_or(0, |c| c.seq);
    ack.headers.push(HeaderName::CSeq, format!("{seq} ACK"));
    ack
}

#[cfg(test)]
#[path = "client_invite_tests.rs"]
mod tests;
