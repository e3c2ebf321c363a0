//! A simulated network path between two sessions (no sockets): fixed one-way delay,
//! optional extra random delay (reordering), every n-th RTP packet dropped, a cut.

use super::tests::Shared;
use super::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use switchboard_codecs::{is_rtcp, AudioSource};
use tokio::time::Instant;

pub(super) const A: &str = "10.0.0.1:4000";
pub(super) const B: &str = "10.0.0.2:5000";

/// One direction's impairments.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Link {
    pub(super) delay: Duration,
    /// Extra delay drawn uniformly from 0..=jitter (reorders packets).
    pub(super) jitter: Duration,
    /// Drop every n-th RTP packet (0: none); RTCP is never dropped.
    pub(super) drop_every: u64,
    /// Drop everything.
    pub(super) cut: bool,
}

/// Two sessions, `a` and `b`, and the packets in flight between them.
pub(super) struct Pair {
    pub(super) a: MediaSession,
    pub(super) b: MediaSession,
    pub(super) a_heard: Shared,
    pub(super) b_heard: Shared,
    pub(super) ab: Link,
    pub(super) ba: Link,
    pub(super) now: Instant,
    /// (arrival, to b?, bytes)
    flight: Vec<(Instant, bool, Bytes)>,
    rng: ChaCha8Rng,
    rtp_seen: [u64; 2],
    /// RTP packets dropped on a→b and b→a.
    pub(super) dropped: [u64; 2],
    /// Events of a and b with their time.
    pub(super) events: [Vec<(Instant, MediaEvent)>; 2],
    /// Datagrams each side sent: (time, bytes).
    pub(super) sent: [Vec<(Instant, Bytes)>; 2],
}

/// A sink at `rate` Hz collecting what it is given.
pub(super) struct RateSink(pub(super) Shared, pub(super) u32);

impl switchboard_codecs::AudioSink for RateSink {
    fn write(&mut self, samples: &[i16]) -> Result<(), switchboard_codecs::WavError> {
        self.0.write(samples)
    }
    fn sample_rate(&self) -> u32 {
        self.1
    }
}

impl Pair {
    /// Sessions of `a_cfg`/`b_cfg` (their addresses are set to A and B) sending the
    /// given sources, with sinks at `sink_rate`; both started at `now`.
    pub(super) fn new(
        mut a_cfg: MediaConfig,
        mut b_cfg: MediaConfig,
        sources: [Box<dyn AudioSource + Send>; 2],
        sink_rate: u32,
        now: Instant,
    ) -> Pair {
        let (a_addr, b_addr) = (tests::addr(A), tests::addr(B));
        (a_cfg.local, a_cfg.remote, b_cfg.local, b_cfg.remote) = (a_addr, b_addr, b_addr, a_addr);
        let [src_a, src_b] = sources;
        let (a_heard, b_heard) = (Shared::default(), Shared::default());
        let mk = |c, src, heard: &Shared, seed| {
            let sink = Box::new(RateSink(heard.clone(), sink_rate));
            MediaSession::new(c, src, sink, ChaCha8Rng::seed_from_u64(seed)).unwrap()
        };
        let mut pair = Pair {
            a: mk(a_cfg, src_a, &a_heard, 11),
            b: mk(b_cfg, src_b, &b_heard, 22),
            a_heard,
            b_heard,
            ab: Link::default(),
            ba: Link::default(),
            now,
            flight: Vec::new(),
            rng: ChaCha8Rng::seed_from_u64(99),
            rtp_seen: [0; 2],
            dropped: [0; 2],
            events: [Vec::new(), Vec::new()],
            sent: [Vec::new(), Vec::new()],
        };
        pair.a.handle(now, Input::Tick);
        pair.b.handle(now, Input::Tick);
        pair.drain();
        pair
    }

    /// Feeds `input` to a (`to_b` false) or b now.
    pub(super) fn input(&mut self, to_b: bool, input: Input) {
        let s = if to_b { &mut self.b } else { &mut self.a };
        s.handle(self.now, input);
        self.drain();
    }

    /// Runs both sessions and the path until `end`.
    pub(super) fn run_until(&mut self, end: Instant) {
        loop {
            let next = [
                self.a.poll_timeout(),
                self.b.poll_timeout(),
                self.flight.iter().map(|f| f.0).min(),
            ]
            .into_iter()
            .flatten()
            .min();
            let Some(next) = next.filter(|n| *n <= end) else {
                self.now = end;
                return;
            };
            self.now = self.now.max(next);
            let now = self.now;
            self.flight.sort_by_key(|f| f.0);
            while self.flight.first().is_some_and(|f| f.0 <= now) {
                let (_, to_b, bytes) = self.flight.remove(0);
                let (s, from) = if to_b {
                    (&mut self.b, A)
                } else {
                    (&mut self.a, B)
                };
                s.handle(now, tests::datagram(from, bytes.to_vec()));
            }
            for s in [&mut self.a, &mut self.b] {
                if s.poll_timeout().is_some_and(|t| t <= now) {
                    s.handle(now, Input::Tick);
                }
            }
            self.drain();
        }
    }

    fn drain(&mut self) {
        for side in 0..2 {
            loop {
                let s = if side == 0 { &mut self.a } else { &mut self.b };
                let Some(out) = s.poll_output() else { break };
                match out {
                    Output::Send { bytes, .. } => self.send(side, bytes),
                    Output::Event(e) => self.events[side].push((self.now, e)),
                }
            }
        }
    }

    fn send(&mut self, side: usize, bytes: Bytes) {
        self.sent[side].push((self.now, bytes.clone()));
        let link = if side == 0 { self.ab } else { self.ba };
        if link.cut {
            return;
        }
        if !is_rtcp(&bytes) {
            self.rtp_seen[side] += 1;
            if link.drop_every > 0 && self.rtp_seen[side].is_multiple_of(link.drop_every) {
                self.dropped[side] += 1;
                return;
            }
        }
        let extra = if link.jitter.is_zero() {
            Duration::ZERO
        } else {
            link.jitter.mul_f64(self.rng.gen::<f64>())
        };
        let at = self.now + link.delay + extra;
        self.flight.push((at, side == 0, bytes));
    }

    /// The events of side `side` (0 = a), without times.
    pub(super) fn events_of(&self, side: usize) -> Vec<MediaEvent> {
        self.events[side].iter().map(|e| e.1).collect()
    }
}

/// The normalised cross-correlation of `heard` with `reference`, best over lags
/// 0..max_lag (the path's delay is unknown to the test).
pub(super) fn best_correlation(reference: &[i16], heard: &[i16], max_lag: usize) -> f64 {
    let lags = max_lag.saturating_sub(1);
    switchboard_codecs::compare::best_lag(reference, heard, 0, reference.len(), lags).1
}
