//! The ladder as an inline SVG: lifelines under host boxes, one arrow per packet (a
//! dropped one stops halfway at a ✗), annotations between them, the time at the left.
//! Every arrow has a `<title>` tooltip and points at its `<details id="mN">` section.

use super::glyphs::UNICODE;
use super::html::esc;
use super::model::{delivered, fate_mark, fate_word, Ladder, RowKind};
use super::notes::Tone;
use super::{fmt_secs, truncate};
use std::fmt::Write as _;

/// Pixels per character of the 12px monospace font (a little generous).
const CHAR_W: usize = 8;
/// Width of the time column.
const LEFT: usize = 80;
/// Top of the first row.
const TOP: usize = 64;
/// Height of a row.
const ROW_H: usize = 28;

/// The `<svg>` element for `ladder`.
pub(crate) fn ladder_svg(ladder: &Ladder<'_>) -> String {
    let g = &UNICODE;
    let label_w = ladder
        .rows
        .iter()
        .filter_map(|r| match &r.kind {
            RowKind::Message { label, .. } => Some(label.chars().count()),
            RowKind::Note { .. } => None,
        })
        .max()
        .unwrap_or(0);
    let col_w = (label_w * CHAR_W + 40).clamp(120, 280);
    let x = |i: usize| LEFT + col_w / 2 + i * col_w;
    let note_w = ladder
        .rows
        .iter()
        .map(|r| match &r.kind {
            RowKind::Note { text, .. } => text.chars().count() * CHAR_W + 40,
            RowKind::Message { .. } => 0,
        })
        .max()
        .unwrap_or(0);
    let width = (LEFT + ladder.hosts.len() * col_w + 120).max(LEFT + note_w);
    let bottom = TOP + ladder.rows.len() * ROW_H;
    let height = bottom + 16;

    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n{DEFS}"
    );
    for (i, host) in ladder.hosts.iter().enumerate() {
        let name = esc(&truncate(host, col_w / CHAR_W - 2, g.ellipsis));
        let (cx, bw) = (x(i), col_w - 20);
        let _ = writeln!(
            s,
            "<g class=\"host\"><title>{}</title><rect x=\"{}\" y=\"8\" width=\"{bw}\" height=\"26\" rx=\"4\"/>\
             <text x=\"{cx}\" y=\"26\" text-anchor=\"middle\">{name}</text>\
             <line class=\"life\" x1=\"{cx}\" y1=\"34\" x2=\"{cx}\" y2=\"{bottom}\"/></g>",
            esc(host),
            cx - bw / 2,
        );
    }
    let mut message = 0;
    for (r, row) in ladder.rows.iter().enumerate() {
        let y = TOP + r * ROW_H;
        let time = fmt_secs(row.t_us);
        match &row.kind {
            RowKind::Message {
                from,
                to,
                label,
                wire,
            } => {
                let (x1, x2) = (x(*from), x(*to));
                let fate = fate_mark(wire.fate, g);
                let arrived = if delivered(wire.fate) {
                    format!(", arrived {}", fmt_secs(row.line_us))
                } else {
                    String::new()
                };
                let tip = format!(
                    "{time} {} {} {} ({} {} bytes{arrived}){}: {}",
                    wire.from,
                    g.arrow,
                    wire.to,
                    wire.transport,
                    wire.len,
                    fate.as_ref().map(|f| format!(" {f}")).unwrap_or_default(),
                    wire.summary,
                );
                let class = format!("{:?}", wire.fate).to_lowercase();
                let _ = write!(
                    s,
                    "<g class=\"msg {class}\" data-target=\"m{message}\" tabindex=\"0\"><title>{}</title>\
                     <text class=\"time\" x=\"8\" y=\"{}\">{time}</text>",
                    esc(&tip),
                    y + 4,
                );
                message += 1;
                let span = x1.abs_diff(x2).max(col_w);
                let text = esc(&truncate(label, span / CHAR_W - 2, g.ellipsis));
                let mid = (x1 + x2) / 2;
                // Over the drawn part: all of it, or the half before the cross.
                let centre = if delivered(wire.fate) {
                    mid
                } else {
                    (x1 + mid) / 2
                };
                let _ = write!(
                    s,
                    "<text class=\"label\" x=\"{centre}\" y=\"{}\" text-anchor=\"middle\">{text}</text>",
                    y - 5
                );
                if x1 == x2 {
                    // To itself: a small loop.
                    let _ = write!(
                        s,
                        "<path class=\"arrow\" d=\"M{x1},{} h24 v10 h-24\" fill=\"none\" marker-end=\"url(#head)\"/>",
                        y - 2
                    );
                } else if delivered(wire.fate) {
                    let _ = write!(
                        s,
                        "<line class=\"arrow\" x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" marker-end=\"url(#head)\"/>"
                    );
                } else {
                    let _ = write!(
                        s,
                        "<line class=\"arrow\" x1=\"{x1}\" y1=\"{y}\" x2=\"{mid}\" y2=\"{y}\"/>\
                         <text class=\"cross\" x=\"{mid}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                        y + 5,
                        g.cross
                    );
                }
                if let Some(mark) = fate {
                    let (at, anchor, text) = match (delivered(wire.fate), x2 >= x1) {
                        (true, true) => (x2 + 8, "start", mark),
                        (true, false) => (x2.saturating_sub(8), "end", mark),
                        (false, _) => {
                            (mid + 10, "start", fate_word(wire.fate).unwrap_or("").into())
                        }
                    };
                    let _ = write!(
                        s,
                        "<text class=\"fate\" x=\"{at}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
                        y + 4,
                        esc(&text)
                    );
                }
                s.push_str("</g>\n");
            }
            RowKind::Note { text, tone } => {
                let (class, text) = match tone {
                    Tone::Net => ("net", format!("{} {text} {}", g.rule, g.rule)),
                    Tone::End => ("end", format!("{} {text} {}", g.rule, g.rule)),
                    Tone::Action => ("action", text.clone()),
                    Tone::Event => ("event", text.clone()),
                    Tone::Failed => ("failed", text.clone()),
                };
                let _ = writeln!(
                    s,
                    "<g class=\"note {class}\"><text class=\"time\" x=\"8\" y=\"{}\">{time}</text>\
                     <text x=\"{}\" y=\"{}\">{}</text></g>",
                    y + 4,
                    LEFT + 8,
                    y + 4,
                    esc(&text)
                );
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

/// The arrowhead.
const DEFS: &str = "<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">\
<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker></defs>\n";
