//! The E-model of ITU-T G.107, simplified as commonly done for VoIP call
//! quality: `R = R0' − Idd − Ie,eff`, then MOS from R (G.107 Annex B).
//!
//! Simplifications, all at G.107's default values (§7.7):
//! - `R0' = Ro − Is = 93.2`: the basic signal-to-noise ratio less the
//!   simultaneous impairments with default loudness ratings, noise and
//!   sidetone. This is the R of a connection with default parameters.
//! - Echo is taken as perfectly cancelled (a VoIP endpoint with AEC): of the
//!   delay impairment Id only Idd, the impairment of the absolute one-way
//!   delay Ta, is kept; Idte/Idle (talker/listener echo) are left out.
//! - The advantage factor A is 0 (wired access).

/// `Ro − Is` at G.107 default values (§7.7, R of the default connection).
pub const R0_DEFAULT: f64 = 93.2;

/// Equipment impairment (Ie) and packet-loss robustness (Bpl) of a codec
/// (ITU-T G.113 Appendix I values where G.113 has them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CodecImpairment {
    /// Codec name as reported in statistics.
    pub name: &'static str,
    /// Equipment impairment factor Ie at zero loss.
    pub ie: f64,
    /// Packet-loss robustness factor Bpl.
    pub bpl: f64,
}

impl CodecImpairment {
    /// G.711 with packet loss concealment (G.711 Appendix I): Ie = 0,
    /// Bpl = 25.1 (G.113 Appendix I, Table I.3, random loss).
    pub const G711_PLC: CodecImpairment = CodecImpairment {
        name: "G.711",
        ie: 0.0,
        bpl: 25.1,
    };
    /// G.711 without concealment (silence insertion): Ie = 0, Bpl = 4.3
    /// (G.113 Appendix I, Table I.3).
    pub const G711_NO_PLC: CodecImpairment = CodecImpairment {
        name: "G.711 (no PLC)",
        ie: 0.0,
        bpl: 4.3,
    };
    /// Opus: ASSUMPTION, G.113 gives no narrowband Ie/Bpl for Opus. Opus at
    /// ≥ 24 kbit/s is transparent next to narrowband G.711 on the
    /// narrowband R scale, so Ie = 0; its in-band concealment (and FEC when
    /// negotiated) is at least as good as G.711 Appendix I PLC, so G.711's
    /// Bpl = 25.1 is kept as a conservative value. Revisit when G.113 (or
    /// G.107.1 wideband Ie,wb values) are adopted for Opus.
    pub const OPUS: CodecImpairment = CodecImpairment {
        name: "opus",
        ie: 0.0,
        bpl: 25.1,
    };
}

/// The delay impairment Idd of G.107 §7.4 for an absolute one-way delay
/// `ta_ms` (mA = 100 ms, sT = 1, default delay sensitivity):
/// 0 up to 100 ms, else with X = log2(Ta / 100):
/// `Idd = 25 · ((1 + X⁶)^(1/6) − 3·(1 + (X/3)⁶)^(1/6) + 2)`.
pub fn delay_impairment(ta_ms: f64) -> f64 {
    if ta_ms.is_nan() || ta_ms <= 100.0 {
        return 0.0;
    }
    let x = (ta_ms / 100.0).log2();
    let x6 = x.powi(6);
    let x3_6 = (x / 3.0).powi(6);
    25.0 * ((1.0 + x6).powf(1.0 / 6.0) - 3.0 * (1.0 + x3_6).powf(1.0 / 6.0) + 2.0)
}

/// The effective equipment impairment of G.107 §7.5:
/// `Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl)`, `Ppl` the packet
/// loss in percent (clamped to 0..=100), `BurstR` 1 for random loss.
pub fn effective_ie(codec_ie: f64, bpl: f64, packet_loss_pct: f64, burst_r: f64) -> f64 {
    let ppl = if packet_loss_pct.is_nan() {
        0.0
    } else {
        packet_loss_pct.clamp(0.0, 100.0)
    };
    let burst_r = if burst_r.is_finite() && burst_r >= 1.0 {
        burst_r
    } else {
        1.0
    };
    if ppl == 0.0 {
        return codec_ie;
    }
    codec_ie + (95.0 - codec_ie) * ppl / (ppl / burst_r + bpl)
}

/// The transmission rating R (clamped to 0..=100) for a codec of
/// equipment impairment `codec_ie` and loss robustness `bpl`, with
/// `packet_loss_pct` % loss of burstiness `burst_r` (1 = random) and an
/// absolute one-way delay of `one_way_delay_ms`.
pub fn r_factor(
    codec_ie: f64,
    bpl: f64,
    packet_loss_pct: f64,
    one_way_delay_ms: f64,
    burst_r: f64,
) -> f64 {
    let r = R0_DEFAULT
        - delay_impairment(one_way_delay_ms)
        - effective_ie(codec_ie, bpl, packet_loss_pct, burst_r);
    if r.is_nan() {
        return 0.0;
    }
    r.clamp(0.0, 100.0)
}

/// The estimated mean opinion score (conversational quality) of G.107
/// Annex B: 1 below R = 0, 4.5 above R = 100, else
/// `1 + 0.035·R + R·(R − 60)·(100 − R)·7·10⁻⁶`, floored at 1 (the cubic
/// dips to 0.99 for R below 6.5, a known artefact of the fit).
pub fn mos_from_r(r: f64) -> f64 {
    if r.is_nan() || r < 0.0 {
        1.0
    } else if r > 100.0 {
        4.5
    } else {
        (1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7.0e-6).max(1.0)
    }
}

#[cfg(test)]
#[path = "emodel_tests.rs"]
mod tests;
