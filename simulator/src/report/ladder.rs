//! The SIP ladder for the terminal: one column per host, one row per packet or
//! annotation, simulated time at the left.
//!
//! ```text
//!           alice       bob
//!           │           │
//!   0.000s  │─OPTIONS─✗ │           ✗ lost
//!   0.500s  │─OPTIONS──▶│
//! ```

use super::glyphs::{Glyphs, ASCII, UNICODE};
use super::model::{delivered, fate_mark, Ladder, RowKind};
use super::notes::Tone;
use super::{fmt_secs, truncate};
use crate::trace::TraceLine;

/// The narrowest gap between two lifelines.
const MIN_GAP: usize = 8;

/// How to draw a text ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LadderOptions {
    /// ASCII only (`->`, `x`, `|`), for terminals without Unicode.
    pub ascii: bool,
    /// The widest a line should get; labels are shortened to fit (a ladder with very
    /// many hosts can still exceed it: lifelines are never closer than 8 columns).
    pub max_width: usize,
}

impl Default for LadderOptions {
    fn default() -> LadderOptions {
        LadderOptions {
            ascii: false,
            max_width: 120,
        }
    }
}

/// The ladder of a run's wire messages, with network changes, actions, engine events and
/// failed checks between them, drawn with Unicode box characters.
pub fn ladder_text(lines: &[TraceLine]) -> String {
    ladder_text_with(lines, LadderOptions::default())
}

/// [`ladder_text`] in plain ASCII.
pub fn ladder_text_ascii(lines: &[TraceLine]) -> String {
    ladder_text_with(
        lines,
        LadderOptions {
            ascii: true,
            ..LadderOptions::default()
        },
    )
}

/// [`ladder_text`] with options.
pub fn ladder_text_with(lines: &[TraceLine], options: LadderOptions) -> String {
    let g = if options.ascii { &ASCII } else { &UNICODE };
    let ladder = Ladder::build(lines, g);
    let mut out = String::new();
    if let Some((scenario, seed)) = &ladder.run {
        out.push_str(&format!("{scenario} {} seed {seed}\n", g.dot));
    }
    if ladder.rows.is_empty() {
        out.push_str("(nothing on the wire)\n");
        return out;
    }
    let layout = Layout::new(&ladder, g, options.max_width);
    out.push_str(&layout.names(&ladder.hosts, g));
    out.push_str(&finish(layout.lifelines()));
    for row in &ladder.rows {
        let mut grid = layout.lifelines();
        let time = fmt_secs(row.t_us);
        put(&mut grid, layout.time_w - time.len(), &time);
        match &row.kind {
            RowKind::Message {
                from,
                to,
                label,
                wire,
            } if from != to => {
                let (a, b) = (layout.pos[*from], layout.pos[*to]);
                draw_arrow(&mut grid, (a, b), label, delivered(wire.fate), g);
                if let Some(mark) = fate_mark(wire.fate, g) {
                    grid.resize(layout.width + 2, ' ');
                    put(&mut grid, layout.width + 2, &mark);
                }
            }
            RowKind::Message { label, wire, .. } => {
                let text = format!("{} {} {}: {label}", wire.from, g.arrow, wire.to);
                layout.note(&mut grid, &text, options.max_width, g);
            }
            RowKind::Note { text, tone } => {
                let text = match tone {
                    Tone::Net | Tone::End => format!("{} {text} {}", g.rule, g.rule),
                    Tone::Action | Tone::Event | Tone::Failed => text.clone(),
                };
                layout.note(&mut grid, &text, options.max_width, g);
            }
        }
        out.push_str(&finish(grid));
    }
    out
}

/// Where the columns go.
struct Layout {
    time_w: usize,
    gap: usize,
    pos: Vec<usize>,
    /// One past the last lifeline.
    width: usize,
    life: char,
}

impl Layout {
    fn new(ladder: &Ladder<'_>, g: &Glyphs, max_width: usize) -> Layout {
        let time_w = ladder
            .rows
            .iter()
            .map(|r| fmt_secs(r.t_us).len())
            .max()
            .unwrap_or(0);
        let prefix = time_w + 2;
        let mut label_w = 0;
        let mut mark_w = 0;
        for row in &ladder.rows {
            if let RowKind::Message { label, wire, .. } = &row.kind {
                label_w = label_w.max(label.chars().count());
                let mark = fate_mark(wire.fate, g).map_or(0, |m| m.chars().count() + 2);
                mark_w = mark_w.max(mark);
            }
        }
        let name_w = ladder.hosts.iter().map(|h| h.chars().count()).max();
        let want = (label_w + 4).max(name_w.unwrap_or(0) + 2).max(MIN_GAP);
        let n = ladder.hosts.len();
        let gap = if n > 1 {
            let room = max_width.saturating_sub(prefix + mark_w + 1) / (n - 1);
            want.min(room.max(MIN_GAP))
        } else {
            want
        };
        let first = ladder.hosts.first().map_or(0, |h| h.chars().count());
        let margin = first.min(gap - 1).saturating_sub(1) / 2;
        let pos: Vec<usize> = (0..n).map(|i| prefix + margin + i * gap).collect();
        let width = pos.last().map_or(prefix, |p| p + 1);
        Layout {
            time_w,
            gap,
            pos,
            width,
            life: g.life,
        }
    }

    /// The host names, centred over their lifelines.
    fn names(&self, hosts: &[String], g: &Glyphs) -> String {
        let mut grid = Vec::new();
        for (host, &at) in hosts.iter().zip(&self.pos) {
            let name = truncate(host, self.gap - 1, g.ellipsis);
            let half = name.chars().count().saturating_sub(1) / 2;
            put(&mut grid, at - half, &name);
        }
        finish(grid)
    }

    fn lifelines(&self) -> Vec<char> {
        let mut grid = vec![' '; self.width];
        for &at in &self.pos {
            grid[at] = self.life;
        }
        grid
    }

    /// Writes an annotation just right of the first lifeline.
    fn note(&self, grid: &mut Vec<char>, text: &str, max_width: usize, g: &Glyphs) {
        let start = self.pos.first().map_or(self.time_w + 2, |p| p + 2);
        let room = max_width.max(self.width).saturating_sub(start);
        put(grid, start, &truncate(text, room, g.ellipsis));
    }
}

/// Draws an arrow from column `a` to column `b`: the label near the sender, the head (or
/// a cross halfway, when the packet was dropped) near the receiver.
fn draw_arrow(grid: &mut [char], (a, b): (usize, usize), label: &str, arrived: bool, g: &Glyphs) {
    let rightward = a < b;
    let (lo, hi) = (a.min(b), a.max(b));
    let cells = hi - lo - 1;
    if cells == 0 {
        return;
    }
    let label = truncate(label, cells.saturating_sub(3), g.ellipsis);
    let len = label.chars().count();
    // The body in the sender → receiver direction (a leftward label goes in reversed).
    let mut body = vec![g.line; cells];
    let mut text: Vec<char> = label.chars().collect();
    if !rightward {
        text.reverse();
    }
    for (cell, c) in body.iter_mut().skip(1).zip(text) {
        *cell = c;
    }
    let end = if arrived {
        cells - 1
    } else {
        (cells / 2).max(len + 2).min(cells - 1)
    };
    body[end] = match (arrived, rightward) {
        (false, _) => g.cross.chars().next().unwrap_or('x'),
        (true, true) => g.right,
        (true, false) => g.left,
    };
    for (i, &c) in body.iter().take(end + 1).enumerate() {
        let at = if rightward { lo + 1 + i } else { hi - 1 - i };
        grid[at] = c;
    }
}

/// Writes `text` into `grid` from column `at`, growing it as needed.
fn put(grid: &mut Vec<char>, at: usize, text: &str) {
    for (i, c) in text.chars().enumerate() {
        if grid.len() <= at + i {
            grid.resize(at + i + 1, ' ');
        }
        grid[at + i] = c;
    }
}

/// One output line, without trailing blanks.
fn finish(grid: Vec<char>) -> String {
    let line: String = grid.into_iter().collect();
    format!("{}\n", line.trim_end())
}

#[cfg(test)]
#[path = "ladder_tests.rs"]
mod tests;
