//! Our SDP data model: only what offer/answer needs is typed; everything else is kept as
//! opaque attributes so that a description round-trips.

use std::net::IpAddr;

pub use super::direction::Direction;

/// The transport protocol of the RTP streams we negotiate (RFC 3551).
pub const PROTO_RTP_AVP: &str = "RTP/AVP";

/// Encoding name of RFC 4733 DTMF events.
pub const TELEPHONE_EVENT: &str = "telephone-event";

/// A whole session description (RFC 8866 §5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDescription {
    /// The `o=` line.
    pub origin: Origin,
    /// The `s=` line (`-` when there is nothing to say).
    pub session_name: String,
    /// The session-level `c=` address, if any.
    pub connection: Option<IpAddr>,
    /// Session-level `b=` lines.
    pub bandwidths: Vec<Bandwidth>,
    /// Session-level attributes other than a direction (a session-level direction is
    /// folded into each media section's `direction` when parsing).
    pub attributes: Vec<Attribute>,
    /// The `m=` sections, in order.
    pub media: Vec<MediaSection>,
}

/// The `o=` line (RFC 8866 §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The user name (`-` when none).
    pub username: String,
    /// The session id: a numeric string, constant over the session.
    pub session_id: String,
    /// The version, incremented by one on every new description of the same session.
    pub session_version: u64,
    /// The unicast address of the originating host (an IP address or a host name).
    pub address: String,
}

/// One `m=` section (RFC 8866 §5.14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaSection {
    /// The media type.
    pub kind: MediaKind,
    /// The transport port; 0 means the stream is rejected or disabled (RFC 3264 §5.1).
    pub port: u16,
    /// The `/<number of ports>` suffix, if any.
    pub port_count: Option<u16>,
    /// The transport protocol, e.g. [`PROTO_RTP_AVP`].
    pub proto: String,
    /// RTP payload formats in preference order, with their `rtpmap`/`fmtp` (RTP protos only).
    pub formats: Vec<PayloadFormat>,
    /// Format tokens of a non-RTP proto (e.g. `*` for MSRP), kept as written.
    pub other_formats: Vec<String>,
    /// The effective direction (media-level attribute, else session-level, else sendrecv).
    pub direction: Direction,
    /// The media-level `c=` address, if any.
    pub connection: Option<IpAddr>,
    /// Media-level `b=` lines.
    pub bandwidths: Vec<Bandwidth>,
    /// Other attributes (ptime, rtcp-mux, …) in order, unknown ones included.
    pub attributes: Vec<Attribute>,
}

/// A media type (RFC 8866 §5.14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaKind {
    /// `audio`.
    Audio,
    /// `video`.
    Video,
    /// `text`.
    Text,
    /// `application`.
    Application,
    /// `message`.
    Message,
    /// Any other token, as written.
    Other(String),
}

/// One RTP payload format: the payload type and its `rtpmap`/`fmtp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadFormat {
    /// The RTP payload type (0..=127).
    pub pt: u8,
    /// The encoding name, e.g. `PCMU`, `opus`, `telephone-event` (compared case-insensitively).
    pub encoding: String,
    /// The RTP clock rate in Hz.
    pub clock_rate: u32,
    /// The channel count from the rtpmap (`None` = not written, meaning 1).
    pub channels: Option<u16>,
    /// The `fmtp` parameters, as written.
    pub fmtp: Option<String>,
}

/// A `b=` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bandwidth {
    /// The bandwidth type, e.g. `AS` or `TIAS`.
    pub kind: String,
    /// The value (kbit/s for `AS`).
    pub value: u64,
}

/// An attribute kept as written: `a=name` or `a=name:value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute name.
    pub name: String,
    /// The value after the first `:`, if any.
    pub value: Option<String>,
}

impl Attribute {
    /// `a=name:value`.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: Some(value.into()),
        }
    }

    /// `a=name` (a property attribute).
    pub fn flag(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: None,
        }
    }
}

impl MediaKind {
    /// The `m=` token.
    pub fn as_str(&self) -> &str {
        match self {
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
            MediaKind::Text => "text",
            MediaKind::Application => "application",
            MediaKind::Message => "message",
            MediaKind::Other(s) => s,
        }
    }

    /// Parses an `m=` token.
    pub fn parse(token: &str) -> Self {
        match token {
            "audio" => MediaKind::Audio,
            "video" => MediaKind::Video,
            "text" => MediaKind::Text,
            "application" => MediaKind::Application,
            "message" => MediaKind::Message,
            other => MediaKind::Other(other.to_owned()),
        }
    }
}

impl PayloadFormat {
    /// A format without fmtp; `channels` is only written when given.
    pub fn new(
        pt: u8,
        encoding: impl Into<String>,
        clock_rate: u32,
        channels: Option<u16>,
    ) -> Self {
        Self {
            pt,
            encoding: encoding.into(),
            clock_rate,
            channels,
            fmtp: None,
        }
    }

    /// The same format with `fmtp` parameters.
    pub fn with_fmtp(mut self, fmtp: impl Into<String>) -> Self {
        self.fmtp = Some(fmtp.into());
        self
    }

    /// Same codec: encoding name (case-insensitive), clock rate and channel count (absent = 1;
    /// ignored for Opus, whose rtpmap must say 2 but is sometimes written without it).
    pub fn same_codec(&self, other: &PayloadFormat) -> bool {
        self.encoding.eq_ignore_ascii_case(&other.encoding)
            && self.clock_rate == other.clock_rate
            && (self.channels.unwrap_or(1) == other.channels.unwrap_or(1) || self.is_opus())
    }

    /// Whether this is RFC 4733 telephone-event.
    pub fn is_telephone_event(&self) -> bool {
        self.encoding.eq_ignore_ascii_case(TELEPHONE_EVENT)
    }

    /// Whether this format carries media (not DTMF events, not comfort noise).
    pub fn is_media_codec(&self) -> bool {
        !self.is_telephone_event() && !self.encoding.eq_ignore_ascii_case("CN")
    }

    /// The static payload types of RFC 3551 we know, for an m-line without `rtpmap`.
    pub fn static_pt(pt: u8) -> Option<PayloadFormat> {
        let (name, rate) = match pt {
            0 => ("PCMU", 8000),
            3 => ("GSM", 8000),
            4 => ("G723", 8000),
            8 => ("PCMA", 8000),
            9 => ("G722", 8000),
            13 => ("CN", 8000),
            18 => ("G729", 8000),
            _ => return None,
        };
        Some(PayloadFormat::new(pt, name, rate, None))
    }
}

impl MediaSection {
    /// Whether the stream is live (port ≠ 0).
    pub fn is_enabled(&self) -> bool {
        self.port != 0
    }

    /// The first value of attribute `name`, if present.
    pub fn attribute(&self, name: &str) -> Option<Option<&str>> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_deref())
    }
}

impl SessionDescription {
    /// The address media of section `m` is sent to: its own `c=`, else the session's.
    pub fn media_address(&self, m: &MediaSection) -> Option<IpAddr> {
        m.connection.or(self.connection)
    }
}
