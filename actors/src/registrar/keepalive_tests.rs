//! The keepalive machine: jittered intervals, pong/response/STUN answers, timeouts,
//! observed addresses, and the STUN codec; plus a proptest of the RFC 5626 jitter bound.

use super::keepalive::{
    KeepaliveInput as In, KeepaliveKind, KeepaliveMachine, KeepaliveOutput as Out, PONG_TIMEOUT,
};
use super::keepalive_stun::{binding_request, is_stun, parse_binding_response, BindingAnswer};
use bytes::Bytes;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::Instant;

fn machine(kind: KeepaliveKind, secs: u64, seed: u64) -> KeepaliveMachine {
    KeepaliveMachine::new(
        Duration::from_secs(secs),
        kind,
        ChaCha8Rng::seed_from_u64(seed),
    )
}

fn t0() -> Instant {
    Instant::now() // clock-ok: test code
}

fn drain(m: &mut KeepaliveMachine) -> Vec<Out> {
    std::iter::from_fn(|| m.poll_output()).collect()
}

/// Runs the machine's timer until it asks for something; returns when and what.
fn fire(m: &mut KeepaliveMachine) -> (Instant, Vec<Out>) {
    let at = m.poll_timeout().expect("a deadline");
    m.handle(at, In::Timer);
    (at, drain(m))
}

/// A Binding success response to `id` carrying XOR-MAPPED-ADDRESS `addr` (IPv4).
fn stun_success(id: [u8; 12], addr: SocketAddr) -> Bytes {
    let SocketAddr::V4(a) = addr else {
        panic!("v4 only")
    };
    let mut m = vec![0x01, 0x01, 0, 12, 0x21, 0x12, 0xA4, 0x42];
    m.extend_from_slice(&id);
    m.extend_from_slice(&[0x00, 0x20, 0, 8, 0, 0x01]);
    m.extend_from_slice(&(a.port() ^ 0x2112).to_be_bytes());
    let cookie = 0x2112_A442u32.to_be_bytes();
    m.extend(a.ip().octets().iter().zip(cookie).map(|(b, k)| b ^ k));
    Bytes::from(m)
}

#[test]
fn crlf_pings_each_interval_and_a_pong_rearms() {
    let mut m = machine(KeepaliveKind::Crlf, 90, 1);
    let t = t0();
    assert_eq!(m.poll_timeout(), None, "stopped until Start");
    m.handle(t, In::Start);
    let (at, out) = fire(&mut m);
    assert_eq!(out, vec![Out::SendCrlfPing]);
    let gap = at - t;
    assert!(
        gap >= Duration::from_secs(72) && gap <= Duration::from_secs(90),
        "{gap:?}"
    );
    assert_eq!(m.poll_timeout(), Some(at + PONG_TIMEOUT));
    m.handle(at + Duration::from_millis(40), In::Pong);
    assert!(drain(&mut m).is_empty(), "no output for a healthy pong");
    let next = m.poll_timeout().unwrap();
    assert!(next >= at + Duration::from_secs(72));
    m.handle(at, In::Start);
    assert_eq!(
        m.poll_timeout(),
        Some(next),
        "Start while running changes nothing"
    );
}

#[test]
fn a_missing_pong_fails_the_flow_after_ten_seconds() {
    let mut m = machine(KeepaliveKind::Crlf, 30, 2);
    m.handle(t0(), In::Start);
    let (at, _) = fire(&mut m);
    m.handle(at + Duration::from_secs(9), In::Timer);
    assert!(drain(&mut m).is_empty(), "too early");
    let (failed_at, out) = fire(&mut m);
    assert_eq!(failed_at - at, PONG_TIMEOUT);
    assert_eq!(out, vec![Out::FlowFailed]);
    assert!(!m.running());
    assert_eq!(m.poll_timeout(), None);
    m.handle(failed_at, In::Pong);
    assert!(drain(&mut m).is_empty(), "a late pong is ignored");
}

#[test]
fn options_responses_report_the_observed_address_and_timer_f_fails() {
    let mut m = machine(KeepaliveKind::Options, 30, 3);
    m.handle(t0(), In::Start);
    let (at, out) = fire(&mut m);
    assert_eq!(out, vec![Out::SendOptions]);
    assert_eq!(m.poll_timeout(), None, "the transaction times the OPTIONS");
    let ip = "203.0.113.7".parse().unwrap();
    m.handle(
        at,
        In::OptionsResponse {
            observed: Some((ip, Some(4000))),
        },
    );
    assert_eq!(
        drain(&mut m),
        vec![Out::Observed {
            ip,
            port: Some(4000)
        }]
    );
    let (at, _) = fire(&mut m);
    m.handle(at + Duration::from_secs(32), In::Failed);
    assert_eq!(drain(&mut m), vec![Out::FlowFailed]);
    m.handle(at, In::Start);
    assert!(m.running(), "restarted once registered again");
}

#[test]
fn stun_retransmits_then_fails_and_a_success_reports_the_mapped_address() {
    let mut m = machine(KeepaliveKind::Stun, 30, 4);
    m.handle(t0(), In::Start);
    let (first, out) = fire(&mut m);
    let [Out::SendStun { transaction_id: id }] = out[..] else {
        panic!("{out:?}")
    };
    let mut sends = vec![Duration::ZERO];
    loop {
        let (at, out) = fire(&mut m);
        match &out[..] {
            [Out::SendStun { transaction_id }] => {
                assert_eq!(*transaction_id, id, "retransmissions keep the id");
                sends.push(at - first);
            }
            [Out::FlowFailed] => {
                assert_eq!(at - first, Duration::from_millis(39_500));
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    let ms: Vec<u128> = sends.iter().map(Duration::as_millis).collect();
    assert_eq!(ms, [0, 500, 1500, 3500, 7500, 15500, 31500]);

    m.handle(first, In::Start);
    let (at, out) = fire(&mut m);
    let [Out::SendStun { transaction_id: id }] = out[..] else {
        panic!("{out:?}")
    };
    let public: SocketAddr = "198.51.100.9:61000".parse().unwrap();
    m.handle(at, In::Stun(stun_success([9; 12], public)));
    assert!(
        drain(&mut m).is_empty(),
        "another transaction's answer is ignored"
    );
    m.handle(at, In::Stun(stun_success(id, public)));
    assert_eq!(
        drain(&mut m),
        vec![Out::Observed {
            ip: public.ip(),
            port: Some(61000)
        }]
    );
    assert!(m.poll_timeout().unwrap() >= at + Duration::from_secs(24));
}

#[test]
fn a_closed_connection_fails_the_flow_even_between_probes() {
    let mut m = machine(KeepaliveKind::Crlf, 90, 6);
    m.handle(t0(), In::FlowClosed);
    assert!(drain(&mut m).is_empty(), "not running: nothing to fail");
    m.handle(t0(), In::Start);
    m.handle(t0(), In::Failed);
    assert!(drain(&mut m).is_empty(), "no probe out: a stale failure");
    m.handle(t0(), In::FlowClosed);
    assert_eq!(drain(&mut m), vec![Out::FlowFailed]);
    assert!(!m.running());
}

#[test]
fn stop_silences_the_machine() {
    let mut m = machine(KeepaliveKind::Options, 30, 5);
    m.handle(t0(), In::Start);
    let (at, _) = fire(&mut m);
    m.handle(at, In::Stop);
    m.handle(at, In::Failed);
    m.handle(at, In::OptionsResponse { observed: None });
    assert!(drain(&mut m).is_empty());
    assert_eq!(m.poll_timeout(), None);
}

#[test]
fn stun_codec_round_trips_and_refuses_junk() {
    let req = binding_request([7; 12]);
    assert!(is_stun(&req));
    assert_eq!(&req[..8], &[0, 1, 0, 0, 0x21, 0x12, 0xA4, 0x42]);
    assert!(!is_stun(b"OPTIONS sip:x SIP/2.0\r\n"));
    assert!(!is_stun(b"\r\n\r\n"));
    let public: SocketAddr = "192.0.2.1:32853".parse().unwrap();
    let ok = stun_success([7; 12], public);
    assert_eq!(
        parse_binding_response(&ok, &[7; 12]),
        Some(BindingAnswer::Success(Some(public)))
    );
    assert_eq!(parse_binding_response(&req, &[7; 12]), None, "a request");
    for cut in 0..ok.len() {
        // Truncations never panic; a cut attribute block is refused.
        let _ = parse_binding_response(&ok[..cut], &[7; 12]);
    }
    let mut err = ok.to_vec();
    err[1] = 0x11;
    assert_eq!(
        parse_binding_response(&err, &[7; 12]),
        Some(BindingAnswer::Error)
    );
}

proptest! {
    /// RFC 5626 §4.4.1: every interval is between 80 % and 100 % of the configured one;
    /// a failed probe stops the machine until the next Start.
    #[test]
    fn intervals_stay_within_the_jitter_bound(
        seed in any::<u64>(),
        secs in 5u64..3600,
        kind in prop_oneof![Just(KeepaliveKind::Crlf), Just(KeepaliveKind::Options), Just(KeepaliveKind::Stun)],
        rounds in proptest::collection::vec((any::<bool>(), 0u64..5000), 1..30),
    ) {
        let mut m = machine(kind, secs, seed);
        let interval = Duration::from_secs(secs);
        let mut now = t0();
        m.handle(now, In::Start);
        for (healthy, delay_ms) in rounds {
            let at = m.poll_timeout().expect("idle: the next probe is due");
            let gap = at - now;
            prop_assert!(gap <= interval && gap >= interval * 4 / 5, "{gap:?}");
            m.handle(at, In::Timer);
            let out = drain(&mut m);
            prop_assert_eq!(out.len(), 1);
            now = at + Duration::from_millis(delay_ms);
            if healthy {
                let answer = match out[0] {
                    Out::SendCrlfPing => In::Pong,
                    Out::SendOptions => In::OptionsResponse { observed: None },
                    Out::SendStun { transaction_id } => {
                        In::Stun(stun_success(transaction_id, "192.0.2.1:5060".parse().unwrap()))
                    }
                    ref other => panic!("{other:?}"),
                };
                m.handle(now, answer);
                let _ = drain(&mut m);
            } else {
                m.handle(now, In::Failed);
                prop_assert_eq!(drain(&mut m), vec![Out::FlowFailed]);
                prop_assert_eq!(m.poll_timeout(), None);
                m.handle(now, In::Start);
            }
        }
    }
}
