//! The account actor's step loop (a child of `crate::registration`): it feeds the
//! registration and keepalive machines, and each the other's consequences, until both
//! are quiet, then arms the actor's ONE timer at the earlier of their deadlines.

use super::{now, AccountMsg, AccountState};
use crate::keepalive::{on_registration, Effect, Keepalive};
use crate::registration_events::event;
use crate::ua::UaMsg;
use ractor::ActorRef;
use std::collections::VecDeque;
use switchboard_actors::registrar::{Input, KeepaliveInput, Output, RegState, RegistrationEvent};

/// One step for one of the account's two machines.
pub(super) enum Work {
    /// For the registration machine.
    Reg(Input),
    /// For the keepalive machine.
    Ka(KeepaliveInput),
}

impl AccountState {
    /// Feeds one input, then carries out the outputs and re-arms the timer.
    pub(super) fn feed(&mut self, myself: &ActorRef<AccountMsg>, input: Input) {
        self.run(myself, [Work::Reg(input)]);
    }

    /// Feeds the machines, and each the other's consequences, until both are quiet;
    /// then publishes the state and re-arms the timer.
    pub(super) fn run(
        &mut self,
        myself: &ActorRef<AccountMsg>,
        work: impl IntoIterator<Item = Work>,
    ) {
        let span = self.span.clone();
        let _in_span = span.enter();
        let mut queue: VecDeque<Work> = work.into_iter().collect();
        while let Some(step) = queue.pop_front() {
            match step {
                Work::Reg(input) => self.step(myself, input, &mut queue),
                Work::Ka(input) => {
                    let Some(ka) = &mut self.keepalive else {
                        continue;
                    };
                    for effect in ka.feed(now(), input, myself, &self.ua) {
                        match effect {
                            Effect::Register(input) => queue.push_back(Work::Reg(input)),
                            Effect::FlowFailed => {
                                let e = RegistrationEvent::FlowFailed;
                                self.events.emit(event(&self.aor, e));
                                // A REGISTER in flight already tests the flow (and its
                                // failure brings the backoff); a second would only queue.
                                let registered =
                                    matches!(self.machine.state(), RegState::Registered { .. });
                                if registered && !self.machine.in_flight() {
                                    queue.push_back(Work::Reg(Input::Register));
                                }
                            }
                        }
                    }
                }
            }
        }
        let bound = matches!(self.machine.state(), RegState::Registered { .. });
        self.registered
            .send_if_modified(|r| std::mem::replace(r, bound) != bound);
        self.arm(myself);
        if !self.machine.in_flight() {
            for reply in [self.closing.take(), self.relocated.take()]
                .into_iter()
                .flatten()
            {
                let _ = reply.send(());
            }
        }
    }

    /// One registration input; keepalive starts and stops go on `queue`.
    fn step(&mut self, myself: &ActorRef<AccountMsg>, input: Input, queue: &mut VecDeque<Work>) {
        self.machine.handle(now(), input);
        while let Some(out) = self.machine.poll_output() {
            match out {
                Output::Send(request) => {
                    let msg = UaMsg::SendFor {
                        request,
                        target: self.target.clone(),
                        owner: myself.clone(),
                    };
                    if self.ua.cast(msg).is_err() {
                        self.machine.handle(now(), Input::TransportError);
                    }
                }
                Output::Event(e) => {
                    queue.extend(on_registration(&e).map(Work::Ka));
                    self.events.emit(event(&self.aor, e));
                }
                _ => {}
            }
        }
    }

    fn arm(&mut self, myself: &ActorRef<AccountMsg>) {
        let ka = self.keepalive.as_ref().and_then(Keepalive::poll_timeout);
        let next = match (self.machine.poll_timeout(), ka) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.timer.arm(next, myself, AccountMsg::Timer);
    }
}
