use super::*;
use crate::rtcp_wire::{ntp_compact, parse_compound, to_ntp64, Parsed};
use proptest::prelude::*;

const NTP_BASE: u64 = 0xE9A1_0000_0000_0000;
const C: f64 = std::f64::consts::E - 1.5;

fn session(ssrc: u32, seed: u64) -> RtcpSession {
    RtcpSession::new(
        ssrc,
        format!("{ssrc}@example.org"),
        8000,
        &mut ChaCha8Rng::seed_from_u64(seed),
    )
}

fn ntp(now: Duration) -> u64 {
    NTP_BASE + to_ntp64(now)
}

enum Msg {
    Rtp { ssrc: u32, seq: u16, ts: u32 },
    Rtcp(Vec<u8>),
}

/// Two sessions in a 50 ms-each-way network for `secs` seconds, in 10 ms
/// steps; both send 20 ms packets; A's packets with `seq % 10 == 3` are lost.
fn call(secs: u64) -> (RtcpSession, RtcpSession, Vec<RtcpEvent>) {
    let (mut a, mut b) = (session(0xA, 1), session(0xB, 2));
    let mut wire: Vec<(Duration, bool, Msg)> = Vec::new(); // (due, to_b, msg)
    let mut a_events = Vec::new();
    let one_way = Duration::from_millis(50);
    for step in 0..secs * 100 {
        let now = Duration::from_millis(step * 10);
        if step % 2 == 0 {
            let k = (step / 2) as u16;
            for (s, to_b) in [(&mut a, true), (&mut b, false)] {
                s.on_rtp_sent(now, u32::from(k) * 160, 160);
                if !(to_b && k % 10 == 3) {
                    let (ssrc, seq, ts) = (s.local_ssrc(), k, u32::from(k) * 160);
                    wire.push((now + one_way, to_b, Msg::Rtp { ssrc, seq, ts }));
                }
            }
        }
        for (s, to_b) in [(&mut a, true), (&mut b, false)] {
            if let Some(p) = s.poll_output(now, ntp(now)) {
                wire.push((now + one_way, to_b, Msg::Rtcp(p)));
            }
        }
        let (due, later): (Vec<_>, Vec<_>) = wire.into_iter().partition(|m| m.0 <= now);
        wire = later;
        for (_, to_b, msg) in due {
            let s = if to_b { &mut b } else { &mut a };
            match msg {
                Msg::Rtp { ssrc, seq, ts } => s.on_rtp_received(now, ssrc, seq, ts),
                Msg::Rtcp(p) => {
                    let events = s.handle_rtcp(now, &p).unwrap();
                    if !to_b {
                        a_events.extend(events);
                    }
                }
            }
        }
    }
    (a, b, a_events)
}

#[test]
fn a_call_measures_rtt_loss_and_jitter_both_ways() {
    let (a, b, events) = call(30);
    // RTT 2 × 50 ms, to the 1/65536 s resolution of LSR/DLSR.
    for s in [&a, &b] {
        let rtt = s.rtt().expect("an RTT after 30 s").as_secs_f64();
        assert!((rtt - 0.100).abs() < 1e-4, "{rtt}");
    }
    // B lost every tenth packet of A's; A heard everything.
    let at_b = b.local_stats().unwrap();
    assert!((at_b.loss_pct - 10.0).abs() < 0.2, "{at_b:?}");
    assert!((25..=26).contains(&at_b.fraction_lost), "{at_b:?}"); // 256/10
    assert_eq!(a.local_stats().unwrap().cumulative_lost, 0);
    // What B reported about A's stream reached A, with zero jitter (the
    // network delay is constant).
    let remote = a.remote_stats().unwrap();
    assert!((remote.loss_pct - 10.0).abs() < 0.5, "{remote:?}");
    assert!((25..=26).contains(&remote.fraction_lost));
    assert_eq!(remote.jitter_ms, 0.0);
    assert!(events.iter().any(|e| matches!(e, RtcpEvent::Rtt(_))));
    assert!(events
        .iter()
        .any(|e| matches!(e, RtcpEvent::Cname { ssrc: 0xB, cname } if cname == "11@example.org")));
    assert!(events
        .iter()
        .any(|e| matches!(e, RtcpEvent::SenderReport { ssrc: 0xB, .. })));
}

#[test]
fn first_report_within_the_halved_randomised_minimum() {
    for seed in 0..200 {
        let t = session(1, seed).poll_timeout().as_secs_f64();
        assert!((1.25 / C - 1e-9..=3.75 / C + 1e-9).contains(&t), "{t}");
    }
    let mut s = session(1, 3);
    let first = s.poll_timeout();
    assert_eq!(s.poll_output(first - Duration::from_millis(1), 0), None);
    assert!(s.poll_output(first, ntp(first)).is_some());
    // Later intervals: 5 s · [0.5, 1.5] / (e − 3/2).
    let gap = (s.poll_timeout() - first).as_secs_f64();
    assert!((2.5 / C - 1e-9..=7.5 / C + 1e-9).contains(&gap), "{gap}");
}

#[test]
fn sender_reports_only_after_sending_within_two_intervals() {
    let mut s = session(1, 4);
    let report = |s: &mut RtcpSession| {
        let t = s.poll_timeout();
        s.poll_output(t, ntp(t)).unwrap()[1]
    };
    assert_eq!(report(&mut s), 201); // nothing sent: RR
    let t = s.poll_timeout() - Duration::from_millis(100);
    s.on_rtp_sent(t, 1000, 160);
    assert_eq!(report(&mut s), 200); // SR
    assert_eq!(report(&mut s), 200); // sent within the last two intervals
    assert_eq!(report(&mut s), 201); // silent for two intervals: RR again
}

#[test]
fn sender_info_extrapolates_the_media_clock() {
    let mut s = session(9, 5);
    for (i, ts) in [1000u32, 1160, 1320].into_iter().enumerate() {
        s.on_rtp_sent(Duration::from_millis(20 * i as u64), ts, 160);
    }
    // 4 s is after any first deadline (≤ 3.08 s): 1320 + 3.96 s × 8000.
    let now = Duration::from_secs(4);
    let p = s.poll_output(now, ntp(now)).unwrap();
    let parsed = parse_compound(&p).unwrap();
    let Parsed::Sr { ssrc, info, blocks } = &parsed[0] else {
        panic!("{parsed:?}")
    };
    assert_eq!((*ssrc, info.ntp, blocks.len()), (9, ntp(now), 0));
    assert_eq!(
        (info.rtp_timestamp, info.packets, info.octets),
        (33_000, 3, 480)
    );
    assert_eq!(s.sent_counts(), (3, 480));
}

#[test]
fn bye_reaches_the_peer() {
    let (mut a, mut b) = (session(0xA, 1), session(0xB, 2));
    let bye = b.send_bye();
    let events = a.handle_rtcp(Duration::from_secs(1), &bye).unwrap();
    assert_eq!(
        events,
        vec![
            RtcpEvent::ReceiverReport { ssrc: 0xB },
            RtcpEvent::Cname {
                ssrc: 0xB,
                cname: "11@example.org".to_owned()
            },
            RtcpEvent::Bye {
                ssrcs: vec![0xB],
                reason: None
            },
        ]
    );
}

#[test]
fn a_new_source_restarts_the_statistics() {
    let mut s = session(1, 6);
    for seq in [10u16, 12, 13] {
        s.on_rtp_received(Duration::from_millis(u64::from(seq) * 20), 77, seq, 0);
    }
    assert_eq!(s.local_stats().unwrap().cumulative_lost, 1);
    s.on_rtp_received(Duration::from_secs(1), 78, 500, 0);
    let stats = s.local_stats().unwrap();
    assert_eq!(
        (stats.cumulative_lost, stats.extended_highest_seq),
        (0, 500)
    );
}

#[test]
fn long_cnames_are_cut_to_255_bytes() {
    let mut s = RtcpSession::new(1, "é".repeat(200), 8000, &mut ChaCha8Rng::seed_from_u64(1));
    let bye = s.send_bye();
    let parsed = parse_compound(&bye).unwrap();
    let Parsed::Sdes(cnames) = &parsed[1] else {
        panic!("{parsed:?}")
    };
    assert_eq!(cnames[0].1.len(), 254); // 127 two-byte characters
}

proptest! {
    #[test]
    fn handle_rtcp_never_panics(data in prop::collection::vec(any::<u8>(), 0..256)) {
        let mut s = session(1, 7);
        let _ = s.handle_rtcp(Duration::from_secs(1), &data);
        let mut plausible = vec![0x81, 200, 0, 12];
        plausible.extend_from_slice(&data);
        let _ = s.handle_rtcp(Duration::from_secs(2), &plausible);
    }
}

#[test]
fn an_sr_before_any_rtp_still_yields_lsr_and_dlsr() {
    let (mut a, mut b) = (session(0xA, 1), session(0xB, 2));
    a.on_rtp_sent(Duration::ZERO, 0, 160);
    let t = Duration::from_secs(4);
    let sr = a.poll_output(t, ntp(t)).unwrap();
    b.handle_rtcp(t, &sr).unwrap();
    b.on_rtp_received(t + Duration::from_millis(10), 0xA, 1, 0);
    let t2 = Duration::from_secs(6);
    let rr = b.poll_output(t2, ntp(t2)).unwrap();
    let parsed = parse_compound(&rr).unwrap();
    let Parsed::Rr { blocks, .. } = &parsed[0] else {
        panic!("{parsed:?}")
    };
    // LSR = middle 32 bits of A's SR timestamp; DLSR = 2 s = 0x0002_0000.
    assert_eq!(blocks[0].lsr, ntp_compact(ntp(t)));
    assert_eq!(blocks[0].dlsr, 0x0002_0000);
    a.handle_rtcp(t2, &rr).unwrap();
    assert_eq!(a.rtt(), Some(Duration::ZERO));
}
