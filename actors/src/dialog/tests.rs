//! [`Dialog`] rules, with real message texts.

use super::testkit::*;
use super::*;
use crate::sip::{HeaderName, Method, StatusCode};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn uac(status: u16, tag: &str) -> Dialog {
    Dialog::uac(&invite(), &to_invite(status, tag)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn uac_dialog_from_180_is_early_with_the_record_route_reversed() {
    let d = uac(180, "b1");
    assert_eq!(d.state(), DialogState::Early);
    assert_eq!(d.role(), Role::Uac);
    assert_eq!(
        d.id(),
        &DialogId {
            call_id: "c1@192.0.2.1".into(),
            local_tag: "a1".into(),
            remote_tag: "b1".into()
        }
    );
    let routes: Vec<String> = d.route_set().iter().map(|r| r.to_string()).collect();
    assert_eq!(
        routes,
        ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]
    );
    assert_eq!(
        d.remote_target().to_string(),
        "sip:bob@b1.biloxi.example.com"
    );
    assert_eq!(d.local_cseq(), 11);
    assert_eq!(d.remote_cseq(), None);
    assert!(!d.is_secure());
    assert_eq!(uac(200, "b1").state(), DialogState::Confirmed);
}

#[test]
fn uac_dialog_needs_a_tag_and_a_dialog_creating_status() {
    let no_tag = answer(180, "", "10 INVITE", "", "");
    assert_eq!(
        Dialog::uac(&invite(), &no_tag),
        Err(DialogError::MissingTag("To"))
    );
    assert!(Dialog::uac(&invite(), &to_invite(100, "b1")).is_err());
    assert!(Dialog::uac(&invite(), &to_invite(486, "b1")).is_err());
    // A 180 without Contact: the Request-URI is the target until a Contact comes.
    let bare = answer(180, "b1", "10 INVITE", "", "");
    let d = Dialog::uac(&invite(), &bare).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.remote_target().to_string(), "sip:bob@biloxi.example.com");
}

#[test]
fn in_dialog_requests_carry_route_target_tags_and_increasing_cseq() {
    let mut d = uac(200, "b1");
    let bye = reparse(&d.request(Method::Bye).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(bye.method, Method::Bye);
    assert_eq!(bye.uri.to_string(), "sip:bob@b1.biloxi.example.com");
    assert_eq!(
        values(&bye, HeaderName::Route),
        ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]
    );
    assert_eq!(
        bye.from().map(|f| f.tag().map(str::to_owned)),
        Ok(Some("a1".into()))
    );
    assert_eq!(
        bye.to().map(|t| t.tag().map(str::to_owned)),
        Ok(Some("b1".into()))
    );
    assert_eq!(bye.call_id(), Ok("c1@192.0.2.1"));
    assert_eq!(bye.cseq().map(|c| c.seq), Ok(11));
    assert_eq!(bye.max_forwards(), Ok(Some(70)));
    assert_eq!(bye.top_via().map(|v| v.branch), Ok(Some("z9hG4bK")));
    assert_eq!(bye.top_via().map(|v| v.host), Ok("192.0.2.1"));
    assert!(
        bye.contacts().is_ok_and(|c| c.is_empty()),
        "BYE has no Contact"
    );
    let info = d.request(Method::Info).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(info.cseq().map(|c| c.seq), Ok(12));
    for m in [Method::Invite, Method::Update] {
        let r = d.request(m).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            values(&r, HeaderName::Contact),
            ["<sip:alice@192.0.2.1:5060>"]
        );
    }
    assert_eq!(d.local_cseq(), 15);
    assert_eq!(
        d.request(Method::Ack),
        Err(DialogError::WrongMethod(Method::Ack))
    );
    assert_eq!(
        d.request(Method::Cancel)
            .map(|_| ())
            .map_err(|e| e.status()),
        Err(StatusCode::SERVER_INTERNAL_ERROR)
    );
}

#[test]
fn a_strict_router_becomes_the_request_uri_and_the_target_the_last_route() {
    let resp = answer(
        200,
        "b1",
        "10 INVITE",
        "b1.biloxi.example.com",
        "<sip:p2.example.com;lr>, <sip:p1.example.com>",
    );
    let mut d = Dialog::uac(&invite(), &resp).unwrap_or_else(|e| panic!("{e}"));
    let bye = reparse(&d.request(Method::Bye).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(bye.uri.to_string(), "sip:p1.example.com");
    assert_eq!(
        values(&bye, HeaderName::Route),
        ["<sip:p2.example.com;lr>", "<sip:bob@b1.biloxi.example.com>"]
    );
}

#[test]
fn ack_for_2xx_keeps_the_invite_cseq_and_credentials_and_repeats_for_retransmissions() {
    let mut d = uac(200, "b1");
    let ok = to_invite(200, "b1");
    let ack = reparse(
        &d.ack_for_2xx(&invite(), &ok)
            .unwrap_or_else(|e| panic!("{e}")),
    );
    assert_eq!(ack.method, Method::Ack);
    assert_eq!(ack.uri.to_string(), "sip:bob@b1.biloxi.example.com");
    assert_eq!(ack.cseq().map(|c| c.to_string()), Ok("10 ACK".into()));
    assert_eq!(values(&ack, HeaderName::ProxyAuthorization).len(), 1);
    assert_eq!(values(&ack, HeaderName::Route).len(), 2);
    assert_eq!(ack.top_via().map(|v| v.branch), Ok(Some("z9hG4bK")));
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let first = d
        .acknowledge(&invite(), &ok, &mut rng)
        .unwrap_or_else(|e| panic!("{e}"));
    let branch = first
        .top_via()
        .map(|v| v.branch.map(str::to_owned))
        .ok()
        .flatten();
    assert!(branch
        .as_deref()
        .is_some_and(|b| b.len() > 7 && b.starts_with("z9hG4bK")));
    let again = d
        .acknowledge(&invite(), &ok, &mut rng)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first, again, "a retransmitted 2xx gets the same ACK");
    assert_eq!(d.local_cseq(), 11, "an ACK takes no CSeq number");
    let other = to_invite(200, "b2");
    assert_eq!(d.ack_for_2xx(&invite(), &other), Err(DialogError::NoDialog));
}

#[test]
fn responses_confirm_refresh_and_end_the_dialog() {
    let mut d = uac(180, "b1");
    let ok = answer(
        200,
        "b1",
        "10 INVITE",
        "b1-new.example.com",
        "<sip:p9.example.com;lr>",
    );
    assert!(matches!(
        d.recv_response(&ok),
        Ok(Some(DialogEvent::Confirmed(_)))
    ));
    assert_eq!(d.remote_target().to_string(), "sip:bob@b1-new.example.com");
    assert_eq!(d.route_set().len(), 1, "the 2xx recomputes the route set");
    let reinvite_ok = answer(200, "b1", "11 INVITE", "b1-moved.example.com", "");
    assert_eq!(d.recv_response(&reinvite_ok), Ok(None));
    assert_eq!(
        d.remote_target().to_string(),
        "sip:bob@b1-moved.example.com"
    );
    assert_eq!(
        d.route_set().len(),
        1,
        "a re-INVITE's 2xx keeps the route set"
    );
    let gone = answer(481, "b1", "12 INFO", "", "");
    assert!(matches!(
        d.recv_response(&gone),
        Ok(Some(DialogEvent::Terminated(_)))
    ));

    let mut early = uac(183, "b2");
    assert!(matches!(
        early.recv_response(&to_invite(486, "b2")),
        Ok(Some(DialogEvent::Terminated(_)))
    ));
    let mut bye = uac(200, "b3");
    assert!(matches!(
        bye.recv_response(&answer(200, "b3", "11 BYE", "", "")),
        Ok(Some(DialogEvent::Terminated(_)))
    ));
    assert_eq!(
        bye.recv_response(&answer(200, "zz", "11 BYE", "", "")),
        Err(DialogError::NoDialog)
    );
}

#[test]
fn every_error_maps_to_its_status() {
    use DialogError as E;
    for (e, code) in [
        (E::MissingTag("From"), 400),
        (E::BadContact, 400),
        (E::NoDialog, 481),
        (E::Terminated, 481),
        (E::CSeqOutOfOrder { got: 1, last: 2 }, 500),
        (E::InviteInProgress, 500),
        (E::Glare, 491),
        (E::RequestPending, 491),
        (E::CSeqExhausted, 500),
    ] {
        assert_eq!(e.status().as_u16(), code, "{e}");
    }
}

#[test]
fn the_local_cseq_stops_below_two_to_the_31() {
    let inv = request(&text_of(&invite()).replace("CSeq: 10 INVITE", "CSeq: 2147483646 INVITE"));
    let resp = answer(200, "b1", "2147483646 INVITE", "b1.example.com", "");
    let mut d = Dialog::uac(&inv, &resp).unwrap_or_else(|e| panic!("{e}"));
    assert!(d.request(Method::Info).is_ok());
    assert_eq!(d.request(Method::Info), Err(DialogError::CSeqExhausted));
}
