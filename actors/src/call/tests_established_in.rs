//! [`EstablishedCall`], the peer's requests: BYE, re-INVITE with hold, UPDATE, INFO,
//! CSeq errors, unknown methods.

use super::testkit::{carol_sdp, drain, established, events, from_carol};
use super::*;
use crate::admission::{EndReason, Side};
use crate::sip::{HeaderName, Response, StatusCode};
use crate::transaction::TimerConfig;
use tokio::time::Instant;

/// The responses in `out`.
fn responses(out: &[EstablishedOutput]) -> Vec<Response> {
    out.iter()
        .filter_map(|o| match o {
            EstablishedOutput::SendResponse { response, .. } => Some((**response).clone()),
            _ => None,
        })
        .collect()
}

fn status_of(out: &[EstablishedOutput]) -> Vec<u16> {
    responses(out).iter().map(|r| r.status.as_u16()).collect()
}

#[test]
fn remote_bye_gets_200_and_ends_normally_by_remote() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, tag) = established(now);
    call.handle(
        now,
        EstablishedInput::Request(from_carol(&tag, "BYE", 2, None)),
    );
    let out = drain(&mut call);
    assert_eq!(status_of(&out), vec![200]);
    let ended = InCallEvent::Ended {
        reason: EndReason::Normal { by: Side::Remote },
        status: None,
    };
    assert_eq!(events(&out), vec![ended]);
    assert_eq!(call.phase(), CallPhase::Ended);
    call.handle(
        now,
        EstablishedInput::Request(from_carol(&tag, "BYE", 2, None)),
    );
    assert!(drain(&mut call).is_empty(), "ended: inputs ignored");
}

#[test]
fn remote_hold_is_answered_recvonly_and_reported_until_resumed() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, tag) = established(now);
    let hold = from_carol(
        &tag,
        "INVITE",
        2,
        Some(("application/sdp", &carol_sdp("sendonly", 2))),
    );
    call.handle(now, EstablishedInput::Request(hold));
    let out = drain(&mut call);
    let ok = &responses(&out)[0];
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.headers.get(&HeaderName::Contact).is_some());
    let sdp = String::from_utf8_lossy(&ok.body).into_owned();
    assert!(sdp.contains("a=recvonly"), "{sdp}");
    let ev = events(&out);
    assert_eq!(ev[0], InCallEvent::RemoteHold);
    assert!(matches!(&ev[1], InCallEvent::MediaChanged(n) if n.remote_hold));
    assert!(call.remote_hold());
    // The 200 is retransmitted until the ACK.
    let t1 = TimerConfig::default().t1;
    assert_eq!(call.poll_timeout(), Some(now + t1));
    call.handle(now + t1, EstablishedInput::Timer);
    assert_eq!(responses(&drain(&mut call)), vec![ok.clone()]);
    call.handle(
        now + t1,
        EstablishedInput::Request(from_carol(&tag, "ACK", 2, None)),
    );
    assert!(drain(&mut call).is_empty());
    assert_eq!(call.poll_timeout(), None, "ACKed");

    let resume = from_carol(
        &tag,
        "INVITE",
        3,
        Some(("application/sdp", &carol_sdp("sendrecv", 3))),
    );
    call.handle(now, EstablishedInput::Request(resume));
    let out = drain(&mut call);
    assert!(String::from_utf8_lossy(&responses(&out)[0].body).contains("a=sendrecv"));
    assert_eq!(events(&out)[0], InCallEvent::RemoteResume);
    assert!(!call.remote_hold());
}

#[test]
fn a_second_remote_reinvite_before_the_ack_gets_500_with_retry_after() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, tag) = established(now);
    let sdp = carol_sdp("sendrecv", 2);
    call.handle(
        now,
        EstablishedInput::Request(from_carol(
            &tag,
            "INVITE",
            2,
            Some(("application/sdp", &sdp)),
        )),
    );
    drain(&mut call);
    call.handle(
        now,
        EstablishedInput::Request(from_carol(
            &tag,
            "INVITE",
            3,
            Some(("application/sdp", &sdp)),
        )),
    );
    let r = &responses(&drain(&mut call))[0];
    assert_eq!(r.status.as_u16(), 500);
    assert!(r.headers.get(&HeaderName::RetryAfter).is_some());
}

#[test]
fn no_ack_for_our_2xx_to_their_reinvite_hangs_up_with_timeout() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, tag) = established(now);
    let sdp = carol_sdp("sendrecv", 2);
    call.handle(
        now,
        EstablishedInput::Request(from_carol(
            &tag,
            "INVITE",
            2,
            Some(("application/sdp", &sdp)),
        )),
    );
    drain(&mut call);
    let give_up = now + TimerConfig::default().t1 * 64;
    let mut bye = None;
    while let Some(at) = call.poll_timeout().filter(|at| *at <= give_up) {
        call.handle(at, EstablishedInput::Timer);
        for o in drain(&mut call) {
            if let EstablishedOutput::SendRequest(r) = o {
                bye = Some(r);
            }
        }
    }
    let bye = bye.unwrap_or_else(|| panic!("no BYE"));
    assert_eq!(call.phase(), CallPhase::HangingUp);
    call.handle(
        give_up,
        EstablishedInput::Response(super::testkit::reply(&bye, 200, None)),
    );
    let ended = InCallEvent::Ended {
        reason: EndReason::Timeout,
        status: Some(200),
    };
    assert_eq!(events(&drain(&mut call)), vec![ended]);
}

#[test]
fn dtmf_info_in_is_reported_and_other_bodies_refused() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, tag) = established(now);
    let info = from_carol(
        &tag,
        "INFO",
        2,
        Some(("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n")),
    );
    call.handle(now, EstablishedInput::Request(info));
    let out = drain(&mut call);
    assert_eq!(status_of(&out), vec![200]);
    assert_eq!(events(&out), vec![InCallEvent::DtmfReceived('5')]);
    let star = from_carol(
        &tag,
        "INFO",
        3,
        Some(("application/dtmf-relay", "Signal=10\r\n")),
    );
    call.handle(now, EstablishedInput::Request(star));
    assert_eq!(
        events(&drain(&mut call)),
        vec![InCallEvent::DtmfReceived('*')]
    );
    let other = from_carol(&tag, "INFO", 4, Some(("application/foo", "x")));
    call.handle(now, EstablishedInput::Request(other));
    assert_eq!(status_of(&drain(&mut call)), vec![415]);
}

#[test]
fn cseq_out_of_order_gets_500_and_unknown_methods_405_or_501() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, tag) = established(now);
    call.handle(
        now,
        EstablishedInput::Request(from_carol(&tag, "UPDATE", 5, None)),
    );
    assert_eq!(status_of(&drain(&mut call)), vec![200]);
    call.handle(
        now,
        EstablishedInput::Request(from_carol(&tag, "INFO", 4, None)),
    );
    assert_eq!(status_of(&drain(&mut call)), vec![500]);
    call.handle(
        now,
        EstablishedInput::Request(from_carol(&tag, "REFER", 6, None)),
    );
    let out = drain(&mut call);
    assert_eq!(status_of(&out), vec![405]);
    assert!(responses(&out)[0].headers.get(&HeaderName::Allow).is_some());
    call.handle(
        now,
        EstablishedInput::Request(from_carol(&tag, "FOO", 7, None)),
    );
    assert_eq!(status_of(&drain(&mut call)), vec![501]);
    call.handle(
        now,
        EstablishedInput::Request(from_carol("stranger", "INFO", 8, None)),
    );
    assert_eq!(status_of(&drain(&mut call)), vec![481]);
    assert_eq!(call.phase(), CallPhase::Active);
}

#[test]
fn mute_changes_no_signalling() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::Mute);
    call.handle(now, EstablishedInput::Mute);
    assert_eq!(
        drain(&mut call),
        vec![EstablishedOutput::Event(InCallEvent::Muted)]
    );
    assert!(call.is_muted());
    call.handle(now, EstablishedInput::Unmute);
    assert_eq!(
        drain(&mut call),
        vec![EstablishedOutput::Event(InCallEvent::Unmuted)]
    );
}
