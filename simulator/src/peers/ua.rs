//! A scriptable remote user agent: answers OPTIONS and INVITE the way its config says,
//! places and ends calls when the scenario commands it, registers with digest auth.
//!
//! The machine is split by role: this file holds the state and the [`Peer`] plumbing;
//! `ua_io` parses what arrives and moves the transaction layer's output out; `ua_uas` and
//! `ua_uas_dialog` answer requests; `ua_uac` runs commands and sends requests,
//! `ua_uac_resp` reads their responses; `ua_reg` registers; `ua_call` is the dialog state.

use super::kit_addr::{resolve_host, resolve_target, UaError};
use super::kit_sdp::SdpSession;
use super::kit_timers::Timers;
use super::kit_tx::Transactions;
use super::ua_call::Call;
use super::ua_reg::Registration;
use super::{Peer, PeerContext, PeerEvent, PeerInput, PeerOutput, UaConfig};
use rand::RngCore;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::sip::{Request, Response, StatusCode};
use switchboard_actors::vocab::TransportKind;

/// What a UA is, beyond its config: the gateway's variations on the same machine.
#[derive(Debug, Clone, Default)]
pub(super) struct Profile {
    /// Send 183 with SDP instead of 180 before answering.
    pub early_media: bool,
    /// Answer only INVITEs whose Request-URI user is a telephone number (else 404).
    pub numbers_only: bool,
    /// Put `;user=phone` on the From URI of calls it places.
    pub user_phone: bool,
}

/// Timers of the UA's own logic (transaction timers live in [`Transactions`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum UaTimer {
    /// Send (or refresh) the registration.
    Register,
    /// Send the planned final response to a ringing incoming call.
    Final(String),
    /// Hang up a confirmed call.
    Hangup(String),
    /// Re-INVITE a confirmed call.
    Reinvite(String),
    /// Re-INVITE again with this direction after a 491 (RFC 3261 §14.1 back-off).
    ReinviteRetry(String, super::kit_sdp::Direction),
    /// Send the periodic OPTIONS (`ping` in the config).
    Ping,
}

/// A scriptable remote user agent (see the module docs).
#[derive(Debug)]
pub struct Ua {
    pub(super) name: String,
    pub(super) local: SocketAddr,
    pub(super) transports: Vec<TransportKind>,
    pub(super) directory: BTreeMap<String, SocketAddr>,
    pub(super) rng: ChaCha8Rng,
    pub(super) cfg: UaConfig,
    pub(super) profile: Profile,
    pub(super) domain: String,
    pub(super) proxy: Option<SocketAddr>,
    pub(super) tx: Transactions,
    pub(super) timers: Timers<UaTimer>,
    pub(super) out: VecDeque<PeerOutput>,
    pub(super) calls: BTreeMap<String, Call>,
    pub(super) call_seq: u64,
    pub(super) reg: Option<Registration>,
    pub(super) sdp: SdpSession,
    pub(super) cseq: u32,
}

impl Ua {
    /// A UA from its scenario config; names (registrar, proxy) must be in the directory.
    pub fn new(cfg: &UaConfig, ctx: PeerContext) -> Result<Ua, UaError> {
        Ua::with_profile(cfg, ctx, Profile::default())
    }

    pub(super) fn with_profile(
        cfg: &UaConfig,
        mut ctx: PeerContext,
        profile: Profile,
    ) -> Result<Ua, UaError> {
        if ctx.transports.is_empty() {
            return Err(UaError::NoTransport);
        }
        if cfg.user.is_empty() || !cfg.user.bytes().all(|b| b.is_ascii_graphic() && b != b'@') {
            return Err(UaError::Invalid {
                field: "user",
                value: cfg.user.clone(),
                why: "a user name is non-empty printable text without `@`",
            });
        }
        let proxy = cfg
            .proxy
            .as_deref()
            .map(|p| resolve_host(p, &ctx.directory, "proxy"))
            .transpose()?;
        let registrar = cfg
            .registrar
            .as_deref()
            .map(|r| resolve_host(r, &ctx.directory, "registrar"))
            .transpose()?;
        let domain = cfg
            .domain
            .clone()
            .unwrap_or_else(|| ctx.local.ip().to_string());
        let session_id = u64::from(ctx.rng.next_u32());
        let mut ua = Ua {
            name: ctx.name,
            local: ctx.local,
            transports: ctx.transports,
            directory: ctx.directory,
            rng: ctx.rng,
            cfg: cfg.clone(),
            profile,
            domain,
            proxy,
            tx: Transactions::new(),
            timers: Timers::new(),
            out: VecDeque::new(),
            calls: BTreeMap::new(),
            call_seq: 0,
            reg: None,
            sdp: SdpSession::new(session_id, ctx.local.ip(), 40_000),
            cseq: 0,
        };
        if let Some(addr) = registrar {
            ua.reg = Some(Registration::new(addr, cfg));
            ua.timers.set(Duration::ZERO, UaTimer::Register);
        }
        if let Some(ping) = &cfg.ping {
            resolve_target(&ping.to, &ua.directory, "ping.to", ua.proxy)?;
            if ping.every.0.is_zero() {
                return Err(UaError::Invalid {
                    field: "ping.every",
                    value: ping.every.to_string(),
                    why: "the interval must be longer than zero",
                });
            }
            ua.timers.set(ping.every.0, UaTimer::Ping);
        }
        Ok(ua)
    }

    /// The peer's name in the scenario.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The transport for a new flow: UDP when the UA has it, else its first one.
    pub(super) fn default_transport(&self) -> TransportKind {
        if self.transports.contains(&TransportKind::Udp) {
            TransportKind::Udp
        } else {
            self.transports
                .first()
                .copied()
                .unwrap_or(TransportKind::Udp)
        }
    }

    pub(super) fn emit(&mut self, ev: PeerEvent) {
        self.out.push_back(PeerOutput::Event(ev));
    }

    pub(super) fn call_state(&mut self, call_id: &str, state: &str, reason: Option<String>) {
        self.emit(PeerEvent::CallState {
            call_id: call_id.to_owned(),
            state: state.to_owned(),
            reason,
        });
    }

    /// Sends a new request (starting its client transaction) and reports it.
    pub(super) fn send_request(
        &mut self,
        now: Duration,
        req: Request,
        flow: (TransportKind, SocketAddr),
    ) {
        let (method, call_id) = (
            req.method.to_string(),
            req.call_id().unwrap_or("").to_owned(),
        );
        self.tx.send_request(now, req, flow.0, flow.1);
        self.emit(PeerEvent::RequestSent { method, call_id });
    }

    /// Answers `req` on its server transaction and reports it.
    pub(super) fn send_response(
        &mut self,
        now: Duration,
        req: &Request,
        resp: Response,
        flow: (TransportKind, SocketAddr),
    ) {
        let status = resp.status.as_u16();
        self.tx.respond(now, req, resp, flow);
        self.emit(PeerEvent::ResponseSent {
            method: req.method.to_string(),
            status,
        });
    }

    fn fire(&mut self, now: Duration, timer: UaTimer) {
        match timer {
            UaTimer::Register => self.register(now),
            UaTimer::Final(call_id) => self.send_planned_final(now, &call_id),
            UaTimer::Hangup(call_id) => self.hangup(now, &call_id),
            UaTimer::Reinvite(call_id) => {
                self.reinvite(now, &call_id, super::kit_sdp::Direction::SendRecv)
            }
            UaTimer::ReinviteRetry(call_id, dir) => self.reinvite(now, &call_id, dir),
            UaTimer::Ping => {
                if let Some(ping) = self.cfg.ping.clone() {
                    self.on_command(now, super::PeerCommand::SendOptions { to: ping.to });
                    self.timers.set(now + ping.every.0, UaTimer::Ping);
                }
            }
        }
    }
}

impl Peer for Ua {
    fn handle(&mut self, now: Duration, input: PeerInput) {
        match input {
            PeerInput::Message {
                transport,
                from,
                bytes,
            } => self.on_message(now, transport, from, bytes),
            PeerInput::SendFailed { transport, to } => {
                tracing::debug!(peer = %self.name, %transport, %to, "send failed");
                self.tx.on_send_failed(transport, to);
            }
            PeerInput::Command(cmd) => self.on_command(now, cmd),
        }
        self.drain(now);
    }

    fn poll_output(&mut self) -> Option<PeerOutput> {
        self.out.pop_front()
    }

    fn poll_timeout(&self) -> Option<Duration> {
        match (self.tx.poll_timeout(), self.timers.next()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn handle_timeout(&mut self, now: Duration) {
        self.tx.handle_timeout(now);
        self.drain(now);
        while let Some((_, t)) = self.timers.pop_due(now) {
            self.fire(now, t);
            self.drain(now);
        }
    }
}

/// A status code from a config number (500 when out of range).
pub(super) fn status(code: u16) -> StatusCode {
    StatusCode::new(code).unwrap_or(StatusCode::SERVER_INTERNAL_ERROR)
}
