//! Switchboard's lifecycles. Each folder holds a sans-IO machine and its actor shell.

pub mod admission;
pub mod call;
pub mod dialog;
pub mod media;
pub mod registrar;
pub mod sdp;
pub mod sip;
pub mod transaction;
pub mod transport;
pub mod vocab;
