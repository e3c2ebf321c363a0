//! Cross-crate and interop tests live in tests/tests; this library holds what the
//! interop tests share: the real peers (Kamailio started by `tests/peers/up.sh`, SIPp
//! started per test) and how to read their state.

pub mod engine_side;
pub mod peers;
pub mod sipp;
