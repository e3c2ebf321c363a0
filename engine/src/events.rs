//! What the engine tells the embedder. Each [`Event`] serialises to one JSON object
//! with a snake_case `"kind"` and, where they apply, `"state"` and `"reason"`:
//!
//! ```json
//! {"kind":"engine","state":"running"}
//! {"kind":"listening","transport":"udp","addr":"127.0.0.1:5060"}
//! {"kind":"request_received","method":"OPTIONS","from":"127.0.0.1:40000","call_id":"a84b4c76e66710"}
//! {"kind":"answered","method":"OPTIONS","status":200}
//! {"kind":"malformed","from":"127.0.0.1:40000","status":400,"reason":"Missing Call-ID header"}
//! {"kind":"request_sent","method":"OPTIONS","to":"sip:bob@10.0.0.2","call_id":"5f1e…"}
//! {"kind":"response_received","method":"OPTIONS","status":200,"call_id":"5f1e…"}
//! {"kind":"request_failed","method":"OPTIONS","call_id":"5f1e…","reason":"timeout"}
//! {"kind":"registration","account":"sip:alice@example.com","state":"registered","expires":60}
//! {"kind":"registration","account":"sip:alice@example.com","state":"failed","reason":"server_error","status":503,"retry_in_ms":31000}
//! {"kind":"call","call_id":"a84b…","state":"incoming","direction":"incoming","remote":"sip:carol@example.com"}
//! {"kind":"call","call_id":"a84b…","state":"missed","direction":"incoming","remote":"sip:carol@example.com","reason":"cancelled","status":487}
//! {"kind":"lagged","missed":12}
//! ```
//!
//! The enum is `#[non_exhaustive]`: registrations and calls add variants later.

use crate::lifecycle::EngineState;
use serde::Serialize;
use std::fmt;
use std::net::SocketAddr;
use switchboard_actors::vocab::TransportKind;

/// Something that happened in the engine.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// The engine lifecycle moved to `state`; `reason` says why it is stopping after a
    /// failure.
    Engine {
        /// The new state.
        state: EngineState,
        /// Why, when the transition was caused by a failure.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A listener is bound and serving.
    Listening {
        /// Its transport.
        #[serde(with = "crate::serde_kind")]
        transport: TransportKind,
        /// The bound address (the real port when the config asked for port 0).
        addr: SocketAddr,
    },
    /// A listener's address went away (a network change) and it was re-bound on the
    /// host's new address; accounts re-register and calls re-INVITE from there.
    NetworkChanged {
        /// Its transport.
        #[serde(with = "crate::serde_kind")]
        transport: TransportKind,
        /// The old bound address.
        from: SocketAddr,
        /// The new one.
        to: SocketAddr,
    },
    /// A listener failed.
    TransportError {
        /// Its transport.
        #[serde(with = "crate::serde_kind")]
        transport: TransportKind,
        /// Its configured address.
        addr: SocketAddr,
        /// What failed.
        reason: String,
        /// Whether the supervisor will restart it (false: out of restart budget).
        restarting: bool,
    },
    /// A request arrived outside any dialog or transaction the engine holds.
    RequestReceived {
        /// The method, as on the wire.
        method: String,
        /// The sender's address.
        from: SocketAddr,
        /// Its Call-ID.
        call_id: String,
    },
    /// The engine answered a request.
    Answered {
        /// The request method.
        method: String,
        /// The status code sent.
        status: u16,
    },
    /// A received message was refused (answered 400/416/505/513) or, when `status` is
    /// absent, dropped as junk.
    Malformed {
        /// The sender's address.
        from: SocketAddr,
        /// The status answered, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        /// What was wrong.
        reason: String,
    },
    /// The engine sent a request of its own (outside any dialog).
    RequestSent {
        /// The method.
        method: String,
        /// The Request-URI.
        to: String,
        /// Its Call-ID.
        call_id: String,
    },
    /// The final response to a request the engine sent.
    ResponseReceived {
        /// The request's method.
        method: String,
        /// The final status code.
        status: u16,
        /// The request's Call-ID.
        call_id: String,
    },
    /// A request the engine sent got no final response: `reason` is `timeout` (Timer B
    /// or F) or `transport` (the transport failed to deliver it).
    RequestFailed {
        /// The method.
        method: String,
        /// The request's Call-ID.
        call_id: String,
        /// `timeout` or `transport`.
        reason: String,
    },
    /// A supervised actor failed; the engine goes on.
    ActorFailed {
        /// Which child (`event_hub`, `transport`, `transaction_layer`).
        actor: String,
        /// The failure as reported by the actor.
        reason: String,
    },
    /// An account's registration moved: `state` is `registering`, `registered` (with
    /// `expires`), `unregistering`, `unregistered`, `failed` (with `reason`, `status` and
    /// `retry_in_ms` when it retries by itself), `auth_expired` or `address_changed`.
    Registration {
        /// The account's address of record.
        account: String,
        /// The new state (see above).
        state: String,
        /// The granted expiry in seconds.
        #[serde(skip_serializing_if = "Option::is_none")]
        expires: Option<u32>,
        /// Why it failed (`credentials`, `forbidden`, `not_found`, `server_error`,
        /// `timeout`, `network`, `rejected`, `interval_too_brief`).
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// The final response's status, when there was one.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        /// When the engine retries by itself, in milliseconds.
        #[serde(skip_serializing_if = "Option::is_none")]
        retry_in_ms: Option<u64>,
    },
    /// A call moved. `state` is one of:
    /// - outgoing: `connecting` (the INVITE is sent; a dial waiting for the active call
    ///   to go on hold reports it later), `calling` (100: a server handles it),
    ///   `ringing` (with `early_media` and `status`), `confirmed`;
    /// - incoming: `incoming` (ringing here, 180 sent), `answered` (200 sent),
    ///   `confirmed` (ACKed);
    /// - in the call: `held`, `resumed`, `remote_hold`, `remote_resume`, `muted`,
    ///   `unmuted`, `dtmf` (`reason` is the digit), `hold_failed`, `resume_failed`,
    ///   `relocated` (after a network change the peer accepted our new address);
    /// - final: `ended` (`reason` from [`EndReason::as_str`](switchboard_actors::admission::EndReason::as_str):
    ///   `normal` with `by` `local`/`remote`, `busy`, `rejected`, `cancelled`,
    ///   `no_answer`, `timeout`, `congestion`, `auth_failed`, `call_limit`,
    ///   `cellular_call`, `network_change`, `internal_error`…, and `status`, the SIP
    ///   status behind it);
    ///   `missed` for an incoming call never answered (`cancelled`, `no_answer`,
    ///   `ignored`, `call_limit`, `cellular_call`, or `not_delivered` when a push's
    ///   INVITE never came); `rejected` (our user rejected it, with `status`); `failed`
    ///   (`transport` or `internal_error`).
    Call {
        /// The call's Call-ID.
        call_id: String,
        /// The new state (see above).
        state: String,
        /// `incoming` (the calls issue adds `outgoing`).
        direction: String,
        /// The other party: From's URI (or the push payload's caller).
        remote: String,
        /// The other party's display name, when From has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        display_name: Option<String>,
        /// The network-asserted identity (P-Asserted-Identity), when present.
        #[serde(skip_serializing_if = "Option::is_none")]
        asserted_identity: Option<String>,
        /// Why it ended.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// The final status sent, when the engine sent one.
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        /// Who hung up a call that ended `normal`: `local` or `remote`.
        #[serde(skip_serializing_if = "Option::is_none")]
        by: Option<String>,
        /// Whether a `ringing` outgoing call has early media (a 18x with SDP).
        #[serde(skip_serializing_if = "Option::is_none")]
        early_media: Option<bool>,
        /// The account it came in on (pushed calls), when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        account: Option<String>,
        /// The negotiated codec (`opus/48000`, `PCMU/8000`), once the offer/answer
        /// chose one (from `confirmed` on; a re-INVITE may change it).
        #[serde(skip_serializing_if = "Option::is_none")]
        codec: Option<String>,
    },
    /// A call is over: its detail record (also kept in `Engine::call_history`).
    CallRecord {
        /// The record.
        record: Box<crate::cdr::CallRecord>,
    },
    /// This subscriber fell behind and `missed` events were dropped for it (only for
    /// it: the engine and other subscribers are never slowed down).
    Lagged {
        /// How many events this subscriber did not receive.
        missed: u64,
    },
}

impl Event {
    /// One JSON object, no trailing newline.
    pub fn to_json(&self) -> String {
        // Serialising these plain fields cannot fail; fall back to a fixed object anyway.
        serde_json::to_string(self).unwrap_or_else(|_| String::from(r#"{"kind":"unserialisable"}"#))
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Engine {
                state,
                reason: None,
            } => write!(f, "engine {state}"),
            Event::Engine {
                state,
                reason: Some(r),
            } => write!(f, "engine {state} ({r})"),
            Event::Listening { transport, addr } => write!(f, "listening on {transport} {addr}"),
            Event::NetworkChanged {
                transport,
                from,
                to,
            } => write!(f, "{transport} listener moved from {from} to {to}"),
            Event::TransportError {
                transport,
                addr,
                reason,
                restarting,
            } => {
                let then = if *restarting {
                    "restarting"
                } else {
                    "giving up"
                };
                write!(f, "{transport} listener {addr} failed: {reason} ({then})")
            }
            Event::RequestReceived {
                method,
                from,
                call_id,
            } => write!(f, "{method} from {from} (Call-ID {call_id})"),
            Event::Answered { method, status } => write!(f, "answered {method} with {status}"),
            Event::Malformed {
                from,
                status: Some(s),
                reason,
            } => write!(f, "refused message from {from} with {s}: {reason}"),
            Event::Malformed {
                from,
                status: None,
                reason,
            } => write!(f, "dropped message from {from}: {reason}"),
            Event::RequestSent { method, to, .. } => write!(f, "sent {method} to {to}"),
            Event::ResponseReceived { method, status, .. } => {
                write!(f, "{method} answered with {status}")
            }
            Event::RequestFailed { method, reason, .. } => write!(f, "{method} failed: {reason}"),
            Event::ActorFailed { actor, reason } => write!(f, "{actor} actor failed: {reason}"),
            Event::Registration {
                account,
                state,
                expires,
                reason,
                ..
            } => {
                write!(f, "{account} {state}")?;
                if let Some(e) = expires {
                    write!(f, " for {e} s")?;
                }
                match reason {
                    Some(r) => write!(f, " ({r})"),
                    None => Ok(()),
                }
            }
            Event::Call {
                direction,
                state,
                remote,
                reason,
                ..
            } => {
                let way = if direction == "outgoing" {
                    "to"
                } else {
                    "from"
                };
                write!(f, "{direction} call {way} {remote} {state}")?;
                match reason {
                    Some(r) => write!(f, " ({r})"),
                    None => Ok(()),
                }
            }
            Event::CallRecord { record } => write!(
                f,
                "call {} record: {} ms, {}",
                record.call_id,
                record.duration_ms,
                record.end_reason.as_deref().unwrap_or("live")
            ),
            Event::Lagged { missed } => write!(f, "event stream lagged, {missed} events missed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn j(e: &Event) -> Value {
        serde_json::from_str(&e.to_json()).unwrap()
    }

    #[test]
    fn json_lines_have_kind_state_reason_in_snake_case() {
        let e = Event::Engine {
            state: EngineState::Running,
            reason: None,
        };
        assert_eq!(j(&e), json!({"kind": "engine", "state": "running"}));
        let e = Event::Engine {
            state: EngineState::Stopping,
            reason: Some("hub died".into()),
        };
        assert_eq!(
            j(&e),
            json!({"kind": "engine", "state": "stopping", "reason": "hub died"})
        );
        let addr: SocketAddr = "127.0.0.1:5060".parse().unwrap();
        let e = Event::Listening {
            transport: TransportKind::Tls,
            addr,
        };
        assert_eq!(
            j(&e),
            json!({"kind": "listening", "transport": "tls", "addr": "127.0.0.1:5060"})
        );
        let e = Event::Malformed {
            from: addr,
            status: Some(400),
            reason: "Missing Call-ID header".into(),
        };
        assert_eq!(j(&e)["kind"], "malformed");
        assert_eq!(j(&e)["reason"], "Missing Call-ID header");
        let e = Event::RequestReceived {
            method: "OPTIONS".into(),
            from: addr,
            call_id: "c1".into(),
        };
        assert_eq!(j(&e)["kind"], "request_received");
        let e = Event::TransportError {
            transport: TransportKind::Udp,
            addr,
            reason: "x".into(),
            restarting: true,
        };
        assert_eq!(j(&e)["kind"], "transport_error");
        assert!(!e.to_json().contains('\n'));
    }

    #[test]
    fn human_text_reads_well() {
        let e = Event::Answered {
            method: "OPTIONS".into(),
            status: 200,
        };
        assert_eq!(e.to_string(), "answered OPTIONS with 200");
        let e = Event::Registration {
            account: "sip:alice@example.com".into(),
            state: "registered".into(),
            expires: Some(60),
            reason: None,
            status: None,
            retry_in_ms: None,
        };
        assert_eq!(e.to_string(), "sip:alice@example.com registered for 60 s");
        assert_eq!(
            j(&e),
            json!({"kind": "registration", "account": "sip:alice@example.com",
                   "state": "registered", "expires": 60})
        );
        let e = Event::Call {
            call_id: "c1".into(),
            state: "missed".into(),
            direction: "incoming".into(),
            remote: "sip:carol@example.com".into(),
            display_name: None,
            asserted_identity: None,
            reason: Some("cancelled".into()),
            status: Some(487),
            by: None,
            early_media: None,
            account: None,
            codec: None,
        };
        assert_eq!(
            e.to_string(),
            "incoming call from sip:carol@example.com missed (cancelled)"
        );
        assert_eq!(
            j(&e),
            json!({"kind": "call", "call_id": "c1", "state": "missed", "direction": "incoming",
                   "remote": "sip:carol@example.com", "reason": "cancelled", "status": 487})
        );
        assert_eq!(
            Event::Lagged { missed: 3 }.to_string(),
            "event stream lagged, 3 events missed"
        );
    }
}
