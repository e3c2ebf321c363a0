//! Single-value headers checked by the parser: Call-ID, Max-Forwards, Content-Length,
//! Expires (delta-seconds) and the Contact `q` value. All borrow, none allocate.

use crate::sip::error::Fault;
use crate::sip::header::HeaderName;
use crate::sip::lex::{class, parse_decimal, scan, trim_wsp, NumError};

/// Largest Content-Length accepted at all (16 MiB; the size limit is usually far lower).
pub const MAX_CONTENT_LENGTH: u64 = 1 << 24;

fn bad(name: HeaderName, why: &'static str) -> Fault {
    Fault::BadHeader { name, why }
}

fn number(name: HeaderName, value: &str, max: u64) -> Result<u64, Fault> {
    match parse_decimal(trim_wsp(value.as_bytes()), max) {
        Ok(v) => Ok(v),
        Err(NumError::TooBig) => Err(Fault::OutOfRange(name)),
        Err(NumError::NotANumber) => Err(bad(name, "not a number")),
    }
}

/// Checks a Call-ID: `word ["@" word]` (RFC 3261 §25.1); returns it trimmed.
pub fn call_id(value: &str) -> Result<&str, Fault> {
    let v = super::params::trim_lws(value);
    let b = v.as_bytes();
    let a_end = scan(b, 0, class::WORD);
    let ok = a_end > 0
        && (a_end == b.len()
            || (b[a_end] == b'@'
                && a_end + 1 < b.len()
                && scan(b, a_end + 1, class::WORD) == b.len()));
    if ok {
        Ok(v)
    } else {
        Err(bad(HeaderName::CallId, "not word[@word]"))
    }
}

/// Max-Forwards: 0..=255 (RFC 3261 §20.22, leading zeros allowed).
pub fn max_forwards(value: &str) -> Result<u8, Fault> {
    number(HeaderName::MaxForwards, value, 255).map(|v| v as u8)
}

/// Content-Length, at most [`MAX_CONTENT_LENGTH`].
pub fn content_length(value: &str) -> Result<usize, Fault> {
    number(HeaderName::ContentLength, value, MAX_CONTENT_LENGTH).map(|v| v as usize)
}

/// A delta-seconds value (Expires header or parameter), 0..=2^32-1 (RFC 3261 §20.19).
pub fn delta_seconds(name: HeaderName, value: &str) -> Result<u32, Fault> {
    number(name, value, u64::from(u32::MAX)).map(|v| v as u32)
}

/// A `qvalue`: `0[.DDD]` or `1[.000]` (RFC 3261 §20.10).
pub fn qvalue_ok(v: &str) -> bool {
    let (int, frac) = match v.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (v, None),
    };
    let frac_ok = |f: &str, all_zero: bool| {
        f.len() <= 3
            && f.bytes().all(|b| {
                if all_zero {
                    b == b'0'
                } else {
                    b.is_ascii_digit()
                }
            })
    };
    match int {
        "0" => frac.is_none_or(|f| frac_ok(f, false)),
        "1" => frac.is_none_or(|f| frac_ok(f, true)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_ids() {
        assert_eq!(
            call_id(" a84b4c76e66710@pc33.atlanta.com "),
            Ok("a84b4c76e66710@pc33.atlanta.com")
        );
        assert!(call_id("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{").is_ok());
        assert!(call_id("").is_err());
        assert!(call_id("a b").is_err());
        assert!(call_id("a@b@c").is_err());
        assert!(call_id("a@").is_err());
    }

    #[test]
    fn numbers() {
        assert_eq!(max_forwards("0068"), Ok(68));
        assert_eq!(
            max_forwards("300"),
            Err(Fault::OutOfRange(HeaderName::MaxForwards))
        );
        assert!(matches!(
            content_length("-999"),
            Err(Fault::BadHeader { .. })
        ));
        assert_eq!(content_length(" 150 "), Ok(150));
        assert!(content_length("99999999999999999999").is_err());
        assert_eq!(
            delta_seconds(HeaderName::Expires, "4294967295"),
            Ok(u32::MAX)
        );
        assert_eq!(
            delta_seconds(HeaderName::Expires, "10000000000000000000000"),
            Err(Fault::OutOfRange(HeaderName::Expires))
        );
    }

    #[test]
    fn qvalues() {
        for ok in ["0", "1", "0.5", "0.500", "1.000", "0."] {
            assert!(qvalue_ok(ok), "{ok}");
        }
        for bad in ["2", "1.5", "0.1234", "", "a", ".5"] {
            assert!(!qvalue_ok(bad), "{bad}");
        }
    }
}
