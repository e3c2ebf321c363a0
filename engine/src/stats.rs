//! What is alive in an engine, for leak checks (the simulator's sweep asserts these are
//! zero at the end of every run) and for embedders' diagnostics.

use serde::Serialize;

/// Counts of live parts of the tree, from [`crate::Engine::stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct EngineStats {
    /// Transaction actors alive (client and server).
    pub transactions: usize,
    /// Requests the embedder sent that wait for a final response.
    pub pending_requests: usize,
    /// Listeners serving.
    pub listeners: usize,
    /// Account actors alive.
    pub accounts: usize,
}
