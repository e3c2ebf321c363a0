//! The gateway over the test wire: early media then answer, 404 for non-numbers, calls
//! it places from its number through its proxy.

use super::ua_tests::ua_cfg;
use super::ua_wire::{addr, ctx, Wire};
use super::{Gateway, GatewayConfig, PeerCommand, PeerEvent, Ua};
use std::time::Duration;

const DIR: &[(&str, u8)] = &[("alice", 1), ("gw", 3)];

fn gw_cfg(extra: &str) -> GatewayConfig {
    toml::from_str(&format!("caller_number = \"+15551230000\"\n{extra}")).unwrap()
}

fn setup(cfg: GatewayConfig) -> Wire {
    let mut w = Wire::new();
    w.add(
        "alice",
        addr(1),
        Ua::new(&ua_cfg("alice"), ctx("alice", 1, DIR)).unwrap(),
    );
    w.add(
        "gw",
        addr(3),
        Gateway::new(&cfg, ctx("gw", 3, DIR)).unwrap(),
    );
    w
}

#[test]
fn early_media_183_with_sdp_then_200() {
    let cfg = gw_cfg("early_media = true\non_invite = { answer = { after = \"3s\" } }");
    let mut w = setup(cfg);
    w.command(
        "alice",
        PeerCommand::Call {
            to: "sip:+4930123456@10.0.0.3".into(),
        },
    );
    w.run_until(Duration::from_secs(5));
    let early = w
        .sent
        .iter()
        .find(|s| s.text.starts_with("SIP/2.0 183"))
        .unwrap();
    assert!(
        early.text.contains("m=audio")
            && early
                .text
                .contains("Contact: <sip:+15551230000@10.0.0.3:5060>")
    );
    let alice: Vec<u16> = w
        .events_of("alice")
        .iter()
        .filter_map(|e| match e {
            PeerEvent::ResponseReceived { status, .. } => Some(*status),
            _ => None,
        })
        .collect();
    assert_eq!(alice, [183, 200]);
    assert_eq!(w.sends("gw", "SIP/2.0 200"), [Duration::from_millis(3010)]);
    assert_eq!(w.states("gw"), ["ringing", "answered", "confirmed"]);
}

#[test]
fn non_number_is_404() {
    let mut w = setup(gw_cfg(""));
    w.command(
        "alice",
        PeerCommand::Call {
            to: "sip:bob@10.0.0.3".into(),
        },
    );
    w.run_until(Duration::from_secs(2));
    assert_eq!(w.states("alice"), ["calling", "ended:rejected 404"]);
    assert!(w.events_of("gw").contains(&PeerEvent::ResponseSent {
        method: "INVITE".into(),
        status: 404
    }));
}

#[test]
fn places_calls_from_its_number_through_the_proxy() {
    let cfg = gw_cfg("proxy = \"alice\"\nhangup_after = \"2s\"");
    let mut w = setup(cfg);
    w.command(
        "gw",
        PeerCommand::Call {
            to: "sip:alice@example.com".into(),
        },
    );
    w.run_until(Duration::from_secs(5));
    let invite = w
        .sent
        .iter()
        .find(|s| s.text.starts_with("INVITE"))
        .unwrap();
    assert_eq!(invite.to, addr(1), "sent to the proxy");
    assert!(
        invite
            .text
            .contains("From: <sip:+15551230000@10.0.0.3;user=phone>;tag="),
        "{}",
        invite.text
    );
    assert_eq!(w.states("gw").last().unwrap(), "ended:hangup");
    assert_eq!(w.states("alice").last().unwrap(), "ended:bye");
}

#[test]
fn refuses_a_caller_number_that_is_not_a_number() {
    let mut cfg = gw_cfg("");
    cfg.caller_number = "alice".into();
    let err = Gateway::new(&cfg, ctx("gw", 3, DIR)).unwrap_err();
    assert!(err.to_string().contains("caller_number"), "{err}");
}
