//! Transaction machine steps per second: each `handle(now, input)` call plus draining its
//! outputs is one step. Runs the sans-IO machines directly (no actors, no sockets).
//!
//! `cargo bench -p switchboard-benches --bench transaction`
#![allow(missing_docs)] // criterion_group! generates undocumented public functions

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::{HeaderName, Method, Request, Response, StatusCode, Uri};
use switchboard_actors::transaction::{
    ClientInvite, ClientNonInvite, Input, ServerNonInvite, TimerConfig,
};
use switchboard_actors::vocab::{Target, TransportKind};
use tokio::time::Instant;

fn request(method: Method) -> Request {
    let uri = Uri::Sip(switchboard_actors::sip::SipUri::new(
        Some("bob"),
        switchboard_actors::sip::Host::V4([127, 0, 0, 1].into()),
        Some(5060),
    ));
    let mut r = Request::new(method.clone(), uri);
    let h = &mut r.headers;
    h.push(
        HeaderName::Via,
        "SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bKbench1;rport",
    );
    h.push(HeaderName::MaxForwards, "70");
    h.push(HeaderName::From, "<sip:alice@127.0.0.1>;tag=a1");
    h.push(HeaderName::To, "<sip:bob@127.0.0.1>");
    h.push(HeaderName::CallId, "bench@127.0.0.1");
    h.push(HeaderName::CSeq, format!("1 {method}"));
    h.push(HeaderName::ContentLength, "0");
    r
}

fn target() -> Target {
    Target {
        kind: TransportKind::Udp,
        addr: SocketAddr::from(([127, 0, 0, 1], 5060)),
        conn: None,
        server_name: None,
    }
}

fn response(req: &Request, code: u16) -> Response {
    let mut r = Response::to_request(req, StatusCode::new(code).unwrap());
    r.headers.set(HeaderName::To, "<sip:bob@127.0.0.1>;tag=b1");
    r
}

/// A UDP non-INVITE client: request, 100, 200, Timer K. Returns the step count.
fn non_invite_round(t0: Instant, req: &Request, trying: &Response, ok: &Response) -> u64 {
    let mut tx = ClientNonInvite::new(t0, req.clone(), target(), TimerConfig::default());
    let mut steps = 0;
    while tx.poll_output().is_some() {}
    for (dt, input) in [
        (10, Input::RecvResponse(trying.clone())),
        (20, Input::RecvResponse(ok.clone())),
    ] {
        tx.handle(t0 + Duration::from_millis(dt), input);
        steps += 1;
        while black_box(tx.poll_output()).is_some() {}
    }
    while let Some(at) = tx.poll_timeout() {
        tx.handle(at, Input::Timer);
        steps += 1;
        while tx.poll_output().is_some() {}
    }
    assert!(tx.is_terminated());
    steps
}

/// A UDP INVITE client that never gets an answer: 6 retransmissions then Timer B.
fn invite_timeout_round(t0: Instant, req: &Request) -> u64 {
    let mut tx = ClientInvite::new(t0, req.clone(), target(), TimerConfig::default());
    let mut steps = 0;
    while tx.poll_output().is_some() {}
    while let Some(at) = tx.poll_timeout() {
        tx.handle(at, Input::Timer);
        steps += 1;
        while black_box(tx.poll_output()).is_some() {}
    }
    assert!(tx.is_terminated());
    steps
}

/// A UDP non-INVITE server: request in, 200 out, two retransmissions absorbed, Timer J.
fn server_round(t0: Instant, req: &Request, ok: &Response) -> u64 {
    let mut tx = ServerNonInvite::new(target(), TimerConfig::default());
    let mut steps = 0;
    for (dt, input) in [
        (1, Input::SendResponse(ok.clone())),
        (500, Input::RecvRequest(req.clone())),
        (1500, Input::RecvRequest(req.clone())),
    ] {
        tx.handle(t0 + Duration::from_millis(dt), input);
        steps += 1;
        while black_box(tx.poll_output()).is_some() {}
    }
    while let Some(at) = tx.poll_timeout() {
        tx.handle(at, Input::Timer);
        steps += 1;
        while tx.poll_output().is_some() {}
    }
    assert!(tx.is_terminated());
    steps
}

fn machines(c: &mut Criterion) {
    let t0 = Instant::now();
    let options = request(Method::Options);
    let invite = request(Method::Invite);
    let trying = response(&options, 100);
    let ok = response(&options, 200);
    let mut g = c.benchmark_group("transaction_steps");
    g.throughput(Throughput::Elements(non_invite_round(
        t0, &options, &trying, &ok,
    )));
    g.bench_function("client_non_invite_100_200_k", |b| {
        b.iter(|| non_invite_round(t0, &options, &trying, &ok))
    });
    g.throughput(Throughput::Elements(invite_timeout_round(t0, &invite)));
    g.bench_function("client_invite_timer_a_b", |b| {
        b.iter(|| invite_timeout_round(t0, &invite))
    });
    g.throughput(Throughput::Elements(server_round(t0, &options, &ok)));
    g.bench_function("server_non_invite_200_retrans_j", |b| {
        b.iter(|| server_round(t0, &options, &ok))
    });
    g.finish();
}

criterion_group!(benches, machines);
criterion_main!(benches);
