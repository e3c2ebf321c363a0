//! Random input sequences (responses of every status, 401/407 challenges fresh or stale,
//! 423 with Min-Expires, Retry-After, late responses to older REGISTERs, timeouts,
//! transport errors, timers, user requests, credential swaps, address changes): no
//! panic; never two REGISTERs in flight; whenever none is in flight the state is
//! Registered, Failed or Unregistered; a run of 200 OKs always settles there; and a
//! failure with an automatic retry really retries when its timer fires.

use super::testkit::{cfg, machine, resp, secs, t0, Server};
use super::{Input, Output, RegState, RegistrationMachine};
use crate::sip::auth::{Algorithm, Password};
use crate::sip::{HeaderName, Request};
use proptest::prelude::*;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone)]
enum Step {
    Status(u16),
    Challenge {
        proxy: bool,
        stale: bool,
    },
    Timeout,
    TransportError,
    Timer,
    Register,
    Unregister,
    Observed(u8),
    Wait(u16),
    /// A final response to the REGISTER before the last one (a late retransmission).
    Late(u16),
    /// New credentials (or none).
    SetCredentials(Option<u8>),
    /// A 503 with Retry-After.
    RetryAfter(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (100u16..700).prop_map(Step::Status),
        3 => (any::<bool>(), any::<bool>()).prop_map(|(proxy, stale)| Step::Challenge { proxy, stale }),
        1 => Just(Step::Timeout),
        1 => Just(Step::TransportError),
        2 => Just(Step::Timer),
        2 => Just(Step::Register),
        1 => Just(Step::Unregister),
        1 => (0u8..3).prop_map(Step::Observed),
        1 => (0u16..4000).prop_map(Step::Wait),
        1 => (200u16..700).prop_map(Step::Late),
        1 => prop::option::of(0u8..3).prop_map(Step::SetCredentials),
        1 => (0u8..120).prop_map(Step::RetryAfter),
    ]
}

/// Drains outputs; returns the REGISTERs sent.
fn sends(m: &mut RegistrationMachine) -> Vec<Request> {
    std::iter::from_fn(|| m.poll_output())
        .filter_map(|o| match o {
            Output::Send(r) => Some(r),
            Output::Event(_) => None,
        })
        .collect()
}

proptest! {
    #[test]
    fn one_in_flight_and_settles(steps in prop::collection::vec(step(), 0..60)) {
        let mut m = machine(cfg());
        let mut srv = Server::new(Algorithm::Md5);
        let mut now: Instant = t0();
        let mut last: Option<Request> = None;
        let mut prev: Option<Request> = None;
        let mut outstanding = false;
        for s in steps {
            let ends = outstanding && match &s {
                Step::Status(c) => *c >= 200,
                Step::Challenge { .. } | Step::RetryAfter(_) | Step::Timeout | Step::TransportError => true,
                _ => false,
            };
            let input = match (&s, &last) {
                (Step::Status(c), Some(r)) => {
                    let mut x = resp(r, *c);
                    x.headers.push(HeaderName::MinExpires, "7200");
                    Input::Response(x)
                }
                (Step::Challenge { proxy, stale }, Some(r)) => {
                    let code = if *proxy { 407 } else { 401 };
                    Input::Response(srv.challenge(now, r, code, *stale))
                }
                (Step::RetryAfter(secs), Some(r)) => {
                    let mut x = resp(r, 503);
                    x.headers.push(HeaderName::RetryAfter, secs.to_string());
                    Input::Response(x)
                }
                (Step::Late(c), _) => match &prev {
                    Some(p) => Input::Response(resp(p, *c)),
                    None => continue,
                },
                (Step::SetCredentials(pw), _) => Input::SetCredentials {
                    auth_username: "alice".into(),
                    password: pw.map(|n| Password::new(format!("pw-{n}"))),
                },
                (Step::Status(_) | Step::Challenge { .. } | Step::RetryAfter(_), None) => continue,
                (Step::Timeout, _) => Input::Timeout,
                (Step::TransportError, _) => Input::TransportError,
                (Step::Timer, _) => {
                    now = m.poll_timeout().map_or(now, |d| d.max(now));
                    Input::Timer
                }
                (Step::Register, _) => Input::Register,
                (Step::Unregister, _) => Input::Unregister,
                (Step::Observed(n), _) => Input::ObservedAddress { received: [192, 0, 2, *n].into(), rport: Some(5060) },
                (Step::Wait(d), _) => {
                    now += Duration::from_secs(u64::from(*d));
                    continue;
                }
            };
            if ends {
                outstanding = false;
            }
            m.handle(now, input);
            let sent = sends(&mut m);
            prop_assert!(sent.len() <= 1, "two REGISTERs from one input");
            if let Some(r) = sent.into_iter().next() {
                prop_assert!(!outstanding, "a second REGISTER while one is in flight");
                outstanding = true;
                prev = last.replace(r);
            }
            prop_assert_eq!(m.in_flight(), outstanding);
            if !outstanding {
                prop_assert!(settled(m.state()), "nothing in flight but {:?}", m.state());
            }
        }
        for _ in 0..20 {
            let Some(r) = last.as_ref().filter(|_| m.in_flight()) else { break };
            m.handle(now, Input::Response(resp(r, 200)));
            if let Some(r) = sends(&mut m).pop() {
                last = Some(r);
            }
            now = secs(now, 1);
        }
        prop_assert!(!m.in_flight());
        prop_assert!(settled(m.state()), "{:?}", m.state());
        if let RegState::Failed { retry_at: Some(at), .. } = m.state() {
            prop_assert_eq!(m.poll_timeout(), Some(at));
            m.handle(at, Input::Timer);
            prop_assert_eq!(sends(&mut m).len(), 1, "an automatic retry sends a REGISTER");
        }
    }
}

fn settled(s: RegState) -> bool {
    matches!(
        s,
        RegState::Registered { .. } | RegState::Failed { .. } | RegState::Unregistered
    )
}
