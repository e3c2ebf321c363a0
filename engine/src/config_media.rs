//! `[media]`: what calls offer and accept ([`MediaSettings`]).

use crate::validate::{invalid, ConfigError};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use switchboard_actors::sdp::{opus_fmtp, PayloadFormat, OPUS_PT};

/// The audio codecs the engine speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum AudioCodec {
    /// Opus (RFC 7587), `opus/48000/2`, dynamic payload type 96 in our offers.
    Opus,
    /// G.711 µ-law, static payload type 0.
    Pcmu,
    /// G.711 A-law, static payload type 8.
    Pcma,
}

impl AudioCodec {
    /// Its payload type in our offers: static for G.711 (RFC 3551), 96 for Opus.
    pub fn payload_type(self) -> u8 {
        match self {
            AudioCodec::Opus => OPUS_PT,
            AudioCodec::Pcmu => 0,
            AudioCodec::Pcma => 8,
        }
    }

    /// The SDP format we offer for it (Opus with `settings`' fmtp).
    pub(crate) fn format(self, settings: &MediaSettings) -> Option<PayloadFormat> {
        match self {
            AudioCodec::Opus => Some(PayloadFormat::opus(
                OPUS_PT,
                &opus_fmtp(Some(settings.opus_bitrate), false),
            )),
            other => PayloadFormat::static_pt(other.payload_type()),
        }
    }
}

/// How [`crate::Call::send_dtmf`] sends digits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum DtmfMode {
    /// RFC 4733 telephone-events when the call negotiated them, else SIP INFO.
    #[default]
    Auto,
    /// Always SIP INFO (`application/dtmf-relay`).
    Info,
}

/// What calls offer and accept (TOML `[media]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct MediaSettings {
    /// The codecs, most preferred first: the order of our offer (telephone-event is
    /// added for each clock rate), and what an answer may pick from an offer. Default
    /// `["opus", "pcmu", "pcma"]`; not empty, no repeats.
    pub codecs: Vec<AudioCodec>,
    /// Packetisation time in ms (`a=ptime`): 10 to 120 in steps of 10, default 20.
    /// Opus uses it when it is 10, 20, 40 or 60 (else 20); the peer's `a=ptime` wins.
    pub ptime_ms: u32,
    /// The Opus bitrate we send and ask for (`maxaveragebitrate`), 6000..=510000 bit/s,
    /// default 32000.
    pub opus_bitrate: u32,
    /// No RTP for this many seconds while neither side holds ends the call with
    /// `no_media`; 0 = never. Default 30.
    pub no_media_secs: u32,
    /// Offer RTP/RTCP multiplexing (`a=rtcp-mux`, RFC 5761); default true. Without it,
    /// or when the peer does not accept it, RTCP uses the RTP port + 1.
    pub rtcp_mux: bool,
    /// How DTMF is sent: `auto` (default) or `info`.
    pub dtmf: DtmfMode,
}

impl Default for MediaSettings {
    fn default() -> Self {
        MediaSettings {
            codecs: vec![AudioCodec::Opus, AudioCodec::Pcmu, AudioCodec::Pcma],
            ptime_ms: 20,
            opus_bitrate: 32_000,
            no_media_secs: 30,
            rtcp_mux: true,
            dtmf: DtmfMode::Auto,
        }
    }
}

impl MediaSettings {
    /// The no-media timeout (`None`: off).
    pub fn no_media_timeout(&self) -> Option<Duration> {
        (self.no_media_secs > 0).then(|| Duration::from_secs(u64::from(self.no_media_secs)))
    }

    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let codecs = &self.codecs;
        if codecs.is_empty() {
            return Err(invalid("media.codecs", "must name at least one codec"));
        }
        if codecs
            .iter()
            .enumerate()
            .any(|(i, c)| codecs[..i].contains(c))
        {
            return Err(invalid("media.codecs", "must not repeat a codec"));
        }
        if !(10..=120).contains(&self.ptime_ms) || !self.ptime_ms.is_multiple_of(10) {
            return Err(invalid("media.ptime_ms", "must be 10..=120 in steps of 10"));
        }
        if !(6_000..=510_000).contains(&self.opus_bitrate) {
            return Err(invalid("media.opus_bitrate", "must be 6000..=510000"));
        }
        if self.no_media_secs > 3600 {
            return Err(invalid("media.no_media_secs", "must be 0..=3600"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_offer_opus_first_and_validate() {
        let m = MediaSettings::default();
        m.validate().unwrap();
        assert_eq!(m.codecs[0], AudioCodec::Opus);
        let opus = AudioCodec::Opus.format(&m).unwrap();
        assert_eq!(opus.rtpmap(), "opus/48000/2");
        assert_eq!(opus.fmtp_param("maxaveragebitrate"), Some("32000"));
        assert_eq!(m.no_media_timeout(), Some(Duration::from_secs(30)));
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut MediaSettings);
        let cases: [(Spoil, &str); 5] = [
            (|m| m.codecs.clear(), "media.codecs"),
            (|m| m.codecs.push(AudioCodec::Opus), "media.codecs"),
            (|m| m.ptime_ms = 25, "media.ptime_ms"),
            (|m| m.opus_bitrate = 5_000, "media.opus_bitrate"),
            (|m| m.no_media_secs = 3601, "media.no_media_secs"),
        ];
        for (spoil, field) in cases {
            let mut m = MediaSettings::default();
            spoil(&mut m);
            match m.validate() {
                Err(ConfigError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn toml_names() {
        let m: MediaSettings =
            toml::from_str("codecs = [\"pcma\", \"opus\"]\ndtmf = \"info\"\nno_media_secs = 0")
                .unwrap();
        assert_eq!(m.codecs, [AudioCodec::Pcma, AudioCodec::Opus]);
        assert_eq!(m.dtmf, DtmfMode::Info);
        assert_eq!(m.no_media_timeout(), None);
    }
}
