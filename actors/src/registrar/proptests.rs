//! Random input sequences: no panic, never two REGISTERs in flight, and a run of
//! 200 OKs always settles in Registered, Failed or Unregistered.

use super::testkit::{cfg, machine, resp, secs, t0, Server};
use super::{Input, Output, RegState, RegistrationMachine};
use crate::sip::auth::Algorithm;
use crate::sip::{HeaderName, Request};
use proptest::prelude::*;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone)]
enum Step {
    Status(u16),
    Challenge { proxy: bool, stale: bool },
    Timeout,
    TransportError,
    Timer,
    Register,
    Unregister,
    Observed(u8),
    Wait(u16),
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
        let mut outstanding = false;
        for s in steps {
            let ends = outstanding && match &s {
                Step::Status(c) => *c >= 200,
                Step::Challenge { .. } | Step::Timeout | Step::TransportError => true,
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
                (Step::Status(_) | Step::Challenge { .. }, None) => continue,
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
                last = Some(r);
            }
            prop_assert_eq!(m.in_flight(), outstanding);
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
        let settled = matches!(m.state(), RegState::Registered { .. } | RegState::Failed { .. } | RegState::Unregistered);
        prop_assert!(settled, "{:?}", m.state());
    }
}
