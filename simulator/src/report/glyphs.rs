//! The characters the ladders are drawn with: Unicode box drawing, or plain ASCII.

/// The characters a renderer draws with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Glyphs {
    pub line: char,
    pub life: char,
    pub right: char,
    pub left: char,
    pub cross: &'static str,
    pub dup: &'static str,
    pub ellipsis: &'static str,
    pub arrow: &'static str,
    pub dot: &'static str,
    pub rule: &'static str,
    pub dash: &'static str,
}

/// Box drawing and arrows, for terminals and HTML.
pub(crate) const UNICODE: Glyphs = Glyphs {
    line: '─',
    life: '│',
    right: '▶',
    left: '◀',
    cross: "✗",
    dup: "⇉",
    ellipsis: "…",
    arrow: "→",
    dot: "·",
    rule: "──",
    dash: "—",
};

/// Plain ASCII, for terminals without Unicode.
pub(crate) const ASCII: Glyphs = Glyphs {
    line: '-',
    life: '|',
    right: '>',
    left: '<',
    cross: "x",
    dup: "=>",
    ellipsis: "...",
    arrow: "->",
    dot: "*",
    rule: "--",
    dash: "-",
};
