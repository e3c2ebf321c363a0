//! ITU-T G.711 µ-law (PCMU) and A-law (PCMA) companding.
//!
//! Encoding follows the classic segment algorithm of the Sun Microsystems
//! reference `g711.c` (the one behind `libsndfile`, SoX and CPython's
//! `audioop`): 16-bit linear input is reduced to 14 bits (µ-law) or 13 bits
//! (A-law), its segment is found by comparison with the segment end points and
//! the four mantissa bits are taken below the leading one. Decoding is a lookup
//! in a 256-entry table built at compile time from the same formulas, so the
//! tables are exactly the reconstruction values of G.711 Tables 1a/2a scaled to
//! 16 bits.

/// Which G.711 companding law a stream uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Law {
    /// µ-law, RTP payload type 0, encoding name `PCMU` (North America, Japan).
    Mu,
    /// A-law, RTP payload type 8, encoding name `PCMA` (rest of the world).
    A,
}

impl Law {
    /// The static RTP payload type (RFC 3551 §6): 0 for PCMU, 8 for PCMA.
    pub fn payload_type(self) -> u8 {
        match self {
            Law::Mu => 0,
            Law::A => 8,
        }
    }

    /// The SDP encoding name (`PCMU` or `PCMA`).
    pub fn encoding_name(self) -> &'static str {
        match self {
            Law::Mu => "PCMU",
            Law::A => "PCMA",
        }
    }

    /// The law of a static payload type, if it is 0 or 8.
    pub fn from_payload_type(pt: u8) -> Option<Law> {
        match pt {
            0 => Some(Law::Mu),
            8 => Some(Law::A),
            _ => None,
        }
    }

    /// Encodes one linear sample.
    pub fn encode(self, sample: i16) -> u8 {
        match self {
            Law::Mu => ulaw_encode(sample),
            Law::A => alaw_encode(sample),
        }
    }

    /// Decodes one codeword.
    pub fn decode(self, code: u8) -> i16 {
        match self {
            Law::Mu => ulaw_decode(code),
            Law::A => alaw_decode(code),
        }
    }

    /// The code of a silent sample: 0xFF for µ-law, 0xD5 for A-law.
    pub fn silence(self) -> u8 {
        self.encode(0)
    }
}

/// µ-law bias added before the segment search (0x84 = 132, in 16-bit units).
const ULAW_BIAS: i32 = 0x84;
/// Largest 14-bit magnitude µ-law encodes before clipping (8159).
const ULAW_CLIP: i32 = 8159;
/// Segment end points of µ-law, in 14-bit units plus bias/4.
const ULAW_SEG_END: [i32; 8] = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF];
/// Segment end points of A-law, in 13-bit units.
const ALAW_SEG_END: [i32; 8] = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF];

/// The segment of `value`: the index of the first end point not below it, or
/// 8 when `value` lies above the last segment.
fn segment(value: i32, ends: &[i32; 8]) -> u8 {
    let mut seg = 0u8;
    for end in ends {
        if value <= *end {
            return seg;
        }
        seg += 1;
    }
    seg
}

/// Encodes a 16-bit linear sample to a µ-law codeword.
pub fn ulaw_encode(sample: i16) -> u8 {
    let mut pcm = i32::from(sample) >> 2;
    let mask: u8 = if pcm < 0 {
        pcm = -pcm;
        0x7F
    } else {
        0xFF
    };
    pcm = pcm.min(ULAW_CLIP) + (ULAW_BIAS >> 2);
    let seg = segment(pcm, &ULAW_SEG_END);
    if seg >= 8 {
        return 0x7F ^ mask;
    }
    let mantissa = ((pcm >> (seg + 1)) & 0x0F) as u8;
    ((seg << 4) | mantissa) ^ mask
}

/// Encodes a 16-bit linear sample to an A-law codeword (even bits inverted).
pub fn alaw_encode(sample: i16) -> u8 {
    let mut pcm = i32::from(sample) >> 3;
    let mask: u8 = if pcm >= 0 {
        0xD5
    } else {
        pcm = -pcm - 1;
        0x55
    };
    let seg = segment(pcm, &ALAW_SEG_END);
    if seg >= 8 {
        return 0x7F ^ mask;
    }
    let shift = if seg < 2 { 1 } else { seg };
    let mantissa = ((pcm >> shift) & 0x0F) as u8;
    ((seg << 4) | mantissa) ^ mask
}

/// Decodes a µ-law codeword to a 16-bit linear sample.
pub fn ulaw_decode(code: u8) -> i16 {
    ULAW_DECODE[usize::from(code)]
}

/// Decodes an A-law codeword to a 16-bit linear sample.
pub fn alaw_decode(code: u8) -> i16 {
    ALAW_DECODE[usize::from(code)]
}

const fn ulaw_formula(code: u8) -> i16 {
    let u = !code;
    let t = ((((u & 0x0F) as i32) << 3) + ULAW_BIAS) << ((u & 0x70) >> 4);
    if u & 0x80 != 0 {
        (ULAW_BIAS - t) as i16
    } else {
        (t - ULAW_BIAS) as i16
    }
}

const fn alaw_formula(code: u8) -> i16 {
    let a = code ^ 0x55;
    let mut t = ((a & 0x0F) as i32) << 4;
    let seg = (a & 0x70) >> 4;
    t = match seg {
        0 => t + 8,
        1 => t + 0x108,
        _ => (t + 0x108) << (seg - 1),
    };
    if a & 0x80 != 0 {
        t as i16
    } else {
        -t as i16
    }
}

const fn build_ulaw_table() -> [i16; 256] {
    let mut table = [0i16; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = ulaw_formula(i as u8);
        i += 1;
    }
    table
}

const fn build_alaw_table() -> [i16; 256] {
    let mut table = [0i16; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = alaw_formula(i as u8);
        i += 1;
    }
    table
}

/// µ-law decoding table: codeword → 16-bit linear sample.
pub static ULAW_DECODE: [i16; 256] = build_ulaw_table();
/// A-law decoding table: codeword → 16-bit linear sample.
pub static ALAW_DECODE: [i16; 256] = build_alaw_table();

/// Encodes `pcm` into `out` (one codeword per sample), appending.
pub fn encode_into(law: Law, pcm: &[i16], out: &mut Vec<u8>) {
    out.extend(pcm.iter().map(|s| law.encode(*s)));
}

/// Decodes `codes` into `out` (one sample per codeword), appending.
pub fn decode_into(law: Law, codes: &[u8], out: &mut Vec<i16>) {
    out.extend(codes.iter().map(|c| law.decode(*c)));
}
