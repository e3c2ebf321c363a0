//! SDP (RFC 8866) and the offer/answer model (RFC 3264), sans-IO.
//!
//! The text is read and written by the `sdp-types` crate (MIT, small dependencies, fuzzed
//! upstream, keeps unknown attributes), wrapped in `wire.rs`: the rest of the engine sees only
//! our types — [`SessionDescription`], [`MediaSection`], [`PayloadFormat`], [`Direction`].
//!
//! Offer/answer are pure functions: [`offer`], [`reoffer`], [`hold_offer`] for our offers,
//! [`answer`]/[`reanswer`] for the peer's, [`accept_answer`] for the answer to ours; each
//! yields a [`Negotiated`] audio stream (codec, remote RTP address, directions,
//! telephone-event payload type, remote hold, the peer's fmtp and ptime, RTCP address).
//!
//! Our formats (issue 6): [`default_codecs`] (Opus, PCMU, PCMA) and
//! [`LocalMedia::audio`], which adds one telephone-event per clock rate (101 at 8000, 102
//! at 48000), `a=ptime:20`, and `a=rtcp-mux` on request ([`LocalMedia::with_rtcp_mux`]).

mod accept;
mod answer;
mod attributes;
mod direction;
mod error;
mod formats;
mod offer;
mod types;
mod wire;
mod wire_media;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_codecs;
#[cfg(test)]
mod tests_hold;
#[cfg(test)]
mod tests_interop;
#[cfg(test)]
mod tests_negotiation;
#[cfg(test)]
mod tests_prop;
#[cfg(test)]
mod tests_prop_codecs;

pub use accept::accept_answer;
pub use answer::{answer, reanswer, Answer, Negotiated};
pub use attributes::{default_codecs, DEFAULT_PTIME, PTIME, RTCP, RTCP_MUX};
pub use error::{NegotiationError, SdpError};
pub use formats::{
    fmtp_param, opus_fmtp, with_telephone_events, OPUS, OPUS_PT, TELEPHONE_EVENT_FMTP,
    TELEPHONE_EVENT_OTHER_PT, TELEPHONE_EVENT_PT,
};
pub use offer::{hold_offer, is_hold, offer, reoffer, HoldKind, LocalMedia};
pub use types::{
    Attribute, Bandwidth, Direction, MediaKind, MediaSection, Origin, PayloadFormat,
    SessionDescription, PROTO_RTP_AVP, TELEPHONE_EVENT,
};
