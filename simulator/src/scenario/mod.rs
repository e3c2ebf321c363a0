//! Scenario files: the TOML QA engineers write (see `simulator/SCENARIOS.md`), loaded
//! into typed [`Scenario`]s and checked before anything runs.
//!
//! ```text
//! text ──toml + serde_path_to_error──▶ raw tables (with spans) ──validate──▶ Scenario
//!        Syntax{file,line,col,field}                      Invalid{file,line,col,field}
//! ```
//!
//! Every error names the file, the line and column, and the field:
//! `simulator/scenarios/x.toml:14:1: [[step]] 3 field `action`: unknown variant `dail`, …`.

mod actions;
mod errors;
mod expect;
mod matcher;
mod raw;
mod schema;
mod validate;
mod validate_expect;
mod validate_hosts;
mod validate_steps;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_bad;
#[cfg(test)]
mod tests_media;
#[cfg(test)]
mod tests_registration;

pub use actions::{Action, CellularState, Fault};
pub use errors::ScenarioError;
pub use expect::{Check, Expect, ENGINE_STATES};
pub use matcher::{Matcher, TRACE_KINDS};
pub use schema::{
    default_media, LinkOverride, LinkSpec, NatSpec, NetworkSpec, PeerSpec, Scenario, Step,
    StepWhat, TimerSpec, UserSpec,
};

use errors::{field_at_line, line_col, parts_of, FieldPath};
use std::path::{Path, PathBuf};

/// Reads and checks one scenario file; errors name `path` as given.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        file: file.clone(),
        source,
    })?;
    parse(&text, &file)
}

/// Parses and checks scenario `text`; `file` is the name errors carry.
pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    let syntax = |e: toml::de::Error, field: String| {
        let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        ScenarioError::Syntax {
            file: file.to_owned(),
            line,
            col,
            field,
            message: e.message().trim_end().to_owned(),
        }
    };
    let de = toml::de::Deserializer::parse(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_col(text, s.start).0);
        syntax(e, field_at_line(text, line))
    })?;
    let raw: raw::RawScenario = serde_path_to_error::deserialize(de).map_err(|e| {
        let field = FieldPath(&parts_of(e.path())).to_string();
        syntax(e.into_inner(), field)
    })?;
    validate::scenario(&validate::Ctx { text, file }, raw)
}

/// Every `*.toml` file directly in `dir`, sorted by name (the library's order).
pub fn files_in(dir: &Path) -> Result<Vec<PathBuf>, ScenarioError> {
    let io = |source| ScenarioError::Io {
        file: dir.display().to_string(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
