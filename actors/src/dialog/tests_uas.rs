//! [`Dialog`] on the UAS side: requests received, target refresh, BYE.

use super::testkit::*;
use super::*;
use crate::sip::{Method, StatusCode};

fn uas() -> Dialog {
    Dialog::uas(&incoming(), "l1", our_contact()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn uas_dialog_keeps_the_record_route_in_order_and_the_remote_cseq() {
    let mut d = uas();
    assert_eq!(d.state(), DialogState::Early);
    assert!(d.is_secure());
    assert_eq!(d.remote_cseq(), Some(5));
    assert_eq!(
        d.remote_target().to_string(),
        "sips:carol@198.51.100.7:5061"
    );
    let routes: Vec<String> = d.route_set().iter().map(|r| r.to_string()).collect();
    assert_eq!(
        routes,
        ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"]
    );
    assert_eq!(d.response_sent(StatusCode::RINGING), None);
    assert!(matches!(
        d.response_sent(StatusCode::OK),
        Some(DialogEvent::Confirmed(_))
    ));
    let bye = reparse(&d.request(Method::Bye).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(
        bye.from().map(|f| f.to_string()),
        Ok("<sips:alice@atlanta.example.com>;tag=l1".into())
    );
    assert_eq!(
        bye.to().map(|f| f.to_string()),
        Ok("\"Carol\" <sips:carol@chicago.example.com>;tag=c7".into())
    );
    assert_eq!(bye.cseq().map(|c| c.seq), Ok(1));
    assert_eq!(bye.top_via().map(|v| v.transport), Ok("TLS"));
    assert!(
        Dialog::uas(&from_carol("INVITE", 5, ""), "l1", our_contact()).is_err(),
        "no Contact"
    );
}

#[test]
fn requests_out_of_order_get_500_and_unknown_ones_481() {
    let mut d = uas();
    d.response_sent(StatusCode::OK);
    assert_eq!(d.recv_request(&from_carol("INFO", 7, "")), Ok(None));
    assert_eq!(d.remote_cseq(), Some(7));
    let late = d.recv_request(&from_carol("INFO", 6, ""));
    assert_eq!(late, Err(DialogError::CSeqOutOfOrder { got: 6, last: 7 }));
    assert_eq!(
        late.map_err(|e| e.status()),
        Err(StatusCode::SERVER_INTERNAL_ERROR)
    );
    assert_eq!(
        d.remote_cseq(),
        Some(7),
        "a refused request changes nothing"
    );
    assert_eq!(
        d.recv_request(&from_carol("ACK", 5, "")),
        Ok(None),
        "ACK keeps its INVITE's CSeq"
    );
    let stranger = request(&text_of(&from_carol("INFO", 9, "")).replace("tag=c7", "tag=zz"));
    assert!(!d.matches(&stranger));
    let err = d.recv_request(&stranger);
    assert_eq!(
        err.map_err(|e| e.status()),
        Err(StatusCode::CALL_DOES_NOT_EXIST)
    );
}

#[test]
fn target_refresh_requests_move_the_remote_target_and_bye_ends_the_dialog() {
    let mut d = uas();
    d.response_sent(StatusCode::OK);
    d.recv_request(&from_carol("INFO", 6, "203.0.113.9"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        d.remote_target().to_string(),
        "sips:carol@198.51.100.7:5061",
        "INFO refreshes nothing"
    );
    d.recv_request(&from_carol("UPDATE", 7, "203.0.113.9"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.remote_target().to_string(), "sips:carol@203.0.113.9");
    d.recv_request(&from_carol("INVITE", 8, "203.0.113.10"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.remote_target().to_string(), "sips:carol@203.0.113.10");
    let ended = d.recv_request(&from_carol("BYE", 9, ""));
    assert!(matches!(ended, Ok(Some(DialogEvent::Terminated(_)))));
    assert_eq!(d.state(), DialogState::Terminated);
    let after = d.recv_request(&from_carol("INFO", 10, ""));
    assert_eq!(
        after.map_err(|e| e.status()),
        Err(StatusCode::CALL_DOES_NOT_EXIST)
    );
    assert_eq!(d.request(Method::Info), Err(DialogError::Terminated));
}
