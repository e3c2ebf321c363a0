//! [`EstablishedCall`] under random inputs: no panic, only legal phase changes, at most
//! one re-INVITE of ours in flight, Ended reported once, and once Hangup or the peer's
//! BYE is fed the call ends within Timer F.

use super::testkit::{carol_sdp, established, from_carol, reply};
use super::*;
use crate::sdp::HoldKind;
use crate::sip::{Method, Request};
use crate::transaction::TimerConfig;
use proptest::prelude::*;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone)]
enum Step {
    Hangup,
    Hold(bool),
    Resume,
    Mute,
    Unmute,
    Dtmf,
    RemoteBye,
    RemoteReinvite(bool),
    RemoteAck,
    RemoteInfo,
    RemoteUpdate(bool),
    Reply(usize, u16),
    Fail(usize),
    Timer(u64),
}

fn step() -> impl Strategy<Value = Step> {
    let statuses = prop::sample::select(vec![100u16, 180, 200, 200, 408, 481, 486, 491, 500]);
    prop_oneof![
        1 => Just(Step::Hangup),
        3 => any::<bool>().prop_map(Step::Hold),
        3 => Just(Step::Resume),
        1 => Just(Step::Mute),
        1 => Just(Step::Unmute),
        2 => Just(Step::Dtmf),
        1 => Just(Step::RemoteBye),
        3 => any::<bool>().prop_map(Step::RemoteReinvite),
        2 => Just(Step::RemoteAck),
        1 => Just(Step::RemoteInfo),
        1 => any::<bool>().prop_map(Step::RemoteUpdate),
        6 => (any::<usize>(), statuses).prop_map(|(i, s)| Step::Reply(i, s)),
        1 => any::<usize>().prop_map(Step::Fail),
        3 => (0u64..40_000).prop_map(Step::Timer),
    ]
}

struct Run {
    call: EstablishedCall,
    tag: String,
    now: Instant,
    seq: u32,
    outstanding: Vec<Request>,
    ended: usize,
}

impl Run {
    fn feed(&mut self, input: EstablishedInput) -> Result<(), TestCaseError> {
        let before = self.call.phase();
        let was_ended = before == CallPhase::Ended;
        self.call.handle(self.now, input);
        let after = self.call.phase();
        prop_assert!(before == after || PHASE_TRANSITIONS.contains(&(before, after)));
        while let Some(o) = self.call.poll_output() {
            prop_assert!(!was_ended, "output after Ended: {:?}", o);
            match o {
                EstablishedOutput::SendRequest(r) => self.outstanding.push(r),
                EstablishedOutput::Event(InCallEvent::Ended { .. }) => self.ended += 1,
                _ => {}
            }
        }
        match after {
            CallPhase::Ended => self.outstanding.clear(),
            // Hanging up forgets everything but the BYE.
            CallPhase::HangingUp => self.outstanding.retain(|r| r.method == Method::Bye),
            CallPhase::Active => {}
        }
        let invites = self
            .outstanding
            .iter()
            .filter(|r| r.method == Method::Invite)
            .count();
        prop_assert!(invites <= 1, "{} re-INVITEs of ours in flight", invites);
        prop_assert_eq!(invites == 1, self.call.reinvite_pending());
        prop_assert!(self.ended <= 1);
        prop_assert_eq!(self.ended == 1, after == CallPhase::Ended);
        Ok(())
    }

    fn remote(&mut self, method: &str, body: Option<(&str, &str)>) -> EstablishedInput {
        if method != "ACK" {
            self.seq += 1;
        }
        EstablishedInput::Request(from_carol(&self.tag, method, self.seq, body))
    }
}

fn sdp(hold: bool) -> String {
    carol_sdp(if hold { "sendonly" } else { "sendrecv" }, 9)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_inputs_keep_the_invariants_and_end_after_hangup(
        steps in prop::collection::vec(step(), 0..30),
        remote_bye_last in any::<bool>(),
    ) {
        let t0 = Instant::now(); // clock-ok: test code
        let (call, tag) = established(t0);
        let mut run = Run { call, tag, now: t0, seq: 1, outstanding: Vec::new(), ended: 0 };
        for s in steps {
            let input = match s {
                Step::Hangup => EstablishedInput::Hangup,
                Step::Hold(inactive) => EstablishedInput::Hold(if inactive { HoldKind::Inactive } else { HoldKind::SendOnly }),
                Step::Resume => EstablishedInput::Resume,
                Step::Mute => EstablishedInput::Mute,
                Step::Unmute => EstablishedInput::Unmute,
                Step::Dtmf => EstablishedInput::SendDtmf("12#".into()),
                Step::RemoteBye => run.remote("BYE", None),
                Step::RemoteReinvite(hold) => {
                    let body = sdp(hold);
                    run.remote("INVITE", Some(("application/sdp", &body)))
                }
                Step::RemoteAck => run.remote("ACK", None),
                Step::RemoteInfo => run.remote("INFO", Some(("application/dtmf-relay", "Signal=7\r\n"))),
                Step::RemoteUpdate(hold) => {
                    let body = sdp(hold);
                    run.remote("UPDATE", Some(("application/sdp", &body)))
                }
                Step::Reply(i, status) => {
                    if run.outstanding.is_empty() { continue; }
                    let i = i % run.outstanding.len();
                    let req = run.outstanding[i].clone();
                    if status >= 200 { run.outstanding.remove(i); }
                    let body = (req.method == Method::Invite && status == 200).then(|| sdp(false));
                    EstablishedInput::Response(reply(&req, status, body.as_deref()))
                }
                Step::Fail(i) => {
                    if run.outstanding.is_empty() { continue; }
                    let req = run.outstanding.remove(i % run.outstanding.len());
                    EstablishedInput::RequestFailed { cseq: req.cseq().map_or(0, |c| c.seq) }
                }
                Step::Timer(ms) => {
                    run.now += Duration::from_millis(ms);
                    EstablishedInput::Timer
                }
            };
            let bye = matches!(&input, EstablishedInput::Request(r) if r.method == Method::Bye);
            run.feed(input)?;
            if bye {
                prop_assert_eq!(run.call.phase(), CallPhase::Ended, "the peer's BYE ends the call");
            }
        }
        // Our BYE and the timer F backstop, or the peer's BYE: Ended within 64·T1.
        let start = run.now;
        if remote_bye_last {
            let bye = run.remote("BYE", None);
            run.feed(bye)?;
        } else {
            run.feed(EstablishedInput::Hangup)?;
        }
        for _ in 0..200 {
            let Some(at) = run.call.poll_timeout() else { break };
            run.now = at;
            run.feed(EstablishedInput::Timer)?;
        }
        prop_assert_eq!(run.call.phase(), CallPhase::Ended);
        prop_assert!(run.now <= start + TimerConfig::default().t1 * 64);
        prop_assert_eq!(run.call.poll_timeout(), None);
    }
}

#[test]
fn phase_transitions_are_the_diagram() {
    use CallPhase::*;
    for (from, to) in PHASE_TRANSITIONS {
        assert_ne!(from, to);
        assert_ne!(*from, Ended, "Ended is final");
    }
    assert!(PHASE_TRANSITIONS.contains(&(Active, HangingUp)));
    assert!(!PHASE_TRANSITIONS.contains(&(HangingUp, Active)));
}
