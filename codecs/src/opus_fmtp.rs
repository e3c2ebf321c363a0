//! The SDP `a=fmtp` parameters of Opus (RFC 7587 §6.1).
//!
//! Parsing is lenient as §6.1 asks: unknown parameters are ignored, and a
//! parameter with a value that is not a number keeps its default. Numbers
//! outside their range are clamped into it (a `maxaveragebitrate` of 600000
//! means "as much as you like", which is 510000).

use crate::opus::OpusConfig;
use std::fmt;

/// Opus `a=fmtp` parameters. Flags default to 0 (RFC 7587 §6.1); numbers
/// are `None` when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct OpusFmtp {
    /// The decoder can use in-band FEC (`useinbandfec=1`).
    pub useinbandfec: bool,
    /// The decoder prefers DTX (`usedtx=1`).
    pub usedtx: bool,
    /// The decoder prefers to receive stereo (`stereo=1`).
    pub stereo: bool,
    /// The sender is likely to send stereo (`sprop-stereo=1`).
    pub sprop_stereo: bool,
    /// The decoder prefers constant bitrate (`cbr=1`).
    pub cbr: bool,
    /// Highest average bitrate the receiver wants, 6000..=510000 bit/s.
    pub maxaveragebitrate: Option<u32>,
    /// Highest audio sampling rate worth sending, 8000..=48000 Hz.
    pub maxplaybackrate: Option<u32>,
    /// Preferred packet duration in ms.
    pub ptime: Option<u16>,
    /// Shortest packet duration in ms the receiver wants.
    pub minptime: Option<u16>,
    /// Longest packet duration in ms the receiver accepts.
    pub maxptime: Option<u16>,
}

fn flag(value: &str, default: bool) -> bool {
    match value {
        "1" => true,
        "0" => false,
        _ => default,
    }
}

fn number(value: &str, min: u32, max: u32) -> Option<u32> {
    value
        .parse::<u64>()
        .ok()
        .map(|v| v.clamp(min.into(), max.into()) as u32)
}

fn ptime(value: &str) -> Option<u16> {
    number(value, 3, 120).map(|v| v as u16)
}

impl OpusFmtp {
    /// Parses the parameter list of an `a=fmtp:<pt> ...` line, e.g.
    /// `minptime=10;useinbandfec=1`. Never fails (see the module doc).
    pub fn parse(params: &str) -> OpusFmtp {
        let mut fmtp = OpusFmtp::default();
        for item in params.split(';') {
            let Some((key, value)) = item.split_once('=') else {
                continue;
            };
            let value = value.trim();
            match key.trim().to_ascii_lowercase().as_str() {
                "useinbandfec" => fmtp.useinbandfec = flag(value, fmtp.useinbandfec),
                "usedtx" => fmtp.usedtx = flag(value, fmtp.usedtx),
                "stereo" => fmtp.stereo = flag(value, fmtp.stereo),
                "sprop-stereo" => fmtp.sprop_stereo = flag(value, fmtp.sprop_stereo),
                "cbr" => fmtp.cbr = flag(value, fmtp.cbr),
                "maxaveragebitrate" => {
                    fmtp.maxaveragebitrate =
                        number(value, 6_000, 510_000).or(fmtp.maxaveragebitrate)
                }
                "maxplaybackrate" => {
                    fmtp.maxplaybackrate = number(value, 8_000, 48_000).or(fmtp.maxplaybackrate)
                }
                "ptime" => fmtp.ptime = ptime(value).or(fmtp.ptime),
                "minptime" => fmtp.minptime = ptime(value).or(fmtp.minptime),
                "maxptime" => fmtp.maxptime = ptime(value).or(fmtp.maxptime),
                _ => {}
            }
        }
        fmtp
    }

    /// Our encoder settings for sending to the party that sent these
    /// parameters, starting from `base`:
    /// - their `maxaveragebitrate` caps our bitrate;
    /// - we send FEC only if we want to and they said `useinbandfec=1`;
    /// - DTX follows their `usedtx` preference;
    /// - we send stereo only if we have it and they said `stereo=1`;
    /// - the frame duration follows their `ptime` when Opus can do it, then
    ///   is kept within `minptime..=maxptime` where possible.
    ///
    /// `maxplaybackrate` is left to libopus' automatic bandwidth choice.
    pub fn to_config(&self, base: &OpusConfig) -> OpusConfig {
        let mut config = *base;
        if let Some(cap) = self.maxaveragebitrate {
            config.bitrate_bps = config.bitrate_bps.min(cap);
        }
        config.fec = base.fec && self.useinbandfec;
        config.dtx = self.usedtx;
        config.channels = if self.stereo { base.channels } else { 1 };
        const FRAMES: [u16; 4] = [10, 20, 40, 60];
        if let Some(p) = self.ptime.filter(|p| FRAMES.contains(p)) {
            config.frame_ms = p;
        }
        let min = self.minptime.unwrap_or(0);
        let max = self.maxptime.unwrap_or(u16::MAX).max(10);
        if config.frame_ms > max {
            config.frame_ms = FRAMES
                .iter()
                .copied()
                .filter(|f| *f <= max)
                .max()
                .unwrap_or(10);
        }
        if config.frame_ms < min {
            let fit = FRAMES.iter().copied().find(|f| *f >= min && *f <= max);
            config.frame_ms = fit.unwrap_or(config.frame_ms);
        }
        config
    }
}

impl fmt::Display for OpusFmtp {
    /// `useinbandfec=1;usedtx=0;stereo=0;sprop-stereo=0` then the numbers
    /// that are set (and `cbr=1` if set), as an `a=fmtp` parameter list.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = u8::from;
        write!(
            f,
            "useinbandfec={};usedtx={};stereo={};sprop-stereo={}",
            b(self.useinbandfec),
            b(self.usedtx),
            b(self.stereo),
            b(self.sprop_stereo)
        )?;
        if self.cbr {
            f.write_str(";cbr=1")?;
        }
        let numbers = [
            ("maxaveragebitrate", self.maxaveragebitrate),
            ("maxplaybackrate", self.maxplaybackrate),
            ("ptime", self.ptime.map(u32::from)),
            ("minptime", self.minptime.map(u32::from)),
            ("maxptime", self.maxptime.map(u32::from)),
        ];
        for (key, value) in numbers {
            if let Some(v) = value {
                write!(f, ";{key}={v}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "opus_fmtp_tests.rs"]
mod tests;
