//! [`EstablishedCall`], our side: hang-up, hold/resume, glare, DTMF out, failures.

use super::testkit::*;
use super::*;
use crate::admission::{EndReason, Side};
use crate::sdp::HoldKind;
use crate::sip::{HeaderName, Method};
use crate::transaction::TimerConfig;
use std::time::Duration;
use tokio::time::Instant;

#[test]
fn hangup_sends_bye_and_ends_on_its_answer_or_timer_f() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::Hangup);
    let bye = sent(&drain(&mut call));
    assert_eq!(bye.method, Method::Bye);
    assert_eq!(bye.cseq().map(|c| c.seq), Ok(1));
    assert_eq!(bye.uri.to_string(), "sip:carol@198.51.100.7:5060");
    assert_eq!(
        bye.headers
            .get(&HeaderName::ContentLength)
            .map(|v| v.as_str()),
        Some("0")
    );
    assert_eq!(call.phase(), CallPhase::HangingUp);
    call.handle(now, EstablishedInput::Response(reply(&bye, 200, None)));
    let ended = InCallEvent::Ended {
        reason: EndReason::Normal { by: Side::Local },
        status: Some(200),
    };
    assert_eq!(events(&drain(&mut call)), vec![ended]);
    assert_eq!(call.phase(), CallPhase::Ended);
    assert_eq!(call.poll_timeout(), None);

    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::Hangup);
    drain(&mut call);
    let timer_f = now + TimerConfig::default().t1 * 64;
    assert_eq!(call.poll_timeout(), Some(timer_f));
    call.handle(timer_f, EstablishedInput::Timer);
    let ended = InCallEvent::Ended {
        reason: EndReason::Normal { by: Side::Local },
        status: None,
    };
    assert_eq!(events(&drain(&mut call)), vec![ended]);
}

#[test]
fn hold_sends_a_sendonly_reinvite_acks_the_200_then_resume() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::Hold(HoldKind::SendOnly));
    let inv = sent(&drain(&mut call));
    assert_eq!(inv.method, Method::Invite);
    assert_eq!(
        inv.headers
            .get(&HeaderName::ContentType)
            .map(|v| v.as_str()),
        Some("application/sdp")
    );
    assert!(inv.headers.get(&HeaderName::Contact).is_some());
    assert!(body(&inv).contains("a=sendonly"), "{}", body(&inv));
    assert!(call.reinvite_pending());
    assert!(!call.is_on_hold());
    call.handle(now, EstablishedInput::Response(reply(&inv, 100, None)));
    assert!(drain(&mut call).is_empty());
    let ok = reply(&inv, 200, Some(&carol_sdp("recvonly", 2)));
    call.handle(now, EstablishedInput::Response(ok.clone()));
    let out = drain(&mut call);
    let EstablishedOutput::SendAck(ack) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!(ack.cseq().map(|c| (c.seq, c.method)), Ok((1, Method::Ack)));
    assert!(ack
        .top_via()
        .is_ok_and(|v| v.branch.is_some_and(|b| b.len() > 7)));
    assert_eq!(events(&out)[0], InCallEvent::Held(HoldKind::SendOnly));
    assert!(call.is_on_hold());
    assert!(!call.remote_hold(), "our own hold is not the peer's");
    // A retransmitted 200 gets the same ACK.
    call.handle(now, EstablishedInput::Response(ok));
    assert_eq!(
        drain(&mut call),
        vec![EstablishedOutput::SendAck(ack.clone())]
    );

    call.handle(now, EstablishedInput::Resume);
    let inv2 = sent(&drain(&mut call));
    assert_eq!(inv2.cseq().map(|c| c.seq), Ok(2));
    assert!(body(&inv2).contains("a=sendrecv"));
    call.handle(
        now,
        EstablishedInput::Response(reply(&inv2, 200, Some(&carol_sdp("sendrecv", 3)))),
    );
    assert!(events(&drain(&mut call)).contains(&InCallEvent::Resumed));
    assert!(!call.is_on_hold());
}

#[test]
fn glare_gets_491_and_ours_is_retried_after_the_back_off() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, tag) = established(now);
    call.handle(now, EstablishedInput::Hold(HoldKind::Inactive));
    let inv = sent(&drain(&mut call));
    let theirs = from_carol(
        &tag,
        "INVITE",
        2,
        Some(("application/sdp", &carol_sdp("sendrecv", 2))),
    );
    call.handle(now, EstablishedInput::Request(theirs));
    let out = drain(&mut call);
    assert!(
        matches!(&out[..], [EstablishedOutput::SendResponse { response, .. }] if response.status.as_u16() == 491)
    );
    call.handle(now, EstablishedInput::Response(reply(&inv, 491, None)));
    assert!(drain(&mut call).is_empty(), "nothing before the back-off");
    assert!(!call.reinvite_pending());
    let at = call.poll_timeout().unwrap_or_else(|| panic!("no back-off"));
    assert!(at <= now + Duration::from_secs(2), "UAS back-off is 0–2 s");
    call.handle(at, EstablishedInput::Timer);
    let retry = sent(&drain(&mut call));
    assert_eq!(retry.method, Method::Invite);
    assert_eq!(retry.cseq().map(|c| c.seq), Ok(2));
    assert!(body(&retry).contains("a=inactive"));
}

#[test]
fn dtmf_goes_out_one_info_per_digit_in_sequence() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::SendDtmf("1x#".into()));
    let info = sent(&drain(&mut call));
    assert_eq!(info.method, Method::Info);
    assert_eq!(
        info.headers
            .get(&HeaderName::ContentType)
            .map(|v| v.as_str()),
        Some("application/dtmf-relay")
    );
    assert_eq!(body(&info), "Signal=1\r\nDuration=160\r\n");
    call.handle(now, EstablishedInput::SendDtmf("2".into()));
    assert!(drain(&mut call).is_empty(), "one INFO at a time");
    call.handle(now, EstablishedInput::Response(reply(&info, 200, None)));
    let second = sent(&drain(&mut call));
    assert_eq!(body(&second), "Signal=#\r\nDuration=160\r\n");
    call.handle(now, EstablishedInput::Response(reply(&second, 481, None)));
    let ended = InCallEvent::Ended {
        reason: EndReason::Normal { by: Side::Remote },
        status: Some(481),
    };
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended],
        "481 ends the dialog, digit 2 dropped"
    );
}

#[test]
fn a_request_without_response_ends_the_call_with_timeout() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::Hold(HoldKind::SendOnly));
    let inv = sent(&drain(&mut call));
    let seq = inv.cseq().map_or(0, |c| c.seq);
    call.handle(now, EstablishedInput::RequestFailed { cseq: seq });
    let out = drain(&mut call);
    assert_eq!(sent(&out).method, Method::Bye, "a courtesy BYE");
    assert_eq!(
        events(&out),
        vec![InCallEvent::Ended {
            reason: EndReason::Timeout,
            status: Some(408)
        }]
    );
}

/// Hanging up (or being hung up on) while our re-INVITE has only a 100: the re-INVITE
/// is given up with the call, so the shell can end its client transaction (which has
/// no Timer B once Proceeding). Found by the sweep (hold_rtp.toml, seed 223).
#[test]
fn a_reinvite_still_out_is_abandoned_when_the_call_ends() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::Hold(HoldKind::SendOnly));
    let inv = sent(&drain(&mut call));
    call.handle(now, EstablishedInput::Response(reply(&inv, 100, None)));
    call.handle(now, EstablishedInput::Hangup);
    let out = drain(&mut call);
    assert!(out.contains(&EstablishedOutput::AbandonReinvite), "{out:?}");
    assert!(!call.reinvite_pending());
    // Without a re-INVITE out nothing is abandoned.
    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::Hangup);
    let out = drain(&mut call);
    assert!(
        !out.contains(&EstablishedOutput::AbandonReinvite),
        "{out:?}"
    );
}
