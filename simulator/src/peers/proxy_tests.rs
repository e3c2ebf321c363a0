//! The registrar's proxy role: forwarding between registered users (NAT flows, Via,
//! Record-Route, Max-Forwards), responses back by Via, 407 for INVITEs, CANCEL and ACK,
//! loose routes, other hosts, and the stateless answers (480, 404, 483).

use super::proxy_testkit::*;
use super::registrar_tests::registrar;
use super::*;
use switchboard_actors::sip::{HeaderName, Message};
use switchboard_actors::vocab::TransportKind;

const ALICE: &str = "10.0.0.2:5060";
/// Bob is behind a NAT: he writes 192.168.1.2, the proxy sees 203.0.113.5:40000.
const BOB_NAT: &str = "203.0.113.5:40000";

/// Registers alice (direct) and bob (behind a NAT), answering challenges when asked.
fn with_users(auth: bool) -> Registrar {
    let mut r = registrar(auth);
    for (user, pw, src, host) in [
        ("alice", "pw-a", ALICE, "10.0.0.2"),
        ("bob", "pw-b", BOB_NAT, "192.168.1.2"),
    ] {
        let contact = format!("Contact: <sip:{user}@{host}:5060>");
        let outs = feed(&mut r, 0.0, src, &register(user, host, 1, &contact));
        let mut resp = response(only(&outs).1);
        if resp.status.as_u16() == 401 {
            let a = answer(
                &resp,
                HeaderName::WwwAuthenticate,
                user,
                pw,
                "REGISTER",
                "sip:example.com",
            );
            let outs = feed(
                &mut r,
                0.0,
                src,
                &register(user, host, 2, &format!("{contact}\nAuthorization: {a}")),
            );
            resp = response(only(&outs).1);
        }
        assert_eq!(resp.status.as_u16(), 200);
    }
    r
}

fn request(method: &str, ruri: &str, cseq: u32, extra: &str) -> String {
    format!(
        "{method} {ruri} SIP/2.0
        Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-c{cseq};rport
        Max-Forwards: 70
        From: <sip:alice@example.com>;tag=fa
        To: <sip:bob@example.com>
        Call-ID: call-1
        CSeq: {cseq} {method}
        {extra}
        Content-Length: 0"
    )
}

fn as_request(m: Message) -> switchboard_actors::sip::Request {
    match m {
        Message::Request(r) => r,
        Message::Response(r) => panic!("expected a request, got {r:?}"),
    }
}

#[test]
fn options_goes_to_the_nat_flow_and_the_answer_comes_back_by_via() {
    let mut r = with_users(false);
    let outs = feed(
        &mut r,
        1.0,
        ALICE,
        &request("OPTIONS", "sip:bob@example.com", 1, ""),
    );
    let (to, m) = only(&outs);
    assert_eq!(to, bob_flow());
    let vias = headers(&m, HeaderName::Via);
    assert_eq!(vias.len(), 2);
    assert!(
        vias[0].starts_with("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-sb"),
        "{vias:?}"
    );
    assert!(vias[1].ends_with(";received=10.0.0.2;rport=5060"));
    assert_eq!(header(&m, HeaderName::MaxForwards).as_deref(), Some("69"));
    assert!(
        header(&m, HeaderName::RecordRoute).is_none(),
        "no Record-Route on OPTIONS"
    );
    assert_eq!(
        as_request(m.clone()).uri.to_string(),
        "sip:bob@192.168.1.2:5060"
    );
    assert!(events(&outs).contains(&PeerEvent::Forwarded {
        method: "OPTIONS".into(),
        to: BOB_NAT.into()
    }));

    let reply = format!(
        "SIP/2.0 200 OK\nVia: {}\nVia: {}\nFrom: <sip:alice@example.com>;tag=fa\nTo: <sip:bob@example.com>;tag=tb\nCall-ID: call-1\nCSeq: 1 OPTIONS\nContent-Length: 0",
        vias[0], vias[1]
    );
    let back = feed(&mut r, 1.1, BOB_NAT, &reply);
    let (to, m) = only(&back);
    assert_eq!(to, addr(ALICE));
    assert_eq!(headers(&m, HeaderName::Via), [vias[1].clone()]);
    // A 100 is hop-by-hop: not forwarded.
    let trying = reply.replace("200 OK", "100 Trying");
    assert!(sent(&feed(&mut r, 1.1, BOB_NAT, &trying)).is_empty());
    // A response whose top Via is not ours is dropped.
    let stray = reply.replacen(&vias[0], "SIP/2.0/UDP 10.9.9.9;branch=z9hG4bKx", 1);
    assert!(sent(&feed(&mut r, 1.2, BOB_NAT, &stray)).is_empty());
}

fn bob_flow() -> std::net::SocketAddr {
    addr(BOB_NAT)
}

#[test]
fn invite_is_challenged_then_record_routed_and_ack_cancel_pass() {
    let mut r = with_users(true);
    let first = feed(
        &mut r,
        1.0,
        ALICE,
        &request("INVITE", "sip:bob@example.com", 1, ""),
    );
    let resp = response(only(&first).1);
    assert_eq!(resp.status.as_u16(), 407);
    assert!(events(&first).contains(&PeerEvent::Challenged {
        method: "INVITE".into()
    }));
    // The ACK for our own 407 is absorbed.
    let to_tag = resp.to().unwrap().tag().unwrap().to_owned();
    let ack = request("ACK", "sip:bob@example.com", 1, "").replace(
        "To: <sip:bob@example.com>",
        &format!("To: <sip:bob@example.com>;tag={to_tag}"),
    );
    assert!(sent(&feed(&mut r, 1.0, ALICE, &ack)).is_empty());

    let a = answer(
        &resp,
        HeaderName::ProxyAuthenticate,
        "alice",
        "pw-a",
        "INVITE",
        "sip:bob@example.com",
    );
    let outs = feed(
        &mut r,
        1.1,
        ALICE,
        &request(
            "INVITE",
            "sip:bob@example.com",
            2,
            &format!("Proxy-Authorization: {a}"),
        ),
    );
    let (to, m) = only(&outs);
    assert_eq!(to, bob_flow());
    assert_eq!(
        header(&m, HeaderName::RecordRoute).as_deref(),
        Some("<sip:10.0.0.1:5060;lr>")
    );
    assert!(header(&m, HeaderName::ProxyAuthorization).is_none());
    let invite_branch = headers(&m, HeaderName::Via)[0].clone();

    // CANCEL: never challenged, forwarded with the INVITE's branch.
    let cancel = feed(
        &mut r,
        1.2,
        ALICE,
        &request("CANCEL", "sip:bob@example.com", 2, ""),
    );
    let (to, m) = only(&cancel);
    assert_eq!(to, bob_flow());
    assert_eq!(headers(&m, HeaderName::Via)[0], invite_branch);

    // An in-dialog ACK through our Record-Route to bob's contact: popped, to the flow.
    let ack = request(
        "ACK",
        "sip:bob@192.168.1.2:5060",
        2,
        "Route: <sip:10.0.0.1:5060;lr>",
    )
    .replace(
        "To: <sip:bob@example.com>",
        "To: <sip:bob@example.com>;tag=tb",
    );
    let (to, m) = only(&feed(&mut r, 1.3, ALICE, &ack));
    assert_eq!(to, bob_flow());
    assert!(header(&m, HeaderName::Route).is_none());
}

#[test]
fn a_wrong_password_on_invite_is_forbidden() {
    let mut r = with_users(true);
    let resp = response(
        only(&feed(
            &mut r,
            1.0,
            ALICE,
            &request("INVITE", "sip:bob@example.com", 1, ""),
        ))
        .1,
    );
    let a = answer(
        &resp,
        HeaderName::ProxyAuthenticate,
        "alice",
        "nope",
        "INVITE",
        "sip:bob@example.com",
    );
    let outs = feed(
        &mut r,
        1.1,
        ALICE,
        &request(
            "INVITE",
            "sip:bob@example.com",
            2,
            &format!("Proxy-Authorization: {a}"),
        ),
    );
    assert_eq!(status_of(&outs), 403);
    assert!(events(&outs).contains(&PeerEvent::AuthFailed {
        user: "alice".into()
    }));
}

#[test]
fn stateless_answers_480_404_483_and_self() {
    let mut r = registrar(false);
    let unregistered = feed(
        &mut r,
        0.0,
        ALICE,
        &request("OPTIONS", "sip:bob@example.com", 1, ""),
    );
    assert_eq!(status_of(&unregistered), 480);
    let unknown = feed(
        &mut r,
        0.0,
        ALICE,
        &request("OPTIONS", "sip:carol@example.com", 1, ""),
    );
    assert_eq!(status_of(&unknown), 404);
    let mut r = with_users(false);
    let hops = request("OPTIONS", "sip:bob@example.com", 1, "")
        .replace("Max-Forwards: 70", "Max-Forwards: 0");
    assert_eq!(status_of(&feed(&mut r, 0.0, ALICE, &hops)), 483);
    let me = feed(
        &mut r,
        0.0,
        ALICE,
        &request("OPTIONS", "sip:10.0.0.1:5060", 1, ""),
    );
    let m = only(&me).1;
    assert_eq!(response(m.clone()).status.as_u16(), 200);
    assert!(header(&m, HeaderName::Allow).is_some());
    // A CRLF keepalive gets a pong.
    let pong = feed_bytes(
        &mut r,
        0.0,
        switchboard_actors::vocab::TransportKind::Tcp,
        ALICE,
        bytes::Bytes::from_static(b"\r\n\r\n"),
    );
    assert!(matches!(&pong[..], [PeerOutput::Send { bytes, .. }] if &bytes[..] == b"\r\n"));
}

#[test]
fn requests_for_other_hosts_and_loose_routes() {
    let mut r = with_users(false);
    let gw = feed(
        &mut r,
        0.0,
        ALICE,
        &request("INVITE", "sip:+15551234@10.0.0.50", 1, ""),
    );
    let (to, m) = only(&gw);
    assert_eq!(to, addr("10.0.0.50:5060"));
    assert_eq!(as_request(m).uri.to_string(), "sip:+15551234@10.0.0.50");
    let named = feed(
        &mut r,
        0.0,
        ALICE,
        &request("OPTIONS", "sip:+15551234@gw", 2, ""),
    );
    assert_eq!(only(&named).0, addr("10.0.0.50:5060"));
    let routed = request(
        "BYE",
        "sip:x@10.0.0.70",
        3,
        "Route: <sip:10.0.0.1:5060;lr>\nRoute: <sip:10.0.0.60;lr>",
    );
    let (to, m) = only(&feed(&mut r, 0.0, ALICE, &routed));
    assert_eq!(to, addr("10.0.0.60:5060"));
    assert_eq!(headers(&m, HeaderName::Route), ["<sip:10.0.0.60;lr>"]);
    let nowhere = feed(
        &mut r,
        0.0,
        ALICE,
        &request("OPTIONS", "sip:x@nowhere.invalid", 4, ""),
    );
    assert_eq!(status_of(&nowhere), 404);
}

#[test]
fn a_tcp_registration_is_reached_over_its_connection() {
    let mut r = registrar(false);
    let phone = "10.0.0.8:49152"; // an ephemeral TCP source port
    let reg = register(
        "bob",
        "10.0.0.8",
        1,
        "Contact: <sip:bob@10.0.0.8:5060;transport=tcp>",
    )
    .replace(
        "SIP/2.0/UDP 10.0.0.8:5060;branch=z9hG4bK-bob-1;rport",
        "SIP/2.0/TCP 10.0.0.8:5060;branch=z9hG4bK-bob-1",
    );
    let outs = feed_bytes(&mut r, 0.0, TransportKind::Tcp, phone, wire(&reg));
    assert!(
        matches!(&outs[..], [.., PeerOutput::Send { transport: TransportKind::Tcp, to, .. }, _] if *to == addr(phone)),
        "{outs:#?}"
    );
    let b = r.bindings("bob", secs(0.0));
    assert_eq!(
        (b[0].transport, b[0].source, b[0].via_flow),
        (TransportKind::Tcp, addr(phone), true)
    );
    let fwd = feed(
        &mut r,
        1.0,
        ALICE,
        &request("OPTIONS", "sip:bob@example.com", 1, ""),
    );
    match &fwd[..] {
        [_, PeerOutput::Send {
            transport,
            to,
            bytes,
        }, _] => {
            assert_eq!((*transport, *to), (TransportKind::Tcp, addr(phone)));
            assert!(std::str::from_utf8(bytes).unwrap().starts_with("OPTIONS sip:bob@10.0.0.8:5060;transport=tcp SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.1:5060;branch="));
        }
        other => panic!("{other:#?}"),
    }
}
