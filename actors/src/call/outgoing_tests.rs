//! [`OutgoingCall`] on real message texts.

use super::testkit::{ack, cfg, drain, ended, events, header, reply, started, t0, SDP};
use super::{OutgoingEvent, OutgoingInput as In, OutgoingState as S};
use crate::admission::EndReason;
use crate::sip::{HeaderName, Method};
use bytes::Bytes;

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
