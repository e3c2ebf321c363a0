//! [`OutgoingCall`](super::OutgoingCall): digest challenges and redirects.

use super::testkit::*;
use super::{OutgoingInput as In, OutgoingOutput as Out, OutgoingState as S};
use crate::admission::EndReason;
use crate::sip::auth::{DigestCredentials, DigestServer, Password};
use crate::sip::{HeaderName, Request};

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
