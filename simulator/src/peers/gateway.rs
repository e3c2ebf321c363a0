//! A PSTN gateway: telephone numbers behind one SIP address. It is the UA machine with
//! a gateway profile: an INVITE whose Request-URI user is a telephone number (digits,
//! optional leading `+`) is answered per `on_invite` — with 183 Session Progress and SDP
//! first when `early_media` — anything else gets 404; the calls it places come from
//! `sip:<caller_number>@<its ip>;user=phone`, through its proxy when it has one.

use super::kit_addr::UaError;
use super::ua::{Profile, Ua};
use super::{GatewayConfig, OptionsBehaviour, Peer, PeerContext, PeerInput, PeerOutput, UaConfig};
use std::time::Duration;

/// A simulated PSTN gateway (see the module docs).
#[derive(Debug)]
pub struct Gateway {
    ua: Ua,
}

impl Gateway {
    /// A gateway from its scenario config; `caller_number` must be a telephone number and
    /// `proxy` (when set) a name in the directory or an `ip:port`.
    pub fn new(cfg: &GatewayConfig, ctx: PeerContext) -> Result<Gateway, UaError> {
        let digits = cfg
            .caller_number
            .strip_prefix('+')
            .unwrap_or(&cfg.caller_number);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(UaError::Invalid {
                field: "caller_number",
                value: cfg.caller_number.clone(),
                why: "a telephone number is digits with an optional leading `+`",
            });
        }
        let ua_cfg = UaConfig {
            ping: None,
            user: cfg.caller_number.clone(),
            domain: None,
            password: None,
            registrar: None,
            expires: 3600,
            proxy: cfg.proxy.clone(),
            on_options: OptionsBehaviour::Answer,
            on_invite: cfg.on_invite,
            hangup_after: cfg.hangup_after,
            reinvite_after: None,
        };
        let profile = Profile {
            early_media: cfg.early_media,
            numbers_only: true,
            user_phone: true,
        };
        Ok(Gateway {
            ua: Ua::with_profile(&ua_cfg, ctx, profile)?,
        })
    }

    /// The peer's name in the scenario.
    pub fn name(&self) -> &str {
        self.ua.name()
    }
}

impl Peer for Gateway {
    fn handle(&mut self, now: Duration, input: PeerInput) {
        self.ua.handle(now, input);
    }

    fn poll_output(&mut self) -> Option<PeerOutput> {
        self.ua.poll_output()
    }

    fn poll_timeout(&self) -> Option<Duration> {
        self.ua.poll_timeout()
    }

    fn handle_timeout(&mut self, now: Duration) {
        self.ua.handle_timeout(now);
    }
}
