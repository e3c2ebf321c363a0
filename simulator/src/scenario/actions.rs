//! What a step makes happen: an engine action (an API call by a user) or a network
//! fault. Written in TOML as `action = "shutdown"` or `action = { options = { to = … } }`,
//! `fault = { partition = { between = ["alice", "bob"] } }`.

use super::schema::LinkOverride;
use crate::time::SimDuration;
use serde::Deserialize;
use std::net::IpAddr;

/// An API call a user makes on their engine.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Action {
    /// Send OPTIONS (a keepalive / capability probe) to a SIP URI.
    Options {
        /// Request-URI, e.g. `sip:bob@10.0.0.2:5060`.
        to: String,
    },
    /// Shut the engine down.
    Shutdown,
    /// Pause the engine (it refuses new operations until resumed).
    Pause,
    /// Resume a paused engine.
    Resume,
    /// Register the user's account (issue 4).
    Register,
    /// Unregister the user's account (issue 4).
    Unregister,
    /// Replace the account's digest credentials on the live account
    /// (`Account::set_credentials`), used from the next REGISTER on.
    SetCredentials {
        /// The digest user name; the account's `auth_username` (else `username`) when
        /// absent.
        #[serde(default)]
        auth_username: Option<String>,
        /// The new password.
        password: String,
    },
    /// Place a call to a SIP URI.
    Dial {
        /// Request-URI.
        to: String,
    },
    /// Place a call to a telephone number through the account's gateway.
    DialNumber {
        /// The number, e.g. `+15551230000`.
        number: String,
    },
    /// Answer the ringing incoming call.
    Answer,
    /// Reject the ringing incoming call (the latest one) with a status.
    Reject {
        /// A 4xx–6xx status, e.g. 486 or 603.
        code: u16,
    },
    /// Let the ringing incoming call ring without answering.
    Ignore,
    /// Hang up the current call.
    Hangup,
    /// Put the current call on hold.
    Hold,
    /// Take the current call off hold.
    ResumeCall,
    /// Mute the microphone.
    Mute,
    /// Unmute the microphone.
    Unmute,
    /// Send DTMF digits in the current call.
    Dtmf {
        /// Digits from `0-9*#A-D`.
        digits: String,
    },
    /// The app received a push payload and hands it to the engine.
    Push {
        /// The payload (JSON text).
        payload: String,
    },
    /// Blind-transfer the current call to a SIP URI with REFER (a later issue).
    Transfer {
        /// Where the other party is sent (Refer-To).
        to: String,
    },
    /// The OS reports the cellular call's state.
    Cellular {
        /// The new state.
        state: CellularState,
    },
    /// The OS reports a network change (`Engine::network_changed`).
    NetworkChanged,
}

/// A cellular (PSTN) call's state, as the phone's OS reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellularState {
    /// An incoming cellular call is ringing.
    Ringing,
    /// The user answered it.
    Answered,
    /// It ended.
    Ended,
}

impl Action {
    /// The action's name as scenario files write it (`options`, `dial_number`, …); the
    /// trace's `action` records use it.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Options { .. } => "options",
            Action::Shutdown => "shutdown",
            Action::Pause => "pause",
            Action::Resume => "resume",
            Action::Register => "register",
            Action::Unregister => "unregister",
            Action::SetCredentials { .. } => "set_credentials",
            Action::Dial { .. } => "dial",
            Action::DialNumber { .. } => "dial_number",
            Action::Answer => "answer",
            Action::Reject { .. } => "reject",
            Action::Ignore => "ignore",
            Action::Hangup => "hangup",
            Action::Hold => "hold",
            Action::ResumeCall => "resume_call",
            Action::Mute => "mute",
            Action::Unmute => "unmute",
            Action::Dtmf { .. } => "dtmf",
            Action::Push { .. } => "push",
            Action::Transfer { .. } => "transfer",
            Action::Cellular { .. } => "cellular",
            Action::NetworkChanged => "network_changed",
        }
    }

    /// The feature issue the engine needs before it can do this action, or `None` when
    /// it can now. A non-pending scenario using such an action is refused by the runner.
    pub fn needs_issue(&self) -> Option<&'static str> {
        match self {
            Action::Options { .. }
            | Action::Shutdown
            | Action::Pause
            | Action::Resume
            | Action::Register
            | Action::Unregister
            | Action::SetCredentials { .. }
            | Action::Push { .. }
            | Action::Reject { .. }
            | Action::Dial { .. }
            | Action::DialNumber { .. }
            | Action::Answer
            | Action::Ignore
            | Action::Hangup
            | Action::Hold
            | Action::ResumeCall
            | Action::Mute
            | Action::Unmute
            | Action::Dtmf { .. }
            | Action::Cellular { .. }
            | Action::NetworkChanged => None,
            Action::Transfer { .. } => Some("a later issue: transfer"),
        }
    }
}

/// A change in the simulated network at a step's time.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Fault {
    /// Drop all traffic between two hosts, both ways (TCP connections break after the
    /// link's `tcp_timeout`).
    Partition {
        /// The two hosts.
        between: [String; 2],
    },
    /// End a partition.
    Heal {
        /// The two hosts.
        between: [String; 2],
    },
    /// Drop traffic from one host to another, one way (the other direction flows; a
    /// TCP connection's segments that way wait, and break after `tcp_timeout`).
    Block {
        /// The host whose packets are dropped.
        from: String,
        /// The host that stops hearing it.
        to: String,
    },
    /// End a one-way block.
    Unblock {
        /// The sending host.
        from: String,
        /// The receiving host.
        to: String,
    },
    /// Queue (not drop) all traffic between two hosts until released.
    Hold {
        /// The two hosts.
        between: [String; 2],
    },
    /// Deliver held traffic now.
    Release {
        /// The two hosts.
        between: [String; 2],
    },
    /// Drop every packet to or from a host for a while.
    DropAll {
        /// The host.
        host: String,
        /// For how long (`for = "5s"`).
        #[serde(rename = "for")]
        duration: SimDuration,
    },
    /// The host changes IP (network handover): its sockets and connections are gone.
    MoveHost {
        /// The host.
        host: String,
        /// Its new IP.
        to: IpAddr,
    },
    /// The NAT in front of a host drops its bindings and rebinds to a new public port.
    NatRebind {
        /// The host (a user with `nat`).
        host: String,
    },
    /// Change a link's settings from now on.
    SetLink(LinkOverride),
}

impl Fault {
    /// The fault's name as scenario files write it.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::Partition { .. } => "partition",
            Fault::Heal { .. } => "heal",
            Fault::Block { .. } => "block",
            Fault::Unblock { .. } => "unblock",
            Fault::Hold { .. } => "hold",
            Fault::Release { .. } => "release",
            Fault::DropAll { .. } => "drop_all",
            Fault::MoveHost { .. } => "move_host",
            Fault::NatRebind { .. } => "nat_rebind",
            Fault::SetLink(_) => "set_link",
        }
    }

    /// The hosts it names.
    pub fn hosts(&self) -> Vec<&str> {
        match self {
            Fault::Partition { between }
            | Fault::Heal { between }
            | Fault::Hold { between }
            | Fault::Release { between }
            | Fault::SetLink(LinkOverride { between, .. }) => {
                between.iter().map(String::as_str).collect()
            }
            Fault::Block { from, to } | Fault::Unblock { from, to } => {
                vec![from.as_str(), to.as_str()]
            }
            Fault::DropAll { host, .. }
            | Fault::MoveHost { host, .. }
            | Fault::NatRebind { host } => {
                vec![host.as_str()]
            }
        }
    }
}
