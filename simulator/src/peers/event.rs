//! What peers report: one trace line each, matchable by scenario expectations
//! (`{ kind = "peer", peer = "bob", event = "request_received", method = "OPTIONS" }`).

use serde::{Deserialize, Serialize};

/// Something a simulated peer did or saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PeerEvent {
    /// A request arrived (`retransmission` when it matched one already seen).
    RequestReceived {
        /// The method.
        method: String,
        /// Its Call-ID.
        call_id: String,
        /// A retransmission of a request already received.
        retransmission: bool,
    },
    /// The peer answered a request.
    ResponseSent {
        /// The request's method.
        method: String,
        /// The status code.
        status: u16,
    },
    /// The peer sent a request (first transmission only).
    RequestSent {
        /// The method.
        method: String,
        /// Its Call-ID.
        call_id: String,
    },
    /// A response arrived for a request the peer sent.
    ResponseReceived {
        /// The request's method.
        method: String,
        /// The status code.
        status: u16,
    },
    /// A request the peer sent got no final response in time (its Timer B/F).
    TransactionTimeout {
        /// The method.
        method: String,
    },
    /// Registrar: a binding was added or refreshed.
    Registered {
        /// The address of record.
        aor: String,
        /// The bound contact.
        contact: String,
        /// Granted expiry in seconds.
        expires: u32,
    },
    /// Registrar: a binding was removed (expires=0) or expired.
    Unregistered {
        /// The address of record.
        aor: String,
    },
    /// Registrar/proxy: a request was challenged (401/407).
    Challenged {
        /// The method.
        method: String,
    },
    /// Registrar/proxy: credentials were wrong or unknown.
    AuthFailed {
        /// The user name presented.
        user: String,
    },
    /// Proxy: a request or response was forwarded.
    Forwarded {
        /// The method (CSeq method for responses).
        method: String,
        /// The next hop.
        to: String,
    },
    /// A call on a UA or gateway changed state: `calling`, `ringing`, `answered`,
    /// `confirmed`, `held`, `resumed`, `ended`.
    CallState {
        /// The call's Call-ID.
        call_id: String,
        /// The new state.
        state: String,
        /// Why it ended, with the SIP status behind it (`state = "ended"` only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A DTMF digit arrived (SIP INFO).
    Dtmf {
        /// The call's Call-ID.
        call_id: String,
        /// The digit.
        digit: String,
    },
    /// Push backend: an incoming call is held for a registration-free user.
    CallHeld {
        /// The user.
        user: String,
        /// The held INVITE's Call-ID.
        call_id: String,
    },
    /// Push backend: a push payload was handed to the push channel.
    PushSent {
        /// The user.
        user: String,
        /// The call it announces.
        call_id: String,
    },
    /// Push backend: the push channel lost the payload.
    PushLost {
        /// The user.
        user: String,
        /// The call it announced.
        call_id: String,
    },
    /// Radio: the cellular call changed state (`ringing`, `answered`, `ended`).
    Cellular {
        /// The phone's user.
        user: String,
        /// The new state.
        state: String,
    },
    /// Something unparsable arrived and was dropped.
    Malformed {
        /// What the parser said.
        reason: String,
    },
}
