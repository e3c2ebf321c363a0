//! [`EstablishedCall`] after a network change: the re-INVITE from the new address, and
//! how the call ends when the peer refuses it or cannot be reached.

use super::testkit::*;
use super::*;
use crate::admission::EndReason;
use crate::sdp::HoldKind;
use crate::sip::{HeaderName, Method, NameAddr};
use crate::transaction::TimerConfig;
use tokio::time::Instant;

fn relocate() -> EstablishedInput {
    let contact = NameAddr::parse_as(&HeaderName::Contact, "<sip:alice@10.0.1.5:5060>")
        .unwrap_or_else(|e| panic!("{e}"));
    EstablishedInput::Relocate {
        contact,
        address: "10.0.1.5".parse().unwrap_or_else(|e| panic!("{e}")),
        port: 6000,
    }
}

fn header(req: &crate::sip::Request, name: HeaderName) -> String {
    req.headers
        .get(&name)
        .map(|v| v.as_str().to_owned())
        .unwrap_or_default()
}

#[test]
fn a_move_sends_a_reinvite_with_the_new_contact_via_and_media_address() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    let version = call.local_sdp().origin.session_version;
    call.handle(now, relocate());
    let inv = sent(&drain(&mut call));
    assert_eq!(inv.method, Method::Invite);
    assert_eq!(
        header(&inv, HeaderName::Contact),
        "<sip:alice@10.0.1.5:5060>"
    );
    assert!(header(&inv, HeaderName::Via).starts_with("SIP/2.0/UDP 10.0.1.5:5060;rport"));
    let sdp = body(&inv);
    assert!(sdp.contains("c=IN IP4 10.0.1.5"), "{sdp}");
    assert!(sdp.contains("m=audio 6000 "), "{sdp}");
    assert!(sdp.contains("a=sendrecv"), "{sdp}");
    assert!(
        sdp.contains(&format!(" {} IN IP4 10.0.0.1", version + 1)),
        "{sdp}"
    );
    let ok = reply(&inv, 200, Some(&carol_sdp("sendrecv", 2)));
    call.handle(now, EstablishedInput::Response(ok));
    let out = drain(&mut call);
    assert!(matches!(out[0], EstablishedOutput::SendAck(_)), "{out:?}");
    assert!(events(&out).contains(&InCallEvent::Relocated), "{out:?}");
    assert_eq!(call.phase(), CallPhase::Active);
    // From now on a lost request is a plain timeout again, and the BYE leaves from the
    // new address.
    call.handle(now, EstablishedInput::Hangup);
    let bye = sent(&drain(&mut call));
    assert!(header(&bye, HeaderName::Via).starts_with("SIP/2.0/UDP 10.0.1.5:5060"));
}

#[test]
fn a_move_while_holding_keeps_the_hold_and_bumps_the_version_once() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, EstablishedInput::Hold(HoldKind::SendOnly));
    let hold = sent(&drain(&mut call));
    call.handle(
        now,
        EstablishedInput::Response(reply(&hold, 200, Some(&carol_sdp("recvonly", 2)))),
    );
    drain(&mut call);
    let version = call.local_sdp().origin.session_version;
    call.handle(now, relocate());
    let inv = sent(&drain(&mut call));
    let sdp = body(&inv);
    assert!(sdp.contains("a=sendonly"), "{sdp}");
    assert!(
        sdp.contains(&format!(" {} IN IP4 10.0.0.1", version + 1)),
        "{sdp}"
    );
    call.handle(
        now,
        EstablishedInput::Response(reply(&inv, 200, Some(&carol_sdp("recvonly", 3)))),
    );
    drain(&mut call);
    assert!(call.is_on_hold());
}

#[test]
fn a_refused_move_hangs_up_with_network_change() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, relocate());
    let inv = sent(&drain(&mut call));
    call.handle(now, EstablishedInput::Response(reply(&inv, 488, None)));
    let bye = sent(&drain(&mut call));
    assert_eq!(bye.method, Method::Bye);
    call.handle(now, EstablishedInput::Response(reply(&bye, 200, None)));
    let ended = InCallEvent::Ended {
        reason: EndReason::NetworkChange,
        status: Some(200),
    };
    assert_eq!(events(&drain(&mut call)), vec![ended]);
}

#[test]
fn an_unanswered_move_ends_with_network_change_not_timeout() {
    let now = Instant::now(); // clock-ok: test code
    let (mut call, _) = established(now);
    call.handle(now, relocate());
    drain(&mut call);
    let timer_b = now + TimerConfig::default().t1 * 64;
    assert_eq!(call.poll_timeout(), Some(timer_b));
    call.handle(timer_b, EstablishedInput::Timer);
    let out = drain(&mut call);
    let ended = InCallEvent::Ended {
        reason: EndReason::NetworkChange,
        status: Some(408),
    };
    assert_eq!(events(&out), vec![ended], "{out:?}");
}
