//! Matchers: a TOML table whose keys must all be found, equal, in a trace line's JSON.
//! `{ kind = "engine", user = "alice", event = { kind = "response_received", status = 200 } }`
//! matches any engine line for alice whose event has at least that kind and status.

use serde::{de, Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::fmt;

/// Trace line kinds a matcher's `kind` may name (see `crate::trace::Record`).
pub const TRACE_KINDS: &[&str] = &[
    "run", "wire", "net", "engine", "peer", "action", "check", "end",
];

/// A subset of a trace line's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Matcher(pub Map<String, Value>);

impl Matcher {
    /// Whether every field of the matcher is in `line` with an equal value. Nested
    /// tables match as subsets too; numbers compare by value (`200` equals `200.0`);
    /// arrays must be equal element by element (same length, elements equal by value);
    /// `{ range = [lo, hi] }` in place of a value matches a number within `lo..=hi`;
    /// `{ contains = "text" }` matches a string containing `text`.
    pub fn matches(&self, line: &Value) -> bool {
        match line {
            Value::Object(fields) => subset(&self.0, fields),
            _ => false,
        }
    }

    /// The `kind` it selects, if it names one.
    pub fn kind(&self) -> Option<&str> {
        self.0.get("kind").and_then(Value::as_str)
    }
}

fn subset(want: &Map<String, Value>, have: &Map<String, Value>) -> bool {
    want.iter()
        .all(|(k, w)| have.get(k).is_some_and(|h| value_matches(w, h)))
}

fn value_matches(want: &Value, have: &Value) -> bool {
    if let Some((lo, hi)) = range(want) {
        return have.as_f64().is_some_and(|v| lo <= v && v <= hi);
    }
    if let Some(part) = contains(want) {
        return have.as_str().is_some_and(|h| h.contains(part));
    }
    match (want, have) {
        (Value::Object(w), Value::Object(h)) => subset(w, h),
        _ => value_eq(want, have),
    }
}

/// `{ range = [lo, hi] }`: a number within `lo..=hi` (for statistics: loss, jitter,
/// counts, durations in µs).
fn range(want: &Value) -> Option<(f64, f64)> {
    let Value::Object(w) = want else { return None };
    match (w.len(), w.get("range")) {
        (1, Some(Value::Array(bounds))) => match bounds.as_slice() {
            [lo, hi] => Some((lo.as_f64()?, hi.as_f64()?)),
            _ => None,
        },
        _ => None,
    }
}

/// `{ contains = "Expires: 900" }`: a string containing this text (a header in a
/// wire record's `text`, a word of a summary).
fn contains(want: &Value) -> Option<&str> {
    let Value::Object(w) = want else { return None };
    match (w.len(), w.get("contains")) {
        (1, Some(Value::String(part))) => Some(part),
        _ => None,
    }
}

/// Equality with numbers compared by value, recursively.
fn value_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| value_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| value_eq(v, w)))
        }
        _ => a == b,
    }
}

impl<'de> Deserialize<'de> for Matcher {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Matcher, D::Error> {
        const EXPECTED: &str =
            "a table of trace fields, e.g. { kind = \"wire\", method = \"OPTIONS\" }";
        match Value::deserialize(d)? {
            Value::Object(map) if map.is_empty() => Err(de::Error::custom(
                "an empty matcher matches every line: name at least `kind`",
            )),
            Value::Object(map) => {
                let m = Matcher(map);
                match m.0.get("kind") {
                    Some(Value::String(k)) if !TRACE_KINDS.contains(&k.as_str()) => {
                        Err(de::Error::custom(format!(
                            "unknown trace kind `{k}`, expected one of {}",
                            TRACE_KINDS.join(", ")
                        )))
                    }
                    _ => Ok(m),
                }
            }
            other => Err(de::Error::invalid_type(unexpected(&other), &EXPECTED)),
        }
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => n
            .as_f64()
            .map_or(de::Unexpected::Other("number"), de::Unexpected::Float),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

impl fmt::Display for Matcher {
    /// Compact, TOML-like: `{kind="wire", from="alice", method="OPTIONS"}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_map(f, &self.0)
    }
}

fn write_map(f: &mut fmt::Formatter<'_>, map: &Map<String, Value>) -> fmt::Result {
    f.write_str("{")?;
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{k}=")?;
        write_value(f, v)?;
    }
    f.write_str("}")
}

fn write_value(f: &mut fmt::Formatter<'_>, v: &Value) -> fmt::Result {
    match v {
        Value::Object(m) => write_map(f, m),
        Value::Array(items) => {
            f.write_str("[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_value(f, item)?;
            }
            f.write_str("]")
        }
        other => write!(f, "{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(toml_text: &str) -> Matcher {
        #[derive(Deserialize)]
        struct T {
            m: Matcher,
        }
        toml::from_str::<T>(&format!("m = {toml_text}")).unwrap().m
    }

    #[test]
    fn subset_of_top_level_fields() {
        let line =
            json!({"t_us": 5, "kind": "wire", "from": "alice", "method": "OPTIONS", "len": 300});
        assert!(m(r#"{ kind = "wire", method = "OPTIONS" }"#).matches(&line));
        assert!(!m(r#"{ kind = "wire", method = "INVITE" }"#).matches(&line));
        assert!(
            !m(r#"{ kind = "wire", status = 200 }"#).matches(&line),
            "absent field"
        );
        assert!(
            !m(r#"{ kind = "wire" }"#).matches(&json!("wire")),
            "not an object"
        );
    }

    #[test]
    fn nested_tables_match_as_subsets() {
        let line = json!({"kind": "engine", "user": "alice",
            "event": {"kind": "response_received", "method": "OPTIONS", "status": 200, "call_id": "x"}});
        assert!(
            m(r#"{ kind = "engine", event = { kind = "response_received", status = 200 } }"#)
                .matches(&line)
        );
        assert!(!m(r#"{ kind = "engine", event = { status = 404 } }"#).matches(&line));
        assert!(!m(r#"{ kind = "engine", event = { reason = "timeout" } }"#).matches(&line));
    }

    #[test]
    fn numbers_compare_by_value() {
        let line = json!({"kind": "wire", "status": 200, "ratio": 0.5, "big": u64::MAX});
        assert!(m(r#"{ kind = "wire", status = 200.0 }"#).matches(&line));
        assert!(m(r#"{ kind = "wire", ratio = 0.5 }"#).matches(&line));
        assert!(!m(r#"{ kind = "wire", status = 201 }"#).matches(&line));
        assert!(
            !m(r#"{ kind = "wire", status = "200" }"#).matches(&line),
            "no string coercion"
        );
        assert!(!m(r#"{ kind = "wire", big = -1 }"#).matches(&line));
    }

    #[test]
    fn ranges_match_numbers_within_bounds() {
        let line = json!({"kind": "peer", "event": "stats", "loss": 4.8, "len": 300, "name": "x"});
        assert!(m(r#"{ kind = "peer", loss = { range = [4, 6] } }"#).matches(&line));
        assert!(m(r#"{ kind = "peer", len = { range = [300, 300] } }"#).matches(&line));
        assert!(!m(r#"{ kind = "peer", loss = { range = [5, 6] } }"#).matches(&line));
        assert!(
            !m(r#"{ kind = "peer", name = { range = [0, 9] } }"#).matches(&line),
            "a range never matches a non-number"
        );
        assert!(
            !m(r#"{ kind = "peer", absent = { range = [0, 9] } }"#).matches(&line),
            "nor an absent field"
        );
    }

    #[test]
    fn contains_matches_strings_holding_the_text() {
        let line = json!({"kind": "wire", "text": "REGISTER x\r\nExpires: 900\r\n", "len": 9});
        assert!(m(r#"{ kind = "wire", text = { contains = "Expires: 900" } }"#).matches(&line));
        assert!(!m(r#"{ kind = "wire", text = { contains = "Expires: 300" } }"#).matches(&line));
        assert!(
            !m(r#"{ kind = "wire", len = { contains = "9" } }"#).matches(&line),
            "never a non-string"
        );
    }

    #[test]
    fn arrays_must_be_equal() {
        let line = json!({"kind": "peer", "list": [1, 2, {"a": 1, "b": 2}]});
        assert!(m(r#"{ kind = "peer", list = [1, 2.0, { a = 1, b = 2 }] }"#).matches(&line));
        assert!(
            !m(r#"{ kind = "peer", list = [1, 2] }"#).matches(&line),
            "shorter"
        );
        assert!(
            !m(r#"{ kind = "peer", list = [1, 2, { a = 1 }] }"#).matches(&line),
            "objects inside arrays are compared whole"
        );
    }

    #[test]
    fn displays_compactly() {
        let text = m(r#"{ kind = "engine", event = { kind = "x", status = 200 }, l = [1, "a"] }"#)
            .to_string();
        assert_eq!(
            text,
            r#"{event={kind="x", status=200}, kind="engine", l=[1, "a"]}"#
        );
    }

    #[test]
    fn refuses_non_tables_empty_tables_and_unknown_kinds() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct T {
            m: Matcher,
        }
        for (text, needle) in [
            ("m = \"wire\"", "expected a table of trace fields"),
            ("m = {}", "empty matcher"),
            ("m = { kind = \"wires\" }", "unknown trace kind `wires`"),
        ] {
            let err = toml::from_str::<T>(text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
