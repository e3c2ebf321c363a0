//! The registration machine: one account's REGISTER lifecycle.
//!
//! ```text
//!  Unregistered ──Register──▶ Registering ──2xx──▶ Registered ──Timer──▶ (refresh)
//!       ▲                         │  ▲  401/407/423: resend            │
//!       │                   fail  ▼  │ Timer (backoff)                 │ fail
//!       │                        Failed ◀──────────────────────────────┘
//!       └──final/fail── Unregistering ◀──Unregister── (any bound state)
//! ```

use super::config::RegistrationConfig;
use super::request::{build_register, Dialogish};
use super::{FailureReason, Input, Output, RegState, RegistrationEvent};
use crate::sip::auth::{DigestClient, DigestCredentials};
use crate::sip::{HeaderName, NameAddr};
use rand::RngCore;
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;
use std::net::IpAddr;
use tokio::time::Instant;

/// Which REGISTER is out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Adding or refreshing our binding.
    Register,
    /// Expires: 0.
    Unregister,
}

/// What to do when the REGISTER in flight ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pending {
    /// Register unless registered by then.
    Register,
    /// Register even if registered (the address moved).
    Refresh,
    /// Remove the binding.
    Unregister,
}

/// The REGISTER in flight.
#[derive(Debug)]
pub(super) struct InFlight {
    pub(super) kind: Kind,
    pub(super) cseq: u32,
    pub(super) expires: u32,
    /// The credentials it carried, and in which header.
    pub(super) sent: Option<(HeaderName, DigestCredentials)>,
    /// Those credentials reused the last nonce unasked.
    pub(super) preemptive: bool,
    /// It refreshes a registration that was working.
    pub(super) refresh: bool,
    /// Challenges answered for this attempt so far.
    pub(super) auth_rounds: u8,
}

/// One account's registration, sans-IO. See the module documentation.
#[derive(Debug)]
pub struct RegistrationMachine {
    pub(super) cfg: RegistrationConfig,
    pub(super) rng: ChaCha8Rng,
    pub(super) ids: Dialogish,
    pub(super) cseq: u32,
    /// The expiry we ask for (raised by a 423).
    pub(super) asked: u32,
    pub(super) client: Option<DigestClient>,
    /// The header the cached challenge is answered in, for pre-emptive credentials.
    pub(super) auth_header: Option<HeaderName>,
    pub(super) state: RegState,
    pub(super) in_flight: Option<InFlight>,
    pub(super) pending: Option<Pending>,
    /// The user wants the account registered.
    pub(super) wanted: bool,
    pub(super) deadline: Option<Instant>,
    pub(super) failures: u32,
    /// A binding may exist at the registrar.
    pub(super) bound: bool,
    pub(super) service_route: Vec<NameAddr>,
    pub(super) observed: Option<(IpAddr, Option<u16>)>,
    /// Our Contact before the local address moved: removed (`expires=0`) by the next
    /// REGISTER, until one succeeds.
    pub(super) retire: Option<crate::sip::SipUri>,
    pub(super) out: VecDeque<Output>,
}

impl RegistrationMachine {
    /// A machine for `cfg`; Call-ID and From tag come from `rng`. Starts Unregistered
    /// and sends nothing until [`Input::Register`].
    pub fn new(cfg: RegistrationConfig, mut rng: ChaCha8Rng) -> Self {
        let ids = Dialogish {
            call_id: format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64()),
            from_tag: format!("{:08x}", rng.next_u32()),
        };
        let client = new_client(&cfg.auth_username, cfg.password.clone());
        RegistrationMachine {
            asked: cfg.expires,
            cfg,
            rng,
            ids,
            cseq: 0,
            client,
            auth_header: None,
            state: RegState::Unregistered,
            in_flight: None,
            pending: None,
            wanted: false,
            deadline: None,
            failures: 0,
            bound: false,
            service_route: Vec::new(),
            observed: None,
            retire: None,
            out: VecDeque::new(),
        }
    }

    /// Feeds one input at time `now`.
    pub fn handle(&mut self, now: Instant, input: Input) {
        match input {
            Input::Register => {
                self.wanted = true;
                if self.in_flight.is_some() {
                    self.pending = Some(Pending::Register);
                } else {
                    self.transmit(Kind::Register, 0, None);
                }
            }
            Input::Unregister => {
                self.wanted = false;
                self.deadline = None;
                if self.in_flight.is_some() {
                    self.pending = Some(Pending::Unregister);
                } else {
                    self.start_unregister();
                }
            }
            Input::Response(r) => self.on_response(now, &r),
            Input::Timeout => self.on_no_answer(now, FailureReason::Timeout),
            Input::TransportError => self.on_no_answer(now, FailureReason::Network),
            Input::Timer => {
                if self.deadline.is_some_and(|d| d <= now) {
                    self.deadline = None;
                    if self.wanted && self.in_flight.is_none() {
                        self.transmit(Kind::Register, 0, None);
                    }
                }
            }
            Input::SetCredentials {
                auth_username,
                password,
            } => {
                self.client = new_client(&auth_username, password.clone());
                self.auth_header = None;
                self.cfg.auth_username = auth_username;
                self.cfg.password = password;
            }
            Input::SetHeaders(headers) => self.cfg.extra_headers = headers,
            Input::ObservedAddress { received, rport } => self.on_observed(received, rport),
            Input::Relocated { contact } => self.on_relocated(contact),
        }
    }

    /// The next output, if any.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When to feed [`Input::Timer`] next (refresh or retry), if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadline
    }

    /// Where the registration stands.
    pub fn state(&self) -> RegState {
        self.state
    }

    /// Whether the user wants the account registered (`Register` was the last of
    /// `Register`/`Unregister`).
    pub fn wanted(&self) -> bool {
        self.wanted
    }

    /// Whether a REGISTER (or unREGISTER) is in flight.
    pub fn in_flight(&self) -> bool {
        self.in_flight.is_some()
    }

    /// The Service-Route of the last successful registration (RFC 3608): the route for
    /// requests sent from this account.
    pub fn service_route(&self) -> &[NameAddr] {
        &self.service_route
    }

    /// The configuration in use (credentials and headers as last set).
    pub fn config(&self) -> &RegistrationConfig {
        &self.cfg
    }

    /// The Call-ID all this machine's REGISTERs share.
    pub fn call_id(&self) -> &str {
        &self.ids.call_id
    }

    pub(super) fn emit(&mut self, e: RegistrationEvent) {
        self.out.push_back(Output::Event(e));
    }

    /// Sends a REGISTER (`kind`) with `creds` if given, else pre-emptive credentials
    /// from the last challenge answered.
    pub(super) fn transmit(
        &mut self,
        kind: Kind,
        auth_rounds: u8,
        creds: Option<(HeaderName, DigestCredentials)>,
    ) {
        self.deadline = None;
        self.cseq = self.cseq.wrapping_add(1).max(1);
        let expires = if kind == Kind::Register {
            self.asked
        } else {
            0
        };
        let mut req = build_register(&self.cfg, &self.ids, self.cseq, expires);
        if let Some(old) = &self.retire {
            req.headers
                .push(HeaderName::Contact, format!("<{old}>;expires=0"));
        }
        let preemptive = creds.is_none();
        let sent = creds.or_else(|| {
            let h = self.auth_header.clone()?;
            let uri = self.cfg.registrar.to_string();
            let c = self.client.as_mut()?;
            Some((h, c.authorize("REGISTER", &uri, b"", &mut self.rng)?))
        });
        if let Some((h, c)) = &sent {
            req.headers.push(h.clone(), c.to_string());
        }
        let refresh = matches!(self.state, RegState::Registered { .. });
        match kind {
            Kind::Register if !refresh && self.state != RegState::Registering => {
                self.state = RegState::Registering;
                self.emit(RegistrationEvent::Registering);
            }
            Kind::Unregister if self.state != RegState::Unregistering => {
                self.state = RegState::Unregistering;
                self.emit(RegistrationEvent::Unregistering);
            }
            _ => {}
        }
        self.in_flight = Some(InFlight {
            kind,
            cseq: self.cseq,
            expires,
            preemptive: preemptive && sent.is_some(),
            sent,
            refresh,
            auth_rounds,
        });
        self.out.push_back(Output::Send(req));
    }

    pub(super) fn start_unregister(&mut self) {
        self.deadline = None;
        if self.bound {
            self.transmit(Kind::Unregister, 0, None);
        } else if self.state != RegState::Unregistered {
            self.state = RegState::Unregistered;
            self.emit(RegistrationEvent::Unregistered);
        }
    }
}

fn new_client(user: &str, password: Option<crate::sip::auth::Password>) -> Option<DigestClient> {
    password.map(|p| DigestClient::new(user, p))
}
