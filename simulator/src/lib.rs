//! Switchboard's deterministic simulator. Issue 3 builds it; the crate exists so the
//! workspace layout is fixed from the start.
