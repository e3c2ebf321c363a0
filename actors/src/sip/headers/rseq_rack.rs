//! Reliable provisional responses (RFC 3262): RSeq and RAck.

use super::params::{is_token, trim_lws};
use crate::sip::error::Fault;
use crate::sip::header::HeaderName;
use crate::sip::method::Method;
use std::fmt;

/// Parses a `1*DIGIT` sequence number in 1..=2**31-1 (RFC 3262 §7.1; CSeq numbers
/// are < 2**31 too, RFC 3261 §8.1.1.5).
fn seq_number(s: &str, name: &HeaderName, allow_zero: bool) -> Result<u32, Fault> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Fault::BadHeader {
            name: name.clone(),
            why: "sequence number is not a number",
        });
    }
    let digits = s.trim_start_matches('0');
    let n: u64 = match digits.len() {
        0 => 0,
        1..=10 => digits
            .parse()
            .map_err(|_| Fault::OutOfRange(name.clone()))?,
        _ => u64::MAX,
    };
    if n >= 1 << 31 || (n == 0 && !allow_zero) {
        return Err(Fault::OutOfRange(name.clone()));
    }
    Ok(n as u32)
}

/// The RSeq header of a reliable provisional response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RSeq(pub u32);

impl RSeq {
    /// Parses `response-num` (1..=2**31-1).
    pub fn parse(value: &str) -> Result<RSeq, Fault> {
        seq_number(trim_lws(value), &HeaderName::RSeq, false).map(RSeq)
    }
}

impl fmt::Display for RSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The RAck header of a PRACK: which reliable provisional response it acknowledges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RAck {
    /// The RSeq of the acknowledged response.
    pub rseq: u32,
    /// The CSeq number of the acknowledged response.
    pub cseq: u32,
    /// The CSeq method of the acknowledged response.
    pub method: Method,
}

impl RAck {
    /// Parses `response-num LWS CSeq-num LWS Method`.
    pub fn parse(value: &str) -> Result<RAck, Fault> {
        let name = HeaderName::RAck;
        let mut parts = trim_lws(value).split([' ', '\t']).filter(|s| !s.is_empty());
        let (Some(rseq), Some(cseq), Some(method), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Fault::BadHeader {
                name,
                why: "expected response-num CSeq-num Method",
            });
        };
        if !is_token(method) {
            return Err(Fault::BadHeader {
                name,
                why: "method is not a token",
            });
        }
        Ok(RAck {
            rseq: seq_number(rseq, &name, false)?,
            cseq: seq_number(cseq, &name, true)?,
            method: Method::from_token(method),
        })
    }
}

impl fmt::Display for RAck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.rseq, self.cseq, self.method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rseq_bounds() {
        assert_eq!(RSeq::parse(" 988789 ").unwrap(), RSeq(988789));
        assert_eq!(RSeq::parse("2147483647").unwrap().to_string(), "2147483647");
        assert_eq!(
            RSeq::parse("2147483648"),
            Err(Fault::OutOfRange(HeaderName::RSeq))
        );
        assert_eq!(RSeq::parse("0"), Err(Fault::OutOfRange(HeaderName::RSeq)));
        assert!(RSeq::parse("12a").is_err());
        assert!(RSeq::parse("").is_err());
    }

    #[test]
    fn rack_three_fields() {
        let r = RAck::parse("776656  1\tINVITE").unwrap();
        assert_eq!(
            r,
            RAck {
                rseq: 776656,
                cseq: 1,
                method: Method::Invite
            }
        );
        assert_eq!(r.to_string(), "776656 1 INVITE");
        assert_eq!(RAck::parse(&r.to_string()).unwrap(), r);
        assert!(RAck::parse("1 INVITE").is_err());
        assert!(RAck::parse("1 2 INVITE extra").is_err());
        assert!(RAck::parse("1 2 <INVITE>").is_err());
        assert!(RAck::parse("1 99999999999999999999 INVITE").is_err());
    }
}
