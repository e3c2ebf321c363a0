//! The wire tap: a [`WireRecord`] for each datagram and segment, with its SIP fields.

use crate::trace::{Fate, WireRecord};
use bytes::Bytes;
use std::net::SocketAddr;
use switchboard_actors::sip::{parse_datagram, Message, ParseLimits};

/// A packet about to be recorded.
pub(crate) struct Tap<'a> {
    pub udp: bool,
    pub from: String,
    pub to: String,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub sent_us: u64,
    pub data: &'a [u8],
}

/// The SIP fields of a packet.
#[derive(Default)]
struct Sip {
    method: Option<String>,
    status: Option<u16>,
    call_id: Option<String>,
    summary: String,
}

impl Tap<'_> {
    /// The record, with `fate`.
    pub fn record(self, fate: Fate) -> WireRecord {
        let sip = describe(self.data, self.udp);
        WireRecord {
            transport: if self.udp { "udp" } else { "tcp" }.to_owned(),
            from: self.from,
            to: self.to,
            src: self.src,
            dst: self.dst,
            sent_us: self.sent_us,
            fate,
            len: self.data.len(),
            method: sip.method,
            status: sip.status,
            call_id: sip.call_id,
            summary: sip.summary,
            text: String::from_utf8_lossy(self.data).into_owned(),
        }
    }
}

fn describe(data: &[u8], udp: bool) -> Sip {
    if !data.is_empty() && data.iter().all(|b| *b == b'\r' || *b == b'\n') {
        return Sip {
            summary: "CRLF keepalive".to_owned(),
            ..Sip::default()
        };
    }
    if let Some(summary) = stun(data) {
        return Sip {
            summary: summary.to_owned(),
            ..Sip::default()
        };
    }
    if udp {
        if let Some(summary) = rtcp(data).or_else(|| rtp(data)) {
            return Sip {
                summary,
                ..Sip::default()
            };
        }
        if let Ok(message) = parse_datagram(Bytes::copy_from_slice(data), &ParseLimits::default()) {
            return from_message(&message, start_line(data));
        }
    }
    scan(data)
}

/// A STUN message's kind (RFC 5389 §6: top bits 0, magic cookie at 4..8).
fn stun(data: &[u8]) -> Option<&'static str> {
    let head = data.get(..20)?;
    if head[0] & 0xC0 != 0 || head[4..8] != [0x21, 0x12, 0xA4, 0x42] {
        return None;
    }
    Some(match [head[0], head[1]] {
        [0x00, 0x01] => "STUN binding request",
        [0x01, 0x01] => "STUN binding success",
        [0x01, 0x11] => "STUN binding error",
        _ => "STUN message",
    })
}

/// An RTCP packet (RFC 3550 §6, version 2) as `RTCP SR`, `RTCP RR`, … after its first
/// (in a compound packet: leading) report. RFC 5761 §4 tells it from RTP on a shared
/// port: the second byte of RTCP is its packet type, 192–223, where RTP would have the
/// marker bit and payload type 64–95, which RTP avoids.
fn rtcp(data: &[u8]) -> Option<String> {
    let head = data.get(..8)?;
    if head[0] >> 6 != 2 || !(192..=223).contains(&head[1]) {
        return None;
    }
    let kind = match head[1] {
        200 => "SR",
        201 => "RR",
        202 => "SDES",
        203 => "BYE",
        204 => "APP",
        205 => "RTPFB",
        206 => "PSFB",
        207 => "XR",
        other => return Some(format!("RTCP pt={other}")),
    };
    Some(format!("RTCP {kind}"))
}

/// An RTP packet (RFC 3550 §5.1: version 2, a 12-byte header) as `RTP pt=0`, with
/// `silence` when its G.711 payload is all silence codes (PCMU 0xFF/0x7F, PCMA
/// 0xD5/0x55). SIP text never starts with a byte whose top bits are `10`.
fn rtp(data: &[u8]) -> Option<String> {
    let head = data.get(..12)?;
    if head[0] >> 6 != 2 {
        return None;
    }
    let skip = 12 + 4 * usize::from(head[0] & 0x0F);
    let pt = head[1] & 0x7F;
    let payload = data.get(skip..).unwrap_or_default();
    let quiet: &[u8] = match pt {
        0 => &[0xFF, 0x7F],
        8 => &[0xD5, 0x55],
        _ => &[],
    };
    let silent = !payload.is_empty() && payload.iter().all(|b| quiet.contains(b));
    Some(format!(
        "RTP pt={pt}{}",
        if silent { " silence" } else { "" }
    ))
}

fn start_line(data: &[u8]) -> String {
    let end = line_end(data);
    String::from_utf8_lossy(data.get(..end).unwrap_or(data)).into_owned()
}

fn line_end(data: &[u8]) -> usize {
    data.iter()
        .position(|b| *b == b'\r' || *b == b'\n')
        .unwrap_or(data.len())
}

fn from_message(message: &Message, summary: String) -> Sip {
    match message {
        Message::Request(r) => Sip {
            method: Some(r.method.as_str().to_owned()),
            status: None,
            call_id: r.call_id().ok().map(str::to_owned),
            summary,
        },
        Message::Response(r) => Sip {
            method: r.cseq().ok().map(|c| c.method.as_str().to_owned()),
            status: Some(r.status.as_u16()),
            call_id: r.call_id().ok().map(str::to_owned),
            summary,
        },
    }
}

/// SIP fields by reading lines (stream chunks, unparsable datagrams).
fn scan(data: &[u8]) -> Sip {
    let line = start_line(data);
    let mut sip = Sip::default();
    if let Some(rest) = line.strip_prefix("SIP/2.0 ") {
        sip.status = rest.get(..3).and_then(|c| c.parse().ok());
    } else if line.ends_with(" SIP/2.0") {
        sip.method = line.split(' ').next().map(str::to_owned);
    } else {
        sip.summary = format!("{} bytes of junk", data.len());
        return sip;
    }
    let text = String::from_utf8_lossy(data);
    for header in text.split("\r\n").skip(1).take_while(|l| !l.is_empty()) {
        let Some((name, value)) = header.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim();
        if name == "call-id" || name == "i" {
            sip.call_id = Some(value.to_owned());
        } else if name == "cseq" && sip.method.is_none() {
            sip.method = value.split_whitespace().nth(1).map(str::to_owned);
        }
    }
    sip.summary = line;
    sip
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sip(text: &str, udp: bool) -> Sip {
        describe(text.as_bytes(), udp)
    }

    #[test]
    fn describes_requests_responses_keepalives_and_junk() {
        let req = "OPTIONS sip:b@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n\
                   From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n\
                   Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        for udp in [true, false] {
            let s = sip(req, udp);
            assert_eq!(s.method.as_deref(), Some("OPTIONS"));
            assert_eq!(s.call_id.as_deref(), Some("c1"));
            assert_eq!(s.summary, "OPTIONS sip:b@10.0.0.2 SIP/2.0");
        }
        let resp = "SIP/2.0 486 Busy Here\r\nCall-ID: c2\r\nCSeq: 7 INVITE\r\n\r\n";
        let s = sip(resp, false);
        assert_eq!((s.status, s.method.as_deref()), (Some(486), Some("INVITE")));
        assert_eq!(s.call_id.as_deref(), Some("c2"));
        assert_eq!(sip("\r\n\r\n", true).summary, "CRLF keepalive");
        assert_eq!(sip("hello", true).summary, "5 bytes of junk");
        let mut stun = vec![0, 1, 0, 0, 0x21, 0x12, 0xA4, 0x42];
        stun.extend_from_slice(&[7; 12]);
        assert_eq!(describe(&stun, true).summary, "STUN binding request");
        let mut rtp = vec![0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9];
        rtp.extend_from_slice(&[0xFF; 160]);
        assert_eq!(describe(&rtp, true).summary, "RTP pt=0 silence");
        rtp[20] = 0x12;
        assert_eq!(describe(&rtp, true).summary, "RTP pt=0");
        rtp[1] = 8;
        assert_eq!(describe(&rtp, true).summary, "RTP pt=8");
        rtp[1] = 0x80 | 72;
        assert_eq!(describe(&rtp, true).summary, "RTCP SR", "pt 200 is RTCP");
        rtp[1] = 201;
        assert_eq!(describe(&rtp[..8], true).summary, "RTCP RR");
        rtp[1] = 195;
        assert_eq!(describe(&rtp, true).summary, "RTCP pt=195");
    }
}
