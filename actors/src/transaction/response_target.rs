//! Where a server transaction sends its responses (RFC 3261 §18.2.2, RFC 3581 §4).

use crate::sip::Via;
use crate::vocab::{Flow, Target};
use std::net::{IpAddr, SocketAddr};

fn ip_of(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// The destination of responses to a request whose (stamped) top Via is `top_via`,
/// received over `flow`:
/// - reliable transports: the request's connection (`conn`), with the `received`
///   address (else the flow's remote address) and the sent-by port as the fallback
///   should that connection be gone;
/// - `maddr` (an IP literal): that address, sent-by port or the default;
/// - `received`: that address, at `rport` when present, else the sent-by port or the
///   default;
/// - otherwise the sent-by address when it is an IP literal, else the flow's source
///   (a name here was already answered with `received` when the request was stamped).
pub fn response_target(top_via: &Via<'_>, flow: &Flow) -> Target {
    let default_port = flow.kind.default_port();
    let sent_by_port = top_via.port.unwrap_or(default_port);
    let received = top_via.received.and_then(ip_of);
    let rport = top_via.rport.flatten();
    let addr = if flow.kind.is_reliable() {
        SocketAddr::new(received.unwrap_or(flow.remote.ip()), sent_by_port)
    } else if let Some(maddr) = top_via.maddr.and_then(ip_of) {
        SocketAddr::new(maddr, sent_by_port)
    } else if let Some(ip) = received {
        SocketAddr::new(ip, rport.unwrap_or(sent_by_port))
    } else if let Some(ip) = ip_of(top_via.host) {
        SocketAddr::new(ip, rport.unwrap_or(sent_by_port))
    } else {
        flow.remote
    };
    Target {
        kind: flow.kind,
        addr,
        conn: if flow.kind.is_reliable() {
            flow.conn
        } else {
            None
        },
        server_name: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{ConnId, TransportKind};

    fn flow(kind: TransportKind, remote: &str) -> Flow {
        Flow {
            kind,
            local: "127.0.0.1:5060".parse().unwrap(),
            remote: remote.parse().unwrap(),
            conn: kind.is_reliable().then_some(ConnId(7)),
        }
    }

    fn target(via: &str, f: &Flow) -> Target {
        response_target(&Via::parse(via).unwrap(), f)
    }

    #[test]
    fn udp_rules() {
        let f = flow(TransportKind::Udp, "192.0.2.9:40000");
        let t = target("SIP/2.0/UDP a.example;received=192.0.2.9;rport=40000", &f);
        assert_eq!(t.addr, "192.0.2.9:40000".parse().unwrap());
        assert_eq!(t.conn, None);
        let t = target("SIP/2.0/UDP a.example:5070;received=192.0.2.9", &f);
        assert_eq!(t.addr, "192.0.2.9:5070".parse().unwrap());
        let t = target("SIP/2.0/UDP 192.0.2.9;maddr=239.1.1.1", &f);
        assert_eq!(t.addr, "239.1.1.1:5060".parse().unwrap());
        let t = target("SIP/2.0/UDP 192.0.2.9:5062", &f);
        assert_eq!(t.addr, "192.0.2.9:5062".parse().unwrap());
        let t = target("SIP/2.0/UDP a.example", &f);
        assert_eq!(t.addr, f.remote);
    }

    #[test]
    fn reliable_reuses_connection() {
        let f = flow(TransportKind::Tls, "192.0.2.9:40001");
        let t = target("SIP/2.0/TLS a.example;received=192.0.2.9", &f);
        assert_eq!(t.conn, Some(ConnId(7)));
        assert_eq!(t.kind, TransportKind::Tls);
        assert_eq!(t.addr, "192.0.2.9:5061".parse().unwrap());
    }
}
