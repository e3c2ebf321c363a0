//! Failures: 423 Interval Too Brief, Retry-After, RFC 5626 backoff, statuses that wait
//! for the user.

use super::testkit::{cfg, drain, feed, machine, one, resp, secs, t0};
use super::{FailureReason, Input, RegistrationEvent as Ev};
use crate::sip::HeaderName;
use std::time::Duration;

#[test]
fn interval_too_brief_retries_with_min_expires_or_fails() {
    let mut m = machine(cfg());
    let t = t0();
    m.handle(t, Input::Register);
    let r1 = one(&drain(&mut m).0);
    let mut too_brief = resp(&r1, 423);
    too_brief.headers.push(HeaderName::MinExpires, "7200");
    feed(&mut m, t, too_brief);
    let (reqs, evs) = drain(&mut m);
    assert!(evs.is_empty(), "{evs:?}");
    let r2 = one(&reqs);
    assert_eq!(
        r2.headers.get(&HeaderName::Expires).unwrap().as_str(),
        "7200"
    );
    let mut again = resp(&r2, 423);
    again.headers.push(HeaderName::MinExpires, "7200");
    feed(&mut m, t, again);
    let (reqs, evs) = drain(&mut m);
    assert!(reqs.is_empty());
    let failed = Ev::Failed {
        reason: FailureReason::IntervalTooBrief,
        status: Some(423),
        retry_in: None,
    };
    assert_eq!(evs, [failed]);
    assert_eq!(m.poll_timeout(), None);
}

#[test]
fn retry_after_is_honoured() {
    let mut m = machine(cfg());
    let t = t0();
    m.handle(t, Input::Register);
    let r1 = one(&drain(&mut m).0);
    let mut busy = resp(&r1, 503);
    busy.headers.push(HeaderName::RetryAfter, "20");
    feed(&mut m, t, busy);
    let retry_in = Some(Duration::from_secs(20));
    let failed = Ev::Failed {
        reason: FailureReason::ServerError,
        status: Some(503),
        retry_in,
    };
    assert_eq!(drain(&mut m).1, [failed]);
    assert_eq!(m.poll_timeout(), Some(secs(t, 20)));
    m.handle(secs(t, 20), Input::Timer);
    let (reqs, evs) = drain(&mut m);
    assert_eq!(evs, [Ev::Registering]);
    assert_eq!(one(&reqs).cseq().unwrap().seq, 2);
}

#[test]
fn timeouts_back_off_growing_and_capped() {
    let mut m = machine(cfg());
    let mut now = t0();
    m.handle(now, Input::Register);
    let mut bounds = vec![
        (15, 30),
        (30, 60),
        (60, 120),
        (120, 240),
        (240, 480),
        (480, 960),
    ];
    bounds.extend([(900, 1800); 4]);
    for (i, (lo, hi)) in bounds.into_iter().enumerate() {
        assert_eq!(drain(&mut m).0.len(), 1, "round {i}");
        let input = if i == 1 {
            Input::TransportError
        } else {
            Input::Timeout
        };
        m.handle(now, input);
        let evs = drain(&mut m).1;
        let Some(Ev::Failed {
            reason,
            retry_in: Some(w),
            ..
        }) = evs.first()
        else {
            panic!("{evs:?}")
        };
        let want = if i == 1 {
            FailureReason::Network
        } else {
            FailureReason::Timeout
        };
        assert_eq!(*reason, want);
        assert!(
            *w >= Duration::from_secs(lo) && *w <= Duration::from_secs(hi),
            "round {i}: {w:?}"
        );
        now = m.poll_timeout().unwrap();
        m.handle(now, Input::Timer);
    }
}

#[test]
fn forbidden_and_not_found_wait_for_the_user() {
    for (code, reason) in [
        (403, FailureReason::Forbidden),
        (404, FailureReason::NotFound),
        (302, FailureReason::Rejected),
    ] {
        let mut m = machine(cfg());
        let t = t0();
        m.handle(t, Input::Register);
        let r = one(&drain(&mut m).0);
        feed(&mut m, t, resp(&r, code));
        let evs = drain(&mut m).1;
        assert!(
            matches!(&evs[..], [Ev::Failed { reason: got, status: Some(s), retry_in }]
            if *got == reason && *s == code && retry_in.is_some() == reason.auto_retries()),
            "{evs:?}"
        );
        m.handle(t, Input::Register);
        assert_eq!(drain(&mut m).0.len(), 1, "the user may try again");
    }
}
