//! The push backend: hold, push, register with the token, delivery; lost pushes,
//! CANCEL while held, hold timeouts, tokens, and registration-free outgoing calls.

use super::proxy_testkit::*;
use super::*;
use crate::time::SimDuration;
use switchboard_actors::sip::{HeaderName, Message};

const GW: &str = "10.0.0.50:5060";
/// Alice's phone behind a NAT.
const PHONE: &str = "198.51.100.7:50000";

fn cfg(push_loss: f64) -> PushConfig {
    PushConfig {
        domain: "app.example".into(),
        users: [("alice".to_owned(), "tok-a".to_owned())]
            .into_iter()
            .collect(),
        dial_whom: [("+15550001".to_owned(), "alice".to_owned())]
            .into_iter()
            .collect(),
        hold_for: SimDuration::from_secs(30),
        push_loss,
        push_delay: SimDuration::from_millis(500),
        push_jitter: SimDuration::ZERO,
    }
}

fn backend(push_loss: f64) -> PushBackend {
    PushBackend::new(&cfg(push_loss), ctx("push")).unwrap()
}

fn gateway_invite(cseq: u32, method: &str) -> String {
    format!(
        "{method} sip:+15550001@app.example SIP/2.0
        Via: SIP/2.0/UDP 10.0.0.50:5060;branch=z9hG4bK-g1
        Max-Forwards: 70
        From: <sip:+15557777@10.0.0.50>;tag=g1
        To: <sip:+15550001@app.example>
        Call-ID: pstn-1
        CSeq: {cseq} {method}
        Content-Length: 0"
    )
}

fn phone_register(token_header: &str) -> String {
    let contact = "Contact: <sip:alice@192.168.0.5:5060;pn-provider=apns;pn-prid=dev1;pn-param=x>";
    register(
        "alice",
        "192.168.0.5",
        1,
        &format!("{contact}\n{token_header}"),
    )
}

fn statuses(outs: &[PeerOutput]) -> Vec<u16> {
    sent(outs)
        .into_iter()
        .filter_map(|(_, m)| match m {
            Message::Response(r) => Some(r.status.as_u16()),
            Message::Request(_) => None,
        })
        .collect()
}

#[test]
fn held_call_is_pushed_then_delivered_when_the_phone_registers() {
    let mut p = backend(0.0);
    let outs = feed(&mut p, 0.0, GW, &gateway_invite(1, "INVITE"));
    assert_eq!(statuses(&outs), [100, 180]);
    assert!(sent(&outs).iter().all(|(to, _)| *to == addr(GW)));
    assert!(events(&outs).contains(&PeerEvent::CallHeld {
        user: "alice".into(),
        call_id: "pstn-1".into()
    }));
    assert_eq!(p.poll_timeout(), Some(secs(0.5)));
    // A retransmission is answered again but held once.
    let again = feed(&mut p, 0.2, GW, &gateway_invite(1, "INVITE"));
    assert_eq!(statuses(&again), [100, 180]);
    assert!(!events(&again)
        .iter()
        .any(|e| matches!(e, PeerEvent::CallHeld { .. })));

    p.handle_timeout(secs(0.5));
    let pushed = drain(&mut p);
    let payload = pushed
        .iter()
        .find_map(|o| match o {
            PeerOutput::App {
                user,
                signal: AppSignal::Push { payload },
            } if user == "alice" => Some(payload.clone()),
            _ => None,
        })
        .expect("a push for alice");
    let json: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(json["call_id"], "pstn-1");
    assert_eq!(json["caller"], "sip:+15557777@10.0.0.50");
    assert_eq!(json["token"], "tok-a");
    assert_eq!(json["server"], "sip:10.0.0.1:5060");
    assert!(events(&pushed).contains(&PeerEvent::PushSent {
        user: "alice".into(),
        call_id: "pstn-1".into()
    }));

    let reg = feed(
        &mut p,
        2.0,
        PHONE,
        &phone_register("X-Session-Token: tok-a"),
    );
    let msgs = sent(&reg);
    assert_eq!(msgs.len(), 2, "{reg:#?}");
    assert_eq!(msgs[0].0, addr(PHONE));
    let Message::Request(invite) = &msgs[1].1 else {
        panic!("the held INVITE")
    };
    assert_eq!(msgs[1].0, addr(PHONE), "to the NAT flow");
    assert_eq!(
        invite.uri.to_string(),
        "sip:alice@192.168.0.5:5060;pn-provider=apns;pn-prid=dev1;pn-param=x"
    );
    assert_eq!(
        header(&msgs[1].1, HeaderName::RecordRoute).as_deref(),
        Some("<sip:10.0.0.1:5060;lr>")
    );
    let vias = headers(&msgs[1].1, HeaderName::Via);
    assert_eq!(vias.len(), 2);
    assert_eq!(p.held_calls().count(), 0);
    let b = p.bindings("alice", secs(2.0));
    assert_eq!(b[0].pn_prid.as_deref(), Some("dev1"));

    // The phone rings: its 180 goes back to the gateway by Via.
    let ringing = format!(
        "SIP/2.0 180 Ringing\nVia: {}\nVia: {}\nFrom: <sip:+15557777@10.0.0.50>;tag=g1\nTo: <sip:+15550001@app.example>;tag=ph\nCall-ID: pstn-1\nCSeq: 1 INVITE\nContent-Length: 0",
        vias[0], vias[1]
    );
    let back = feed(&mut p, 2.1, PHONE, &ringing);
    assert_eq!(only(&back).0, addr(GW));
}

#[test]
fn a_lost_push_leaves_the_caller_to_time_out_with_480() {
    let mut p = backend(1.0);
    let outs = feed(&mut p, 0.0, GW, &gateway_invite(1, "INVITE"));
    assert!(events(&outs).contains(&PeerEvent::PushLost {
        user: "alice".into(),
        call_id: "pstn-1".into()
    }));
    assert_eq!(p.poll_timeout(), Some(secs(30.0)));
    p.handle_timeout(secs(30.0));
    let late = drain(&mut p);
    assert_eq!(statuses(&late), [480]);
    assert!(!late.iter().any(|o| matches!(o, PeerOutput::App { .. })));
    assert_eq!(p.poll_timeout(), None);
}

#[test]
fn cancel_while_held_ends_the_call_for_good() {
    let mut p = backend(0.0);
    feed(&mut p, 0.0, GW, &gateway_invite(1, "INVITE"));
    let cancel = feed(&mut p, 0.3, GW, &gateway_invite(1, "CANCEL"));
    assert_eq!(statuses(&cancel), [200, 487]);
    let tag = match &sent(&cancel)[1].1 {
        Message::Response(r) => r.to().unwrap().tag().unwrap().to_owned(),
        Message::Request(_) => unreachable!(),
    };
    let ack = gateway_invite(1, "ACK").replace(
        "To: <sip:+15550001@app.example>",
        &format!("To: <sip:+15550001@app.example>;tag={tag}"),
    );
    assert!(
        sent(&feed(&mut p, 0.4, GW, &ack)).is_empty(),
        "the ACK of our 487 is absorbed"
    );
    let late = feed(&mut p, 0.45, GW, &gateway_invite(1, "INVITE"));
    assert_eq!(
        statuses(&late),
        [487],
        "a late retransmission gets the same answer"
    );
    assert!(!events(&late)
        .iter()
        .any(|e| matches!(e, PeerEvent::CallHeld { .. })));
    p.handle_timeout(secs(0.5)); // the push timer is gone with the call
    assert!(drain(&mut p).is_empty());
    let reg = feed(
        &mut p,
        1.0,
        PHONE,
        &phone_register("Authorization: Bearer tok-a"),
    );
    assert_eq!(statuses(&reg), [200]);
    assert_eq!(sent(&reg).len(), 1, "no late delivery");
}

#[test]
fn tokens_guard_registration_and_outgoing_calls() {
    let mut p = backend(0.0);
    let wrong = feed(
        &mut p,
        0.0,
        PHONE,
        &phone_register("X-Session-Token: guess"),
    );
    assert_eq!(statuses(&wrong), [403]);
    assert!(events(&wrong).contains(&PeerEvent::AuthFailed {
        user: "alice".into()
    }));
    assert_eq!(
        statuses(&feed(&mut p, 0.0, PHONE, &phone_register(""))),
        [403]
    );

    let out = |token: &str| {
        format!(
            "INVITE sip:+15551234@10.0.0.50 SIP/2.0
            Via: SIP/2.0/UDP 192.168.0.5:5060;branch=z9hG4bK-o1;rport
            Max-Forwards: 70
            From: <sip:alice@app.example>;tag=a1
            To: <sip:+15551234@10.0.0.50>
            Call-ID: out-1
            CSeq: 1 INVITE
            {token}
            Content-Length: 0"
        )
    };
    assert_eq!(statuses(&feed(&mut p, 1.0, PHONE, &out(""))), [403]);
    assert_eq!(
        statuses(&feed(&mut p, 1.0, PHONE, &out("X-Session-Token: nope"))),
        [403]
    );
    let ok = feed(&mut p, 1.0, PHONE, &out("X-Session-Token: tok-a"));
    let (to, m) = only(&ok);
    assert_eq!(to, addr(GW));
    assert!(matches!(m, Message::Request(_)));
}

#[test]
fn a_registered_user_gets_the_call_at_once() {
    let mut p = backend(0.0);
    feed(
        &mut p,
        0.0,
        PHONE,
        &phone_register("X-Session-Token: tok-a"),
    );
    let outs = feed(&mut p, 1.0, GW, &gateway_invite(1, "INVITE"));
    let (to, m) = only(&outs);
    assert_eq!(to, addr(PHONE));
    assert!(matches!(m, Message::Request(_)));
    assert!(!events(&outs)
        .iter()
        .any(|e| matches!(e, PeerEvent::CallHeld { .. })));
}

#[test]
fn bad_configs_name_their_field() {
    let mut c = cfg(1.5);
    assert_eq!(
        PushBackend::new(&c, ctx("push")).err().unwrap().field(),
        "push_loss"
    );
    c = cfg(0.0);
    c.dial_whom.insert("+1".into(), "nobody".into());
    assert_eq!(
        PushBackend::new(&c, ctx("push")).err().unwrap().field(),
        "dial_whom"
    );
}
