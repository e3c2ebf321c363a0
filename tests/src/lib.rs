//! Cross-crate and interop tests live in tests/tests; this library holds what the
//! interop tests share: the real peers (Kamailio and baresip started by
//! `tests/peers/up.sh`, SIPp started per test) and how to read their state, and the
//! engine's side of registrations and calls.

pub mod audio_check;
pub mod baresip;
pub mod calls;
pub mod engine_side;
pub mod media_side;
pub mod pcap;
pub mod peers;
pub mod sipp;
pub mod sipp_run;
pub mod turn;
