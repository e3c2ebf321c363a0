//! Answering an offer (RFC 3264 §6) and re-offers (§8).

use std::net::SocketAddr;

use super::attributes::RTCP_MUX;
use super::offer::{audio_section, description, LocalMedia};
use super::types::{
    Direction, MediaKind, MediaSection, Origin, PayloadFormat, SessionDescription, PROTO_RTP_AVP,
};

/// What was agreed for the audio stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// 0-based index of the audio m-line in the offer and the answer.
    pub media_index: usize,
    /// The codec to send: the first media codec of the answer, with the payload type both
    /// sides use for it (the answerer keeps the offerer's numbers).
    pub codec: PayloadFormat,
    /// Where to send RTP.
    pub remote: SocketAddr,
    /// The peer's direction attribute, as the peer wrote it.
    pub remote_direction: Direction,
    /// What our media session does: send and/or receive.
    pub local_direction: Direction,
    /// The RFC 4733 telephone-event payload type, when both sides support it.
    pub telephone_event: Option<u8>,
    /// The peer put us on hold (sendonly/inactive, or c=0.0.0.0).
    pub remote_hold: bool,
    /// The peer's fmtp for `codec` (what it wants to receive: configures our encoder, e.g.
    /// Opus `maxaveragebitrate`, `useinbandfec`, `stereo`); `codec.fmtp` is ours.
    pub remote_fmtp: Option<String>,
    /// The peer's `a=ptime` in ms (our packetisation towards it), if it wrote one.
    pub ptime: Option<u32>,
    /// RTP and RTCP share one port (both sides wrote `a=rtcp-mux`, RFC 5761).
    pub rtcp_mux: bool,
    /// Where to send RTCP: `remote` when muxed, else the peer's `a=rtcp` (RFC 3605), else
    /// the RTP port + 1.
    pub remote_rtcp: SocketAddr,
}

/// The answer to an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The answer to send: one m-line per offered m-line, in order.
    pub sdp: SessionDescription,
    /// The accepted audio stream; `None` when every m-line was rejected (port 0).
    pub negotiated: Option<Negotiated>,
}

/// The offered formats we support, in the offer's order (RFC 3264 §6.1 recommends it),
/// with the offerer's payload types and our fmtp; `keep` (the codec in use, on a
/// re-offer) goes first when it is still offered.
fn common_formats(
    offered: &[PayloadFormat],
    local: &[PayloadFormat],
    keep: Option<&PayloadFormat>,
) -> Vec<PayloadFormat> {
    let mut common: Vec<PayloadFormat> = offered
        .iter()
        .filter_map(|o| {
            let l = local.iter().find(|l| l.same_codec(o))?;
            Some(PayloadFormat {
                fmtp: l.fmtp.clone(),
                ..o.clone()
            })
        })
        .collect();
    if let Some(k) = keep {
        if let Some(i) = common.iter().position(|f| f.same_codec(k)) {
            let kept = common.remove(i);
            common.insert(0, kept);
        }
    }
    common
}

/// The telephone-event format that goes with `codec` (same clock rate preferred).
pub(super) fn telephone_event(formats: &[PayloadFormat], codec: &PayloadFormat) -> Option<u8> {
    let events = || formats.iter().filter(|f| f.is_telephone_event());
    events()
        .find(|f| f.clock_rate == codec.clock_rate)
        .or_else(|| events().next())
        .map(|f| f.pt)
}

/// A rejected m-line: port 0, same media type, proto and format list (RFC 3264 §6).
fn rejected(m: &MediaSection) -> MediaSection {
    MediaSection {
        kind: m.kind.clone(),
        port: 0,
        port_count: None,
        proto: m.proto.clone(),
        formats: m
            .formats
            .iter()
            .map(|f| PayloadFormat {
                fmtp: None,
                ..f.clone()
            })
            .collect(),
        other_formats: m.other_formats.clone(),
        direction: Direction::Inactive,
        connection: None,
        bandwidths: Vec::new(),
        attributes: Vec::new(),
    }
}

/// Answers `offer` with `origin` (a new one for a new session; for a re-offer use
/// [`reanswer`]). The first enabled RTP/AVP audio m-line with a common media codec is
/// accepted; every other m-line is rejected with port 0. Our direction is the offer's
/// reversed, narrowed by `local.direction` (our own hold). `keep` is the codec in use,
/// kept first when still offered.
///
/// Codec choice: the first codec of the OFFERER's list that we support (RFC 3264 §6.1
/// lets the answerer choose; following the offerer's preference keeps both ends on the
/// codec the caller ranked first), with the offerer's payload type and OUR fmtp (what we
/// want to receive); the offer's fmtp is kept in [`Negotiated::remote_fmtp`].
/// telephone-event: the one at the codec's clock rate, else any common one. `a=rtcp-mux`
/// is answered only when both the offer and `local` have it.
pub fn answer(
    origin: &Origin,
    offer: &SessionDescription,
    local: &LocalMedia,
    keep: Option<&PayloadFormat>,
) -> Answer {
    let mut negotiated = None;
    let mut media = Vec::with_capacity(offer.media.len());
    for (i, m) in offer.media.iter().enumerate() {
        let candidate = negotiated.is_none()
            && m.is_enabled()
            && m.kind == MediaKind::Audio
            && m.proto.eq_ignore_ascii_case(PROTO_RTP_AVP);
        let remote_ip = offer.media_address(m);
        let common = common_formats(&m.formats, &local.codecs, keep);
        let codec = common.iter().find(|f| f.is_media_codec()).cloned();
        match (candidate, remote_ip, codec) {
            (true, Some(ip), Some(codec)) => {
                let direction = m.direction.reversed().intersect(local.direction);
                let remote_hold = !m.direction.receives() || ip.is_unspecified();
                let local_direction = if ip.is_unspecified() {
                    direction.intersect(Direction::RecvOnly)
                } else {
                    direction
                };
                let rtcp_mux = m.rtcp_mux() && local.rtcp_mux();
                let mut ours = local.clone();
                if !rtcp_mux {
                    ours.attributes.retain(|a| a.name != RTCP_MUX);
                }
                negotiated = Some(Negotiated {
                    remote_fmtp: m
                        .formats
                        .iter()
                        .find(|f| f.pt == codec.pt)
                        .and_then(|f| f.fmtp.clone()),
                    ptime: m.ptime(),
                    rtcp_mux,
                    remote_rtcp: m.rtcp_address(ip, rtcp_mux),
                    media_index: i,
                    telephone_event: telephone_event(&common, &codec),
                    codec,
                    remote: SocketAddr::new(ip, m.port),
                    remote_direction: m.direction,
                    local_direction,
                    remote_hold,
                });
                media.push(audio_section(&ours, common, direction));
            }
            _ => media.push(rejected(m)),
        }
    }
    Answer {
        sdp: description(origin.clone(), local.address, media),
        negotiated,
    }
}

/// Answers a re-offer in an established session: `prev_local` is the last description we
/// sent, `current` what is in use. The codec is kept when still offered; the origin is
/// `prev_local`'s, with the version incremented only when the description changed
/// (RFC 3264 §8).
pub fn reanswer(
    prev_local: &SessionDescription,
    current: Option<&Negotiated>,
    offer: &SessionDescription,
    local: &LocalMedia,
) -> Answer {
    let mut ans = answer(&prev_local.origin, offer, local, current.map(|n| &n.codec));
    if ans.sdp != *prev_local {
        ans.sdp.origin = prev_local.origin.next_version();
    }
    ans
}
