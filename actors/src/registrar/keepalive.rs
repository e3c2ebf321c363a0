//! Flow keepalives (RFC 5626 §4.4), sans-IO: while the account is registered, one probe
//! per interval — a CRLFCRLF ping on TCP/TLS, an OPTIONS or a STUN Binding request on
//! UDP — each interval drawn between 80 % and 100 % of the configured one (§4.4.1).
//!
//! A pong, any final response to the OPTIONS or a STUN answer proves the flow alive;
//! the OPTIONS' top Via `received`/`rport` and the STUN XOR-MAPPED-ADDRESS are reported
//! as [`KeepaliveOutput::Observed`] so the registration can follow a NAT rebinding. No
//! pong within 10 s (CRLF), the OPTIONS' transaction failing (Timer F), or no STUN answer
//! after RFC 5389's seven sends (39.5 s) is [`KeepaliveOutput::FlowFailed`]: the machine
//! stops and the account re-registers. No clock or randomness of its own.

use super::keepalive_stun::{parse_binding_response, BindingAnswer};
use bytes::Bytes;
use rand::RngCore;
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;
use std::net::IpAddr;
use std::time::Duration;
use tokio::time::Instant;

/// How long a CRLF ping waits for its pong (RFC 5626 §4.4.1).
pub const PONG_TIMEOUT: Duration = Duration::from_secs(10);
/// The STUN retransmission timeout's initial value (RFC 5389 §7.2.1).
pub const STUN_RTO: Duration = Duration::from_millis(500);
/// Sends of one STUN request before giving up (RFC 5389 Rc).
const STUN_SENDS: u8 = 7;
/// After the last send, wait this many initial RTOs (RFC 5389 Rm).
const STUN_LAST_WAIT: u32 = 16;

/// How the flow is probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeepaliveKind {
    /// CRLFCRLF ping, CRLF pong (TCP/TLS).
    Crlf,
    /// An OPTIONS to the server (its transaction's Timer F is the timeout).
    Options,
    /// A STUN Binding request on the SIP socket (UDP).
    Stun,
}

/// What the shell feeds the [`KeepaliveMachine`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum KeepaliveInput {
    /// The account is registered: start probing (no-op when running).
    Start,
    /// The account is no longer registered: stop; late answers are ignored.
    Stop,
    /// A CRLF pong arrived on the flow.
    Pong,
    /// A final response to the keepalive OPTIONS; its top Via's `received`/`rport`.
    OptionsResponse {
        /// `(received, rport)` when the Via carried `received`.
        observed: Option<(IpAddr, Option<u16>)>,
    },
    /// A STUN message arrived from the server (matched against our transaction here).
    Stun(Bytes),
    /// The probe could not be carried: the OPTIONS timed out or the transport failed.
    Failed,
    /// The connection the flow runs on closed: the flow is gone, probe out or not.
    FlowClosed,
    /// The deadline from [`KeepaliveMachine::poll_timeout`] passed.
    Timer,
}

/// What the machine asks the shell to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeepaliveOutput {
    /// Write `\r\n\r\n` on the account's connection to the server.
    SendCrlfPing,
    /// Send an OPTIONS to the server through a client transaction.
    SendOptions,
    /// Send a STUN Binding request with this transaction id to the server.
    SendStun {
        /// The 96-bit transaction id.
        transaction_id: [u8; 12],
    },
    /// The server sees us at this address.
    Observed {
        /// The public IP.
        ip: IpAddr,
        /// The public port, when known.
        port: Option<u16>,
    },
    /// The flow is dead: re-register (RFC 5626 §4.4.1). The machine has stopped.
    FlowFailed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Stopped,
    /// Next probe at this time.
    Idle(Instant),
    /// A probe is out; `deadline` when the machine times it (not for OPTIONS).
    Waiting {
        deadline: Option<Instant>,
        stun: Option<([u8; 12], u8)>,
    },
}

/// One account's keepalive, sans-IO. See the module documentation.
#[derive(Debug)]
pub struct KeepaliveMachine {
    interval: Duration,
    kind: KeepaliveKind,
    rng: ChaCha8Rng,
    phase: Phase,
    out: VecDeque<KeepaliveOutput>,
}

impl KeepaliveMachine {
    /// A stopped machine probing with `kind` every `interval` (jittered down to 80 %).
    pub fn new(interval: Duration, kind: KeepaliveKind, rng: ChaCha8Rng) -> Self {
        KeepaliveMachine {
            interval,
            kind,
            rng,
            phase: Phase::Stopped,
            out: VecDeque::new(),
        }
    }

    /// Feeds one input at time `now`.
    pub fn handle(&mut self, now: Instant, input: KeepaliveInput) {
        let waiting = matches!(self.phase, Phase::Waiting { .. });
        match input {
            KeepaliveInput::Start if self.phase == Phase::Stopped => self.schedule(now),
            KeepaliveInput::Start => {}
            KeepaliveInput::Stop => self.phase = Phase::Stopped,
            KeepaliveInput::Pong if waiting && self.kind == KeepaliveKind::Crlf => {
                tracing::debug!("keepalive pong");
                self.schedule(now);
            }
            KeepaliveInput::OptionsResponse { observed }
                if waiting && self.kind == KeepaliveKind::Options =>
            {
                if let Some((ip, port)) = observed {
                    self.out.push_back(KeepaliveOutput::Observed { ip, port });
                }
                self.schedule(now);
            }
            KeepaliveInput::Stun(bytes) => {
                let Phase::Waiting {
                    stun: Some((id, _)),
                    ..
                } = self.phase
                else {
                    return;
                };
                match parse_binding_response(&bytes, &id) {
                    Some(BindingAnswer::Success(Some(addr))) => {
                        self.out.push_back(KeepaliveOutput::Observed {
                            ip: addr.ip(),
                            port: Some(addr.port()),
                        });
                        self.schedule(now);
                    }
                    Some(_) => self.schedule(now),
                    None => {}
                }
            }
            KeepaliveInput::Failed if waiting => self.fail(),
            KeepaliveInput::FlowClosed if self.phase != Phase::Stopped => self.fail(),
            KeepaliveInput::Timer => self.on_timer(now),
            _ => {}
        }
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<KeepaliveOutput> {
        self.out.pop_front()
    }

    /// When to feed [`KeepaliveInput::Timer`] next, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.phase {
            Phase::Stopped => None,
            Phase::Idle(at) => Some(at),
            Phase::Waiting { deadline, .. } => deadline,
        }
    }

    /// Whether the machine is probing (started and not failed or stopped).
    pub fn running(&self) -> bool {
        self.phase != Phase::Stopped
    }

    /// How the flow is probed.
    pub fn kind(&self) -> KeepaliveKind {
        self.kind
    }

    /// The next probe between 80 % and 100 % of the interval from `now`.
    fn schedule(&mut self, now: Instant) {
        let full = u64::try_from(self.interval.as_micros()).unwrap_or(u64::MAX);
        let low = full / 5 * 4;
        let jitter = self.rng.next_u64() % (full - low + 1);
        self.phase = Phase::Idle(now + Duration::from_micros(low + jitter));
    }

    fn on_timer(&mut self, now: Instant) {
        match self.phase {
            Phase::Idle(at) if at <= now => self.probe(now),
            Phase::Waiting {
                deadline: Some(d),
                stun,
            } if d <= now => match stun {
                Some((id, sends)) if sends < STUN_SENDS => {
                    let wait = if sends + 1 == STUN_SENDS {
                        STUN_RTO * STUN_LAST_WAIT
                    } else {
                        STUN_RTO * (1u32 << sends)
                    };
                    self.phase = Phase::Waiting {
                        deadline: Some(now + wait),
                        stun: Some((id, sends + 1)),
                    };
                    self.out
                        .push_back(KeepaliveOutput::SendStun { transaction_id: id });
                }
                _ => self.fail(),
            },
            _ => {}
        }
    }

    fn probe(&mut self, now: Instant) {
        let (deadline, stun, out) = match self.kind {
            KeepaliveKind::Crlf => (
                Some(now + PONG_TIMEOUT),
                None,
                KeepaliveOutput::SendCrlfPing,
            ),
            KeepaliveKind::Options => (None, None, KeepaliveOutput::SendOptions),
            KeepaliveKind::Stun => {
                let mut id = [0u8; 12];
                self.rng.fill_bytes(&mut id);
                let out = KeepaliveOutput::SendStun { transaction_id: id };
                (Some(now + STUN_RTO), Some((id, 1)), out)
            }
        };
        self.phase = Phase::Waiting { deadline, stun };
        self.out.push_back(out);
    }

    fn fail(&mut self) {
        tracing::debug!(kind = ?self.kind, "keepalive: flow failed");
        self.phase = Phase::Stopped;
        self.out.push_back(KeepaliveOutput::FlowFailed);
    }
}
