//! Delta-seconds headers: Expires, Min-Expires (RFC 3261 §20.19, §20.23) and
//! Retry-After (§20.33), plus the `delta-seconds` number shared with Session-Expires,
//! Min-SE and Subscription-State.

use super::params::{split_params, trim_lws};
use crate::sip::error::Fault;
use crate::sip::header::HeaderName;
use crate::sip::uri::Param;
use std::fmt;

/// Parses `delta-seconds = 1*DIGIT` (leading zeros allowed) into the `u32` range.
/// Not a number → `BadHeader`; above 2**32-1 → `OutOfRange` (RFC 4475 §3.1.2.4:
/// the caller may then fall back to a default).
pub fn delta_seconds(value: &str, name: &HeaderName) -> Result<u32, Fault> {
    super::simple::delta_seconds(name.clone(), value)
}

/// Converts `split_params` output to owned parameters, naming the header on error.
pub(crate) fn owned_params(rest: &str, name: &HeaderName) -> Result<Vec<Param>, Fault> {
    let params = split_params(rest).map_err(|why| Fault::BadHeader {
        name: name.clone(),
        why,
    })?;
    Ok(params.into_iter().map(|(n, v)| Param::new(n, v)).collect())
}

/// Writes `;name[=value]` for each parameter.
pub(crate) fn write_params(f: &mut fmt::Formatter<'_>, params: &[Param]) -> fmt::Result {
    params.iter().try_for_each(|p| write!(f, ";{p}"))
}

/// The Expires header: seconds until a registration, subscription or invitation lapses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Expires(pub u32);

impl Expires {
    /// Parses `delta-seconds`.
    pub fn parse(value: &str) -> Result<Expires, Fault> {
        delta_seconds(value, &HeaderName::Expires).map(Expires)
    }
}

impl fmt::Display for Expires {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The Min-Expires header of a 423 (Interval Too Brief) response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MinExpires(pub u32);

impl MinExpires {
    /// Parses `delta-seconds`.
    pub fn parse(value: &str) -> Result<MinExpires, Fault> {
        delta_seconds(value, &HeaderName::MinExpires).map(MinExpires)
    }
}

impl fmt::Display for MinExpires {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The Retry-After header: `delta-seconds [comment] *(;duration=delta / generic-param)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryAfter {
    /// Seconds to wait before retrying.
    pub delay: u32,
    /// The comment's text between the outer parentheses, as written.
    pub comment: Option<Box<str>>,
    /// The `duration` parameter: how long the callee will be available.
    pub duration: Option<u32>,
    /// Other parameters, in order.
    pub params: Vec<Param>,
}

impl RetryAfter {
    /// Parses a Retry-After value.
    pub fn parse(value: &str) -> Result<RetryAfter, Fault> {
        let name = HeaderName::RetryAfter;
        let v = trim_lws(value);
        let end = v.find([' ', '\t', '(', ';']).unwrap_or(v.len());
        let delay = delta_seconds(&v[..end], &name)?;
        let mut rest = v[end..].trim_start_matches([' ', '\t']);
        let mut comment = None;
        if rest.starts_with('(') {
            let close = comment_end(rest).ok_or(Fault::BadHeader {
                name: name.clone(),
                why: "unterminated comment",
            })?;
            comment = Some(rest[1..close - 1].into());
            rest = &rest[close..];
        }
        let mut duration = None;
        let mut params = Vec::new();
        for p in owned_params(rest, &name)? {
            if p.name.eq_ignore_ascii_case("duration") {
                duration = Some(delta_seconds(p.value.as_deref().unwrap_or(""), &name)?);
            } else {
                params.push(p);
            }
        }
        Ok(RetryAfter {
            delay,
            comment,
            duration,
            params,
        })
    }
}

/// Given `s` starting with `(`, the index just past the matching `)`, honouring
/// nesting and `\` escapes; `None` if unbalanced.
pub fn comment_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

impl fmt::Display for RetryAfter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.delay)?;
        if let Some(c) = &self.comment {
            write!(f, " ({c})")?;
        }
        if let Some(d) = self.duration {
            write!(f, ";duration={d}")?;
        }
        write_params(f, &self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delta_seconds_range() {
        assert_eq!(Expires::parse(" 3600 ").unwrap(), Expires(3600));
        assert_eq!(Expires::parse("0003600").unwrap(), Expires(3600));
        assert_eq!(Expires::parse("4294967295").unwrap(), Expires(u32::MAX));
        assert_eq!(
            Expires::parse("4294967296"),
            Err(Fault::OutOfRange(HeaderName::Expires))
        );
        let huge = format!("1{}", "0".repeat(100));
        assert_eq!(
            Expires::parse(&huge),
            Err(Fault::OutOfRange(HeaderName::Expires))
        );
        assert!(matches!(Expires::parse("-1"), Err(Fault::BadHeader { .. })));
        assert!(Expires::parse("").is_err());
        assert!(MinExpires::parse("1h").is_err());
        assert_eq!(MinExpires::parse("60").unwrap().to_string(), "60");
    }

    #[test]
    fn retry_after_with_comment_and_duration() {
        let r = RetryAfter::parse("18000;duration=3600").unwrap();
        assert_eq!((r.delay, r.duration, r.comment), (18000, Some(3600), None));
        let r = RetryAfter::parse("120 (I'm in a (long) meeting) ;duration=60;x=y").unwrap();
        assert_eq!(r.comment.as_deref(), Some("I'm in a (long) meeting"));
        assert_eq!(r.duration, Some(60));
        assert_eq!(r.params, vec![Param::new("x", Some("y"))]);
        assert_eq!(
            r.to_string(),
            "120 (I'm in a (long) meeting);duration=60;x=y"
        );
        assert_eq!(RetryAfter::parse(&r.to_string()).unwrap(), r);
        assert!(RetryAfter::parse("5 (unterminated").is_err());
        assert!(RetryAfter::parse("5;duration=x").is_err());
        assert_eq!(
            RetryAfter::parse("949302838503028349304023988"),
            Err(Fault::OutOfRange(HeaderName::RetryAfter))
        );
    }
}
