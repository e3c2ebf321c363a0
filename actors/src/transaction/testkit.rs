//! Message builders and helpers shared by the transaction tests.

use super::event::Output;
use crate::sip::{HeaderName, Host, Message, Method, Request, Response, SipUri, StatusCode, Uri};
use crate::vocab::{ConnId, Flow, Target, TransportKind};
use std::time::Duration;

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
