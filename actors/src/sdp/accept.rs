//! Checking the answer to our offer (RFC 3264 §7) and reading what was agreed.

use std::net::SocketAddr;

use super::answer::{telephone_event, Negotiated};
use super::error::NegotiationError;
use super::types::{Direction, MediaKind, SessionDescription, PROTO_RTP_AVP};

/// Checks `answer` against the `offer` we sent and returns the agreed audio stream.
///
/// Every m-line must answer the one at the same position with the same media type and
/// transport; an accepted m-line may only list formats of the offered m-line (same payload
/// type and codec); the first accepted RTP/AVP audio m-line gives the result, whose codec
/// is its first media codec (an answer naming a codec we did not offer is an error).
/// The answer's fmtp for it is [`Negotiated::remote_fmtp`]; RTCP is multiplexed only when
/// our offer and the answer both have `a=rtcp-mux`.
pub fn accept_answer(
    offer: &SessionDescription,
    answer: &SessionDescription,
) -> Result<Negotiated, NegotiationError> {
    if offer.media.len() != answer.media.len() {
        return Err(NegotiationError::MediaCountMismatch {
            offered: offer.media.len(),
            answered: answer.media.len(),
        });
    }
    let pairs = || offer.media.iter().zip(&answer.media).enumerate();
    for (i, (o, a)) in pairs() {
        let media = i + 1;
        if o.kind != a.kind
            || !o.proto.eq_ignore_ascii_case(&a.proto)
            || (a.is_enabled() && !o.is_enabled())
        {
            return Err(NegotiationError::MediaMismatch { media });
        }
        if !a.is_enabled() {
            continue;
        }
        if let Some(f) = a
            .formats
            .iter()
            .find(|f| !o.formats.iter().any(|of| of.pt == f.pt && of.same_codec(f)))
        {
            return Err(NegotiationError::CodecNotOffered { media, pt: f.pt });
        }
    }
    let (i, (o, a)) = pairs()
        .find(|(_, (_, a))| {
            a.is_enabled()
                && a.kind == MediaKind::Audio
                && a.proto.eq_ignore_ascii_case(PROTO_RTP_AVP)
        })
        .ok_or(NegotiationError::NoAudio)?;
    let media = i + 1;
    let codec = a
        .formats
        .iter()
        .find(|f| f.is_media_codec())
        .cloned()
        .ok_or(NegotiationError::NoCodec { media })?;
    let ip = answer
        .media_address(a)
        .ok_or(NegotiationError::NoConnection { media })?;
    let mut local_direction = a.direction.reversed().intersect(o.direction);
    if ip.is_unspecified() {
        local_direction = local_direction.intersect(Direction::RecvOnly);
    }
    let rtcp_mux = o.rtcp_mux() && a.rtcp_mux();
    Ok(Negotiated {
        remote_fmtp: codec.fmtp.clone(),
        ptime: a.ptime(),
        rtcp_mux,
        remote_rtcp: a.rtcp_address(ip, rtcp_mux),
        media_index: i,
        telephone_event: telephone_event(&a.formats, &codec),
        codec,
        remote: SocketAddr::new(ip, a.port),
        remote_direction: a.direction,
        local_direction,
        remote_hold: !a.direction.receives() || ip.is_unspecified(),
    })
}
