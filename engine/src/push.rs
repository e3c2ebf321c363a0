//! Registration-free mode's pure parts: the push payload the app's backend sends
//! ([`PushPayload::parse`]), the session-token header a REGISTER (and, in the calls
//! issue, a dial) carries ([`token_header`]), and which account a push is for
//! ([`pick_account`]).
//!
//! The flow (RFC 8599 style, as Cloudonix and Exotel run it): the app's backend pushes
//! `{"call_id", "caller", "token", "server"}`; the app hands it to
//! [`crate::Engine::handle_push`]; the engine sets the account's token, registers with
//! its push Contact parameters so the proxy releases the held INVITE, and reports the
//! call as `incoming` — or, when no INVITE with that Call-ID comes within the account's
//! `push_wait`, as `missed` with reason `not_delivered` (the caller gave up meanwhile).
//! Once the pushed call has ended the account unregisters again — right away after a
//! missed push, 32 s (Timer H) after a final response so the ACK still reaches us: a
//! registration-free account keeps its binding only while a pushed call needs it.

use serde::Deserialize;
use switchboard_actors::sip::HeaderName;
use thiserror::Error;

/// A push the engine cannot act on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PushError {
    /// The payload is not a JSON object of the expected shape.
    #[error("push payload is not valid JSON: {message}")]
    Json {
        /// The JSON parser's message.
        message: String,
    },
    /// A required field is absent.
    #[error("push payload has no `{field}`")]
    MissingField {
        /// The field's name.
        field: &'static str,
    },
    /// A field's value is unusable.
    #[error("push payload field `{field}`: {reason}")]
    InvalidField {
        /// The field's name.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No registration-free account matches the push (see [`pick_account`]).
    #[error("no registration-free account for this push (server {server:?})")]
    NoAccount {
        /// The payload's server, if it named one.
        server: Option<String>,
    },
}

/// What the app's backend pushed. Unknown fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushPayload {
    /// The waiting call's Call-ID: the INVITE the engine waits for.
    pub call_id: String,
    /// Who calls (a URI or a number, as the backend wrote it).
    pub caller: String,
    /// The one-time session token for the REGISTER.
    pub token: String,
    /// The SIP server holding the call (`sip:host[:port]` or `host[:port]`), if given.
    pub server: Option<String>,
}

#[derive(Deserialize)]
struct Raw {
    call_id: Option<String>,
    caller: Option<String>,
    token: Option<String>,
    server: Option<String>,
}

fn required(v: Option<String>, field: &'static str) -> Result<String, PushError> {
    let v = v.ok_or(PushError::MissingField { field })?;
    if v.trim().is_empty() {
        return Err(PushError::InvalidField {
            field,
            reason: "empty",
        });
    }
    if v.chars().any(char::is_control) {
        return Err(PushError::InvalidField {
            field,
            reason: "contains control characters",
        });
    }
    Ok(v.trim().to_owned())
}

/// Checks a session token: visible ASCII, no spaces (it goes into a header as is).
pub fn check_token(token: &str) -> Result<(), PushError> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(PushError::InvalidField {
            field: "token",
            reason: "must be visible ASCII without spaces",
        });
    }
    Ok(())
}

impl PushPayload {
    /// Parses the JSON text; errors name the bad field.
    pub fn parse(text: &str) -> Result<PushPayload, PushError> {
        let raw: Raw = serde_json::from_str(text).map_err(|e| PushError::Json {
            message: e.to_string(),
        })?;
        let payload = PushPayload {
            call_id: required(raw.call_id, "call_id")?,
            caller: required(raw.caller, "caller")?,
            token: required(raw.token, "token")?,
            server: raw.server.filter(|s| !s.trim().is_empty()),
        };
        check_token(&payload.token)?;
        if payload.call_id.contains(char::is_whitespace) {
            return Err(PushError::InvalidField {
                field: "call_id",
                reason: "contains spaces",
            });
        }
        Ok(payload)
    }
}

/// The header that carries `token` under the configured header name:
/// `Authorization` (any case) gives `Authorization: Bearer <token>`, any other name
/// `<name>: <token>` (default `X-Session-Token`).
pub fn token_header(header_name: &str, token: &str) -> (HeaderName, String) {
    let name = HeaderName::from_wire(header_name.trim());
    match name {
        HeaderName::Authorization => (name, format!("Bearer {token}")),
        _ => (name, token.to_owned()),
    }
}

/// What [`pick_account`] knows of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushCandidate {
    /// The account's server host (name or IP, as configured).
    pub server: String,
    /// Its server port, when configured.
    pub port: Option<u16>,
    /// The AOR's domain.
    pub domain: String,
    /// Whether it is in registration-free mode (only those take pushes).
    pub registration_free: bool,
}

/// `sip:host:port;params` / `host:port` → (host, port).
fn server_host(server: &str) -> (String, Option<u16>) {
    let s = server.trim();
    let s = s
        .strip_prefix("sips:")
        .or_else(|| s.strip_prefix("sip:"))
        .unwrap_or(s);
    let s = s.rsplit('@').next().unwrap_or(s);
    let s = s.split([';', '?', '>']).next().unwrap_or(s);
    if let Some(rest) = s.strip_prefix('[') {
        let (host, tail) = rest.split_once(']').unwrap_or((rest, ""));
        let port = tail.strip_prefix(':').and_then(|p| p.parse().ok());
        return (host.to_ascii_lowercase(), port);
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h.to_ascii_lowercase(), p.parse().ok()),
        _ => (s.to_ascii_lowercase(), None),
    }
}

/// Which account a push is for (an index into `accounts`). Only registration-free
/// accounts take pushes. With a `server` in the payload: the first whose server host
/// (and port, when both name one) or domain equals the payload's host. Without one:
/// the only registration-free account. Otherwise [`PushError::NoAccount`].
pub fn pick_account(accounts: &[PushCandidate], server: Option<&str>) -> Result<usize, PushError> {
    let free = || {
        accounts
            .iter()
            .enumerate()
            .filter(|(_, a)| a.registration_free)
    };
    let none = || PushError::NoAccount {
        server: server.map(str::to_owned),
    };
    match server {
        Some(s) => {
            let (host, port) = server_host(s);
            free()
                .find(|(_, a)| {
                    let same_server = a.server.eq_ignore_ascii_case(&host)
                        && (port.is_none() || a.port.is_none() || port == a.port);
                    same_server || a.domain.eq_ignore_ascii_case(&host)
                })
                .map(|(i, _)| i)
                .ok_or_else(none)
        }
        None => {
            let mut it = free();
            match (it.next(), it.next()) {
                (Some((i, _)), None) => Ok(i),
                _ => Err(none()),
            }
        }
    }
}

#[cfg(test)]
#[path = "push_tests.rs"]
mod tests;
