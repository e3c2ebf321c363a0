//! The CSeq header (RFC 3261 §20.16).

use crate::sip::error::Fault;
use crate::sip::header::HeaderName;
use crate::sip::lex::{parse_decimal, NumError};
use crate::sip::method::Method;
use std::fmt;

/// Sequence number and method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    /// The sequence number, < 2**31 (RFC 3261 §8.1.1.5).
    pub seq: u32,
    /// The method.
    pub method: Method,
}

impl CSeq {
    /// Parses `1*DIGIT LWS Method`.
    pub fn parse(value: &str) -> Result<CSeq, Fault> {
        let (seq, method) = CSeq::parse_parts(value)?;
        Ok(CSeq {
            seq,
            method: Method::from_token(method),
        })
    }

    /// Parses `1*DIGIT LWS Method` without allocating: the number and the method token.
    pub fn parse_parts(value: &str) -> Result<(u32, &str), Fault> {
        let bad = |why| Fault::BadHeader {
            name: HeaderName::CSeq,
            why,
        };
        let value = super::params::trim_lws(value);
        let split = value
            .bytes()
            .position(|c| c == b' ' || c == b'\t')
            .ok_or_else(|| bad("missing method"))?;
        let (num, method) = (&value[..split], super::params::trim_lws(&value[split..]));
        let seq = match parse_decimal(num.as_bytes(), (1 << 31) - 1) {
            Ok(n) => n as u32,
            Err(NumError::TooBig) => return Err(Fault::OutOfRange(HeaderName::CSeq)),
            Err(NumError::NotANumber) => return Err(bad("sequence number is not a number")),
        };
        if !super::params::is_token(method) {
            return Err(bad("method is not a token"));
        }
        Ok((seq, method))
    }
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_bounds() {
        assert_eq!(
            CSeq::parse("  4711   INVITE ").unwrap(),
            CSeq {
                seq: 4711,
                method: Method::Invite
            }
        );
        assert!(CSeq::parse("2147483648 INVITE").is_err());
        assert!(CSeq::parse("36893488147419103232 INVITE").is_err());
        assert!(CSeq::parse("-1 INVITE").is_err());
        assert!(CSeq::parse("1").is_err());
    }
}
