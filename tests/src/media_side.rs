//! The media side of the interop tests: an engine limited to some codecs, and what
//! baresip's log says about a call's audio — where its `sndfile` module wrote the
//! decoded audio, which RFC 4733 events it received, which codec its SDP chose.

use crate::baresip::Baresip;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use switchboard::cdr::CallRecord;
use switchboard::config::AudioCodec;
use switchboard::{Call, Engine, EngineConfig, EventStream, TransportKind};

/// A started engine on UDP 127.0.0.1 (ephemeral port) that offers and accepts only
/// `codecs`; its events (subscribed before start) and its address. (`calls::call_engine`
/// is the same with the default codecs.)
pub async fn engine_with_codecs(
    seed: u64,
    codecs: &[AudioCodec],
) -> (Engine, EventStream, SocketAddr) {
    let cfg = EngineConfig::builder()
        .seed(seed)
        .listen(TransportKind::Udp, "127.0.0.1:0".parse().unwrap())
        .codecs(codecs)
        .build()
        .expect("engine config");
    crate::calls::start_engine(cfg).await
}

/// Call `call`'s final record: polled every 50 ms (at most `limit`), since the call's
/// actor files it in the history just after its `ended` event.
pub async fn final_record(call: &Call, limit: Duration) -> CallRecord {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match call.details().await {
            Ok(r) if r.ended_at_ms.is_some() => return r,
            other if tokio::time::Instant::now() >= deadline => {
                panic!(
                    "no final record of {} within {limit:?}: {other:?}",
                    call.id()
                )
            }
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// The file baresip's `sndfile` module dumps `what` (`decode`: what carol heard;
/// `encode`: what it sent) to, for the first call after byte `offset` of its log.
pub fn recording(bs: &Baresip, offset: u64, what: &str) -> Option<PathBuf> {
    let prefix = format!("sndfile: dumping {what} audio to ");
    bs.log_since(offset)
        .lines()
        .find_map(|l| l.split(&prefix).nth(1))
        .map(|p| PathBuf::from(p.trim()))
}

/// The digits of the RFC 4733 events baresip received after byte `offset` of its log,
/// in order ([`rfc4733_digits_in`]).
pub fn rfc4733_digits(bs: &Baresip, offset: u64) -> Vec<char> {
    rfc4733_digits_in(&bs.log_since(offset))
}

/// The digits of baresip's `received event: 'K' (end=0)` log lines (one per event
/// start; the end packets print `end=1`; SIP INFO digits print `received DTMF`).
pub fn rfc4733_digits_in(log: &str) -> Vec<char> {
    log.split("received event: '")
        .skip(1)
        .filter_map(|rest| {
            let mut chars = rest.chars();
            let digit = chars.next()?;
            chars.as_str().starts_with("' (end=0)").then_some(digit)
        })
        .collect()
}

/// [`rfc4733_digits`], polled every 100 ms for at most `limit` until there are `n`.
pub async fn wait_rfc4733_digits(
    bs: &Baresip,
    offset: u64,
    n: usize,
    limit: Duration,
) -> Vec<char> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let got = rfc4733_digits(bs, offset);
        if got.len() >= n || tokio::time::Instant::now() >= deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The codec an SDP body chose: the `encoding/rate` of the first payload type of its
/// audio m-line (a static type's name when it has no rtpmap: `PCMU/8000`, `PCMA/8000`).
pub fn chosen_codec(sdp: &str) -> Option<String> {
    let m = sdp.lines().find(|l| l.starts_with("m=audio "))?;
    let pt = m.split_whitespace().nth(3)?;
    let rtpmap = format!("a=rtpmap:{pt} ");
    let mapped = sdp
        .lines()
        .find_map(|l| l.trim().strip_prefix(&rtpmap))
        .map(|enc| {
            let mut parts = enc.trim().split('/');
            format!(
                "{}/{}",
                parts.next().unwrap_or_default(),
                parts.next().unwrap_or_default()
            )
        });
    mapped.or_else(|| match pt {
        "0" => Some("PCMU/8000".into()),
        "8" => Some("PCMA/8000".into()),
        _ => None,
    })
}

/// The SDP body of the 200 baresip sent to call `call_id`'s INVITE after `offset`.
pub fn answer_sdp(bs: &Baresip, offset: u64, call_id: &str) -> Option<String> {
    bs.sip_since(offset)
        .into_iter()
        .filter(|m| m.sent && m.header("Call-ID") == Some(call_id))
        .filter(|m| m.status() == Some(200))
        .find(|m| {
            m.header("CSeq")
                .is_some_and(|c| c.to_ascii_uppercase().ends_with("INVITE"))
        })
        .and_then(|m| m.text.split_once("\nv=0").map(|(_, b)| format!("v=0{b}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_chosen_codec() {
        let opus = "v=0\nm=audio 20040 RTP/AVP 96 101\na=rtpmap:96 opus/48000/2\n\
                    a=rtpmap:101 telephone-event/8000\n";
        assert_eq!(chosen_codec(opus).as_deref(), Some("opus/48000"));
        assert_eq!(
            chosen_codec("v=0\nm=audio 2 RTP/AVP 0 101\n").as_deref(),
            Some("PCMU/8000")
        );
        assert_eq!(chosen_codec("v=0\n"), None);
    }

    #[test]
    fn reads_rfc4733_digits_from_baresips_log() {
        // As baresip 1.0.0 printed SIPp's dtmf_2833_1.pcap (after its status line).
        let log = "\r[0:00:08] audio=64000/63360 (bit/s)    received event: '1' (end=0)\n\
                   received event: '1' (end=1)\ncall: received DTMF: '2' (duration=250)\n\
                   received event: '#' (end=0)\n";
        assert_eq!(rfc4733_digits_in(log), ['1', '#']);
    }
}
