//! RTCP through the simulated path: intervals, SR/RR, RTT, hold, BYE.

use super::tests_path::{Link, Pair};
use super::*;
use switchboard_codecs::{is_rtcp, AudioSource, CodecKind, Tone};
use tokio::time::Instant;

fn pcmu_pair(t0: Instant, delay_ms: u64) -> Pair {
    let cfg = || {
        let mut c = MediaConfig::with_codec(
            CodecKind::Pcmu,
            0,
            tests::addr(tests::LOCAL),
            tests::addr(tests::LOCAL),
        );
        c.rtcp_mux = true;
        c.no_media_timeout = Some(Duration::from_secs(5));
        c.telephone_event = Some(101);
        c
    };
    let tone = || Box::new(Tone::new(440.0, 8000, 8000)) as Box<dyn AudioSource + Send>;
    let mut pair = Pair::new(cfg(), cfg(), [tone(), tone()], 8000, t0);
    let link = Link {
        delay: Duration::from_millis(delay_ms),
        ..Link::default()
    };
    (pair.ab, pair.ba) = (link, link);
    pair
}

/// (time, RTCP packet type of the first packet) of what `side` sent.
fn rtcp_of(pair: &Pair, side: usize) -> Vec<(Instant, u8)> {
    pair.sent[side]
        .iter()
        .filter(|(_, b)| is_rtcp(b))
        .map(|(t, b)| (*t, b[1]))
        .collect()
}

#[test]
fn reports_follow_the_rfc_interval_and_give_the_round_trip_time() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut pair = pcmu_pair(t0, 25);
    pair.run_until(t0 + Duration::from_secs(30));
    let reports = rtcp_of(&pair, 0);
    // RFC 3550 §6.3/A.7 two-party, 64 kbit/s: Td = max(5 s, size/bw) (2.5 s for the
    // first), randomised × [0.5, 1.5] / (e − 3/2).
    let first = (reports[0].0 - t0).as_secs_f64();
    assert!((1.02..=3.08).contains(&first), "{first}");
    for w in reports.windows(2) {
        let gap = (w[1].0 - w[0].0).as_secs_f64();
        assert!((2.05..=6.16).contains(&gap), "{gap}");
    }
    assert!(reports.len() >= 5, "{reports:?}");
    assert!(reports.iter().all(|r| r.1 == 200), "senders send SRs");
    // RTT = 2 × 25 ms (DLSR in 1/65536 s: within a fraction of a millisecond).
    for s in [&pair.a, &pair.b] {
        let rtt = s.statistics().rtt_ms.expect("RTT measured");
        assert!((rtt - 50.0).abs() < 2.0, "{rtt}");
    }
    let st = pair.a.statistics();
    assert_eq!(st.remote_loss_pct, Some(0.0));
    assert_eq!(st.loss_pct, 0.0);
    // Stop: an RTCP BYE, reported to the peer.
    pair.input(false, Input::Stop);
    pair.run_until(t0 + Duration::from_millis(30_100));
    assert!(pair.events_of(1).contains(&MediaEvent::RemoteBye));
    assert_eq!(pair.a.stats().rtcp_sent, reports.len() as u64 + 1);
}

#[test]
fn hold_stops_rtp_but_rtcp_goes_on_as_receiver_reports() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut pair = pcmu_pair(t0, 10);
    pair.run_until(t0 + Duration::from_secs(2));
    let hold_at = pair.now;
    pair.input(false, Input::Hold);
    pair.input(true, Input::RemoteHold(true));
    pair.run_until(t0 + Duration::from_secs(40));
    let after: Vec<_> = pair.sent[0].iter().filter(|(t, _)| *t > hold_at).collect();
    assert!(after.iter().all(|(_, b)| is_rtcp(b)), "no RTP while held");
    let rtcp: Vec<_> = rtcp_of(&pair, 0)
        .into_iter()
        .filter(|(t, _)| *t > hold_at)
        .collect();
    assert!(rtcp.len() >= 5, "{rtcp:?}");
    // Once two intervals passed without sending, the reports are RRs (201).
    assert_eq!(rtcp.last().unwrap().1, 201);
    // Neither side reports no-media: a is held, b was told the peer holds.
    assert!(!pair.events_of(0).contains(&MediaEvent::NoMedia));
    assert!(!pair.events_of(1).contains(&MediaEvent::NoMedia));
    // b's audio still reaches a (receiving while held).
    assert!(pair.a.stats().packets_received > 1500);
    assert!(pair.a_heard.0.lock().unwrap().len() > 30 * 8000, "played");
}

#[test]
fn no_media_fires_once_after_the_timeout_when_the_path_is_cut() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut pair = pcmu_pair(t0, 10);
    pair.run_until(t0 + Duration::from_secs(3));
    pair.ab.cut = true;
    pair.ba.cut = true;
    let cut = pair.now;
    pair.run_until(t0 + Duration::from_secs(20));
    for side in 0..2 {
        let fired: Vec<_> = pair.events[side]
            .iter()
            .filter(|e| e.1 == MediaEvent::NoMedia)
            .collect();
        assert_eq!(fired.len(), 1, "side {side}");
        // The last packet arrived within 20 ms before the cut (+10 ms in flight).
        let after = (fired[0].0 - cut).as_secs_f64();
        assert!((4.97..=5.02).contains(&after), "{after}");
    }
}
