//! Session timer headers (RFC 4028): Session-Expires and Min-SE.

use super::expires::{delta_seconds, owned_params, write_params};
use super::params::trim_lws;
use crate::sip::error::Fault;
use crate::sip::header::HeaderName;
use crate::sip::uri::Param;
use std::fmt;

/// Which side refreshes the session (RFC 4028 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refresher {
    /// The UAC of the refreshing transaction.
    Uac,
    /// The UAS.
    Uas,
}

impl fmt::Display for Refresher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Refresher::Uac => "uac",
            Refresher::Uas => "uas",
        })
    }
}

/// Splits `delta-seconds *(;param)` into the number and the parameter text.
fn delta_and_rest<'a>(value: &'a str, name: &HeaderName) -> Result<(u32, &'a str), Fault> {
    let v = trim_lws(value);
    let end = v.find([' ', '\t', ';']).unwrap_or(v.len());
    Ok((delta_seconds(&v[..end], name)?, &v[end..]))
}

/// The Session-Expires header: `delta-seconds [;refresher=uac|uas] *(;generic-param)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionExpires {
    /// The session interval in seconds.
    pub delta: u32,
    /// Who refreshes, if said.
    pub refresher: Option<Refresher>,
    /// Other parameters, in order.
    pub params: Vec<Param>,
}

impl SessionExpires {
    /// A value with no refresher and no parameters.
    pub fn new(delta: u32) -> SessionExpires {
        SessionExpires {
            delta,
            refresher: None,
            params: Vec::new(),
        }
    }

    /// Parses a Session-Expires value.
    pub fn parse(value: &str) -> Result<SessionExpires, Fault> {
        let name = HeaderName::SessionExpires;
        let (delta, rest) = delta_and_rest(value, &name)?;
        let mut refresher = None;
        let mut params = Vec::new();
        for p in owned_params(rest, &name)? {
            if p.name.eq_ignore_ascii_case("refresher") {
                refresher = Some(match p.value.as_deref() {
                    Some(v) if v.eq_ignore_ascii_case("uac") => Refresher::Uac,
                    Some(v) if v.eq_ignore_ascii_case("uas") => Refresher::Uas,
                    _ => {
                        return Err(Fault::BadHeader {
                            name,
                            why: "refresher is neither uac nor uas",
                        })
                    }
                });
            } else {
                params.push(p);
            }
        }
        Ok(SessionExpires {
            delta,
            refresher,
            params,
        })
    }
}

impl fmt::Display for SessionExpires {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.delta)?;
        if let Some(r) = self.refresher {
            write!(f, ";refresher={r}")?;
        }
        write_params(f, &self.params)
    }
}

/// The Min-SE header: `delta-seconds *(;generic-param)`, the smallest session
/// interval the sender accepts (RFC 4028 §5; at least 90).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinSe {
    /// The minimum session interval in seconds.
    pub delta: u32,
    /// Parameters, in order.
    pub params: Vec<Param>,
}

impl MinSe {
    /// Parses a Min-SE value.
    pub fn parse(value: &str) -> Result<MinSe, Fault> {
        let name = HeaderName::MinSe;
        let (delta, rest) = delta_and_rest(value, &name)?;
        Ok(MinSe {
            delta,
            params: owned_params(rest, &name)?,
        })
    }
}

impl fmt::Display for MinSe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.delta)?;
        write_params(f, &self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_expires() {
        let s = SessionExpires::parse("1800 ; refresher = UAC ;x").unwrap();
        assert_eq!(s.delta, 1800);
        assert_eq!(s.refresher, Some(Refresher::Uac));
        assert_eq!(s.params, vec![Param::new("x", None)]);
        assert_eq!(s.to_string(), "1800;refresher=uac;x");
        assert_eq!(SessionExpires::parse(&s.to_string()).unwrap(), s);
        assert_eq!(
            SessionExpires::parse("90").unwrap(),
            SessionExpires::new(90)
        );
        assert_eq!(
            SessionExpires::parse("4000;refresher=uas")
                .unwrap()
                .refresher,
            Some(Refresher::Uas)
        );
        assert!(SessionExpires::parse("1800;refresher=both").is_err());
        assert!(SessionExpires::parse("1800;refresher").is_err());
        assert!(SessionExpires::parse("soon").is_err());
        assert_eq!(
            SessionExpires::parse("99999999999"),
            Err(Fault::OutOfRange(HeaderName::SessionExpires))
        );
    }

    #[test]
    fn min_se() {
        let m = MinSe::parse(" 90;foo=bar").unwrap();
        assert_eq!(m.delta, 90);
        assert_eq!(m.to_string(), "90;foo=bar");
        assert!(MinSe::parse("90 junk").is_err());
        assert!(MinSe::parse("").is_err());
    }
}
