//! The real baresip peer of `tests/peers/up.sh`: user carol, registered at Kamailio,
//! auto-answer, SIP on udp 127.0.0.1:5090, control socket (ctrl_tcp, netstring JSON)
//! on 127.0.0.1:4444. It runs with `-s`, so its log holds every SIP message it sent or
//! received: the tests read the responses it gave from there.

use crate::peers::{peers_run, skip_or_fail};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// baresip's SIP address (udp and tcp).
pub const BARESIP: &str = "127.0.0.1:5090";
/// Its control socket.
pub const BARESIP_CTRL: &str = "127.0.0.1:4444";
/// Its user, registered at Kamailio.
pub const BARESIP_USER: &str = "carol";

/// The running baresip: where its log is.
#[derive(Debug, Clone)]
pub struct Baresip {
    log: PathBuf,
}

/// One SIP message from baresip's trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracedSip {
    /// `true`: baresip sent it (the line reads `… 127.0.0.1:5090 -> …`).
    pub sent: bool,
    /// The source address, as traced (`127.0.0.1:5070`).
    pub src: String,
    /// The destination address.
    pub dst: String,
    /// Its text (start line and headers, body if any).
    pub text: String,
}

impl TracedSip {
    /// The start line.
    pub fn start_line(&self) -> &str {
        self.text.lines().next().unwrap_or_default()
    }

    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.text.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The status of a response, `None` for a request.
    pub fn status(&self) -> Option<u16> {
        let rest = self.start_line().strip_prefix("SIP/2.0 ")?;
        rest.get(..3)?.parse().ok()
    }
}

/// The baresip of `tests/peers/up.sh`, or `None` (after printing why) when it is not
/// running and `SWITCHBOARD_PEERS` is unset. Panics when `SWITCHBOARD_PEERS=1`.
pub fn baresip(test: &str) -> Option<Baresip> {
    let log = peers_run().join("baresip").join("baresip.log");
    let problem = if !log.exists() {
        format!("no baresip log at {}", log.display())
    } else {
        let b = Baresip { log };
        match b.command("reginfo", "") {
            Ok(_) => return Some(b),
            Err(e) => format!("baresip control at {BARESIP_CTRL}: {e}"),
        }
    };
    skip_or_fail(test, "baresip", &problem);
    None
}

impl Baresip {
    /// Sends `command` (a menu long command: `dial`, `hangup`, `reginfo`, …) with
    /// `params` over the control socket; the response object's text when `"ok":true`.
    pub fn command(&self, command: &str, params: &str) -> Result<String, String> {
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let msg = format!(
            r#"{{"command":"{}","params":"{}","token":"sb"}}"#,
            esc(command),
            esc(params)
        );
        let mut s = TcpStream::connect_timeout(
            &BARESIP_CTRL.parse().expect("ctrl address"),
            Duration::from_secs(2),
        )
        .map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .map_err(|e| e.to_string())?;
        s.write_all(format!("{}:{msg},", msg.len()).as_bytes())
            .map_err(|e| e.to_string())?;
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while Instant::now() < deadline {
            match s.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(_) => {}
            }
            for obj in netstrings(&buf) {
                if obj.contains("\"response\":true") {
                    return if obj.contains("\"ok\":true") {
                        Ok(obj)
                    } else {
                        Err(obj)
                    };
                }
            }
        }
        Err(format!(
            "no response to `{command}` within 5 s (got {:?})",
            String::from_utf8_lossy(&buf)
        ))
    }

    /// The log's length now: pass it to [`Baresip::sip_since`] to see only what
    /// follows.
    pub fn log_len(&self) -> u64 {
        std::fs::metadata(&self.log).map_or(0, |m| m.len())
    }

    /// The SIP messages baresip traced after byte `offset` of its log.
    pub fn sip_since(&self, offset: u64) -> Vec<TracedSip> {
        let bytes = std::fs::read(&self.log).unwrap_or_default();
        let from = usize::try_from(offset).unwrap_or(0).min(bytes.len());
        parse_trace(&String::from_utf8_lossy(&bytes[from..]))
    }

    /// The statuses of the responses to `method` requests of call `call_id` that
    /// baresip sent (`sent`) or received, after byte `offset` of its log.
    pub fn responses(&self, offset: u64, call_id: &str, method: &str, sent: bool) -> Vec<u16> {
        self.sip_since(offset)
            .iter()
            .filter(|m| m.sent == sent && m.header("Call-ID") == Some(call_id))
            .filter(|m| {
                m.header("CSeq")
                    .and_then(|c| c.split_whitespace().nth(1))
                    .is_some_and(|m| m.eq_ignore_ascii_case(method))
            })
            .filter_map(TracedSip::status)
            .collect()
    }

    /// The requests (`method`) of call `call_id` after byte `offset` of the log that
    /// baresip sent (`sent`) or received.
    pub fn requests(&self, offset: u64, call_id: &str, method: &str, sent: bool) -> Vec<TracedSip> {
        let start = format!("{method} ");
        self.sip_since(offset)
            .into_iter()
            .filter(|m| m.sent == sent && m.header("Call-ID") == Some(call_id))
            .filter(|m| m.start_line().starts_with(&start))
            .collect()
    }

    /// Polls (every 100 ms, at most `limit`) until `check` holds on
    /// [`Baresip::responses`]; the last value and whether `check` held.
    pub async fn wait_responses(
        &self,
        offset: u64,
        call_id: &str,
        method: &str,
        sent: bool,
        limit: Duration,
        check: impl Fn(&[u16]) -> bool,
    ) -> (Vec<u16>, bool) {
        let deadline = Instant::now() + limit;
        loop {
            let got = self.responses(offset, call_id, method, sent);
            if check(&got) {
                return (got, true);
            }
            if Instant::now() >= deadline {
                return (got, false);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// baresip's log text after byte `offset`.
    pub fn log_since(&self, offset: u64) -> String {
        let bytes = std::fs::read(&self.log).unwrap_or_default();
        let from = usize::try_from(offset).unwrap_or(0).min(bytes.len());
        String::from_utf8_lossy(&bytes[from..]).into_owned()
    }

    /// baresip's log text after byte `offset`, for a failing assertion (its tail).
    pub fn log_tail(&self, offset: u64) -> String {
        let text = self.log_since(offset);
        let keep = text.len().saturating_sub(20_000);
        let start = (keep..text.len())
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(text.len());
        text[start..].to_owned()
    }
}

/// The complete netstrings (`LEN:TEXT,`) at the start of `buf`, as text.
fn netstrings(buf: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = buf;
    while let Some(colon) = rest.iter().position(|b| *b == b':') {
        let Some(len) = std::str::from_utf8(&rest[..colon])
            .ok()
            .and_then(|n| n.trim().parse::<usize>().ok())
        else {
            break;
        };
        let Some(body) = rest.get(colon + 1..colon + 1 + len) else {
            break;
        };
        out.push(String::from_utf8_lossy(body).into_owned());
        rest = rest.get(colon + 2 + len..).unwrap_or_default();
    }
    out
}

/// The SIP messages of a baresip `-s` trace: each follows a line
/// `UDP|TCP SRC -> DST` and ends at the colour-reset line (`ESC[;m`).
pub fn parse_trace(text: &str) -> Vec<TracedSip> {
    let mut out = Vec::new();
    let mut cur: Option<TracedSip> = None;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let words: Vec<&str> = line.split_whitespace().collect();
        if let ["UDP" | "TCP" | "TLS", src, "->", dst] = words.as_slice() {
            out.extend(cur.take().filter(|m| !m.text.is_empty()));
            cur = Some(TracedSip {
                sent: src.ends_with(":5090") || src.ends_with(":5091"),
                src: (*src).to_owned(),
                dst: (*dst).to_owned(),
                text: String::new(),
            });
            continue;
        }
        let Some(m) = cur.as_mut() else { continue };
        if line.contains("\u{1b}[;m") || line.contains("\u{1b}[36;1m") {
            out.extend(cur.take().filter(|m| !m.text.is_empty()));
            continue;
        }
        m.text.push_str(line);
        m.text.push('\n');
    }
    out.extend(cur.filter(|m| !m.text.is_empty()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_trace_and_netstrings() {
        let text = "\u{1b}[36;1m#\nUDP 127.0.0.1:5070 -> 127.0.0.1:5090\n\
            INFO sip:carol@127.0.0.1:5090 SIP/2.0\nCall-ID: c1\nCSeq: 3 INFO\n\n\
            \u{1b}[;m\nnoise\n\u{1b}[36;1m#\nUDP 127.0.0.1:5090 -> 127.0.0.1:5070\n\
            SIP/2.0 200 OK\nCall-ID: c1\nCSeq: 3 INFO\n\n\u{1b}[;m\n";
        let msgs = parse_trace(text);
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(!msgs[0].sent && msgs[1].sent);
        assert_eq!(
            (msgs[0].src.as_str(), msgs[1].dst.as_str()),
            ("127.0.0.1:5070", "127.0.0.1:5070")
        );
        assert_eq!(msgs[1].status(), Some(200));
        assert_eq!(msgs[0].status(), None);
        assert_eq!(msgs[1].header("call-id"), Some("c1"));
        assert_eq!(
            netstrings(b"5:hello,3:abc,2:x"),
            ["hello".to_owned(), "abc".to_owned()]
        );
    }
}
