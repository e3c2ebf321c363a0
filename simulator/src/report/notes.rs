//! The annotation rows of a ladder: network changes, user actions, engine and peer
//! events, failed checks and the end of the run, each in one line.

use super::glyphs::Glyphs;
use crate::time::SimDuration;
use crate::trace::{NetEvent, Record};
use serde_json::Value;
use std::time::Duration;

/// What kind of annotation a note is (renderers style them apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    /// A network change.
    Net,
    /// A user action and its outcome.
    Action,
    /// An engine or peer event.
    Event,
    /// A failed expectation.
    Failed,
    /// The end of the run.
    End,
}

/// The annotation for a non-wire record, if it gets one.
pub(crate) fn note(record: &Record, g: &Glyphs) -> Option<(String, Tone)> {
    Some(match record {
        Record::Net { event } => (net_text(event, g), Tone::Net),
        Record::Action {
            user,
            action,
            outcome,
        } => (
            format!("{user}: {action} {} {outcome}", g.arrow),
            Tone::Action,
        ),
        Record::Engine { user, event } => (
            format!("{user} {} {}", g.dot, json_summary(event)),
            Tone::Event,
        ),
        Record::Peer { peer, event } => {
            let json = serde_json::to_value(event).ok()?;
            let name = json.get("event").and_then(Value::as_str).unwrap_or("");
            // These repeat what the wire rows already show.
            const ON_THE_WIRE: [&str; 5] = [
                "request_received",
                "response_sent",
                "request_sent",
                "response_received",
                "forwarded",
            ];
            if ON_THE_WIRE.contains(&name) {
                return None;
            }
            (
                format!("{peer} {} {}", g.dot, json_summary(&json)),
                Tone::Event,
            )
        }
        Record::Check {
            index,
            expect,
            ok: false,
            detail,
        } => (
            format!("{} expect {index}: {expect} {} {detail}", g.cross, g.dash),
            Tone::Failed,
        ),
        Record::End { pass, .. } => {
            let verdict = if *pass { "pass" } else { "FAIL" };
            (format!("end: {verdict}"), Tone::End)
        }
        Record::Run { .. } | Record::Wire(_) | Record::Check { .. } => return None,
    })
}

fn net_text(event: &NetEvent, g: &Glyphs) -> String {
    let to = g.arrow;
    match event {
        NetEvent::Partition { a, b } => format!("partition {a}|{b}"),
        NetEvent::Heal { a, b } => format!("heal {a}|{b}"),
        NetEvent::Block { from, to: dst } => format!("block {from} {to} {dst}"),
        NetEvent::Unblock { from, to: dst } => format!("unblock {from} {to} {dst}"),
        NetEvent::Hold { a, b } => format!("hold {a}|{b}"),
        NetEvent::Release { a, b } => format!("release {a}|{b}"),
        NetEvent::DropAll { host, for_us } => {
            let span = SimDuration(Duration::from_micros(*for_us));
            format!("drop-all {host} for {span}")
        }
        NetEvent::DropAllEnd { host } => format!("drop-all {host} ends"),
        NetEvent::Moved {
            host,
            from,
            to: new,
        } => format!("{host} moved {from} {to} {new}"),
        NetEvent::Nat {
            host,
            private,
            public,
            change,
        } => format!("nat {host} {private} {to} {public} {change}"),
        NetEvent::TcpOpen { client, server } => format!("tcp open {client} {to} {server}"),
        NetEvent::TcpClose {
            client,
            server,
            reason,
        } => format!("tcp {reason} {client} {to} {server}"),
    }
}

/// An event object in one line: its name first (`event`/`type`/`kind`), then the other
/// fields as `key=value` in key order.
pub(crate) fn json_summary(value: &Value) -> String {
    let Value::Object(map) = value else {
        return value.to_string();
    };
    let head = ["event", "type", "kind", "name"]
        .into_iter()
        .find(|k| map.get(*k).is_some_and(Value::is_string));
    let mut parts = Vec::new();
    if let Some(Value::String(name)) = head.and_then(|k| map.get(k)) {
        parts.push(name.clone());
    }
    for (key, field) in map {
        if Some(key.as_str()) == head {
            continue;
        }
        match field {
            Value::String(s) => parts.push(format!("{key}={s}")),
            other => parts.push(format!("{key}={other}")),
        }
    }
    parts.join(" ")
}
