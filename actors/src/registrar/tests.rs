//! The machine's main flows without authentication: request shape, grant and refresh,
//! unregistering, queueing, NAT rebinding.

use super::testkit::{cfg, drain, feed, machine, one, resp, secs, sip, t0};
use super::{Input, PushParams, RegState, RegistrationEvent as Ev};
use crate::sip::{Contact, HeaderName, Method};
use std::time::Duration;

fn registered(
    m: &mut super::RegistrationMachine,
    now: tokio::time::Instant,
) -> crate::sip::Request {
    m.handle(now, Input::Register);
    let req = one(&drain(m).0);
    feed(m, now, resp(&req, 200));
    assert!(matches!(m.state(), RegState::Registered { .. }));
    req
}

#[test]
fn first_register_is_well_formed() {
    let mut c = cfg();
    c.display_name = Some("Alice \"A\"".into());
    c.instance = Some("<urn:uuid:00000000-0000-1000-8000-000a95a0e128>".into());
    c.reg_id = Some(1);
    c.push = Some(PushParams {
        provider: "apns".into(),
        prid: "tok:1 2".into(),
        param: Some("ABCD.com.example.voip".into()),
    });
    c.outbound_proxy = Some(sip("sip:proxy.example.com:5070;transport=tcp"));
    let mut m = machine(c);
    let t = t0();
    assert!(drain(&mut m).0.is_empty(), "new() sends nothing");
    m.handle(t, Input::Register);
    let (reqs, evs) = drain(&mut m);
    assert_eq!(evs, [Ev::Registering]);
    let r = one(&reqs);
    assert_eq!(r.method, Method::Register);
    assert_eq!(r.uri.to_string(), "sip:example.com");
    let via = r.top_via().unwrap();
    assert_eq!(
        (via.transport, via.host, via.port),
        ("TCP", "10.0.0.1", Some(5060))
    );
    assert_eq!((via.branch, via.rport), (Some("z9hG4bK"), Some(None)));
    let (from, to) = (r.from().unwrap(), r.to().unwrap());
    assert_eq!(from.uri.to_string(), "sip:alice@example.com");
    assert_eq!(from.display_text().as_deref(), Some("Alice \"A\""));
    assert!(from.tag().is_some() && to.tag().is_none());
    assert_eq!(to.uri, from.uri);
    assert!(!r.call_id().unwrap().is_empty());
    assert_eq!(
        (r.cseq().unwrap().seq, r.cseq().unwrap().method),
        (1, Method::Register)
    );
    let Contact::Addr(ct) = &r.contacts().unwrap()[0] else {
        panic!("wildcard")
    };
    let crate::sip::Uri::Sip(cu) = &ct.uri else {
        panic!("not sip")
    };
    assert_eq!(cu.param("transport"), Some("tcp"));
    assert_eq!(cu.param("ob"), Some(""));
    assert_eq!(cu.param("pn-provider"), Some("apns"));
    assert_eq!(cu.param("pn-prid"), Some("tok:1%202"));
    assert_eq!(cu.param("pn-param"), Some("ABCD.com.example.voip"));
    assert_eq!(
        ct.instance(),
        Some("<urn:uuid:00000000-0000-1000-8000-000a95a0e128>")
    );
    assert_eq!(ct.reg_id(), Some(1));
    assert_eq!(ct.expires(), None);
    assert_eq!(
        r.headers.get(&HeaderName::Expires).unwrap().as_str(),
        "3600"
    );
    let routes = r.routes().unwrap();
    assert_eq!(
        routes[0].uri.to_string(),
        "sip:proxy.example.com:5070;transport=tcp;lr"
    );
    assert_eq!(
        r.headers.get(&HeaderName::Supported).unwrap().as_str(),
        "path, outbound"
    );
    assert!(r.headers.get(&HeaderName::Authorization).is_none());
    assert!(m.in_flight() && m.poll_timeout().is_none());
}

#[test]
fn ok_grants_contact_expiry_and_refreshes_with_same_ids() {
    let mut m = machine(cfg());
    let t = t0();
    m.handle(t, Input::Register);
    let r1 = one(&drain(&mut m).0);
    let mut ok = resp(&r1, 200);
    ok.headers
        .push(HeaderName::Contact, "<sip:bob@10.9.9.9>;expires=50");
    ok.headers.push(
        HeaderName::Contact,
        "<sip:alice@10.0.0.1;transport=tcp>;expires=1800",
    );
    ok.headers.push(HeaderName::Expires, "3600");
    ok.headers.push(
        HeaderName::ServiceRoute,
        "<sip:edge.example.com;lr>, <sip:core;lr>",
    );
    feed(&mut m, t, resp(&r1, 100));
    assert!(m.in_flight(), "provisional ignored");
    feed(&mut m, t, ok);
    assert_eq!(drain(&mut m).1, [Ev::Registered { expires: 1800 }]);
    assert_eq!(
        m.state(),
        RegState::Registered {
            expires: 1800,
            until: secs(t, 1800)
        }
    );
    assert_eq!(m.service_route().len(), 2);
    assert_eq!(m.service_route()[1].uri.to_string(), "sip:core;lr");
    let due = m.poll_timeout().unwrap();
    assert!(due >= secs(t, 810) && due <= secs(t, 900), "{:?}", due - t);
    m.handle(due - Duration::from_secs(1), Input::Timer);
    assert!(drain(&mut m).0.is_empty(), "not due yet");
    m.handle(due, Input::Timer);
    let (reqs, evs) = drain(&mut m);
    assert!(evs.is_empty(), "a refresh stays Registered: {evs:?}");
    let r2 = one(&reqs);
    assert_eq!(r2.cseq().unwrap().seq, 2);
    assert_eq!(r2.call_id().unwrap(), r1.call_id().unwrap());
    assert_eq!(r2.from().unwrap().tag(), r1.from().unwrap().tag());
    // A stray answer (old CSeq) is ignored.
    feed(&mut m, due, resp(&r1, 500));
    assert!(m.in_flight());
    feed(&mut m, due, resp(&r2, 200));
    assert_eq!(drain(&mut m).1, [Ev::Registered { expires: 3600 }]);
}

#[test]
fn unregister_sends_expires_zero_and_ends_unregistered() {
    let mut m = machine(cfg());
    let t = t0();
    registered(&mut m, t);
    drain(&mut m);
    m.handle(t, Input::Unregister);
    let (reqs, evs) = drain(&mut m);
    assert_eq!(evs, [Ev::Unregistering]);
    let r = one(&reqs);
    assert_eq!(r.headers.get(&HeaderName::Expires).unwrap().as_str(), "0");
    assert_eq!(r.contacts().unwrap().len(), 1);
    assert_eq!(m.poll_timeout(), None, "no refresh while unregistering");
    feed(&mut m, t, resp(&r, 200));
    assert_eq!(drain(&mut m).1, [Ev::Unregistered]);
    assert_eq!((m.state(), m.in_flight()), (RegState::Unregistered, false));
    // A failed unregister still ends Unregistered.
    registered(&mut m, t);
    m.handle(t, Input::Unregister);
    drain(&mut m);
    m.handle(t, Input::Timeout);
    assert_eq!(drain(&mut m).1, [Ev::Unregistered]);
    assert_eq!(m.poll_timeout(), None);
}

#[test]
fn requests_while_in_flight_are_queued() {
    let mut m = machine(cfg());
    let t = t0();
    m.handle(t, Input::Register);
    let r1 = one(&drain(&mut m).0);
    m.handle(t, Input::Unregister);
    m.handle(t, Input::Register);
    m.handle(t, Input::Unregister);
    assert!(drain(&mut m).0.is_empty(), "one REGISTER in flight at most");
    feed(&mut m, t, resp(&r1, 200));
    let (reqs, evs) = drain(&mut m);
    assert_eq!(evs, [Ev::Registered { expires: 3600 }, Ev::Unregistering]);
    let r2 = one(&reqs);
    assert_eq!(r2.headers.get(&HeaderName::Expires).unwrap().as_str(), "0");
    m.handle(t, Input::Register);
    assert!(drain(&mut m).0.is_empty());
    feed(&mut m, t, resp(&r2, 200));
    let (reqs, evs) = drain(&mut m);
    assert_eq!(evs, [Ev::Unregistered, Ev::Registering]);
    assert_eq!(
        one(&reqs)
            .headers
            .get(&HeaderName::Expires)
            .unwrap()
            .as_str(),
        "3600"
    );
}

#[test]
fn nat_rebinding_re_registers() {
    let mut m = machine(cfg());
    let t = t0();
    registered(&mut m, t);
    drain(&mut m);
    let seen = |ip: [u8; 4], port| Input::ObservedAddress {
        received: ip.into(),
        rport: Some(port),
    };
    m.handle(t, seen([203, 0, 113, 5], 40000));
    m.handle(t, seen([203, 0, 113, 5], 40000));
    assert_eq!(drain(&mut m), (vec![], vec![]));
    m.handle(t, seen([203, 0, 113, 5], 41000));
    let (reqs, evs) = drain(&mut m);
    assert_eq!(evs, [Ev::AddressChanged]);
    let r = one(&reqs);
    // Moving again while that one is out: remembered, sent after it.
    m.handle(t, seen([198, 51, 100, 7], 41000));
    assert_eq!(drain(&mut m).0.len(), 0);
    feed(&mut m, t, resp(&r, 200));
    assert_eq!(drain(&mut m).0.len(), 1);
}
