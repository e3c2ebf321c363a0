//! Simulated peers: small SIP elements written for the simulator, not the engine under
//! test — a registrar/proxy, scriptable remote user agents, a PSTN gateway, the app's push
//! backend and the phone's cellular radio.
//!
//! Each peer is a sans-IO machine ([`Peer`]) in the quinn-proto shape: the world feeds it
//! packets and commands with the simulated time, drains [`PeerOutput`]s and arms one
//! timer at [`Peer::poll_timeout`]. Peers use the engine's wire layer (parser, printer,
//! digest) but none of its transaction or dialog code, so a bug there is not mirrored on
//! both ends of a scenario.

mod config;
mod event;
mod location;
mod location_view;
mod proxy;
mod proxy_error;
mod proxy_forward;
#[cfg(test)]
mod proxy_proptest;
mod proxy_receive;
mod proxy_stun;
#[cfg(test)]
mod proxy_testkit;
#[cfg(test)]
mod proxy_tests;
mod push;
mod push_hold;
#[cfg(test)]
mod push_tests;
mod radio;
mod registrar;
mod registrar_auth;
#[cfg(test)]
mod registrar_failure_tests;
mod registrar_proxy;
mod registrar_register;
#[cfg(test)]
mod registrar_tests;
pub use location_view::BindingView;
pub use proxy_error::ServerError;
pub use push::PushBackend;
pub use radio::Radio;
pub use registrar::Registrar;

pub use config::{
    BadCredentials, GatewayConfig, InviteBehaviour, OptionsBehaviour, PeerKind, ProxyFailure,
    PushConfig, RadioConfig, RegistrarConfig, UaConfig, UaPing,
};
pub use event::PeerEvent;
mod gateway;
#[cfg(test)]
mod gateway_tests;
pub mod kit_addr;
pub mod kit_msg;
pub mod kit_sdp;
pub mod kit_timers;
pub mod kit_tx;
mod ua;
#[cfg(test)]
mod ua_auth_tests;
mod ua_call;
mod ua_io;
mod ua_reg;
#[cfg(test)]
mod ua_tests;
#[cfg(test)]
mod ua_tests_more;
#[cfg(test)]
mod ua_tests_prop;
mod ua_uac;
mod ua_uac_resp;
mod ua_uas;
mod ua_uas_dialog;
#[cfg(test)]
mod ua_wire;
pub use gateway::Gateway;
pub use kit_addr::UaError;
pub use ua::Ua;

use bytes::Bytes;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;
use switchboard_actors::vocab::TransportKind;

/// A simulated SIP element: a sans-IO machine driven by the world.
///
/// `now` is simulated time since the start of the run; it never goes backwards.
pub trait Peer: Send {
    /// Feeds one input.
    fn handle(&mut self, now: Duration, input: PeerInput);
    /// The next output, if any. The world drains this after every `handle` and timeout.
    fn poll_output(&mut self) -> Option<PeerOutput>;
    /// When [`handle_timeout`](Self::handle_timeout) should next be called.
    fn poll_timeout(&self) -> Option<Duration>;
    /// The deadline from `poll_timeout` has passed.
    fn handle_timeout(&mut self, now: Duration);
}

/// What the world gives a peer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PeerInput {
    /// One SIP message arrived (a datagram, or one framed message off a TCP connection).
    Message {
        /// How it came.
        transport: TransportKind,
        /// The sender as seen by the peer (after any NAT).
        from: SocketAddr,
        /// The bytes.
        bytes: Bytes,
    },
    /// A sent message could not be delivered (TCP connection refused or broken).
    SendFailed {
        /// How it was sent.
        transport: TransportKind,
        /// Where to.
        to: SocketAddr,
    },
    /// The scenario tells the peer to do something now.
    Command(PeerCommand),
}

/// What a peer wants done.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PeerOutput {
    /// Send `bytes` to `to` (over TCP the world opens or reuses a connection).
    Send {
        /// How.
        transport: TransportKind,
        /// Where to.
        to: SocketAddr,
        /// One whole SIP message (or a keepalive / junk, for the malformed scripts).
        bytes: Bytes,
    },
    /// Something worth a trace line (and matchable by expectations).
    Event(PeerEvent),
    /// Something for the app on a user's phone, outside SIP: a push payload arriving
    /// (after the push channel's delay) or the cellular radio changing state. The world
    /// hands it to that user's engine once the engine has the API for it.
    App {
        /// The user (engine) it is for.
        user: String,
        /// What.
        signal: AppSignal,
    },
}

/// A signal from outside SIP for the app on a phone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppSignal {
    /// A push payload (JSON text: call id, caller, token, server).
    Push {
        /// The payload.
        payload: String,
    },
    /// The cellular call is `ringing`, `answered` or `ended`.
    Cellular {
        /// The state.
        state: String,
    },
}

/// Scripted actions a scenario can order a peer to take at a time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum PeerCommand {
    /// UA / gateway: send OPTIONS to a target (a SIP URI, or a name the world resolved).
    SendOptions {
        /// Request-URI.
        to: String,
    },
    /// UA / gateway: place a call (INVITE with SDP) to a SIP URI.
    Call {
        /// Request-URI.
        to: String,
    },
    /// UA / gateway: hang up the current call (BYE when confirmed, CANCEL when early).
    Hangup,
    /// UA: send a re-INVITE in the current call (e.g. to put the engine on hold).
    Reinvite {
        /// SDP direction to offer: `sendrecv`, `sendonly`, `recvonly`, `inactive`.
        direction: String,
    },
    /// UA: send raw bytes (a malformed message) to a target address.
    SendRaw {
        /// `ip:port`.
        to: SocketAddr,
        /// Exactly what to send (`\r\n` written as such in TOML strings).
        text: String,
    },
    /// UA: register with the configured registrar now.
    Register,
    /// Registrar/proxy: change its failure mode from now on.
    SetFailure(ProxyFailure),
    /// Registrar/proxy: `user`'s password is now `password` (added when unknown):
    /// credentials computed with the old one stop working.
    SetPassword {
        /// The user name.
        user: String,
        /// The new password.
        password: String,
    },
    /// Radio: an incoming cellular call starts ringing.
    CellularRing,
    /// Radio: the user answered the cellular call.
    CellularAnswer,
    /// Radio: the cellular call ended.
    CellularEnd,
    /// The run's `duration` is over: start nothing new (periodic pings, registration
    /// refreshes); finish what is in flight. The world sends this to every peer.
    Quiesce,
}

/// What every peer is built with: its identity on the network and its seeded RNG.
#[derive(Debug, Clone)]
pub struct PeerContext {
    /// The peer's name in the scenario (and the trace).
    pub name: String,
    /// Its own SIP address (host IP and port) as it binds it.
    pub local: SocketAddr,
    /// Transports it listens on.
    pub transports: Vec<TransportKind>,
    /// Every named host and peer in the scenario and its SIP address, so configs can say
    /// `registrar = "proxy"` instead of an IP.
    pub directory: BTreeMap<String, SocketAddr>,
    /// Its randomness (tags, branches, Call-IDs, nonces, loss draws), forked from the
    /// run's seed.
    pub rng: ChaCha8Rng,
}
