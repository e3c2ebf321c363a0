//! The UA's INVITE through the simulator's authenticating proxy (the real `Registrar`
//! peer): 407 answered with credentials, the call forwarded and answered; a wrong
//! password ends the call rejected after a bounded number of tries.

use super::ua_wire::{ctx, Wire};
use super::{
    BadCredentials, InviteBehaviour, PeerCommand, ProxyFailure, Registrar, RegistrarConfig, Ua,
    UaConfig,
};
use crate::time::SimDuration;
use std::collections::BTreeMap;
use std::time::Duration;

const DIR: &[(&str, u8)] = &[("carol", 1), ("bob", 2), ("proxy", 4)];

fn ua(user: &str, password: &str) -> UaConfig {
    UaConfig {
        user: user.into(),
        domain: Some("example.test".into()),
        password: Some(password.into()),
        registrar: Some("proxy".into()),
        expires: 3600,
        proxy: Some("proxy".into()),
        on_options: Default::default(),
        on_invite: InviteBehaviour::Answer {
            after: SimDuration::from_secs(1),
        },
        hangup_after: None,
        reinvite_after: None,
        ping: None,
    }
}

fn world(carol_password: &str) -> Wire {
    let users = BTreeMap::from([
        ("bob".to_owned(), "bob-pw".to_owned()),
        ("carol".to_owned(), "carol-pw".to_owned()),
    ]);
    let proxy = RegistrarConfig {
        domain: "example.test".into(),
        users,
        auth: true,
        algorithm: "MD5".into(),
        min_expires: 60,
        max_expires: 3600,
        nonce_lifetime: SimDuration::from_secs(300),
        record_route: true,
        fork: false,
        failure: ProxyFailure::None,
        bad_credentials: BadCredentials::Forbidden,
    };
    let mut w = Wire::new();
    w.add(
        "carol",
        super::ua_wire::addr(1),
        Ua::new(&ua("carol", carol_password), ctx("carol", 1, DIR)).unwrap(),
    );
    w.add(
        "bob",
        super::ua_wire::addr(2),
        Ua::new(&ua("bob", "bob-pw"), ctx("bob", 2, DIR)).unwrap(),
    );
    w.add(
        "proxy",
        super::ua_wire::addr(4),
        Registrar::new(&proxy, ctx("proxy", 4, DIR)).unwrap(),
    );
    w.run_until(Duration::from_secs(1));
    w.command(
        "carol",
        PeerCommand::Call {
            to: "sip:bob@example.test".into(),
        },
    );
    w.run_until(Duration::from_secs(6));
    w
}

fn invites_from_carol(w: &Wire) -> Vec<String> {
    w.sent
        .iter()
        .filter(|s| s.from == "carol" && s.text.starts_with("INVITE "))
        .map(|s| s.text.clone())
        .collect()
}

#[test]
fn a_407_is_answered_with_credentials_and_the_call_goes_through() {
    let w = world("carol-pw");
    let invites = invites_from_carol(&w);
    assert_eq!(
        invites.len(),
        2,
        "the challenged INVITE and the authorised one"
    );
    assert!(!invites[0].contains("Proxy-Authorization"));
    assert!(
        invites[1].contains("Proxy-Authorization: Digest"),
        "{}",
        invites[1]
    );
    assert!(invites[1].contains("CSeq: 2 INVITE"), "{}", invites[1]);
    let branch = |t: &str| t.split("branch=").nth(1).map(|b| b[..12].to_owned());
    assert_ne!(
        branch(&invites[0]),
        branch(&invites[1]),
        "a new transaction"
    );
    assert!(
        w.states("carol").contains(&"confirmed".to_owned()),
        "{:?}",
        w.states("carol")
    );
    assert!(
        w.states("bob").contains(&"confirmed".to_owned()),
        "{:?}",
        w.states("bob")
    );
}

#[test]
fn a_wrong_password_ends_the_call_rejected() {
    let w = world("not-carols");
    assert!(invites_from_carol(&w).len() <= 3, "bounded retries");
    let states = w.states("carol");
    assert_eq!(
        states.last().map(String::as_str),
        Some("ended:rejected 403"),
        "{states:?}"
    );
    assert!(!w.states("bob").iter().any(|s| s == "confirmed"));
}
