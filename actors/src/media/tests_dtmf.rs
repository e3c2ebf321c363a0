//! RFC 4733 through the simulated path.

use super::tests_path::{Link, Pair};
use super::*;
use switchboard_codecs::{AudioSource, CodecKind, Tone};
use tokio::time::Instant;

fn pair(t0: Instant, telephone_event: Option<u8>) -> Pair {
    let cfg = || {
        let mut c = MediaConfig::with_codec(
            CodecKind::Opus,
            111,
            tests::addr(tests::LOCAL),
            tests::addr(tests::LOCAL),
        );
        c.telephone_event = telephone_event;
        c
    };
    let tone = || Box::new(Tone::new(440.0, 8000, 8000)) as Box<dyn AudioSource + Send>;
    let mut pair = Pair::new(cfg(), cfg(), [tone(), tone()], 8000, t0);
    pair.ab = Link {
        delay: Duration::from_millis(30),
        jitter: Duration::from_millis(10),
        drop_every: 7,
        cut: false,
    };
    pair
}

#[test]
fn digits_sent_by_one_are_reported_by_the_other_once_each() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut p = pair(t0, Some(101));
    p.run_until(t0 + Duration::from_millis(500));
    p.input(
        false,
        Input::SendDtmf {
            digits: "1#".into(),
            duration_ms: 100,
        },
    );
    p.run_until(t0 + Duration::from_secs(2));
    let digits: Vec<_> = p
        .events_of(1)
        .into_iter()
        .filter(|e| matches!(e, MediaEvent::Dtmf(_)))
        .collect();
    assert_eq!(digits, vec![MediaEvent::Dtmf('1'), MediaEvent::Dtmf('#')]);
    // 100 ms = 5 packets + 2 repeats of the end, per digit; every 7th packet dropped.
    let (a, b) = (p.a.stats(), p.b.stats());
    assert_eq!(a.dtmf_sent, 14);
    assert!(b.dtmf_packets >= 11, "{b:?}");
    assert_eq!(b.dtmf_digits, 2);
}

#[test]
fn without_a_telephone_event_type_dtmf_is_refused() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut p = pair(t0, None);
    p.input(
        false,
        Input::SendDtmf {
            digits: "1".into(),
            duration_ms: 100,
        },
    );
    let refused = MediaEvent::DtmfNotSent(DtmfRefusal::NotNegotiated);
    assert!(p.events_of(0).contains(&refused));
    let mut q = pair(t0, Some(101));
    q.input(
        false,
        Input::SendDtmf {
            digits: "1x".into(),
            duration_ms: 100,
        },
    );
    let bad = MediaEvent::DtmfNotSent(DtmfRefusal::InvalidDigit('x'));
    assert!(q.events_of(0).contains(&bad));
}
