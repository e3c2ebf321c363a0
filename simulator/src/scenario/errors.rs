//! Why a scenario file was refused, always with the file, the line and column, and the
//! field: `simulator/scenarios/x.toml:14:1: [[step]] 3 field `action`: unknown variant …`.

use serde_path_to_error::{Path, Segment};
use std::fmt;
use std::ops::Range;

/// A scenario file that cannot be run as written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not TOML, or a value of the wrong type or form (unknown field, bad duration, …).
    #[error("{file}:{line}:{col}: {}{message}", field_prefix(.field))]
    Syntax {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        col: usize,
        /// Where in the scenario: `[[step]] 3 field `action``, or empty for the document.
        field: String,
        /// What the TOML reader said.
        message: String,
    },
    /// Well-formed, but inconsistent: a step naming an unknown user, a time beyond
    /// `duration`, two hosts with one address, …
    #[error("{file}:{line}:{col}: {}{reason}", field_prefix(.field))]
    Invalid {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        col: usize,
        /// Where in the scenario: `[[step]] 3 field `user``, or empty for the document.
        field: String,
        /// What is wrong.
        reason: String,
    },
}

impl ScenarioError {
    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            ScenarioError::Io { file, .. }
            | ScenarioError::Syntax { file, .. }
            | ScenarioError::Invalid { file, .. } => file,
        }
    }

    /// The 1-based line, when the error has one.
    pub fn line(&self) -> Option<usize> {
        match self {
            ScenarioError::Io { .. } => None,
            ScenarioError::Syntax { line, .. } | ScenarioError::Invalid { line, .. } => Some(*line),
        }
    }

    /// The field description (`[[step]] 3 field `action``), empty when none.
    pub fn field(&self) -> &str {
        match self {
            ScenarioError::Io { .. } => "",
            ScenarioError::Syntax { field, .. } | ScenarioError::Invalid { field, .. } => field,
        }
    }
}

fn field_prefix(field: &str) -> String {
    if field.is_empty() {
        String::new()
    } else {
        format!("{field}: ")
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`; never panics,
/// whatever the offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = before
        .get(line_start..)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count()
        + 1;
    (line, col)
}

/// Where a span starts, as (line, col).
pub(crate) fn span_pos(text: &str, span: &Range<usize>) -> (usize, usize) {
    line_col(text, span.start)
}

/// Describes a place in the scenario as a QA engineer wrote it: the array-of-tables
/// header and its 1-based entry, then the field inside it.
///
/// `["step", 2, "action"]` → ``[[step]] 3 field `action` ``; `["network", "loss"]` →
/// ``field `network.loss` ``; `["step", 2]` → `[[step]] 3`.
pub(crate) struct FieldPath<'a>(pub &'a [PathPart]);

/// One step into the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathPart {
    /// A table key.
    Key(String),
    /// An array index (0-based).
    Index(usize),
}

impl PathPart {
    pub(crate) fn key(k: &str) -> PathPart {
        PathPart::Key(k.to_owned())
    }
}

/// The parts of a serde path, without serde_spanned's private keys.
pub(crate) fn parts_of(path: &Path) -> Vec<PathPart> {
    path.iter()
        .filter_map(|seg| match seg {
            Segment::Seq { index } => Some(PathPart::Index(*index)),
            Segment::Map { key } if !key.starts_with("$__") => Some(PathPart::Key(key.clone())),
            Segment::Enum { variant } => Some(PathPart::Key(variant.clone())),
            _ => None,
        })
        .collect()
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = self.0;
        let header = parts.iter().position(|p| matches!(p, PathPart::Index(_)));
        let keys_before = |end: usize| {
            parts
                .get(..end)
                .unwrap_or_default()
                .iter()
                .all(|p| matches!(p, PathPart::Key(_)))
        };
        let rest = match header {
            Some(i) if i > 0 && keys_before(i) => {
                let names: Vec<&str> = parts
                    .get(..i)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|p| match p {
                        PathPart::Key(k) => Some(k.as_str()),
                        PathPart::Index(_) => None,
                    })
                    .collect();
                let n = match parts.get(i) {
                    Some(PathPart::Index(n)) => n + 1,
                    _ => 0,
                };
                write!(f, "[[{}]] {n}", names.join("."))?;
                parts.get(i + 1..).unwrap_or_default()
            }
            _ => parts,
        };
        if rest.is_empty() {
            return Ok(());
        }
        if rest.len() != parts.len() {
            f.write_str(" ")?;
        }
        f.write_str("field `")?;
        for (i, part) in rest.iter().enumerate() {
            match part {
                PathPart::Key(k) if i == 0 => f.write_str(k)?,
                PathPart::Key(k) => write!(f, ".{k}")?,
                PathPart::Index(n) => write!(f, "[{n}]")?,
            }
        }
        f.write_str("`")
    }
}

/// For a TOML syntax error (found before any field was read): the field on `line` as
/// the text has it — the table header in force and the key before `=` on that line.
pub(crate) fn field_at_line(text: &str, line: usize) -> String {
    let mut arrays: Vec<(String, usize)> = Vec::new();
    let mut table: Option<String> = None;
    let mut key = None;
    for (n, l) in text.lines().enumerate().take(line) {
        let t = l.trim();
        if let Some(name) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_owned();
            match arrays.iter_mut().find(|(a, _)| *a == name) {
                Some((_, count)) => *count += 1,
                None => arrays.push((name.clone(), 1)),
            }
            table = Some(name);
        } else if let Some(name) = t.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = Some(name.trim().to_owned());
        }
        if n + 1 == line {
            key = t
                .split_once('=')
                .map(|(k, _)| k.trim())
                .filter(|k| {
                    !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || "_-.".contains(c))
                })
                .map(str::to_owned);
        }
    }
    let mut parts = Vec::new();
    if let Some(t) = &table {
        let array = arrays
            .iter()
            .filter(|(a, _)| t == a || t.starts_with(&format!("{a}.")))
            .max_by_key(|(a, _)| a.len());
        match array {
            Some((a, count)) => {
                parts.push(PathPart::key(a));
                parts.push(PathPart::Index(count - 1));
                parts.extend(
                    t.get(a.len() + 1..)
                        .into_iter()
                        .flat_map(|r| r.split('.'))
                        .map(PathPart::key),
                );
            }
            None => parts.extend(t.split('.').map(PathPart::key)),
        }
    }
    match key {
        Some(k) => parts.extend(k.split('.').map(PathPart::key)),
        None if table.is_none() => return String::new(),
        None => {}
    }
    FieldPath(&parts).to_string()
}
