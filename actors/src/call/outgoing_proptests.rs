//! Random response, timer and user sequences against [`OutgoingCall`].

use super::finals::MAX_AUTH_ROUNDS;
use super::testkit::{cfg, reply, t0};
use super::{OutgoingCall, OutgoingEvent, OutgoingInput as In, OutgoingOutput as Out, TRANSITIONS};
use crate::sip::Request;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Duration;

#[derive(Debug, Clone)]
enum Step {
    /// A response with this status from fork `tag`, to the current INVITE or (`old`)
    /// the first one.
    Resp {
        status: u16,
        tag: u8,
        old: bool,
    },
    Cancel,
    Timeout,
    TransportError,
    Timer(u64),
}

const STATUSES: &[u16] = &[
    100, 180, 183, 200, 200, 302, 401, 407, 480, 486, 487, 503, 600, 603,
];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0..STATUSES.len(), 0u8..3, prop::bool::weighted(0.1)).prop_map(|(i, tag, old)| {
            Step::Resp { status: STATUSES[i], tag, old }
        }),
        1 => Just(Step::Cancel),
        1 => Just(Step::Timeout),
        1 => Just(Step::TransportError),
        1 => (0u64..40_000).prop_map(Step::Timer),
    ]
}

fn response(invite: &Request, status: u16, tag: u8, n: usize) -> In {
    let extra = match status {
        401 => format!("WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n{n}\"\n"),
        407 => format!("Proxy-Authenticate: Digest realm=\"p{tag}\", nonce=\"n{n}\"\n"),
        302 => format!("Contact: <sip:bob@h{n}.example.com>\n"),
        _ => String::new(),
    };
    let tag = if status == 100 {
        String::new()
    } else {
        format!("t{tag}")
    };
    In::Response(reply(
        invite,
        status,
        &tag,
        &extra,
        status == 183 || status == 200,
    ))
}

/// What the harness checks as outputs come out.
#[derive(Default)]
struct Watch {
    invites: Vec<Request>,
    /// The current INVITE got a final response (or its transaction ended).
    done: bool,
    /// The current INVITE got a provisional response.
    provisional: bool,
    cancels: usize,
    finals: usize,
}

impl Watch {
    fn take(&mut self, call: &mut OutgoingCall) -> Result<(), TestCaseError> {
        while let Some(o) = call.poll_output() {
            match o {
                Out::SendInvite(r) => {
                    prop_assert!(self.invites.is_empty() || self.done, "two INVITEs pending");
                    self.invites.push(r);
                    self.done = false;
                    self.provisional = false;
                    self.cancels = 0;
                }
                Out::SendCancel(_) => {
                    prop_assert!(self.provisional, "CANCEL before a provisional");
                    self.cancels += 1;
                    prop_assert!(self.cancels <= 1);
                }
                Out::Event(OutgoingEvent::Confirmed { .. } | OutgoingEvent::Ended { .. }) => {
                    self.finals += 1;
                    prop_assert!(self.finals <= 1, "two final events");
                }
                Out::Event(_) => prop_assert_eq!(self.finals, 0, "progress after the end"),
                Out::SendAck(_) | Out::SendBye(_) => {}
            }
        }
        Ok(())
    }
}

proptest! {
    /// Random inputs never panic, make only legal transitions, keep at most one INVITE
    /// transaction pending, send a CANCEL only after a provisional, and end (Confirmed
    /// or Ended, one final event) once Timer B or the timer is fed.
    #[test]
    fn random_inputs_end_in_a_final_state(steps in prop::collection::vec(step(), 0..24)) {
        let mut now = t0();
        let mut c = cfg();
        c.answer_timeout = Some(Duration::from_secs(60));
        let max_invites = 1 + usize::from(c.max_redirects) + usize::from(MAX_AUTH_ROUNDS);
        let mut call = OutgoingCall::new(now, c, ChaCha8Rng::seed_from_u64(3));
        let mut w = Watch::default();
        let feed = |call: &mut OutgoingCall, w: &mut Watch, now, input: In| {
            let before = call.state();
            call.handle(now, input);
            let after = call.state();
            prop_assert!(before == after || TRANSITIONS.contains(&(before, after)),
                "{:?} -> {:?}", before, after);
            w.take(call)
        };
        feed(&mut call, &mut w, now, In::Start)?;
        for (n, s) in steps.into_iter().enumerate() {
            let input = match s {
                Step::Resp { status, tag, old } => {
                    let Some(inv) = (if old { w.invites.first() } else { w.invites.last() })
                        .cloned() else { continue };
                    if !old || w.invites.len() == 1 {
                        if status >= 200 {
                            w.done = true;
                        } else {
                            w.provisional = true;
                        }
                    }
                    response(&inv, status, tag, n)
                }
                Step::Cancel => In::CancelRequested,
                Step::Timeout => { w.done = true; In::Timeout }
                Step::TransportError => { w.done = true; In::TransportError }
                Step::Timer(ms) => {
                    now += Duration::from_millis(ms);
                    In::Timer
                }
            };
            feed(&mut call, &mut w, now, input)?;
        }
        prop_assert!(w.invites.len() <= max_invites);
        if !call.state().is_final() {
            if let Some(at) = call.poll_timeout() {
                feed(&mut call, &mut w, at, In::Timer)?;
            }
            feed(&mut call, &mut w, now, In::Timeout)?;
        }
        prop_assert!(call.state().is_final(), "{:?}", call.state());
        prop_assert_eq!(w.finals, 1);
        prop_assert_eq!(call.poll_timeout(), None);
    }
}
