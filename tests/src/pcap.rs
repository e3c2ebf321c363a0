//! Reading the RTP of a classic libpcap file (SIPp's `g711a.pcap`, a tshark capture):
//! the file header (either byte order, µs or ns stamps), records, link layers
//! Ethernet / Linux cooked / raw IP / BSD loopback, IPv4 and IPv6, UDP, then the RTP
//! fixed header (RFC 3550 §5.1). Malformed data is skipped, never a panic.

use std::collections::BTreeSet;
use std::path::Path;

/// One RTP packet found in a capture.
#[derive(Debug, Clone, PartialEq)]
pub struct RtpInCapture {
    /// Seconds since the capture's first record.
    pub t: f64,
    /// UDP destination port.
    pub dst_port: u16,
    /// RTP payload type.
    pub payload_type: u8,
    /// Sequence number.
    pub seq: u16,
    /// Synchronisation source.
    pub ssrc: u32,
    /// The RTP payload (after the header, CSRCs and extension).
    pub payload: Vec<u8>,
}

/// Why a capture could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PcapError {
    /// The file could not be read.
    #[error("reading the capture: {0}")]
    Io(#[from] std::io::Error),
    /// Not a classic pcap file (pcapng is not read here).
    #[error("not a libpcap file (magic {0:02x?})")]
    Magic([u8; 4]),
    /// A link layer this reader does not know.
    #[error("link type {0} is not read here")]
    LinkType(u32),
}

/// The RTP packets (UDP datagrams that parse as RTP version 2) of the capture at `path`.
pub fn rtp_packets(path: &Path) -> Result<Vec<RtpInCapture>, PcapError> {
    parse(&std::fs::read(path)?)
}

/// [`rtp_packets`] of the bytes of a capture.
pub fn parse(bytes: &[u8]) -> Result<Vec<RtpInCapture>, PcapError> {
    let magic: [u8; 4] = bytes
        .get(..4)
        .and_then(|m| m.try_into().ok())
        .unwrap_or([0; 4]);
    let (le, nanos) = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] => (true, false),
        [0xa1, 0xb2, 0xc3, 0xd4] => (false, false),
        [0x4d, 0x3c, 0xb2, 0xa1] => (true, true),
        [0xa1, 0xb2, 0x3c, 0x4d] => (false, true),
        _ => return Err(PcapError::Magic(magic)),
    };
    let u32_at = |b: &[u8], at: usize| -> Option<u32> {
        let w: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
        Some(if le {
            u32::from_le_bytes(w)
        } else {
            u32::from_be_bytes(w)
        })
    };
    let link = u32_at(bytes, 20).ok_or(PcapError::Magic(magic))?;
    let mut out = Vec::new();
    let mut at = 24;
    let mut first: Option<f64> = None;
    while let (Some(sec), Some(frac), Some(caplen)) = (
        u32_at(bytes, at),
        u32_at(bytes, at + 4),
        u32_at(bytes, at + 8),
    ) {
        let start = at + 16;
        let Some(frame) = bytes.get(start..start + caplen as usize) else {
            break;
        };
        at = start + caplen as usize;
        let t = f64::from(sec) + f64::from(frac) / if nanos { 1e9 } else { 1e6 };
        let t0 = *first.get_or_insert(t);
        let Some(ip) = ip_of(frame, link)? else {
            continue;
        };
        if let Some((dst_port, udp)) = udp_of(ip) {
            out.extend(rtp_of(udp, t - t0, dst_port));
        }
    }
    Ok(out)
}

/// The IP packet in a frame of link type `link` (`None`: not IP).
fn ip_of(frame: &[u8], link: u32) -> Result<Option<&[u8]>, PcapError> {
    let (ethertype, rest) = match link {
        // Ethernet: 14-byte header, then any 802.1Q tags.
        1 => {
            let mut off = 12;
            let mut et = frame
                .get(off..off + 2)
                .map(|b| u16::from_be_bytes([b[0], b[1]]));
            while et == Some(0x8100) {
                off += 4;
                et = frame
                    .get(off..off + 2)
                    .map(|b| u16::from_be_bytes([b[0], b[1]]));
            }
            (et, frame.get(off + 2..))
        }
        // Linux cooked capture (tshark -i any): 16 bytes, protocol at 14.
        113 => (
            frame.get(14..16).map(|b| u16::from_be_bytes([b[0], b[1]])),
            frame.get(16..),
        ),
        // Raw IP.
        101 | 228 | 229 => return Ok(Some(frame)),
        // BSD loopback: a 4-byte family, then IP.
        0 => return Ok(frame.get(4..)),
        other => return Err(PcapError::LinkType(other)),
    };
    Ok(match ethertype {
        Some(0x0800 | 0x86dd) => rest,
        _ => None,
    })
}

/// UDP's destination port and payload in an IPv4 or IPv6 packet (no IPv6 extension
/// headers, no fragments).
fn udp_of(ip: &[u8]) -> Option<(u16, &[u8])> {
    let version = ip.first()? >> 4;
    let (proto, udp) = match version {
        4 => {
            let ihl = usize::from(ip.first()? & 0x0f) * 4;
            let total = usize::from(u16::from_be_bytes([*ip.get(2)?, *ip.get(3)?]));
            let frag = u16::from_be_bytes([*ip.get(6)?, *ip.get(7)?]) & 0x3fff;
            if frag != 0 {
                return None;
            }
            (*ip.get(9)?, ip.get(ihl..total.min(ip.len()))?)
        }
        6 => (*ip.get(6)?, ip.get(40..)?),
        _ => return None,
    };
    if proto != 17 {
        return None;
    }
    let dst = u16::from_be_bytes([*udp.get(2)?, *udp.get(3)?]);
    let len = usize::from(u16::from_be_bytes([*udp.get(4)?, *udp.get(5)?]));
    Some((dst, udp.get(8..len.min(udp.len()))?))
}

/// The RTP packet in a UDP payload, if it is one (version 2, not RTCP's 200–204).
fn rtp_of(udp: &[u8], t: f64, dst_port: u16) -> Option<RtpInCapture> {
    let b0 = *udp.first()?;
    let b1 = *udp.get(1)?;
    if b0 >> 6 != 2 || (200..=204).contains(&b1) {
        return None;
    }
    let mut off = 12 + usize::from(b0 & 0x0f) * 4;
    if b0 & 0x10 != 0 {
        let words = u16::from_be_bytes([*udp.get(off + 2)?, *udp.get(off + 3)?]);
        off += 4 + usize::from(words) * 4;
    }
    let mut end = udp.len();
    if b0 & 0x20 != 0 {
        end = end.checked_sub(usize::from(*udp.last()?))?;
    }
    Some(RtpInCapture {
        t,
        dst_port,
        payload_type: b1 & 0x7f,
        seq: u16::from_be_bytes([*udp.get(2)?, *udp.get(3)?]),
        ssrc: u32::from_be_bytes(udp.get(8..12)?.try_into().ok()?),
        payload: udp.get(off..end)?.to_vec(),
    })
}

/// Packets of `packets` that are not repeats of an earlier (SSRC, sequence) pair.
pub fn distinct(packets: &[RtpInCapture]) -> usize {
    packets
        .iter()
        .map(|p| (p.ssrc, p.seq))
        .collect::<BTreeSet<_>>()
        .len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian µs pcap of Ethernet frames, one per UDP payload, to port 2006.
    fn capture(payloads: &[Vec<u8>]) -> Vec<u8> {
        let mut f = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        f.extend([0; 8]);
        f.extend(65535u32.to_le_bytes());
        f.extend(1u32.to_le_bytes());
        for (i, p) in payloads.iter().enumerate() {
            let mut frame = vec![0u8; 12];
            frame.extend([0x08, 0x00]);
            let total = (20 + 8 + p.len()) as u16;
            frame.extend([0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0]);
            frame[16..18].copy_from_slice(&total.to_be_bytes());
            frame.extend([127, 0, 0, 1, 127, 0, 0, 1]);
            frame.extend(5000u16.to_be_bytes());
            frame.extend(2006u16.to_be_bytes());
            frame.extend((8 + p.len() as u16).to_be_bytes());
            frame.extend([0, 0]);
            frame.extend(p);
            f.extend(7u32.to_le_bytes());
            f.extend((i as u32 * 20_000).to_le_bytes());
            f.extend((frame.len() as u32).to_le_bytes());
            f.extend((frame.len() as u32).to_le_bytes());
            f.extend(frame);
        }
        f
    }

    fn rtp(pt: u8, seq: u16) -> Vec<u8> {
        let mut p = vec![0x80, pt, 0, 0, 0, 0, 0, 160, 1, 2, 3, 4];
        p[2..4].copy_from_slice(&seq.to_be_bytes());
        p.extend([0xd5; 160]);
        p
    }

    #[test]
    fn finds_rtp_and_skips_the_rest() {
        let rtcp = vec![0x80, 200, 0, 6, 1, 2, 3, 4];
        let bytes = capture(&[rtp(8, 1), rtp(8, 2), rtcp, b"junk".to_vec(), rtp(8, 2)]);
        let got = parse(&bytes).unwrap();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(
            (
                got[0].dst_port,
                got[0].payload_type,
                got[0].seq,
                got[0].ssrc
            ),
            (2006, 8, 1, 0x0102_0304)
        );
        assert_eq!(got[0].payload.len(), 160);
        assert!((got[1].t - 0.02).abs() < 1e-9);
        assert_eq!(distinct(&got), 2);
        // Cut anywhere: no panic, only fewer packets.
        for cut in 0..bytes.len() {
            let _ = parse(&bytes[..cut]);
        }
        assert!(matches!(parse(b"nope"), Err(PcapError::Magic(_))));
    }
}
