//! NAT rebinding regressions: the address a REGISTER's own 2xx shows is the baseline
//! (the registrar has just bound it), and a re-registration queued for an address change
//! does not jump the backoff when the REGISTER in flight fails.

use super::testkit::{cfg, drain, feed, machine, one, resp, secs, t0};
use super::{Input, RegState, RegistrationEvent as Ev};
use crate::sip::{HeaderName, Response};

fn seen(ip: [u8; 4], port: u16) -> Input {
    Input::ObservedAddress {
        received: ip.into(),
        rport: Some(port),
    }
}

/// `resp` with `received`/`rport` filled into its top Via, as a NAT-aware server does.
fn seen_at(mut r: Response, ip: &str, port: u16) -> Response {
    let via = r
        .headers
        .get(&HeaderName::Via)
        .map(|v| v.as_str().to_owned());
    let via =
        via.unwrap_or_default()
            .replacen(";rport", &format!(";received={ip};rport={port}"), 1);
    assert!(via.contains("received="), "{via}");
    r.headers.set(HeaderName::Via, via);
    r
}

#[test]
fn a_register_2xx_moves_the_baseline_without_registering_again() {
    let mut m = machine(cfg());
    let t = t0();
    m.handle(t, Input::Register);
    let req = one(&drain(&mut m).0);
    feed(&mut m, t, seen_at(resp(&req, 200), "203.0.113.5", 40000));
    m.handle(t, seen([203, 0, 113, 5], 40000));
    assert!(drain(&mut m).0.is_empty());
    // A refresh over a new connection (or after a rebinding) shows a new port: the
    // registrar has bound it already, so nothing more is sent.
    let later = secs(t, 2000);
    m.handle(later, Input::Timer);
    let refresh = one(&drain(&mut m).0);
    feed(
        &mut m,
        later,
        seen_at(resp(&refresh, 200), "203.0.113.5", 41000),
    );
    let (reqs, evs) = drain(&mut m);
    assert!(reqs.is_empty(), "{reqs:?}");
    assert!(!evs.contains(&Ev::AddressChanged), "{evs:?}");
    // A keepalive seeing that same address changes nothing; a newer one re-registers.
    m.handle(later, seen([203, 0, 113, 5], 41000));
    assert_eq!(drain(&mut m), (vec![], vec![]));
    m.handle(later, seen([203, 0, 113, 5], 42000));
    let (reqs, evs) = drain(&mut m);
    assert_eq!((reqs.len(), evs), (1, vec![Ev::AddressChanged]));
}

#[test]
fn a_failed_refresh_keeps_its_backoff_over_a_queued_address_change() {
    let mut m = machine(cfg());
    let t = t0();
    m.handle(t, Input::Register);
    let req = one(&drain(&mut m).0);
    feed(&mut m, t, resp(&req, 200));
    m.handle(t, seen([203, 0, 113, 5], 40000));
    drain(&mut m);
    let later = secs(t, 2000);
    m.handle(later, Input::Timer);
    let _refresh = one(&drain(&mut m).0);
    // The address moves while the refresh is out, then the refresh times out.
    m.handle(later, seen([203, 0, 113, 5], 41000));
    assert_eq!(drain(&mut m).0.len(), 0);
    m.handle(secs(later, 32), Input::Timeout);
    let (reqs, evs) = drain(&mut m);
    assert!(reqs.is_empty(), "the retry waits for the backoff: {reqs:?}");
    let retry_in = match evs.last() {
        Some(Ev::Failed { retry_in, .. }) => *retry_in,
        other => panic!("{other:?}"),
    };
    let Some(wait) = retry_in else {
        panic!("a timeout retries by itself")
    };
    assert!(matches!(m.state(), RegState::Failed { .. }));
    m.handle(secs(later, 32) + wait, Input::Timer);
    assert_eq!(drain(&mut m).0.len(), 1);
}

fn contact_at(ip: &str) -> crate::sip::SipUri {
    match crate::sip::Uri::parse(&format!("sip:alice@{ip}:5060;transport=udp")) {
        Ok(crate::sip::Uri::Sip(u)) => u,
        other => panic!("{other:?}"),
    }
}

fn contacts(req: &crate::sip::Request) -> Vec<String> {
    req.headers
        .get_all(&HeaderName::Contact)
        .map(|v| v.as_str().to_owned())
        .collect()
}

#[test]
fn a_local_address_move_registers_the_new_contact_and_removes_the_old() {
    let mut m = machine(cfg());
    let t = t0();
    m.handle(t, Input::Register);
    let req = one(&drain(&mut m).0);
    let old = m.config().contact.to_string();
    feed(&mut m, t, resp(&req, 200));
    drain(&mut m);
    m.handle(
        t,
        Input::Relocated {
            contact: contact_at("10.0.1.5"),
        },
    );
    let (reqs, evs) = drain(&mut m);
    assert_eq!(evs, vec![Ev::AddressChanged]);
    let moved = one(&reqs);
    let via = moved
        .headers
        .get(&HeaderName::Via)
        .unwrap()
        .as_str()
        .to_owned();
    assert!(via.contains("10.0.1.5:5060"), "{via}");
    let c = contacts(&moved);
    assert_eq!(c.len(), 2, "{c:?}");
    assert!(
        c[0].contains("10.0.1.5:5060") && !c[0].contains("expires=0"),
        "{c:?}"
    );
    assert_eq!(c[1], format!("<{old}>;expires=0"));
    // Once that succeeds the old Contact is gone for good: refreshes carry only ours.
    feed(&mut m, t, resp(&moved, 200));
    assert!(matches!(m.state(), RegState::Registered { .. }));
    drain(&mut m);
    m.handle(secs(t, 4000), Input::Timer);
    let refresh = one(&drain(&mut m).0);
    assert_eq!(contacts(&refresh).len(), 1);
    // The same address again changes nothing.
    m.handle(
        t,
        Input::Relocated {
            contact: contact_at("10.0.1.5"),
        },
    );
    assert!(drain(&mut m).0.is_empty());
}

#[test]
fn a_move_before_any_binding_only_changes_the_contact() {
    let mut m = machine(cfg());
    let t = t0();
    m.handle(
        t,
        Input::Relocated {
            contact: contact_at("10.0.1.5"),
        },
    );
    let (reqs, _) = drain(&mut m);
    assert!(reqs.is_empty(), "not wanted registered: {reqs:?}");
    m.handle(t, Input::Register);
    let first = one(&drain(&mut m).0);
    let c = contacts(&first);
    assert_eq!(c.len(), 1, "nothing bound to remove: {c:?}");
    assert!(c[0].contains("10.0.1.5"), "{c:?}");
}

#[test]
fn a_move_during_a_register_in_flight_queues_the_refresh() {
    let mut m = machine(cfg());
    let t = t0();
    m.handle(t, Input::Register);
    let req = one(&drain(&mut m).0);
    feed(&mut m, t, resp(&req, 200));
    drain(&mut m);
    m.handle(secs(t, 4000), Input::Timer);
    let refresh = one(&drain(&mut m).0);
    m.handle(
        t,
        Input::Relocated {
            contact: contact_at("10.0.1.5"),
        },
    );
    assert!(drain(&mut m).0.is_empty(), "one REGISTER at a time");
    feed(&mut m, t, resp(&refresh, 200));
    let again = one(&drain(&mut m).0);
    assert!(contacts(&again)[0].contains("10.0.1.5"));
}
