//! [`OutgoingCall`] on real message texts.

use super::testkit::{
    branch, cfg, drain, ended, events, header, invite, one, reply, started, t0, SDP,
};
use super::{OutgoingEvent, OutgoingInput as In, OutgoingOutput as Out, OutgoingState as S};
use crate::admission::EndReason;
use crate::sip::auth::{DigestCredentials, DigestServer, Password};
use crate::sip::{HeaderName, Method, Request};
use bytes::Bytes;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Duration;

fn ack(outs: &[Out]) -> Request {
    one(outs, |o| match o {
        Out::SendAck(r) => Some(r.clone()),
        _ => None,
    })
}

fn bye(outs: &[Out]) -> Request {
    one(outs, |o| match o {
        Out::SendBye(r) => Some(r.clone()),
        _ => None,
    })
}

fn cancel(outs: &[Out]) -> Request {
    one(outs, |o| match o {
        Out::SendCancel(r) => Some(r.clone()),
        _ => None,
    })
}

#[test]
fn the_invite_carries_route_tags_contact_headers_and_offer() {
    let (call, inv) = started(cfg());
    assert_eq!(call.state(), S::Connecting);
    assert_eq!(inv.method, Method::Invite);
    assert_eq!(inv.uri.to_string(), "sip:bob@biloxi.example.com");
    let via = header(&inv, HeaderName::Via);
    assert!(via.ends_with(";rport;branch=z9hG4bK"), "{via}");
    assert!(via.starts_with("SIP/2.0/UDP 192.0.2.1:5060"), "{via}");
    assert_eq!(header(&inv, HeaderName::Route), "<sip:p1.example.com;lr>");
    let from = inv.from().expect("from");
    assert_eq!(from.display_text().as_deref(), Some("Alice"));
    assert!(from.tag().is_some());
    assert_eq!(inv.to().expect("to").tag(), None);
    assert_eq!(inv.call_id().ok(), Some(call.call_id()));
    assert_eq!(header(&inv, HeaderName::CSeq), "1 INVITE");
    assert_eq!(
        header(&inv, HeaderName::Contact),
        "<sip:alice@192.0.2.1:5060>"
    );
    assert_eq!(
        header(&inv, HeaderName::Other("X-Session-Token".into())),
        "tok"
    );
    assert_eq!(header(&inv, HeaderName::UserAgent), "switchboard-test");
    assert_eq!(header(&inv, HeaderName::ContentType), "application/sdp");
    assert_eq!(inv.body, Bytes::from(SDP));
}

#[test]
fn trying_ringing_then_ok_is_acked_and_confirmed() {
    let (mut call, inv) = started(cfg());
    let now = t0();
    call.handle(now, In::Response(reply(&inv, 100, "", "", false)));
    assert_eq!(events(&drain(&mut call)), vec![OutgoingEvent::Calling]);
    assert_eq!(call.state(), S::Calling);
    call.handle(now, In::Response(reply(&inv, 180, "b1", "", false)));
    let ev = events(&drain(&mut call));
    assert!(matches!(
        ev.as_slice(),
        [OutgoingEvent::Ringing {
            early_media: false,
            status: 180,
            sdp: None
        }]
    ));
    let ok = reply(&inv, 200, "b1", "", true);
    call.handle(now, In::Response(ok.clone()));
    let outs = drain(&mut call);
    let a = ack(&outs);
    assert_eq!(a.method, Method::Ack);
    assert_eq!(a.uri.to_string(), "sip:bob@b1.biloxi.example.com");
    assert_eq!(header(&a, HeaderName::CSeq), "1 ACK");
    assert_eq!(a.to().expect("to").tag(), Some("b1"));
    assert_eq!(a.call_id().ok(), inv.call_id().ok());
    let routes: Vec<_> = a.headers.get_all(&HeaderName::Route).collect();
    assert_eq!(routes.len(), 2, "route set from Record-Route, reversed");
    assert!(routes[0].as_str().contains("p1.example.com"));
    let ab = a
        .top_via()
        .expect("via")
        .branch
        .unwrap_or_default()
        .to_owned();
    assert!(ab.len() > 7 && ab.starts_with("z9hG4bK"), "{ab}");
    match events(&outs).as_slice() {
        [OutgoingEvent::Confirmed { id, sdp }] => {
            assert_eq!(id.remote_tag, "b1");
            assert_eq!(sdp, &ok.body);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(call.state(), S::Confirmed);
    let d = call.take_dialog().expect("dialog");
    assert_eq!(d.id().remote_tag, "b1");
    assert_eq!(call.poll_timeout(), None);
    // A retransmitted 200 gets the very same ACK, and no new event.
    call.handle(now, In::Response(ok));
    let again = drain(&mut call);
    assert_eq!(ack(&again), a);
    assert!(events(&again).is_empty());
}

#[test]
fn session_progress_with_sdp_is_early_media() {
    let (mut call, inv) = started(cfg());
    let now = t0();
    call.handle(now, In::Response(reply(&inv, 183, "b1", "", true)));
    match events(&drain(&mut call)).as_slice() {
        [OutgoingEvent::Ringing {
            early_media: true,
            status: 183,
            sdp: Some(s),
        }] => assert!(s.starts_with(b"v=0")),
        other => panic!("{other:?}"),
    }
    assert_eq!(call.state(), S::Ringing);
    // A later 180 without SDP does not take early media back.
    call.handle(now, In::Response(reply(&inv, 180, "b1", "", false)));
    assert!(drain(&mut call).is_empty());
}

#[test]
fn final_statuses_map_to_end_reasons() {
    let cases = [
        (486, "", EndReason::Busy),
        (600, "", EndReason::Busy),
        (603, "", EndReason::Rejected),
        (404, "", EndReason::Rejected),
        (480, "", EndReason::NoAnswer),
        (480, "Retry-After: 30\n", EndReason::Congestion),
        (503, "", EndReason::Congestion),
        (408, "", EndReason::Congestion),
        (487, "", EndReason::Cancelled),
    ];
    for (status, extra, reason) in cases {
        let (mut call, inv) = started(cfg());
        call.handle(t0(), In::Response(reply(&inv, 180, "b1", "", false)));
        drain(&mut call);
        call.handle(t0(), In::Response(reply(&inv, status, "b1", extra, false)));
        assert_eq!(
            events(&drain(&mut call)),
            vec![ended(reason, Some(status))],
            "{status}"
        );
        assert_eq!(call.state(), S::Ended);
    }
}

/// A 407 from p1's realm, a fresh nonce.
fn challenge_407(inv: &Request, server: &mut DigestServer) -> crate::sip::Response {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let ch = server.challenge(t0().into_std(), false, &mut rng);
    reply(
        inv,
        407,
        "p1x",
        &format!("Proxy-Authenticate: {ch}\n"),
        false,
    )
}

#[test]
fn proxy_challenge_is_answered_once_then_ok() {
    let (mut call, inv) = started(cfg());
    let mut server = DigestServer::new("example.com");
    call.handle(t0(), In::Response(challenge_407(&inv, &mut server)));
    let outs = drain(&mut call);
    assert!(events(&outs).is_empty());
    let inv2 = invite(&outs);
    assert_eq!(header(&inv2, HeaderName::CSeq), "2 INVITE");
    assert_eq!(inv2.call_id().ok(), inv.call_id().ok());
    assert_eq!(
        inv2.from().expect("from").tag(),
        inv.from().expect("from").tag()
    );
    let creds = DigestCredentials::parse(&header(&inv2, HeaderName::ProxyAuthorization))
        .expect("credentials");
    assert_eq!(creds.username, "alice");
    assert_eq!(creds.uri, "sip:bob@biloxi.example.com");
    let pw = |_: &str| Some(Password::new("secret"));
    assert_eq!(
        server.verify(t0().into_std(), &creds, "INVITE", SDP.as_bytes(), pw),
        Ok(())
    );
    assert_eq!(call.state(), S::Connecting);
    call.handle(t0(), In::Response(reply(&inv2, 200, "b1", "", true)));
    let outs = drain(&mut call);
    let a = ack(&outs);
    assert_eq!(header(&a, HeaderName::CSeq), "2 ACK");
    assert!(!header(&a, HeaderName::ProxyAuthorization).is_empty());
    assert_eq!(call.state(), S::Confirmed);
}

#[test]
fn a_second_challenge_or_no_credentials_is_auth_failed() {
    let (mut call, inv) = started(cfg());
    let mut server = DigestServer::new("example.com");
    call.handle(t0(), In::Response(challenge_407(&inv, &mut server)));
    let inv2 = invite(&drain(&mut call));
    call.handle(t0(), In::Response(challenge_407(&inv2, &mut server)));
    let outs = drain(&mut call);
    assert_eq!(events(&outs), vec![ended(EndReason::AuthFailed, Some(407))]);
    assert!(!outs.iter().any(|o| matches!(o, Out::SendInvite(_))));

    let mut c = cfg();
    c.credentials = None;
    let (mut call, inv) = started(c);
    call.handle(t0(), In::Response(challenge_407(&inv, &mut server)));
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::AuthFailed, Some(407))]
    );
}

fn redirect(inv: &Request, to: &str) -> crate::sip::Response {
    reply(inv, 302, "r", &format!("Contact: <{to}>\n"), false)
}

#[test]
fn a_redirect_is_followed_with_the_same_call_id() {
    let (mut call, inv) = started(cfg());
    call.handle(t0(), In::Response(reply(&inv, 100, "", "", false)));
    drain(&mut call);
    call.handle(t0(), In::Response(redirect(&inv, "sip:bob@192.0.2.9:5070")));
    let inv2 = invite(&drain(&mut call));
    assert_eq!(inv2.uri.to_string(), "sip:bob@192.0.2.9:5070");
    assert_eq!(header(&inv2, HeaderName::CSeq), "2 INVITE");
    assert_eq!(inv2.call_id().ok(), inv.call_id().ok());
    assert_eq!(header(&inv2, HeaderName::To), header(&inv, HeaderName::To));
    assert_eq!(header(&inv2, HeaderName::Route), "<sip:p1.example.com;lr>");
    assert_eq!(call.state(), S::Connecting);
    call.handle(t0(), In::Response(reply(&inv2, 200, "b9", "", true)));
    drain(&mut call);
    assert_eq!(call.state(), S::Confirmed);
}

#[test]
fn redirects_are_bounded_and_loops_end_the_call() {
    let (mut call, mut inv) = started(cfg());
    for n in 1..=3 {
        call.handle(
            t0(),
            In::Response(redirect(&inv, &format!("sip:bob@h{n}.example.com"))),
        );
        inv = invite(&drain(&mut call));
    }
    call.handle(t0(), In::Response(redirect(&inv, "sip:bob@h4.example.com")));
    let outs = drain(&mut call);
    assert_eq!(events(&outs), vec![ended(EndReason::Rejected, Some(302))]);
    assert_eq!(outs.len(), 1);

    // A 3xx back to a URI already tried ends the call at once.
    let (mut call, inv) = started(cfg());
    call.handle(
        t0(),
        In::Response(redirect(&inv, "sip:bob@biloxi.example.com")),
    );
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Rejected, Some(302))]
    );
}

#[test]
fn cancel_before_any_provisional_waits_for_one() {
    let (mut call, inv) = started(cfg());
    call.handle(t0(), In::CancelRequested);
    assert!(drain(&mut call).is_empty(), "no CANCEL before a 1xx (§9.1)");
    assert_eq!(call.state(), S::Connecting);
    call.handle(t0(), In::Response(reply(&inv, 100, "", "", false)));
    let outs = drain(&mut call);
    let c = cancel(&outs);
    assert!(events(&outs).is_empty());
    assert_eq!(c.method, Method::Cancel);
    assert_eq!(c.uri, inv.uri);
    assert_eq!(header(&c, HeaderName::CSeq), "1 CANCEL");
    let via = header(&c, HeaderName::Via);
    assert_eq!(
        via,
        header(&inv, HeaderName::Via)
            .replace("branch=z9hG4bK", &format!("branch={}", branch("1 INVITE")))
    );
    for h in [
        HeaderName::From,
        HeaderName::To,
        HeaderName::CallId,
        HeaderName::Route,
    ] {
        assert_eq!(header(&c, h.clone()), header(&inv, h));
    }
    assert_eq!(call.state(), S::Cancelling);
    call.handle(t0(), In::Response(reply(&inv, 487, "b1", "", false)));
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Cancelled, Some(487))]
    );
}

#[test]
fn a_200_crossing_our_cancel_is_acked_then_byed() {
    let (mut call, inv) = started(cfg());
    call.handle(t0(), In::Response(reply(&inv, 180, "b1", "", false)));
    drain(&mut call);
    call.handle(t0(), In::CancelRequested);
    cancel(&drain(&mut call));
    call.handle(t0(), In::Response(reply(&inv, 200, "b1", "", true)));
    let outs = drain(&mut call);
    let (a, b) = (ack(&outs), bye(&outs));
    let pos = |m: Method| {
        outs.iter()
            .position(|o| matches!(o, Out::SendAck(r) | Out::SendBye(r) if r.method == m))
    };
    assert!(pos(Method::Ack) < pos(Method::Bye), "ACK before BYE");
    assert_eq!(header(&a, HeaderName::CSeq), "1 ACK");
    assert_eq!(header(&b, HeaderName::CSeq), "2 BYE");
    assert_eq!(b.uri.to_string(), "sip:bob@b1.biloxi.example.com");
    assert_eq!(b.to().expect("to").tag(), Some("b1"));
    assert!(header(&b, HeaderName::Via).ends_with("branch=z9hG4bK"));
    assert_eq!(events(&outs), vec![ended(EndReason::Cancelled, Some(200))]);
    assert!(call.take_dialog().is_none());
}

#[test]
fn a_losing_forks_2xx_is_acked_then_byed() {
    let (mut call, inv) = started(cfg());
    call.handle(t0(), In::Response(reply(&inv, 180, "a", "", false)));
    call.handle(t0(), In::Response(reply(&inv, 180, "b", "", false)));
    call.handle(t0(), In::Response(reply(&inv, 200, "a", "", true)));
    drain(&mut call);
    assert_eq!(call.state(), S::Confirmed);
    call.handle(t0(), In::Response(reply(&inv, 200, "b", "", true)));
    let outs = drain(&mut call);
    assert_eq!(ack(&outs).to().expect("to").tag(), Some("b"));
    assert_eq!(bye(&outs).uri.to_string(), "sip:bob@b.biloxi.example.com");
    assert!(events(&outs).is_empty());
    assert_eq!(call.take_dialog().expect("dialog").id().remote_tag, "a");
}

#[test]
fn a_late_2xx_to_a_challenged_invite_is_acked_then_byed() {
    let (mut call, inv) = started(cfg());
    let mut server = DigestServer::new("example.com");
    call.handle(t0(), In::Response(challenge_407(&inv, &mut server)));
    drain(&mut call);
    call.handle(t0(), In::Response(reply(&inv, 200, "late", "", true)));
    let outs = drain(&mut call);
    assert_eq!(header(&ack(&outs), HeaderName::CSeq), "1 ACK");
    assert_eq!(bye(&outs).to().expect("to").tag(), Some("late"));
    assert_eq!(call.state(), S::Connecting);
}

#[test]
fn timer_b_transport_errors_and_timers_end_the_call() {
    let (mut call, _) = started(cfg());
    call.handle(t0(), In::Timeout);
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Timeout, None)]
    );
    let (mut call, _) = started(cfg());
    call.handle(t0(), In::TransportError);
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Congestion, None)]
    );
    // A hang-up still waiting for a 1xx ends with Timer B, as cancelled.
    let (mut call, _) = started(cfg());
    call.handle(t0(), In::CancelRequested);
    call.handle(t0(), In::Timeout);
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Cancelled, None)]
    );
    // The CANCEL gets 64·T1 for the INVITE to end.
    let (mut call, inv) = started(cfg());
    let now = t0();
    call.handle(now, In::Response(reply(&inv, 180, "b1", "", false)));
    call.handle(now, In::CancelRequested);
    let deadline = call.poll_timeout().expect("cancel wait");
    assert_eq!(deadline, now + Duration::from_secs(32));
    drain(&mut call);
    call.handle(deadline, In::Timer);
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Cancelled, None)]
    );
}

#[test]
fn the_answer_timer_cancels_as_no_answer() {
    let mut c = cfg();
    c.answer_timeout = Some(Duration::from_secs(30));
    let (mut call, inv) = started(c);
    let deadline = call.poll_timeout().expect("answer timer");
    call.handle(t0(), In::Response(reply(&inv, 180, "b1", "", false)));
    drain(&mut call);
    call.handle(deadline, In::Timer);
    cancel(&drain(&mut call));
    call.handle(deadline, In::Response(reply(&inv, 487, "b1", "", false)));
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::NoAnswer, Some(487))]
    );
}

#[test]
fn cancel_before_start_ends_without_sending() {
    let mut call = super::OutgoingCall::new(t0(), cfg(), ChaCha8Rng::seed_from_u64(1));
    call.handle(t0(), In::CancelRequested);
    assert_eq!(
        events(&drain(&mut call)),
        vec![ended(EndReason::Cancelled, None)]
    );
    call.handle(t0(), In::Start);
    assert!(drain(&mut call).is_empty());
}

#[test]
fn the_transition_table_is_a_dag_towards_the_final_states() {
    use super::{OutgoingState, TRANSITIONS};
    let all = [
        S::Starting,
        S::Connecting,
        S::Calling,
        S::Ringing,
        S::Cancelling,
        S::Confirmed,
        S::Ended,
    ];
    for s in all {
        let out: Vec<OutgoingState> = all.into_iter().filter(|t| s.can_become(*t)).collect();
        assert_eq!(out.is_empty(), s.is_final(), "{s:?}: {out:?}");
        assert!(!s.can_become(s));
    }
    // Every state is reachable from Starting.
    let mut seen = vec![S::Starting];
    while let Some(next) = TRANSITIONS
        .iter()
        .find(|(a, b)| seen.contains(a) && !seen.contains(b))
    {
        seen.push(next.1);
    }
    assert_eq!(seen.len(), all.len());
    let unique: std::collections::BTreeSet<_> = TRANSITIONS.iter().collect();
    assert_eq!(unique.len(), TRANSITIONS.len());
}
