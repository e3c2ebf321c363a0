//! UA tests beyond calls: malformed input, DTMF, 481/501, registration with a digest
//! challenge, and a proptest feeding random bytes.

use super::kit_msg::{build_response, parse_message};
use super::ua_tests::ua_cfg;
use super::ua_wire::{addr, ctx, Wire};
use super::{Peer, PeerCommand, PeerEvent, PeerInput, PeerOutput, Ua};
use std::collections::VecDeque;
use std::time::Duration;
use switchboard_actors::sip::auth::compute::{response, DigestInput};
use switchboard_actors::sip::auth::{DigestChallenge, DigestCredentials, Password, Qop};
use switchboard_actors::sip::{HeaderName, Message, Response, StatusCode};
use switchboard_actors::vocab::TransportKind;

const DIR: &[(&str, u8)] = &[("alice", 1), ("bob", 2), ("reg", 4)];

fn pair() -> Wire {
    let mut w = Wire::new();
    w.add(
        "alice",
        addr(1),
        Ua::new(&ua_cfg("alice"), ctx("alice", 1, DIR)).unwrap(),
    );
    w.add(
        "bob",
        addr(2),
        Ua::new(&ua_cfg("bob"), ctx("bob", 2, DIR)).unwrap(),
    );
    w
}

fn raw(text: &str) -> PeerCommand {
    PeerCommand::SendRaw {
        to: addr(2),
        text: text.to_owned(),
    }
}

#[test]
fn junk_is_malformed_and_salvageable_requests_get_400() {
    let mut w = pair();
    w.command("alice", raw("\u{1}\u{2} hello there"));
    w.command("alice", raw("OPTIONS sip:bob@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKj1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:bob@x>\r\nCall-ID: j1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"));
    w.command("alice", raw("\r\n\r\n"));
    w.run_until(Duration::from_secs(1));
    let bob = w.events_of("bob");
    let malformed = bob
        .iter()
        .filter(|e| matches!(e, PeerEvent::Malformed { .. }))
        .count();
    assert_eq!(malformed, 2, "{bob:?}");
    assert!(bob.contains(&PeerEvent::ResponseSent {
        method: "OPTIONS".into(),
        status: 400
    }));
    let resp = w.sent.iter().find(|s| s.from == "bob").unwrap();
    assert!(
        resp.text.starts_with("SIP/2.0 400 CSeq method"),
        "{}",
        resp.text
    );
}

#[test]
fn unknown_dialog_unknown_method_and_dtmf() {
    let mut w = pair();
    w.command("alice", PeerCommand::Call { to: "bob".into() });
    w.run_until(Duration::from_secs(1));
    let call_id = w.sent[0]
        .text
        .lines()
        .find_map(|l| l.strip_prefix("Call-ID: "))
        .unwrap()
        .to_owned();
    let to_tag = w
        .sent
        .iter()
        .find(|s| s.text.starts_with("SIP/2.0 200"))
        .unwrap()
        .text
        .lines()
        .find_map(|l| l.strip_prefix("To: "))
        .unwrap()
        .to_owned();
    let info = |body: &str, cid: &str, ctype: &str| {
        format!("INFO sip:bob@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKi{}\r\nFrom: <sip:alice@10.0.0.1>;tag=zz\r\nTo: {to_tag}\r\nCall-ID: {cid}\r\nCSeq: 9 INFO\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{body}", cid.len() + body.len(), body.len())
    };
    w.command(
        "alice",
        raw(&info(
            "Signal=5\r\nDuration=160\r\n",
            &call_id,
            "application/dtmf-relay",
        )),
    );
    w.command("alice", raw(&info("#", &call_id, "application/dtmf")));
    w.command(
        "alice",
        raw(&info("Signal=1\r\n", "nope", "application/dtmf-relay")),
    );
    w.command("alice", raw("FROB sip:bob@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKf\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:bob@x>\r\nCall-ID: f\r\nCSeq: 1 FROB\r\nContent-Length: 0\r\n\r\n"));
    w.run_until(Duration::from_secs(2));
    let bob = w.events_of("bob");
    let digits: Vec<_> = bob
        .iter()
        .filter_map(|e| match e {
            PeerEvent::Dtmf { digit, call_id: c } if *c == call_id => Some(digit.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(digits, ["5", "#"]);
    assert!(bob.contains(&PeerEvent::ResponseSent {
        method: "INFO".into(),
        status: 481
    }));
    assert!(bob.contains(&PeerEvent::ResponseSent {
        method: "FROB".into(),
        status: 501
    }));
}

/// A hand-rolled registrar: 401 with a digest challenge, then 200 for right credentials
/// (403 for wrong ones).
struct FakeRegistrar {
    out: VecDeque<PeerOutput>,
}

impl FakeRegistrar {
    fn send(&mut self, transport: TransportKind, to: std::net::SocketAddr, resp: Response) {
        let bytes = Message::Response(resp).to_bytes();
        self.out.push_back(PeerOutput::Send {
            transport,
            to,
            bytes,
        });
    }
}

impl Peer for FakeRegistrar {
    fn handle(&mut self, _: Duration, input: PeerInput) {
        let PeerInput::Message {
            transport,
            from,
            bytes,
        } = input
        else {
            return;
        };
        let Ok(Message::Request(req)) = parse_message(transport, bytes) else {
            return;
        };
        let auth = req
            .headers
            .get(&HeaderName::Authorization)
            .map(|v| DigestCredentials::parse(v.as_str()).unwrap());
        let resp = match auth {
            None => {
                let mut r = build_response(&req, StatusCode::UNAUTHORIZED, Some("r1"));
                let mut c = DigestChallenge::new("sim", "nonce-1");
                c.qop = vec![Qop::Auth];
                r.headers.push(HeaderName::WwwAuthenticate, c.to_string());
                r
            }
            Some(c) => {
                let expect = response(&DigestInput {
                    algorithm: c.effective_algorithm(),
                    username: "alice",
                    realm: "sim",
                    password: &Password::new("secret"),
                    nonce: "nonce-1",
                    cnonce: c.cnonce.as_deref(),
                    nc: c.nc.unwrap_or(0),
                    qop: c.qop,
                    method: "REGISTER",
                    uri: &c.uri,
                    body: b"",
                });
                if expect != c.response {
                    return self.send(
                        transport,
                        from,
                        build_response(&req, StatusCode::FORBIDDEN, None),
                    );
                }
                let mut r = build_response(&req, StatusCode::OK, Some("r1"));
                let contact = req
                    .headers
                    .get(&HeaderName::Contact)
                    .unwrap()
                    .as_str()
                    .to_owned();
                r.headers
                    .push(HeaderName::Contact, format!("{contact};expires=60"));
                r
            }
        };
        self.send(transport, from, resp);
    }
    fn poll_output(&mut self) -> Option<PeerOutput> {
        self.out.pop_front()
    }
    fn poll_timeout(&self) -> Option<Duration> {
        None
    }
    fn handle_timeout(&mut self, _: Duration) {}
}

#[test]
fn registers_with_digest_and_refreshes_at_half_expiry() {
    let mut cfg = ua_cfg("alice");
    cfg.registrar = Some("reg".into());
    cfg.password = Some("secret".into());
    cfg.domain = Some("sim".into());
    let mut w = Wire::new();
    let ua = Ua::new(&cfg, ctx("alice", 1, DIR)).unwrap();
    assert_eq!(
        ua.poll_timeout(),
        Some(Duration::ZERO),
        "registers at start"
    );
    w.add("alice", addr(1), ua);
    w.add(
        "reg",
        addr(4),
        FakeRegistrar {
            out: VecDeque::new(),
        },
    );
    w.run_until(Duration::from_secs(40));
    let regs = w.sends("alice", "REGISTER");
    assert_eq!(
        regs.len(),
        3,
        "challenged, answered, refreshed pre-emptively"
    );
    assert!(regs[2] >= Duration::from_secs(30) && regs[2] < Duration::from_secs(31));
    assert!(
        w.sent[2].text.contains("Authorization: Digest"),
        "{}",
        w.sent[2].text
    );
    assert!(w.sent[0].text.starts_with("REGISTER sip:sim SIP/2.0"));
    let alice = w.events_of("alice");
    let statuses: Vec<u16> = alice
        .iter()
        .filter_map(|e| match e {
            PeerEvent::ResponseReceived { status, .. } => Some(*status),
            _ => None,
        })
        .collect();
    assert_eq!(statuses, [401, 200, 200]);
}

#[test]
fn bad_config_names_the_field() {
    let mut cfg = ua_cfg("alice");
    cfg.registrar = Some("nowhere".into());
    let err = Ua::new(&cfg, ctx("alice", 1, DIR)).unwrap_err();
    assert!(
        matches!(
            err,
            super::UaError::UnknownName {
                field: "registrar",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn tcp_send_failure_ends_the_call() {
    let mut ua = Ua::new(&ua_cfg("alice"), ctx("alice", 1, DIR)).unwrap();
    let to = "sip:carol@10.0.0.9:5060;transport=tcp".to_owned();
    ua.handle(Duration::ZERO, PeerInput::Command(PeerCommand::Call { to }));
    let mut sent = Vec::new();
    while let Some(o) = ua.poll_output() {
        if let PeerOutput::Send { transport, to, .. } = o {
            sent.push((transport, to));
        }
    }
    assert_eq!(
        sent,
        [(TransportKind::Tcp, "10.0.0.9:5060".parse().unwrap())]
    );
    let (transport, to) = sent[0];
    ua.handle(
        Duration::from_millis(5),
        PeerInput::SendFailed { transport, to },
    );
    let events: Vec<_> = std::iter::from_fn(|| ua.poll_output()).collect();
    assert!(events.contains(&PeerOutput::Event(PeerEvent::CallState {
        call_id: match &events[0] {
            PeerOutput::Event(PeerEvent::CallState { call_id, .. }) => call_id.clone(),
            other => panic!("{other:?}"),
        },
        state: "ended".into(),
        reason: Some("transport error".into()),
    })));
    assert_eq!(ua.poll_timeout(), None, "no Timer B left behind");
}
