//! [`MediaConfig::negotiated`]: what an offer/answer ([`Negotiated`]) means for the
//! media session.

use super::MediaConfig;
use crate::sdp::{Direction, Negotiated};
use std::time::Duration;
use switchboard_codecs::{CodecKind, Law, OpusFmtp};

/// The codec an offer/answer chose is not one the media session can run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("no usable audio codec: {encoding}/{clock_rate}")]
pub struct UnusableCodec {
    /// The encoding name as the SDP wrote it.
    pub encoding: String,
    /// Its clock rate.
    pub clock_rate: u32,
}

/// Opus frame lengths (RFC 6716; RTP allows 10 to 60 ms, RFC 7587 §4.2).
const OPUS_PTIMES: [u32; 4] = [10, 20, 40, 60];

impl MediaConfig {
    /// This configuration (our defaults: local address, ptime, Opus bitrate and FEC,
    /// jitter bounds, timeouts) with what `n` negotiated: the codec and its payload
    /// type, the peer's Opus fmtp (stereo, bitrate cap, FEC, DTX, ptime bounds) and
    /// `a=ptime` when the codec can packetise it, telephone-event, RTCP multiplexing
    /// and address, the peer's RTP address, and whether we may send (`held` when our
    /// direction is recvonly or inactive).
    pub fn negotiated(mut self, n: &Negotiated) -> Result<MediaConfig, UnusableCodec> {
        let unusable = || UnusableCodec {
            encoding: n.codec.encoding.clone(),
            clock_rate: n.codec.clock_rate,
        };
        let kind = if n.codec.is_opus() && n.codec.clock_rate == 48_000 {
            CodecKind::Opus
        } else if n.codec.clock_rate != 8000 {
            return Err(unusable());
        } else if n.codec.encoding.eq_ignore_ascii_case("PCMU") {
            CodecKind::Pcmu
        } else if n.codec.encoding.eq_ignore_ascii_case("PCMA") {
            CodecKind::Pcma
        } else {
            return Err(unusable());
        };
        self.codec = kind;
        self.law = if kind == CodecKind::Pcma {
            Law::A
        } else {
            Law::Mu
        };
        self.payload_type = n.codec.pt;
        self.remote = n.remote;
        self.telephone_event = n.telephone_event;
        self.rtcp_mux = n.rtcp_mux;
        self.rtcp_remote = Some(n.remote_rtcp);
        self.held = matches!(n.local_direction, Direction::RecvOnly | Direction::Inactive);
        let ours = u32::from(self.ptime_ms());
        let mut ptime = n.ptime.filter(|p| (10..=120).contains(p) && p % 10 == 0);
        if kind == CodecKind::Opus {
            let fmtp = OpusFmtp::parse(n.remote_fmtp.as_deref().unwrap_or(""));
            let mut base = self.opus;
            // Our sources are mono: stereo only when configured and the peer wants it.
            base.channels = self.channels.clamp(1, 2);
            base.frame_ms = u16::try_from(ptime.unwrap_or(ours)).unwrap_or(20);
            if !OPUS_PTIMES.contains(&u32::from(base.frame_ms)) {
                base.frame_ms = 20;
            }
            let opus = fmtp.to_config(&base);
            self.channels = opus.channels;
            self.opus = opus;
            ptime = Some(u32::from(opus.frame_ms));
        } else {
            self.channels = 1;
        }
        if let Some(ms) = ptime {
            self.ptime = Duration::from_millis(u64::from(ms));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sdp::PayloadFormat;
    use std::net::SocketAddr;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn negotiated(codec: PayloadFormat, fmtp: Option<&str>, ptime: Option<u32>) -> Negotiated {
        Negotiated {
            media_index: 0,
            codec,
            remote: addr("127.0.0.1:4000"),
            remote_direction: Direction::SendRecv,
            local_direction: Direction::SendRecv,
            telephone_event: Some(101),
            remote_hold: false,
            remote_fmtp: fmtp.map(str::to_owned),
            ptime,
            rtcp_mux: false,
            remote_rtcp: addr("127.0.0.1:4001"),
        }
    }

    fn base() -> MediaConfig {
        MediaConfig::new(Law::Mu, addr("127.0.0.1:5000"), addr("0.0.0.0:0"))
    }

    #[test]
    fn opus_takes_the_peers_fmtp() {
        let opus = PayloadFormat::opus(111, "useinbandfec=1");
        let fmtp = "stereo=1;sprop-stereo=1;maxaveragebitrate=28000;useinbandfec=1";
        let mut stereo = base();
        stereo.channels = 2;
        let c = stereo
            .negotiated(&negotiated(opus, Some(fmtp), Some(40)))
            .unwrap();
        assert_eq!(c.codec, CodecKind::Opus);
        assert_eq!(c.payload_type, 111);
        assert_eq!(c.channels, 2);
        assert_eq!(c.opus.bitrate_bps, 28_000);
        assert!(c.opus.fec);
        assert_eq!(c.ptime, Duration::from_millis(40));
        assert_eq!(c.telephone_event, Some(101));
        assert_eq!(c.rtcp_remote, Some(addr("127.0.0.1:4001")));
        assert_eq!(c.remote, addr("127.0.0.1:4000"));
    }

    #[test]
    fn opus_without_stereo_is_mono_and_odd_ptimes_fall_back() {
        let opus = PayloadFormat::opus(96, "");
        let c = base()
            .negotiated(&negotiated(opus, None, Some(30)))
            .unwrap();
        assert_eq!(c.channels, 1);
        assert_eq!(c.ptime, Duration::from_millis(20));
        let fmtp = Some("stereo=1");
        let mono = base().negotiated(&negotiated(PayloadFormat::opus(96, ""), fmtp, None));
        assert_eq!(mono.unwrap().channels, 1, "a mono source is sent as mono");
        assert!(!c.opus.fec, "the peer did not ask for in-band FEC");
    }

    #[test]
    fn g711_by_name_and_unknown_codecs_refused() {
        let pcma = PayloadFormat::static_pt(8).unwrap();
        let c = base()
            .negotiated(&negotiated(pcma, None, Some(30)))
            .unwrap();
        assert_eq!(
            (c.codec, c.law, c.payload_type),
            (CodecKind::Pcma, Law::A, 8)
        );
        assert_eq!(c.ptime, Duration::from_millis(30));
        let g722 = PayloadFormat::static_pt(9).unwrap();
        let err = base()
            .negotiated(&negotiated(g722, None, None))
            .unwrap_err();
        assert_eq!(err.encoding, "G722");
    }

    #[test]
    fn recvonly_starts_held() {
        let mut n = negotiated(PayloadFormat::static_pt(0).unwrap(), None, None);
        n.local_direction = Direction::RecvOnly;
        assert!(base().negotiated(&n).unwrap().held);
    }
}
