//! Switchboard: the crate embedders link.
