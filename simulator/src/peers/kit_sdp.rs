//! A tiny SDP offer/answer (RFC 3264) for the simulated peers: one audio stream offering
//! PCMU and opus (and telephone-event), the answer picking the first offered codec we
//! know and mirroring the direction. No media flows in the simulator; the text is what
//! the engine under test negotiates against.

use std::net::IpAddr;

/// The media direction attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `a=sendrecv` (the default when absent).
    SendRecv,
    /// `a=sendonly` (the offerer holds the call).
    SendOnly,
    /// `a=recvonly`
    RecvOnly,
    /// `a=inactive`
    Inactive,
}

impl Direction {
    /// Parses `sendrecv`, `sendonly`, `recvonly`, `inactive`.
    pub fn parse(s: &str) -> Option<Direction> {
        Some(match s.trim() {
            "sendrecv" => Direction::SendRecv,
            "sendonly" => Direction::SendOnly,
            "recvonly" => Direction::RecvOnly,
            "inactive" => Direction::Inactive,
            _ => return None,
        })
    }

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    /// The direction an answer takes to an offer with this one (RFC 3264 §6.1).
    pub fn answer(self) -> Direction {
        match self {
            Direction::SendOnly => Direction::RecvOnly,
            Direction::RecvOnly => Direction::SendOnly,
            d => d,
        }
    }

    /// Whether an offer with this direction puts the call on hold.
    pub fn is_hold(self) -> bool {
        matches!(self, Direction::SendOnly | Direction::Inactive)
    }
}

/// The payload type of telephone-event (RFC 4733) in our offers.
const DTMF_PT: u8 = 101;

/// Codecs we offer: payload type and rtpmap.
const CODECS: [(u8, &str); 2] = [(0, "PCMU/8000"), (111, "opus/48000/2")];

/// One peer's session description state (its `o=` line versions).
#[derive(Debug, Clone)]
pub struct SdpSession {
    id: u64,
    version: u64,
    addr: IpAddr,
    port: u16,
}

impl SdpSession {
    /// A session at `addr`, audio on `port`, with session id `id`.
    pub fn new(id: u64, addr: IpAddr, port: u16) -> SdpSession {
        SdpSession {
            id,
            version: 0,
            addr,
            port,
        }
    }

    /// An offer of PCMU and opus with `dir`; the version goes up every time.
    pub fn offer(&mut self, dir: Direction) -> String {
        let pts: Vec<u8> = CODECS.iter().map(|c| c.0).collect();
        self.render(&pts, Some(DTMF_PT), dir)
    }

    /// The answer to `offer`: the first codec of the offer we know (PCMU when none
    /// matches, so a reply always goes out), telephone-event only when the offer has
    /// it (with the offer's payload type: RFC 3264 §6.1), the direction mirrored.
    pub fn answer(&mut self, offer: &str) -> String {
        let dir = direction(offer).answer();
        let chosen = offered_payloads(offer)
            .into_iter()
            .find_map(|pt| match_codec(offer, pt))
            .unwrap_or(0);
        let dtmf = offered_payloads(offer).into_iter().find(|pt| {
            let prefix = format!("a=rtpmap:{pt} ");
            offer.lines().any(|l| {
                l.strip_prefix(prefix.as_str())
                    .is_some_and(|n| n.to_ascii_lowercase().starts_with("telephone-event/"))
            })
        });
        self.render(&[chosen], dtmf, dir)
    }

    fn render(&mut self, pts: &[u8], dtmf: Option<u8>, dir: Direction) -> String {
        self.version += 1;
        let ip = match self.addr {
            IpAddr::V4(_) => "IP4",
            IpAddr::V6(_) => "IP6",
        };
        let mut m = format!("m=audio {} RTP/AVP", self.port);
        let mut attrs = String::new();
        for pt in pts {
            if let Some((_, map)) = CODECS.iter().find(|c| c.0 == *pt) {
                m.push_str(&format!(" {pt}"));
                attrs.push_str(&format!("a=rtpmap:{pt} {map}\r\n"));
            }
        }
        if let Some(pt) = dtmf {
            m.push_str(&format!(" {pt}"));
            attrs.push_str(&format!(
                "a=rtpmap:{pt} telephone-event/8000\r\na=fmtp:{pt} 0-16\r\n"
            ));
        }
        format!(
            "v=0\r\no=- {id} {v} IN {ip} {a}\r\ns=-\r\nc=IN {ip} {a}\r\nt=0 0\r\n{m}\r\n{attrs}a=ptime:20\r\na={d}\r\n",
            id = self.id,
            v = self.version,
            a = self.addr,
            d = dir.as_str()
        )
    }
}

/// The direction of the (first) audio stream, `sendrecv` when unstated. A media-level
/// attribute wins over a session-level one; `c=… 0.0.0.0` (RFC 2543 hold) is `sendonly`.
pub fn direction(sdp: &str) -> Direction {
    let mut dir = None;
    let mut old_hold = false;
    for line in sdp.lines() {
        let line = line.trim_end();
        if let Some(d) = line.strip_prefix("a=").and_then(Direction::parse) {
            dir = Some(d);
        }
        if line.starts_with("c=") && line.ends_with(" 0.0.0.0") {
            old_hold = true;
        }
    }
    match dir {
        Some(d) => d,
        None if old_hold => Direction::SendOnly,
        None => Direction::SendRecv,
    }
}

fn offered_payloads(sdp: &str) -> Vec<u8> {
    sdp.lines()
        .find_map(|l| l.strip_prefix("m=audio "))
        .map(|rest| {
            rest.split_whitespace()
                .skip(2)
                .filter_map(|p| p.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Our payload type for the offer's `pt`, by rtpmap name or (no rtpmap) static number.
fn match_codec(sdp: &str, pt: u8) -> Option<u8> {
    let prefix = format!("a=rtpmap:{pt} ");
    let name = sdp.lines().find_map(|l| {
        l.trim_end()
            .strip_prefix(prefix.as_str())
            .map(str::to_owned)
    });
    match name {
        Some(n) => {
            let codec = n.split('/').next().unwrap_or("").to_ascii_lowercase();
            CODECS
                .iter()
                .find(|c| {
                    c.1.split('/')
                        .next()
                        .unwrap_or("")
                        .eq_ignore_ascii_case(&codec)
                })
                .map(|c| c.0)
        }
        None => CODECS.iter().find(|c| c.0 == pt).map(|c| c.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offer_answer_and_hold() {
        let mut a = SdpSession::new(1, "10.0.0.1".parse().unwrap(), 4000);
        let mut b = SdpSession::new(2, "10.0.0.2".parse().unwrap(), 5000);
        let offer = a.offer(Direction::SendRecv);
        assert!(offer.contains("m=audio 4000 RTP/AVP 0 111 101"));
        assert!(offer.contains("c=IN IP4 10.0.0.1"));
        let ans = b.answer(&offer);
        assert!(ans.contains("m=audio 5000 RTP/AVP 0 101"), "{ans}");
        assert_eq!(direction(&ans), Direction::SendRecv);
        let hold = a.offer(Direction::SendOnly);
        assert!(hold.contains("o=- 1 2 IN IP4"));
        assert!(direction(&hold).is_hold());
        assert_eq!(direction(&b.answer(&hold)), Direction::RecvOnly);
        let opus_only = "v=0\r\nm=audio 1 RTP/AVP 96\r\na=rtpmap:96 OPUS/48000/2\r\n";
        assert!(b.answer(opus_only).contains("RTP/AVP 111\r\n"));
        // No telephone-event in the offer: none in the answer (RFC 3264 §6.1).
        let plain = "v=0\r\nm=audio 1 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n";
        assert!(b.answer(plain).contains("RTP/AVP 0\r\n"));
        assert!(!b.answer(plain).contains("telephone-event"));
        let te = "v=0\r\nm=audio 1 RTP/AVP 0 96\r\na=rtpmap:96 telephone-event/8000\r\n";
        assert!(b.answer(te).contains("RTP/AVP 0 96\r\n"));
        assert_eq!(direction("c=IN IP4 0.0.0.0\r\n"), Direction::SendOnly);
    }
}
