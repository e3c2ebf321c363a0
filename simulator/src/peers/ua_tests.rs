//! UA ↔ UA over the test wire: OPTIONS, retransmission timing, calls answered, rejected,
//! cancelled, 2xx retransmitted until ACK, hold by re-INVITE.

use super::ua_wire::{addr, ctx, Wire, LATENCY};
use super::{InviteBehaviour, OptionsBehaviour, PeerCommand, PeerEvent, Ua, UaConfig};
use crate::time::SimDuration;
use std::time::Duration;

const DIR: &[(&str, u8)] = &[("alice", 1), ("bob", 2), ("gw", 3), ("reg", 4)];

pub(super) fn ua_cfg(user: &str) -> UaConfig {
    toml::from_str(&format!("user = \"{user}\"")).unwrap()
}

fn pair(bob: UaConfig) -> Wire {
    let mut w = Wire::new();
    w.add(
        "alice",
        addr(1),
        Ua::new(&ua_cfg("alice"), ctx("alice", 1, DIR)).unwrap(),
    );
    w.add("bob", addr(2), Ua::new(&bob, ctx("bob", 2, DIR)).unwrap());
    w
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

fn call(to: &str) -> PeerCommand {
    PeerCommand::Call { to: to.to_owned() }
}

#[test]
fn options_answered_with_200() {
    let mut w = pair(ua_cfg("bob"));
    w.command("alice", PeerCommand::SendOptions { to: "bob".into() });
    w.run_until(secs(1.0));
    let bob = w.events_of("bob");
    assert!(
        matches!(&bob[0], PeerEvent::RequestReceived { method, retransmission: false, .. } if method == "OPTIONS")
    );
    assert_eq!(
        bob[1],
        PeerEvent::ResponseSent {
            method: "OPTIONS".into(),
            status: 200
        }
    );
    assert!(w.events_of("alice").contains(&PeerEvent::ResponseReceived {
        method: "OPTIONS".into(),
        status: 200
    }));
    let resp = w.sent.iter().find(|s| s.from == "bob").unwrap();
    assert!(resp.text.contains("Allow: INVITE"), "{}", resp.text);
    assert_eq!(
        w.sends("alice", "OPTIONS").len(),
        1,
        "no retransmission once answered"
    );
}

#[test]
fn options_retransmitted_over_udp_then_times_out_at_32s() {
    let mut bob = ua_cfg("bob");
    bob.on_options = OptionsBehaviour::Ignore;
    let mut w = pair(bob);
    w.command("alice", PeerCommand::SendOptions { to: "bob".into() });
    w.run_until(secs(40.0));
    let t = w.sends("alice", "OPTIONS");
    let gaps: Vec<f64> = t.windows(2).map(|p| (p[1] - p[0]).as_secs_f64()).collect();
    assert_eq!(&gaps[..6], &[0.5, 1.0, 2.0, 4.0, 4.0, 4.0]);
    assert!(gaps.iter().all(|g| *g <= 4.0));
    let timeout = w
        .events
        .iter()
        .find(|e| matches!(e.2, PeerEvent::TransactionTimeout { .. }))
        .unwrap();
    assert_eq!((timeout.0, timeout.1.as_str()), (secs(32.0), "alice"));
    assert!(t.iter().all(|s| *s < secs(32.0)));
    let retrans = w
        .events_of("bob")
        .iter()
        .filter(|e| {
            matches!(
                e,
                PeerEvent::RequestReceived {
                    retransmission: true,
                    ..
                }
            )
        })
        .count();
    assert_eq!(retrans, t.len() - 1);
}

#[test]
fn no_retransmission_over_tcp() {
    let mut bob = ua_cfg("bob");
    bob.on_options = OptionsBehaviour::Ignore;
    let mut w = pair(bob);
    w.command(
        "alice",
        PeerCommand::SendOptions {
            to: "sip:bob@10.0.0.2:5060;transport=tcp".into(),
        },
    );
    w.run_until(secs(40.0));
    assert_eq!(w.sends("alice", "OPTIONS").len(), 1);
    assert!(w.sent[0].transport.is_reliable() && w.sent[0].text.contains("SIP/2.0/TCP"));
    assert!(w
        .events_of("alice")
        .contains(&PeerEvent::TransactionTimeout {
            method: "OPTIONS".into()
        }));
}

#[test]
fn call_answered_after_2s_then_bye() {
    let mut bob = ua_cfg("bob");
    bob.on_invite = InviteBehaviour::Answer {
        after: SimDuration::from_secs(2),
    };
    let mut w = pair(bob);
    w.command("alice", call("bob"));
    w.run_until(secs(5.0));
    assert_eq!(
        w.states("alice"),
        ["calling", "ringing", "answered", "confirmed"]
    );
    assert_eq!(w.states("bob"), ["ringing", "answered", "confirmed"]);
    let ok = w.sends("bob", "SIP/2.0 200");
    assert_eq!(
        ok,
        [secs(2.0) + LATENCY],
        "answered 2 s after the INVITE arrived"
    );
    assert_eq!(w.sends("alice", "ACK").len(), 1);
    let invite = w
        .sent
        .iter()
        .find(|s| s.text.starts_with("INVITE"))
        .unwrap();
    assert!(
        invite.text.contains("m=audio") && invite.text.contains("Content-Type: application/sdp")
    );
    w.command("alice", PeerCommand::Hangup);
    w.run_until(secs(6.0));
    assert_eq!(w.states("alice").last().unwrap(), "ended:hangup");
    assert_eq!(w.states("bob").last().unwrap(), "ended:bye");
    assert!(w.events_of("alice").contains(&PeerEvent::ResponseReceived {
        method: "BYE".into(),
        status: 200
    }));
}

#[test]
fn busy_is_486_and_acked() {
    let mut bob = ua_cfg("bob");
    bob.on_invite = InviteBehaviour::Busy;
    let mut w = pair(bob);
    w.command("alice", call("sip:bob@10.0.0.2"));
    w.run_until(secs(2.0));
    assert_eq!(w.states("alice"), ["calling", "ended:rejected 486"]);
    assert_eq!(w.states("bob"), ["ended:rejected 486"]);
    assert_eq!(w.sends("alice", "ACK").len(), 1);
    assert!(w
        .events_of("bob")
        .iter()
        .any(|e| matches!(e, PeerEvent::RequestReceived { method, .. } if method == "ACK")));
    assert_eq!(
        w.sends("bob", "SIP/2.0 486").len(),
        1,
        "ACK stops the 486 retransmissions"
    );
}

#[test]
fn never_answer_then_hangup_cancels() {
    let mut bob = ua_cfg("bob");
    bob.on_invite = InviteBehaviour::NeverAnswer;
    let mut w = pair(bob);
    w.command("alice", call("bob"));
    w.run_until(secs(1.0));
    w.command("alice", PeerCommand::Hangup);
    w.run_until(secs(3.0));
    assert_eq!(w.states("alice"), ["calling", "ringing", "ended:cancelled"]);
    assert_eq!(w.states("bob"), ["ringing", "ended:cancelled"]);
    assert_eq!(w.sends("alice", "CANCEL").len(), 1);
    assert_eq!(w.sends("bob", "SIP/2.0 487").len(), 1);
    let ack = w.sent.iter().find(|s| s.text.starts_with("ACK")).unwrap();
    assert!(ack.text.contains("CSeq: 1 ACK"));
    let alice = w.events_of("alice");
    assert!(alice.contains(&PeerEvent::ResponseReceived {
        method: "CANCEL".into(),
        status: 200
    }));
    assert!(alice.contains(&PeerEvent::ResponseReceived {
        method: "INVITE".into(),
        status: 487
    }));
}

#[test]
fn ok_retransmitted_until_ack() {
    let mut w = pair(ua_cfg("bob"));
    // The first three ACKs are lost.
    let acks = std::cell::Cell::new(0);
    w.filter = Some(Box::new(move |s| {
        if s.text.starts_with("ACK") {
            acks.set(acks.get() + 1);
            return acks.get() > 3;
        }
        true
    }));
    w.command("alice", call("bob"));
    w.run_until(secs(10.0));
    let oks = w.sends("bob", "SIP/2.0 200");
    let gaps: Vec<f64> = oks
        .windows(2)
        .map(|p| (p[1] - p[0]).as_secs_f64())
        .collect();
    assert_eq!(
        gaps,
        [0.5, 1.0, 2.0],
        "T1 doubling until the 4th ACK gets through"
    );
    assert_eq!(
        w.sends("alice", "ACK").len(),
        4,
        "every 2xx retransmission re-ACKed"
    );
    assert_eq!(w.states("bob"), ["ringing", "answered", "confirmed"]);
}

#[test]
fn ok_never_acked_gives_up_with_bye() {
    let mut w = pair(ua_cfg("bob"));
    w.filter = Some(Box::new(|s| !s.text.starts_with("ACK")));
    w.command("alice", call("bob"));
    w.run_until(secs(40.0));
    let oks = w.sends("bob", "SIP/2.0 200");
    assert!(oks.windows(2).all(|p| p[1] - p[0] <= secs(4.0)));
    assert!(oks.iter().all(|t| *t < secs(32.1)));
    assert_eq!(w.states("bob").last().unwrap(), "ended:no ack");
    assert_eq!(w.states("alice").last().unwrap(), "ended:bye");
}

#[test]
fn reinvite_sendonly_is_held_then_resumed() {
    let mut w = pair(ua_cfg("bob"));
    w.command("alice", call("bob"));
    w.run_until(secs(1.0));
    w.command(
        "alice",
        PeerCommand::Reinvite {
            direction: "sendonly".into(),
        },
    );
    w.run_until(secs(2.0));
    w.command(
        "alice",
        PeerCommand::Reinvite {
            direction: "sendrecv".into(),
        },
    );
    w.run_until(secs(3.0));
    assert_eq!(
        w.states("bob"),
        ["ringing", "answered", "confirmed", "held", "resumed"]
    );
    assert_eq!(w.states("alice")[4..], ["held", "resumed"]);
    let answer = w
        .sent
        .iter()
        .rfind(|s| s.from == "bob" && s.text.contains("CSeq: 2 INVITE"))
        .unwrap();
    assert!(answer.text.contains("a=recvonly"), "{}", answer.text);
    assert_eq!(w.sends("alice", "ACK").len(), 3);
}

#[test]
fn hangup_after_and_reinvite_after_from_config() {
    let mut bob = ua_cfg("bob");
    bob.hangup_after = Some(SimDuration::from_secs(5));
    bob.reinvite_after = Some(SimDuration::from_secs(2));
    let mut w = pair(bob);
    w.command("alice", call("bob"));
    w.run_until(secs(10.0));
    assert_eq!(w.sends("bob", "INVITE").len(), 1);
    assert_eq!(w.sends("bob", "BYE").len(), 1);
    assert_eq!(w.states("alice").last().unwrap(), "ended:bye");
    assert_eq!(w.states("bob").last().unwrap(), "ended:hangup");
}
