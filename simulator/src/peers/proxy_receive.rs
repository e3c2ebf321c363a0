//! Receiving at a stateless element: parsing, RFC 5626 keepalive pongs and STUN
//! Binding answers, junk reported,
//! the top Via stamped with `received`/`rport` (RFC 3261 §18.2.1, RFC 3581), and
//! retransmissions flagged for the trace.

use super::proxy::{edit_first, fnv, Hop, Incoming, ProxyCore};
use super::PeerEvent;
use bytes::Bytes;
use std::net::{IpAddr, SocketAddr};
use switchboard_actors::sip::{
    parse_datagram, parse_stream_message, HeaderName, HeaderValue, Message, Request, Response, Via,
};
use switchboard_actors::vocab::TransportKind;

/// What arrived.
pub(crate) enum Received {
    /// A request.
    Request(Incoming),
    /// A response.
    Response(Response),
    /// Nothing to act on (a keepalive, or junk already reported).
    Nothing,
}

/// How many recent requests are remembered to flag retransmissions in the trace.
const SEEN_MEMORY: usize = 512;

impl ProxyCore {
    /// Parses what arrived; answers a CRLF keepalive, reports junk, stamps the Via.
    pub fn receive(
        &mut self,
        transport: TransportKind,
        from: SocketAddr,
        bytes: Bytes,
    ) -> Received {
        let source = Hop {
            transport,
            addr: from,
        };
        if transport == TransportKind::Udp {
            if let Some(answer) = super::proxy_stun::binding_success(&bytes, from) {
                // RFC 5626 §4.4.2: STUN keepalives share the SIP port.
                self.send(source, answer);
                return Received::Nothing;
            }
        }
        if bytes.iter().all(|b| *b == b'\r' || *b == b'\n') {
            if bytes.len() >= 4 {
                // RFC 5626 §3.5.1 ping: answer with a pong on the same flow.
                self.send(source, Bytes::from_static(b"\r\n"));
            }
            return Received::Nothing;
        }
        let parsed = match transport {
            TransportKind::Udp => parse_datagram(bytes, &self.limits),
            _ => parse_stream_message(bytes, &self.limits),
        };
        let mut req = match parsed {
            Ok(Message::Response(r)) => return Received::Response(r),
            Ok(Message::Request(r)) => r,
            Err(e) => {
                self.emit(PeerEvent::Malformed {
                    reason: e.fault.to_string(),
                });
                return Received::Nothing;
            }
        };
        let Some(use_flow) = stamp_via(&mut req, source) else {
            self.emit(PeerEvent::Malformed {
                reason: "unusable top Via".to_owned(),
            });
            return Received::Nothing;
        };
        let call_id = req.call_id().unwrap_or_default().to_owned();
        let key = fnv(&[
            req.method.as_str().as_bytes(),
            call_id.as_bytes(),
            req.top_via()
                .ok()
                .and_then(|v| v.branch)
                .unwrap_or("")
                .as_bytes(),
            &req.cseq().map(|c| c.seq).unwrap_or(0).to_be_bytes(),
        ]);
        let retransmission = self.seen.contains(&key);
        if !retransmission {
            if self.seen.len() >= SEEN_MEMORY {
                self.seen.pop_front();
            }
            self.seen.push_back(key);
        }
        self.emit(PeerEvent::RequestReceived {
            method: req.method.as_str().to_owned(),
            call_id,
            retransmission,
        });
        Received::Request(Incoming {
            source,
            req,
            use_flow,
        })
    }
}

/// Adds `received` (and fills `rport`) on the top Via per RFC 3261 §18.2.1 and RFC 3581;
/// returns whether the sender must be reached through its flow. `None` when the top Via
/// is unusable.
pub(crate) fn stamp_via(req: &mut Request, source: Hop) -> Option<bool> {
    let value = req.headers.get(&HeaderName::Via)?.as_str().to_owned();
    let via = Via::parse(&value).ok()?;
    let host_ip: Option<IpAddr> = via.host.trim_matches(|c| c == '[' || c == ']').parse().ok();
    let moved = host_ip != Some(source.addr.ip());
    let wants_rport = via.rport.is_some();
    let mut v = format!("SIP/2.0/{} {}", via.transport, via.host);
    if let Some(p) = via.port {
        v.push_str(&format!(":{p}"));
    }
    for (name, val) in via.params() {
        if name.eq_ignore_ascii_case("received") || name.eq_ignore_ascii_case("rport") {
            continue;
        }
        match val {
            Some(val) => v.push_str(&format!(";{name}={val}")),
            None => v.push_str(&format!(";{name}")),
        }
    }
    if moved || wants_rport {
        v.push_str(&format!(";received={}", source.addr.ip()));
    }
    if wants_rport {
        v.push_str(&format!(";rport={}", source.addr.port()));
    }
    req.headers = edit_first(
        &req.headers,
        &HeaderName::Via,
        Some(HeaderValue::from_string(v)),
    );
    Some(source.transport.is_reliable() || moved || wants_rport)
}
