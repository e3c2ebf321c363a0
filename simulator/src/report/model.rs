//! The ladder as data, shared by the text and SVG renderers: one column per host (in
//! order of first appearance), one row per wire message or annotation, in time order.

use super::glyphs::Glyphs;
use super::notes::{note, Tone};
use crate::trace::{Fate, Record, TraceLine, WireRecord};

/// One row of the ladder.
#[derive(Debug, Clone)]
pub(crate) enum RowKind<'a> {
    /// A packet from column `from` to column `to`.
    Message {
        from: usize,
        to: usize,
        label: String,
        wire: &'a WireRecord,
    },
    /// An annotation across the ladder.
    Note { text: String, tone: Tone },
}

/// A row and when it happened (a message: when it was sent).
#[derive(Debug, Clone)]
pub(crate) struct Row<'a> {
    pub t_us: u64,
    /// The trace line's own stamp (a message: when its fate was known).
    pub line_us: u64,
    pub kind: RowKind<'a>,
}

/// The whole ladder.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ladder<'a> {
    /// The scenario and seed, from the `run` line.
    pub run: Option<(String, u64)>,
    pub hosts: Vec<String>,
    pub rows: Vec<Row<'a>>,
}

impl<'a> Ladder<'a> {
    /// Lays out `lines`, writing notes with `g`.
    pub(crate) fn build(lines: &'a [TraceLine], g: &Glyphs) -> Ladder<'a> {
        let mut ladder = Ladder::default();
        for line in lines {
            let kind = match &line.record {
                Record::Run { scenario, seed } => {
                    ladder.run = Some((scenario.clone(), *seed));
                    continue;
                }
                Record::Wire(wire) => {
                    ladder.rows.push(Row {
                        t_us: wire.sent_us,
                        line_us: line.t_us,
                        // Columns are numbered after sorting, in order of appearance.
                        kind: RowKind::Message {
                            from: 0,
                            to: 0,
                            label: wire_label(wire),
                            wire,
                        },
                    });
                    continue;
                }
                other => match note(other, g) {
                    Some((text, tone)) => RowKind::Note { text, tone },
                    None => continue,
                },
            };
            ladder.rows.push(Row {
                t_us: line.t_us,
                line_us: line.t_us,
                kind,
            });
        }
        // Stable: rows at the same instant keep trace order.
        ladder.rows.sort_by_key(|row| row.t_us);
        let mut hosts = Vec::new();
        for row in &mut ladder.rows {
            if let RowKind::Message { from, to, wire, .. } = &mut row.kind {
                *from = column(&mut hosts, &wire.from);
                *to = column(&mut hosts, &wire.to);
            }
        }
        ladder.hosts = hosts;
        ladder
    }
}

fn column(hosts: &mut Vec<String>, name: &str) -> usize {
    match hosts.iter().position(|h| h == name) {
        Some(i) => i,
        None => {
            hosts.push(name.to_owned());
            hosts.len() - 1
        }
    }
}

/// A message's arrow label: the method for requests, `200 OK` for responses, else the
/// summary (`CRLF keepalive`).
pub(crate) fn wire_label(wire: &WireRecord) -> String {
    if let Some(status) = wire.status {
        // "SIP/2.0 200 OK" → "200 OK"
        let reason = wire.summary.splitn(3, ' ').nth(2).unwrap_or("").trim();
        return if reason.is_empty() {
            status.to_string()
        } else {
            format!("{status} {reason}")
        };
    }
    match &wire.method {
        Some(method) => method.clone(),
        None => wire.summary.clone(),
    }
}

/// Whether the packet arrived.
pub(crate) fn delivered(fate: Fate) -> bool {
    matches!(fate, Fate::Delivered | Fate::Duplicate)
}

/// Why a packet did not arrive (`lost`, `partitioned`), or `dup` for a second copy.
pub(crate) fn fate_word(fate: Fate) -> Option<&'static str> {
    Some(match fate {
        Fate::Delivered => return None,
        Fate::Duplicate => "dup",
        Fate::Lost => "lost",
        Fate::Partitioned => "partitioned",
        Fate::DroppedAll => "dropped",
        Fate::Unreachable => "unreachable",
        Fate::NatFiltered => "nat-filtered",
        Fate::QueueFull => "queue full",
    })
}

/// The mark beside a message that was not simply delivered (`✗ lost`, `⇉ dup`).
pub(crate) fn fate_mark(fate: Fate, g: &Glyphs) -> Option<String> {
    let word = fate_word(fate)?;
    let glyph = if delivered(fate) { g.dup } else { g.cross };
    Some(format!("{glyph} {word}"))
}
