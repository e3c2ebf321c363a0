//! Property tests over random input sequences for all four machines: no panics,
//! Terminated is reached within the RFC bound once inputs stop (after the TU or the
//! peer gives the final answer a machine may legitimately wait for), Terminated is
//! reported exactly once and nothing follows it, and timer-driven retransmissions
//! follow the doubling schedule (none over reliable transports).

use super::event::{Input, Output, TxEvent};
use super::machine::Transaction;
use super::testkit::*;
use super::timers::TimerConfig;
use super::{build_ack, ClientInvite, ClientNonInvite, ServerInvite, ServerNonInvite};
use crate::sip::{Message, Method, Request};
use crate::vocab::TransportKind;
use proptest::prelude::*;
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug, Clone)]
enum Step {
    Response(u16),
    Retransmission,
    Ack,
    TuResponse(u16),
    SpuriousTimer,
    TransportError,
}

fn step() -> impl Strategy<Value = Step> {
    let code = prop::sample::select(vec![100u16, 180, 183, 200, 202, 302, 404, 486, 500, 603]);
    prop_oneof![
        4 => code.clone().prop_map(Step::Response),
        3 => Just(Step::Retransmission),
        2 => Just(Step::Ack),
        4 => code.prop_map(Step::TuResponse),
        2 => Just(Step::SpuriousTimer),
        1 => Just(Step::TransportError),
    ]
}

struct Run {
    tx: Transaction,
    req: Request,
    cfg: TimerConfig,
    reliable: bool,
    now: Instant,
    terminated_at: Option<Instant>,
    terminated_count: usize,
    timer_tx: Vec<Instant>,
}

impl Run {
    fn new(kind: u8, transport: TransportKind, t0: Instant) -> Run {
        let cfg = TimerConfig::default();
        let t = target(transport);
        let method = if kind.is_multiple_of(2) {
            Method::Invite
        } else {
            Method::Options
        };
        let req = request(method, "z9hG4bKprop");
        let tx = match kind {
            0 => Transaction::ClientInvite(ClientInvite::new(t0, req.clone(), t, cfg)),
            1 => Transaction::ClientNonInvite(ClientNonInvite::new(t0, req.clone(), t, cfg)),
            2 => Transaction::ServerInvite(ServerInvite::new(t0, req.clone(), t, cfg)),
            _ => Transaction::ServerNonInvite(ServerNonInvite::new(t, cfg)),
        };
        let mut run = Run {
            tx,
            req,
            cfg,
            reliable: transport.is_reliable(),
            now: t0,
            terminated_at: None,
            terminated_count: 0,
            timer_tx: Vec::new(),
        };
        run.collect(false);
        run
    }

    fn collect(&mut self, from_timer: bool) {
        while let Some(out) = self.tx.poll_output() {
            assert!(
                self.terminated_at.is_none(),
                "output after Terminated: {out:?}"
            );
            match out {
                Output::ToTu(TxEvent::Terminated) => {
                    self.terminated_count += 1;
                    self.terminated_at = Some(self.now);
                }
                // The 100 Trying of a server INVITE is timer-driven but no retransmission.
                Output::Transmit {
                    message: Message::Response(r),
                    ..
                } if r.status.is_provisional() => {}
                Output::Transmit { .. } if from_timer => self.timer_tx.push(self.now),
                _ => {}
            }
        }
    }

    /// Fires every deadline up to `until`, each exactly at its time.
    fn advance(&mut self, until: Instant) {
        while let Some(due) = self.tx.poll_timeout().filter(|d| *d <= until) {
            assert!(due >= self.now, "deadline in the past");
            self.now = due;
            self.tx.handle(due, Input::Timer);
            self.collect(true);
        }
        self.now = until;
    }

    fn input(&mut self, input: Input) {
        self.tx.handle(self.now, input);
        self.collect(false);
    }

    fn apply(&mut self, s: &Step) {
        let input = match s {
            Step::Response(c) => Input::RecvResponse(response(&self.req, *c)),
            Step::Retransmission => Input::RecvRequest(self.req.clone()),
            Step::Ack => Input::RecvRequest(build_ack(&self.req, &response(&self.req, 486))),
            Step::TuResponse(c) => Input::SendResponse(response(&self.req, *c)),
            Step::SpuriousTimer => Input::Timer,
            Step::TransportError => Input::TransportError,
        };
        self.input(input);
    }

    /// Runs timers dry; returns whether the machine terminated.
    fn run_dry(&mut self) -> bool {
        self.advance(self.now + Duration::from_secs(3600));
        self.tx.is_terminated()
    }
}

fn check(kind: u8, reliable: bool, steps: Vec<(u16, Step)>) {
    let transport = if reliable {
        TransportKind::Tcp
    } else {
        TransportKind::Udp
    };
    let t0 = Instant::now(); // clock-ok: test code
    let mut run = Run::new(kind, transport, t0);
    for (dt_ms, s) in &steps {
        let until = run.now + Duration::from_millis(u64::from(*dt_ms));
        run.advance(until);
        run.apply(s);
    }
    let bound = run.cfg.sixty_four_t1() + run.cfg.t4;
    let mut last_input = run.now;
    if !run.run_dry() {
        // Waiting for a final answer (client INVITE Proceeding, server awaiting the TU).
        last_input = run.now;
        let closing = if kind < 2 {
            Input::RecvResponse(response(&run.req, 486))
        } else {
            Input::SendResponse(response(&run.req, 486))
        };
        run.input(closing);
        assert!(run.run_dry(), "not terminated after the final answer");
    }
    let end = run.terminated_at.expect("terminated");
    assert!(
        end <= last_input + bound,
        "terminated {:?} after the last input",
        end - last_input
    );
    assert_eq!(run.terminated_count, 1);
    if run.reliable {
        assert!(
            run.timer_tx.is_empty(),
            "retransmission over a reliable transport"
        );
    }
    // Timer-driven retransmissions: intervals T1·2^k or T2 (INVITE client: uncapped),
    // never shrinking; the first client retransmission exactly T1 after the request.
    let t1 = run.cfg.t1;
    if kind < 2 {
        if let Some(first) = run.timer_tx.first() {
            assert_eq!(*first - t0, t1);
        }
    }
    let gaps: Vec<Duration> = run.timer_tx.windows(2).map(|w| w[1] - w[0]).collect();
    for g in &gaps {
        let doubling = (0..8).any(|k| *g == t1 * (1 << k));
        assert!(doubling || *g == run.cfg.t2, "retransmission gap {g:?}");
        if kind != 0 {
            assert!(*g <= run.cfg.t2);
        }
    }
    assert!(
        gaps.windows(2).all(|w| w[0] <= w[1]),
        "gaps shrink: {gaps:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn machines_terminate_and_retransmit_on_schedule(
        kind in 0u8..4,
        reliable in any::<bool>(),
        steps in prop::collection::vec((0u16..6000, step()), 0..25),
    ) {
        check(kind, reliable, steps);
    }
}
