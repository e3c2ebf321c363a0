//! The payload formats we offer: Opus (RFC 7587), G.711 (RFC 3551 static types) and
//! RFC 4733 telephone-event at each clock rate, with our payload type numbers.

use super::types::{PayloadFormat, TELEPHONE_EVENT};

/// Encoding name of Opus (RFC 7587 §7).
pub const OPUS: &str = "opus";

/// The dynamic payload type we offer Opus with.
pub const OPUS_PT: u8 = 96;

/// The payload type we offer telephone-event/8000 with (the common convention).
pub const TELEPHONE_EVENT_PT: u8 = 101;

/// The first payload type for telephone-event at another clock rate (48000 for Opus:
/// 102, then upwards for further rates).
pub const TELEPHONE_EVENT_OTHER_PT: u8 = 102;

/// The events we receive: DTMF 0-9, *, #, A-D (0-15) and flash (16) (RFC 4733 §3.2).
pub const TELEPHONE_EVENT_FMTP: &str = "0-16";

/// Our Opus `fmtp` (what we want to receive, RFC 7587 §6.1): `minptime=10;useinbandfec=1`,
/// then `maxaveragebitrate=<bps>` when given and `stereo=0;sprop-stereo=0` when `mono`.
pub fn opus_fmtp(max_average_bitrate: Option<u32>, mono: bool) -> String {
    let mut fmtp = String::from("minptime=10;useinbandfec=1");
    if let Some(bps) = max_average_bitrate {
        fmtp.push_str(&format!(";maxaveragebitrate={bps}"));
    }
    if mono {
        fmtp.push_str(";stereo=0;sprop-stereo=0");
    }
    fmtp
}

impl PayloadFormat {
    /// `opus/48000/2` with `fmtp` (RFC 7587 §7: the rtpmap always says 48000 and 2
    /// channels, whatever is actually sent); an empty `fmtp` writes none.
    pub fn opus(pt: u8, fmtp: &str) -> PayloadFormat {
        let f = PayloadFormat::new(pt, OPUS, 48000, Some(2));
        if fmtp.is_empty() {
            f
        } else {
            f.with_fmtp(fmtp)
        }
    }

    /// `telephone-event/<clock_rate>` with fmtp `0-16` (RFC 4733 §7.1.1).
    pub fn telephone_event(pt: u8, clock_rate: u32) -> PayloadFormat {
        PayloadFormat::new(pt, TELEPHONE_EVENT, clock_rate, None).with_fmtp(TELEPHONE_EVENT_FMTP)
    }

    /// Whether this is Opus (any case).
    pub fn is_opus(&self) -> bool {
        self.encoding.eq_ignore_ascii_case(OPUS)
    }

    /// The rtpmap text without the payload type: `opus/48000/2`, `PCMU/8000` (for events
    /// and call records).
    pub fn rtpmap(&self) -> String {
        match self.channels {
            Some(ch) => format!("{}/{}/{ch}", self.encoding, self.clock_rate),
            None => format!("{}/{}", self.encoding, self.clock_rate),
        }
    }

    /// The value of fmtp parameter `name` (`key=value` pairs separated by `;`, names
    /// compared case-insensitively, RFC 7587 §6.1); `Some("")` for a bare `name`.
    pub fn fmtp_param(&self, name: &str) -> Option<&str> {
        fmtp_param(self.fmtp.as_deref()?, name)
    }
}

/// The value of parameter `name` in an fmtp string `a=1;b=2` (see
/// [`PayloadFormat::fmtp_param`]).
pub fn fmtp_param<'a>(fmtp: &'a str, name: &str) -> Option<&'a str> {
    fmtp.split(';').find_map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// `codecs` followed by one telephone-event per distinct clock rate of its media codecs
/// that has none yet (RFC 4733 §7.1.1: events use the clock of the audio they go with):
/// 8000 Hz gets [`TELEPHONE_EVENT_PT`], other rates [`TELEPHONE_EVENT_OTHER_PT`] and up,
/// skipping payload types already in use; events are appended in payload type order.
/// Nothing is added for a rate when no dynamic payload type is left.
pub fn with_telephone_events(mut codecs: Vec<PayloadFormat>) -> Vec<PayloadFormat> {
    let mut rates: Vec<u32> = Vec::new();
    for f in codecs.iter().filter(|f| f.is_media_codec()) {
        let covered = codecs
            .iter()
            .any(|e| e.is_telephone_event() && e.clock_rate == f.clock_rate);
        if !covered && !rates.contains(&f.clock_rate) {
            rates.push(f.clock_rate);
        }
    }
    // 8000 Hz first, so that it gets 101 when free.
    rates.sort_by_key(|r| *r != 8000);
    let mut added: Vec<PayloadFormat> = Vec::new();
    for rate in rates {
        let used = |pt: u8| codecs.iter().chain(&added).any(|f| f.pt == pt);
        let preferred = if rate == 8000 {
            TELEPHONE_EVENT_PT
        } else {
            TELEPHONE_EVENT_OTHER_PT
        };
        let free = (preferred..=127).chain(96..preferred).find(|pt| !used(*pt));
        if let Some(pt) = free {
            added.push(PayloadFormat::telephone_event(pt, rate));
        }
    }
    added.sort_by_key(|f| f.pt);
    codecs.extend(added);
    codecs
}
