//! Making offers (RFC 3264 §5), re-offers (§8) and hold offers (§8.4, RFC 6337 §5).

use std::net::IpAddr;

use rand::RngCore;

use super::types::PROTO_RTP_AVP;
use super::types::{Direction, MediaKind, MediaSection, Origin, PayloadFormat, SessionDescription};

/// Our side of the one audio stream: the codec list from config and where we receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMedia {
    /// Codecs in our preference order, with the payload types we offer for them
    /// (telephone-event included when we do RFC 4733).
    pub codecs: Vec<PayloadFormat>,
    /// The address we receive RTP on (`c=` and `o=`).
    pub address: IpAddr,
    /// The RTP port we receive on.
    pub port: u16,
    /// The direction we want (sendrecv, or a hold direction).
    pub direction: Direction,
    /// Extra media-level attributes we always add (e.g. `ptime:20`, `rtcp-mux`).
    pub attributes: Vec<super::types::Attribute>,
}

/// How to put the remote party on hold (RFC 6337 §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldKind {
    /// `a=sendonly`: we keep sending (music on hold), they stop.
    SendOnly,
    /// `a=inactive`: nobody sends.
    Inactive,
}

impl HoldKind {
    /// The direction this hold asks for.
    pub fn direction(self) -> Direction {
        match self {
            HoldKind::SendOnly => Direction::SendOnly,
            HoldKind::Inactive => Direction::Inactive,
        }
    }
}

impl Origin {
    /// The origin of a new session: a random numeric session id and a random starting
    /// version from the injected `rng` (RFC 8866 §5.2 only asks for uniqueness).
    pub fn new_session(rng: &mut impl RngCore, username: &str, address: IpAddr) -> Origin {
        Origin {
            username: if username.is_empty() {
                "-".to_owned()
            } else {
                username.to_owned()
            },
            // Below 2^62 so that the id and any later version fit a signed 64-bit field
            // in peers that parse them as such.
            session_id: (rng.next_u64() >> 2).to_string(),
            session_version: u64::from(rng.next_u32()),
            address: address.to_string(),
        }
    }

    /// The same origin with the version incremented by one (a new description of the session).
    pub fn next_version(&self) -> Origin {
        Origin {
            session_version: self.session_version.wrapping_add(1),
            ..self.clone()
        }
    }
}

/// Our audio m-line listing `formats` with `direction`.
pub(super) fn audio_section(
    local: &LocalMedia,
    formats: Vec<PayloadFormat>,
    direction: Direction,
) -> MediaSection {
    MediaSection {
        kind: MediaKind::Audio,
        port: local.port,
        port_count: None,
        proto: PROTO_RTP_AVP.to_owned(),
        formats,
        other_formats: Vec::new(),
        direction,
        connection: None,
        bandwidths: Vec::new(),
        attributes: local.attributes.clone(),
    }
}

/// A description with `media`, our origin and a session-level `c=`.
pub(super) fn description(
    origin: Origin,
    address: IpAddr,
    media: Vec<MediaSection>,
) -> SessionDescription {
    SessionDescription {
        origin,
        session_name: "-".to_owned(),
        connection: Some(address),
        bandwidths: Vec::new(),
        attributes: Vec::new(),
        media,
    }
}

/// The initial offer of a session: one audio m-line with all our codecs.
pub fn offer(origin: &Origin, local: &LocalMedia) -> SessionDescription {
    let audio = audio_section(local, local.codecs.clone(), local.direction);
    description(origin.clone(), local.address, vec![audio])
}

/// The index of our audio stream in `sdp`: the first enabled RTP/AVP audio m-line, else
/// the first audio m-line.
pub(super) fn audio_index(sdp: &SessionDescription) -> Option<usize> {
    let audio = |m: &MediaSection| {
        m.kind == MediaKind::Audio && m.proto.eq_ignore_ascii_case(PROTO_RTP_AVP)
    };
    sdp.media
        .iter()
        .position(|m| audio(m) && m.is_enabled())
        .or_else(|| sdp.media.iter().position(audio))
}

/// A new offer in an existing session (re-INVITE/UPDATE, RFC 3264 §8): `prev` is the last
/// description we sent (offer or answer). Same origin with version + 1; every earlier
/// m-line stays in place (§8.1: m-lines are never removed); our audio m-line is rebuilt
/// from `local` (new address, port, codecs or direction).
pub fn reoffer(prev: &SessionDescription, local: &LocalMedia) -> SessionDescription {
    let audio = audio_section(local, local.codecs.clone(), local.direction);
    let mut media = prev.media.clone();
    match audio_index(prev) {
        Some(i) => {
            if let Some(slot) = media.get_mut(i) {
                *slot = audio;
            }
        }
        None => media.push(audio),
    }
    description(prev.origin.next_version(), local.address, media)
}

/// A hold re-offer: `prev` (our last description) with version + 1 and every enabled m-line's
/// direction narrowed to `kind` (sendrecv → sendonly/inactive, recvonly → inactive).
pub fn hold_offer(prev: &SessionDescription, kind: HoldKind) -> SessionDescription {
    let mut sdp = prev.clone();
    sdp.origin = prev.origin.next_version();
    for m in sdp.media.iter_mut().filter(|m| m.is_enabled()) {
        m.direction = m.direction.intersect(kind.direction());
    }
    sdp
}

/// Whether `sdp` (received from the peer) puts us on hold: its audio stream is sendonly or
/// inactive, or its address is 0.0.0.0 / `::` (the RFC 2543 convention, still sent by
/// some old gateways).
pub fn is_hold(sdp: &SessionDescription) -> bool {
    let Some(m) = audio_index(sdp)
        .and_then(|i| sdp.media.get(i))
        .filter(|m| m.is_enabled())
    else {
        return false;
    };
    // sendonly/inactive: the peer will not receive our media.
    !m.direction.receives() || sdp.media_address(m).is_some_and(|a| a.is_unspecified())
}
