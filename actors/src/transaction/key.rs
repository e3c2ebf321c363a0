//! Transaction matching (RFC 3261 §17.1.3 for clients, §17.2.3 for servers).

use crate::sip::headers::params::split_params;
use crate::sip::{CSeq, Fault, HeaderName, Headers, Method, Request, Response, Via};
use thiserror::Error;

/// Why a message cannot be matched to a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A header needed for matching is missing.
    #[error("missing {0} header")]
    Missing(HeaderName),
    /// A header needed for matching does not parse.
    #[error(transparent)]
    Bad(#[from] Fault),
    /// A response's top Via has no branch: no client transaction of ours sent it.
    #[error("top Via has no branch")]
    NoBranch,
}

/// Identifies a client transaction: the top Via branch we generated and the CSeq
/// method (§17.1.3; a CANCEL shares its INVITE's branch but is its own transaction).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientKey {
    /// The branch parameter.
    pub branch: Box<str>,
    /// The request method (CSeq method of responses).
    pub method: Method,
}

/// Identifies a server transaction (§17.2.3). An ACK maps to its INVITE's key; a
/// CANCEL has its own key, from which [`ServerKey::cancelled_invite`] finds the INVITE.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ServerKey {
    /// The branch carries the `z9hG4bK` magic cookie.
    Rfc3261 {
        /// The top Via branch.
        branch: Box<str>,
        /// The top Via sent-by, host lower-cased, with its port as written.
        sent_by: (Box<str>, Option<u16>),
        /// The method, ACK counted as INVITE.
        method: Method,
    },
    /// RFC 2543 fallback: Request-URI, tags, Call-ID, CSeq number and top Via. The To
    /// tag is left out for INVITE and ACK: the ACK carries the tag of our response,
    /// not the INVITE's, and the other fields already identify the INVITE.
    Rfc2543 {
        /// The Request-URI as printed.
        request_uri: Box<str>,
        /// The To tag (non-INVITE requests only).
        to_tag: Option<Box<str>>,
        /// The From tag.
        from_tag: Option<Box<str>>,
        /// Call-ID.
        call_id: Box<str>,
        /// The CSeq number.
        cseq: u32,
        /// The top Via: transport, sent-by and any branch, normalised.
        top_via: Box<str>,
        /// The method, ACK counted as INVITE.
        method: Method,
    },
}

/// The first via-parm of a Via header value (a value may hold several, comma-separated).
pub fn first_via_parm(value: &str) -> &str {
    let mut in_quotes = false;
    for (i, c) in value.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => return &value[..i],
            _ => {}
        }
    }
    value
}

/// The top Via of a message, parsed.
pub fn top_via(headers: &Headers) -> Result<Via<'_>, KeyError> {
    let v = headers
        .get(&HeaderName::Via)
        .ok_or(KeyError::Missing(HeaderName::Via))?;
    Ok(Via::parse(first_via_parm(v.as_str()))?)
}

fn cseq(headers: &Headers) -> Result<CSeq, KeyError> {
    let v = headers
        .get(&HeaderName::CSeq)
        .ok_or(KeyError::Missing(HeaderName::CSeq))?;
    Ok(CSeq::parse(v.as_str())?)
}

/// The `tag` parameter of a From or To value (`name-addr` or `addr-spec` form).
pub fn tag_param(value: &str) -> Option<&str> {
    let mut rest = value.trim_start();
    if rest.starts_with('"') {
        let end = crate::sip::headers::params::quoted_end(rest)?;
        rest = &rest[end..];
    }
    let params = match rest.find('<') {
        Some(open) => {
            let close = rest[open..].find('>')? + open;
            &rest[close + 1..]
        }
        None => &rest[rest.find(';').unwrap_or(rest.len())..],
    };
    split_params(params)
        .ok()?
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("tag"))
        .and_then(|(_, v)| v)
}

fn header_tag(headers: &Headers, name: HeaderName) -> Option<Box<str>> {
    headers
        .get(&name)
        .and_then(|v| tag_param(v.as_str()))
        .map(Into::into)
}

impl ClientKey {
    /// The key of a request we send (its top Via must carry our branch).
    pub fn from_request(request: &Request) -> Result<ClientKey, KeyError> {
        let via = top_via(&request.headers)?;
        Ok(ClientKey {
            branch: via.branch.ok_or(KeyError::NoBranch)?.into(),
            method: request.method.clone(),
        })
    }

    /// The key a received response matches: top Via branch and CSeq method.
    pub fn from_response(response: &Response) -> Result<ClientKey, KeyError> {
        let via = top_via(&response.headers)?;
        Ok(ClientKey {
            branch: via.branch.ok_or(KeyError::NoBranch)?.into(),
            method: cseq(&response.headers)?.method,
        })
    }
}

fn tx_method(method: &Method) -> Method {
    if *method == Method::Ack {
        Method::Invite
    } else {
        method.clone()
    }
}

impl ServerKey {
    /// The key a received request matches (or creates).
    pub fn from_request(request: &Request) -> Result<ServerKey, KeyError> {
        let via = top_via(&request.headers)?;
        let method = tx_method(&request.method);
        if let Some(branch) = via.branch.filter(|_| via.is_rfc3261_branch()) {
            return Ok(ServerKey::Rfc3261 {
                branch: branch.into(),
                sent_by: (via.host.to_ascii_lowercase().into(), via.port),
                method,
            });
        }
        let h = &request.headers;
        let call_id = h
            .get(&HeaderName::CallId)
            .ok_or(KeyError::Missing(HeaderName::CallId))?;
        let top = format!(
            "{}/{}:{};{}",
            via.transport.to_ascii_uppercase(),
            via.host.to_ascii_lowercase(),
            via.port.unwrap_or(0),
            via.branch.unwrap_or("")
        );
        let invite_like = method == Method::Invite;
        Ok(ServerKey::Rfc2543 {
            request_uri: request.uri.to_string().into(),
            to_tag: if invite_like {
                None
            } else {
                header_tag(h, HeaderName::To)
            },
            from_tag: header_tag(h, HeaderName::From),
            call_id: call_id.as_str().into(),
            cseq: cseq(h)?.seq,
            top_via: top.into(),
            method,
        })
    }

    /// For a CANCEL's key, the key of the INVITE it cancels (§9.2: same branch and
    /// sent-by, or for RFC 2543 peers the same fields except the To tag).
    pub fn cancelled_invite(&self) -> Option<ServerKey> {
        let mut key = self.clone();
        match &mut key {
            ServerKey::Rfc3261 { method, .. } if *method == Method::Cancel => {
                *method = Method::Invite;
            }
            ServerKey::Rfc2543 { method, to_tag, .. } if *method == Method::Cancel => {
                *method = Method::Invite;
                *to_tag = None;
            }
            _ => return None,
        }
        Some(key)
    }

    /// The method this key's transaction was created by.
    pub fn method(&self) -> &Method {
        match self {
            ServerKey::Rfc3261 { method, .. } | ServerKey::Rfc2543 { method, .. } => method,
        }
    }
}

#[cfg(test)]
#[path = "key_tests.rs"]
mod tests;
