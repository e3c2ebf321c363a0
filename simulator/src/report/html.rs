//! The ladder as a self-contained HTML page: the SVG ladder, the full text of every
//! message (click an arrow to open it) and the whole trace as a table. No external
//! assets; a few lines of plain JavaScript open the details. Everything taken from the
//! trace is escaped.

use super::fmt_secs;
use super::glyphs::UNICODE;
use super::model::{fate_mark, Ladder, RowKind};
use super::svg::ladder_svg;
use crate::trace::{Record, TraceLine};
use serde_json::Value;
use std::fmt::Write as _;

/// A self-contained HTML page with the run's ladder as an SVG, each message's full text
/// in a `<details>` section (an arrow's tooltip names it; a click opens it), and the
/// trace lines as a table.
pub fn ladder_html(lines: &[TraceLine], title: &str) -> String {
    let g = &UNICODE;
    let ladder = Ladder::build(lines, g);
    let title = esc(title);
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    if let Some((scenario, seed)) = &ladder.run {
        let _ = writeln!(
            s,
            "<p>scenario <b>{}</b>, seed <b>{seed}</b></p>",
            esc(scenario)
        );
    }
    s.push_str("<div class=\"scroll\">\n");
    s.push_str(&ladder_svg(&ladder));
    s.push_str("</div>\n<h2>Messages</h2>\n");
    let mut k = 0;
    for row in &ladder.rows {
        let RowKind::Message { label, wire, .. } = &row.kind else {
            continue;
        };
        let fate = fate_mark(wire.fate, g).unwrap_or_default();
        let _ = writeln!(
            s,
            "<details id=\"m{k}\"><summary>{} {} {} {}: {} {}</summary><pre>{}</pre></details>",
            fmt_secs(row.t_us),
            esc(&wire.from),
            g.arrow,
            esc(&wire.to),
            esc(label),
            esc(&fate),
            esc(&wire.text)
        );
        k += 1;
    }
    s.push_str("<h2>Trace</h2>\n<table>\n<thead><tr><th>time</th><th>kind</th><th>record</th></tr></thead>\n<tbody>\n");
    for line in lines {
        let (kind, rest) = table_cells(line);
        let bad = matches!(
            line.record,
            Record::Check { ok: false, .. } | Record::End { pass: false, .. }
        );
        let _ = writeln!(
            s,
            "<tr{}><td>{}</td><td>{}</td><td>{}</td></tr>",
            if bad { " class=\"bad\"" } else { "" },
            fmt_secs(line.t_us),
            esc(&kind),
            esc(&rest)
        );
    }
    s.push_str("</tbody>\n</table>\n");
    s.push_str(SCRIPT);
    s.push_str("</body>\n</html>\n");
    s
}

/// A trace line's kind, and its other fields as JSON (a wire record's message text is
/// left out: it is in the Messages section).
fn table_cells(line: &TraceLine) -> (String, String) {
    let Ok(Value::Object(mut map)) = serde_json::to_value(line) else {
        return (String::new(), String::new());
    };
    map.remove("t_us");
    let kind = match map.remove("kind") {
        Some(Value::String(kind)) => kind,
        _ => String::new(),
    };
    if kind == "wire" {
        map.remove("text");
    }
    (kind, Value::Object(map).to_string())
}

/// `text` safe in HTML and SVG text and attribute values; control characters other
/// than tab and line breaks become U+FFFD.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
.scroll{overflow-x:auto}
svg.ladder text{font:12px ui-monospace,Menlo,Consolas,monospace;fill:#222}
.host rect{fill:#eef3fb;stroke:#5577aa}
.life{stroke:#999;stroke-dasharray:4 3}
.arrow{stroke:#333;stroke-width:1.4}
.msg{cursor:pointer}
.msg:hover .arrow,.msg:focus .arrow{stroke:#06c;stroke-width:2.5}
.msg.duplicate .arrow{stroke:#c80;stroke-dasharray:6 3}
svg.ladder .cross,svg.ladder .fate{fill:#c00}
svg.ladder .msg.duplicate .fate{fill:#c80}
svg.ladder .time{fill:#777}
svg.ladder .note.net text{fill:#a50}
svg.ladder .note.event text{fill:#375}
svg.ladder .note.failed text{fill:#c00;font-weight:bold}
svg.ladder .note.end text{font-weight:bold}
details summary{font:12px ui-monospace,monospace;cursor:pointer}
pre{background:#f6f6f6;padding:.5em;overflow:auto}
table{border-collapse:collapse;font:12px ui-monospace,monospace}
td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
td:last-child{overflow-wrap:anywhere}
tr.bad td{background:#fee;color:#a00}
";

/// Clicking an arrow (or Enter on a focused one) opens its message text.
const SCRIPT: &str = "<script>
document.querySelectorAll('g.msg').forEach(function (g) {
  function open() {
    var d = document.getElementById(g.dataset.target);
    if (d) { d.open = true; d.scrollIntoView({block: 'center'}); }
  }
  g.addEventListener('click', open);
  g.addEventListener('keydown', function (e) { if (e.key === 'Enter') { open(); } });
});
</script>
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample;
    use crate::trace::Fate;

    fn wires(lines: &[TraceLine]) -> Vec<&crate::trace::WireRecord> {
        lines
            .iter()
            .filter_map(|l| match &l.record {
                Record::Wire(w) => Some(w),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_page_has_an_svg_with_one_arrow_and_one_details_per_packet() {
        let lines = sample();
        let html = ladder_html(&lines, "OPTIONS over lossy UDP");
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert_eq!(html.matches("<svg ").count(), 1);
        let n = wires(&lines).len();
        assert_eq!(html.matches("<g class=\"msg ").count(), n);
        assert_eq!(html.matches("<details id=\"m").count(), n);
        for k in 0..n {
            assert!(html.contains(&format!("data-target=\"m{k}\"")));
            assert!(html.contains(&format!("<details id=\"m{k}\">")));
        }
        // Arrowheads only on packets that arrived; dropped ones end in a cross.
        let arrived = wires(&lines)
            .iter()
            .filter(|w| matches!(w.fate, Fate::Delivered | Fate::Duplicate))
            .count();
        assert_eq!(html.matches("marker-end=\"url(#head)\"").count(), arrived);
        assert_eq!(html.matches("class=\"cross\"").count(), n - arrived);
        // Tooltips, annotations and the trace table.
        assert!(html.contains("<title>0.500s alice → bob (udp 70 bytes, arrived 0.510s): OPTIONS"));
        assert!(html.contains("── partition alice|bob ──"));
        assert!(html.contains("✗ expect 2: bob receives 2 OPTIONS — saw 1"));
        assert_eq!(html.matches("<tr><td>").count(), lines.len() - 2);
        assert_eq!(html.matches("<tr class=\"bad\"><td>").count(), 2);
        // No external assets.
        assert!(!html.contains("src=") && !html.contains("href=\"http"));
    }

    #[test]
    fn everything_from_the_trace_is_escaped() {
        let lines = sample();
        let html = ladder_html(&lines, "a <b> & \"c\"");
        assert!(html.contains("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"));
        // The only script is ours; the junk's markup is text.
        assert_eq!(html.matches("<script").count(), 1);
        assert!(!html.contains("alert(1)</script>"));
        assert!(html.contains("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;junk&gt; 31 bytes"));
        // Message texts with angle brackets never appear raw.
        for wire in wires(&lines) {
            if wire.text.contains('<') {
                assert!(!html.contains(wire.text.as_str()), "{}", wire.text);
                assert!(html.contains(&esc(&wire.text)));
            }
        }
        assert!(html.contains("From: &lt;sip:alice@10.0.0.1&gt;;tag=a"));
        assert!(!html.contains("<sip:"));
    }

    #[test]
    fn escaping_covers_markup_quotes_and_control_characters() {
        assert_eq!(
            esc("<a href='x'>&\"\u{1b}[31m\r\n\t"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\u{FFFD}[31m\r\n\t"
        );
    }

    #[test]
    fn the_page_is_deterministic() {
        assert_eq!(ladder_html(&sample(), "t"), ladder_html(&sample(), "t"));
    }
}
