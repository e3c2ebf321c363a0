//! Switchboard's codecs: Opus, G.711, telephone-event and RTP payload helpers.
//!
//! The media issue fills this crate; the foundation only fixes its place in the
//! dependency graph (engine → actors → codecs).
