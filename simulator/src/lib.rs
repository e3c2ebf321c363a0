//! Switchboard's deterministic simulator: the real engine on a virtual network and a
//! paused clock, simulated SIP peers, scenario files, and reports that replay from a seed.
//!
//! ```text
//! scenario (TOML) ──load──▶ World ──run on a paused current-thread runtime──▶ Trace
//!                            ├─ SimNet: hosts, links, faults (net/)
//!                            ├─ Engine × users (the crate embedders link)
//!                            └─ peers: registrar/proxy, UAs, gateway, push, radio
//! ```

pub mod net;
pub mod peers;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod sweep;
pub mod time;
pub mod trace;
pub mod world;
