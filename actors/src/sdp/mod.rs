//! SDP (RFC 8866) and the offer/answer model (RFC 3264), sans-IO.
//!
//! The text is read and written by the `sdp-types` crate (MIT, small dependencies, fuzzed
//! upstream, keeps unknown attributes), wrapped in `wire.rs`: the rest of the engine sees only
//! our types — [`SessionDescription`], [`MediaSection`], [`PayloadFormat`], [`Direction`].
//!
//! Offer/answer are pure functions: [`offer`], [`reoffer`], [`hold_offer`] for our offers,
//! [`answer`]/[`reanswer`] for the peer's, [`accept_answer`] for the answer to ours; each
//! yields a [`Negotiated`] audio stream (codec, remote RTP address, directions,
//! telephone-event payload type, remote hold).

mod accept;
mod answer;
mod direction;
mod error;
mod offer;
mod types;
mod wire;
mod wire_media;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_hold;
#[cfg(test)]
mod tests_negotiation;
#[cfg(test)]
mod tests_prop;

pub use accept::accept_answer;
pub use answer::{answer, reanswer, Answer, Negotiated};
pub use error::{NegotiationError, SdpError};
pub use offer::{hold_offer, is_hold, offer, reoffer, HoldKind, LocalMedia};
pub use types::{
    Attribute, Bandwidth, Direction, MediaKind, MediaSection, Origin, PayloadFormat,
    SessionDescription, PROTO_RTP_AVP, TELEPHONE_EVENT,
};
