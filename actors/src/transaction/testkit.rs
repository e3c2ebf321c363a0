//! Message builders and helpers shared by the transaction tests.

use super::event::{Input, Output};
use super::{ClientInvite, ClientNonInvite, ServerInvite, ServerNonInvite};
use crate::sip::{HeaderName, Host, Message, Method, Request, Response, SipUri, StatusCode, Uri};
use crate::vocab::{ConnId, Flow, Target, TransportKind};
use std::time::Duration;
use tokio::time::Instant;

pub fn uri() -> Uri {
    Uri::Sip(SipUri::new(
        Some("bob"),
        Host::Domain("example.com".into()),
        None,
    ))
}

/// A request as a peer at 10.0.0.1 would send it.
pub fn request(method: Method, branch: &str) -> Request {
    let mut r = Request::new(method.clone(), uri());
    r.headers.push(
        HeaderName::Via,
        format!("SIP/2.0/UDP 10.0.0.1:5060;branch={branch}"),
    );
    r.headers.push(HeaderName::MaxForwards, "70");
    r.headers.push(HeaderName::Route, "<sip:p1.example.com;lr>");
    r.headers.push(HeaderName::Route, "<sip:p2.example.com;lr>");
    r.headers
        .push(HeaderName::From, "\"Alice\" <sip:alice@example.com>;tag=a1");
    r.headers.push(HeaderName::To, "<sip:bob@example.com>");
    r.headers.push(HeaderName::CallId, "call-1@10.0.0.1");
    r.headers.push(HeaderName::CSeq, format!("1 {}", method));
    r
}

pub fn invite(branch: &str) -> Request {
    request(Method::Invite, branch)
}

/// A response to `req` with status `code`; finals get a To tag.
pub fn response(req: &Request, code: u16) -> Response {
    let mut resp = Response::to_request(req, StatusCode::new(code).unwrap());
    if code > 100 {
        resp.headers
            .set(HeaderName::To, "<sip:bob@example.com>;tag=b2");
    }
    resp
}

pub fn target(kind: TransportKind) -> Target {
    Target {
        kind,
        addr: "10.0.0.2:5060".parse().unwrap(),
        conn: kind.is_reliable().then_some(ConnId(1)),
        server_name: None,
    }
}

pub fn flow(kind: TransportKind) -> Flow {
    Flow {
        kind,
        local: "10.0.0.2:5060".parse().unwrap(),
        remote: "10.0.0.1:5060".parse().unwrap(),
        conn: kind.is_reliable().then_some(ConnId(1)),
    }
}

pub fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// Drains a machine's outputs through `poll`.
pub fn drain(mut poll: impl FnMut() -> Option<Output>) -> Vec<Output> {
    std::iter::from_fn(&mut poll).collect()
}

/// The messages transmitted among `outs`.
pub fn transmitted(outs: &[Output]) -> Vec<&Message> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Transmit { message, .. } => Some(message),
            Output::ToTu(_) => None,
        })
        .collect()
}

/// The sans-IO interface the four machines share, so timer walks are written once.
pub trait Machine {
    /// `handle(now, input)`
    fn handle(&mut self, now: Instant, input: Input);
    /// `poll_output()`
    fn poll_output(&mut self) -> Option<Output>;
    /// `poll_timeout()`
    fn poll_timeout(&self) -> Option<Instant>;
}

macro_rules! machine {
    ($($t:ty),*) => {$(
        impl Machine for $t {
            fn handle(&mut self, now: Instant, input: Input) {
                <$t>::handle(self, now, input)
            }
            fn poll_output(&mut self) -> Option<Output> {
                <$t>::poll_output(self)
            }
            fn poll_timeout(&self) -> Option<Instant> {
                <$t>::poll_timeout(self)
            }
        }
    )*};
}
machine!(ClientInvite, ClientNonInvite, ServerInvite, ServerNonInvite);

/// Fires the timers due at `at` and returns what came out.
pub fn fire(tx: &mut impl Machine, at: Instant) -> Vec<Output> {
    tx.handle(at, Input::Timer);
    drain(|| tx.poll_output())
}

/// Fires every deadline until none is left: the times (ms after `t0`) at which
/// something was transmitted, and the outputs of the last firing.
pub fn schedule(t0: Instant, tx: &mut impl Machine) -> (Vec<u128>, Vec<Output>) {
    let mut at = Vec::new();
    let mut last = Vec::new();
    while let Some(due) = tx.poll_timeout() {
        let outs = fire(tx, due);
        if !transmitted(&outs).is_empty() {
            at.push((due - t0).as_millis());
        }
        last = outs;
    }
    (at, last)
}
