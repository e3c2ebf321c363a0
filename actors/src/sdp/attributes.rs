//! The media attributes offer/answer reads and writes besides formats and direction:
//! `a=ptime` (RFC 8866 §6.4), `a=rtcp-mux` (RFC 5761 §5.1.1), `a=rtcp` (RFC 3605); and the
//! [`LocalMedia`] constructors that set them.

use std::net::{IpAddr, SocketAddr};

use super::formats::{opus_fmtp, with_telephone_events, OPUS_PT};
use super::offer::LocalMedia;
use super::types::{Attribute, Direction, MediaSection, PayloadFormat};

/// `a=ptime`.
pub const PTIME: &str = "ptime";
/// `a=rtcp-mux`.
pub const RTCP_MUX: &str = "rtcp-mux";
/// `a=rtcp`.
pub const RTCP: &str = "rtcp";

/// Our packetisation time when none is configured (ms).
pub const DEFAULT_PTIME: u32 = 20;

/// Our default codecs, in preference order: Opus (with [`opus_fmtp`]`(None, false)`),
/// PCMU, PCMA. [`LocalMedia::audio`] adds the telephone-events.
pub fn default_codecs() -> Vec<PayloadFormat> {
    let mut codecs = vec![PayloadFormat::opus(OPUS_PT, &opus_fmtp(None, false))];
    codecs.extend([0, 8].into_iter().filter_map(PayloadFormat::static_pt));
    codecs
}

impl LocalMedia {
    /// Our audio stream on `address:port`: `codecs` in preference order followed by one
    /// telephone-event per clock rate ([`with_telephone_events`]), `a=ptime:20`, sendrecv,
    /// no RTCP multiplexing (add it with [`LocalMedia::with_rtcp_mux`]).
    pub fn audio(address: IpAddr, port: u16, codecs: Vec<PayloadFormat>) -> LocalMedia {
        LocalMedia {
            codecs: with_telephone_events(codecs),
            address,
            port,
            direction: Direction::SendRecv,
            attributes: vec![Attribute::new(PTIME, DEFAULT_PTIME.to_string())],
        }
    }

    /// The same with `a=ptime:<ms>` (replacing any earlier one).
    pub fn with_ptime(mut self, ms: u32) -> LocalMedia {
        self.attributes.retain(|a| a.name != PTIME);
        self.attributes.push(Attribute::new(PTIME, ms.to_string()));
        self
    }

    /// The same offering RTP/RTCP multiplexing (`a=rtcp-mux`, RFC 5761); in answers it is
    /// only written when the offer had it.
    pub fn with_rtcp_mux(mut self) -> LocalMedia {
        if !self.rtcp_mux() {
            self.attributes.push(Attribute::flag(RTCP_MUX));
        }
        self
    }

    /// Our `a=ptime`, if set.
    pub fn ptime(&self) -> Option<u32> {
        self.attributes
            .iter()
            .find(|a| a.name == PTIME)
            .and_then(|a| parse_ptime(a.value.as_deref()?))
    }

    /// Whether we offer/accept RTCP multiplexing.
    pub fn rtcp_mux(&self) -> bool {
        self.attributes.iter().any(|a| a.name == RTCP_MUX)
    }
}

/// A ptime value in whole milliseconds (`20`, or `20.0` as some phones write it); 0 and
/// garbage are `None`.
fn parse_ptime(v: &str) -> Option<u32> {
    let whole = v.trim().split('.').next()?;
    whole.parse().ok().filter(|ms| *ms > 0)
}

impl MediaSection {
    /// The `a=ptime` of this section in ms, if present and valid.
    pub fn ptime(&self) -> Option<u32> {
        parse_ptime(self.attribute(PTIME)??)
    }

    /// Whether the section has `a=rtcp-mux`.
    pub fn rtcp_mux(&self) -> bool {
        self.attribute(RTCP_MUX).is_some()
    }

    /// Where the sender of this section receives RTCP, given `ip` its RTP address: the RTP
    /// address when `muxed`; else the `a=rtcp:<port> [IN IP4 <addr>]` of RFC 3605; else
    /// RTP port + 1 (RFC 3550 §11).
    pub fn rtcp_address(&self, ip: IpAddr, muxed: bool) -> SocketAddr {
        let rtp = SocketAddr::new(ip, self.port);
        if muxed {
            return rtp;
        }
        if let Some(addr) = self
            .attribute(RTCP)
            .flatten()
            .and_then(|v| rtcp_value(v, ip))
        {
            return addr;
        }
        SocketAddr::new(ip, self.port.checked_add(1).unwrap_or(self.port))
    }
}

/// Parses `<port> [<nettype> <addrtype> <address>]`; the address defaults to `ip`.
fn rtcp_value(v: &str, ip: IpAddr) -> Option<SocketAddr> {
    let mut parts = v.split_ascii_whitespace();
    let port: u16 = parts.next()?.parse().ok().filter(|p| *p != 0)?;
    let address = parts
        .nth(2)
        .and_then(|a| a.parse::<IpAddr>().ok())
        .unwrap_or(ip);
    Some(SocketAddr::new(address, port))
}
