//! What the benchmark binaries share (the criterion benchmarks live in benches/benches).

pub mod procstat;

/// Seconds of CPU this process has used so far (0 where `/proc` is missing).
pub fn process_cpu_secs() -> f64 {
    procstat::cpu_secs(std::process::id()).unwrap_or(0.0)
}
