//! Simulated time as scenario files write it: `"250ms"`, `"1.5s"`, `"2m"`, `"24h"`, or a
//! bare number of seconds. Traces carry microseconds since the start of the run.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::time::Duration;

/// A span of simulated time, written with a unit in scenario files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimDuration(pub Duration);

/// Why a duration string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// Nothing before the unit, or not a number.
    #[error(
        "`{0}` is not a duration: write a number and a unit (us, ms, s, m, h), e.g. \"250ms\""
    )]
    NotANumber(String),
    /// The unit is not one of us, ms, s, m, h.
    #[error("`{0}` has an unknown unit: use us, ms, s, m or h")]
    UnknownUnit(String),
    /// Negative, NaN or beyond a century.
    #[error("`{0}` is out of range (0 to 100 years)")]
    OutOfRange(String),
}

impl SimDuration {
    /// Zero.
    pub const ZERO: SimDuration = SimDuration(Duration::ZERO);

    /// From whole milliseconds.
    pub const fn from_millis(ms: u64) -> SimDuration {
        SimDuration(Duration::from_millis(ms))
    }

    /// From whole seconds.
    pub const fn from_secs(s: u64) -> SimDuration {
        SimDuration(Duration::from_secs(s))
    }

    /// Microseconds (saturating), the unit of trace stamps.
    pub fn as_micros(self) -> u64 {
        u64::try_from(self.0.as_micros()).unwrap_or(u64::MAX)
    }

    /// Parses `"250ms"`, `"1.5s"`, `"2m"`, `"24h"`, `"40us"`; a bare number is seconds.
    pub fn parse(text: &str) -> Result<SimDuration, DurationError> {
        let t = text.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (number, unit) = t.split_at(split);
        let value: f64 = number
            .parse()
            .map_err(|_| DurationError::NotANumber(text.to_owned()))?;
        let scale = match unit.trim() {
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "" | "s" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            _ => return Err(DurationError::UnknownUnit(text.to_owned())),
        };
        Self::from_secs_f64(value * scale).ok_or_else(|| DurationError::OutOfRange(text.to_owned()))
    }

    fn from_secs_f64(secs: f64) -> Option<SimDuration> {
        const CENTURY: f64 = 100.0 * 365.0 * 86_400.0;
        (secs.is_finite() && (0.0..=CENTURY).contains(&secs))
            .then(|| SimDuration(Duration::from_secs_f64(secs)))
    }
}

impl From<Duration> for SimDuration {
    fn from(d: Duration) -> SimDuration {
        SimDuration(d)
    }
}

impl fmt::Display for SimDuration {
    /// The shortest exact form: `1.5s`, `250ms`, `40us`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let us = self.as_micros();
        if us.is_multiple_of(1_000_000) {
            write!(f, "{}s", us / 1_000_000)
        } else if us.is_multiple_of(1000) && us < 1_000_000 {
            write!(f, "{}ms", us / 1000)
        } else if us < 1000 {
            write!(f, "{us}us")
        } else {
            let ms = us as f64 / 1000.0;
            write!(f, "{}ms", ms)
        }
    }
}

impl Serialize for SimDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SimDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SimDuration, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = SimDuration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as \"250ms\", \"1.5s\", \"2m\" or a number of seconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SimDuration, E> {
                SimDuration::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<SimDuration, E> {
                u64::try_from(v)
                    .map(SimDuration::from_secs)
                    .map_err(|_| E::custom(DurationError::OutOfRange(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SimDuration, E> {
                Ok(SimDuration::from_secs(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<SimDuration, E> {
                SimDuration::from_secs_f64(v)
                    .ok_or_else(|| E::custom(DurationError::OutOfRange(v.to_string())))
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(
            SimDuration::parse("250ms").unwrap(),
            SimDuration::from_millis(250)
        );
        assert_eq!(
            SimDuration::parse("1.5s").unwrap(),
            SimDuration::from_millis(1500)
        );
        assert_eq!(
            SimDuration::parse("2m").unwrap(),
            SimDuration::from_secs(120)
        );
        assert_eq!(
            SimDuration::parse("24h").unwrap(),
            SimDuration::from_secs(86_400)
        );
        assert_eq!(SimDuration::parse("40us").unwrap().as_micros(), 40);
        assert_eq!(SimDuration::parse("3").unwrap(), SimDuration::from_secs(3));
    }

    #[test]
    fn refuses_bad_text_with_a_reason() {
        assert!(matches!(
            SimDuration::parse("fast"),
            Err(DurationError::NotANumber(_))
        ));
        assert!(matches!(
            SimDuration::parse("3 weeks"),
            Err(DurationError::UnknownUnit(_))
        ));
        assert!(matches!(
            SimDuration::parse("-5s"),
            Err(DurationError::NotANumber(_))
        ));
        assert!(matches!(
            SimDuration::parse("9999999999999h"),
            Err(DurationError::OutOfRange(_))
        ));
    }

    #[test]
    fn displays_round_trip() {
        for text in ["0s", "250ms", "1500.5ms", "40us", "86400s", "1500ms"] {
            let d = SimDuration::parse(text).unwrap();
            assert_eq!(SimDuration::parse(&d.to_string()).unwrap(), d, "{text}");
        }
    }

    #[test]
    fn deserialises_from_toml_numbers_and_strings() {
        #[derive(Deserialize)]
        struct T {
            a: SimDuration,
            b: SimDuration,
            c: SimDuration,
        }
        let t: T = toml::from_str("a = \"20ms\"\nb = 2\nc = 0.5").unwrap();
        assert_eq!(
            (t.a, t.b, t.c),
            (
                SimDuration::from_millis(20),
                SimDuration::from_secs(2),
                SimDuration::from_millis(500)
            )
        );
    }
}
