//! Reading a REGISTER's final response: granted expiry, Service-Route, challenges,
//! Min-Expires, Retry-After, and the failure reason a status maps to.

use super::config::RegistrationConfig;
use super::FailureReason;
use crate::sip::auth::DigestChallenge;
use crate::sip::headers::{MinExpires, RetryAfter};
use crate::sip::{Contact, HeaderName, NameAddr, Response, Uri};
use std::time::Duration;

/// The longest expiry a 423's Min-Expires may push us to (7 days).
pub const MAX_MIN_EXPIRES: u32 = 7 * 24 * 3600;

/// Whether a Contact of the 2xx is ours: same `+sip.instance` when both carry one, else
/// same user, host (case-insensitive) and port.
fn is_ours(cfg: &RegistrationConfig, c: &NameAddr) -> bool {
    if let (Some(mine), Some(theirs)) = (cfg.instance.as_deref(), c.instance()) {
        return mine.trim_matches('"') == theirs;
    }
    let Uri::Sip(u) = &c.uri else { return false };
    let me = &cfg.contact;
    u.user == me.user
        && u.host
            .to_string()
            .eq_ignore_ascii_case(&me.host.to_string())
        && u.port_or_default() == me.port_or_default()
}

/// The expiry granted by a 2xx: our Contact's `expires`, else the Expires header, else
/// what we asked for. Contacts that do not parse are skipped.
pub fn granted_expiry(resp: &Response, cfg: &RegistrationConfig, asked: u32) -> u32 {
    let ours = resp
        .headers
        .get_all(&HeaderName::Contact)
        .filter_map(|v| match Contact::parse(v.as_str()) {
            Ok(Contact::Addr(a)) => Some(a),
            _ => None,
        })
        .find(|a| is_ours(cfg, a))
        .and_then(|a| a.expires());
    ours.or_else(|| {
        resp.headers
            .get(&HeaderName::Expires)
            .and_then(|v| v.as_str().trim().parse().ok())
    })
    .unwrap_or(asked)
}

/// Splits a header value at commas outside `<>` and quoted strings.
fn split_list(v: &str) -> Vec<&str> {
    let (mut out, mut start, mut angle, mut quote, mut esc) = (Vec::new(), 0, false, false, false);
    for (i, c) in v.char_indices() {
        match c {
            _ if esc => esc = false,
            '\\' if quote => esc = true,
            '"' if !angle => quote = !quote,
            '<' if !quote => angle = true,
            '>' if !quote => angle = false,
            ',' if !angle && !quote => {
                out.push(&v[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&v[start..]);
    out
}

/// Where the server saw the request come from: the top Via's `received` (brackets of
/// an IPv6 literal removed) and `rport`; `None` when it wrote no `received`.
pub fn observed_address(resp: &Response) -> Option<(std::net::IpAddr, Option<u16>)> {
    let via = resp.top_via().ok()?;
    let received = via.received?.trim_matches(['[', ']']).parse().ok()?;
    Some((received, via.rport.flatten()))
}

/// The Service-Route of a 2xx (RFC 3608), in order; values that do not parse are skipped.
pub fn service_route(resp: &Response) -> Vec<NameAddr> {
    resp.headers
        .get_all(&HeaderName::ServiceRoute)
        .flat_map(|v| split_list(v.as_str()))
        .filter_map(|e| NameAddr::parse_as(&HeaderName::ServiceRoute, e).ok())
        .collect()
}

/// The header carrying our answer to a 401 (`Authorization`) or 407
/// (`Proxy-Authorization`), and the challenge: the first one we can answer.
pub fn challenge(resp: &Response) -> Option<(HeaderName, DigestChallenge)> {
    let (ask, answer) = match resp.status.as_u16() {
        401 => (HeaderName::WwwAuthenticate, HeaderName::Authorization),
        407 => (
            HeaderName::ProxyAuthenticate,
            HeaderName::ProxyAuthorization,
        ),
        _ => return None,
    };
    let values = resp.headers.get_all(&ask).map(|v| v.as_str());
    DigestChallenge::first_supported(values)
        .ok()
        .map(|c| (answer, c))
}

/// A 423's Min-Expires, when present and valid.
pub fn min_expires(resp: &Response) -> Option<u32> {
    let v = resp.headers.get(&HeaderName::MinExpires)?;
    MinExpires::parse(v.as_str()).ok().map(|m| m.0)
}

/// Retry-After, when present and valid.
pub fn retry_after(resp: &Response) -> Option<Duration> {
    let v = resp.headers.get(&HeaderName::RetryAfter)?;
    RetryAfter::parse(v.as_str())
        .ok()
        .map(|r| Duration::from_secs(u64::from(r.delay)))
}

/// The failure a final non-2xx status means (401/407 are handled before this).
pub fn failure_reason(status: u16) -> FailureReason {
    match status {
        401 | 407 => FailureReason::Credentials,
        403 => FailureReason::Forbidden,
        404 => FailureReason::NotFound,
        423 => FailureReason::IntervalTooBrief,
        500..=599 => FailureReason::ServerError,
        _ => FailureReason::Rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_outside_brackets_and_quotes() {
        assert_eq!(
            split_list(r#"<sip:a;x=1,2>, "x,\"y" <sip:b>"#),
            vec!["<sip:a;x=1,2>", r#" "x,\"y" <sip:b>"#]
        );
    }

    #[test]
    fn status_mapping() {
        assert_eq!(failure_reason(403), FailureReason::Forbidden);
        assert_eq!(failure_reason(404), FailureReason::NotFound);
        assert_eq!(failure_reason(503), FailureReason::ServerError);
        assert_eq!(failure_reason(302), FailureReason::Rejected);
        assert_eq!(failure_reason(603), FailureReason::Rejected);
    }
}
