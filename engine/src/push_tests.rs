use super::*;

#[test]
fn parses_a_payload_and_ignores_unknown_fields() {
    let p = PushPayload::parse(
        r#"{"call_id":"abc@10.0.0.3","caller":"sip:carol@example.com","token":"tok-1",
            "server":"sip:10.0.0.20:5060","badge":3}"#,
    )
    .unwrap();
    assert_eq!(p.call_id, "abc@10.0.0.3");
    assert_eq!(p.caller, "sip:carol@example.com");
    assert_eq!(p.token, "tok-1");
    assert_eq!(p.server.as_deref(), Some("sip:10.0.0.20:5060"));
    let p = PushPayload::parse(r#"{"call_id":"a","caller":"b","token":"c"}"#).unwrap();
    assert_eq!(p.server, None);
}

#[test]
fn bad_payloads_name_the_field() {
    assert!(matches!(
        PushPayload::parse("not json"),
        Err(PushError::Json { .. })
    ));
    assert!(matches!(
        PushPayload::parse("[1]"),
        Err(PushError::Json { .. })
    ));
    assert_eq!(
        PushPayload::parse(r#"{"caller":"b","token":"c"}"#),
        Err(PushError::MissingField { field: "call_id" })
    );
    assert_eq!(
        PushPayload::parse(r#"{"call_id":"a","token":"c"}"#),
        Err(PushError::MissingField { field: "caller" })
    );
    assert!(matches!(
        PushPayload::parse(r#"{"call_id":"a","caller":"b","token":"c d"}"#),
        Err(PushError::InvalidField { field: "token", .. })
    ));
    assert!(matches!(
        PushPayload::parse(r#"{"call_id":"a","caller":"b","token":"c\r\nX: y"}"#),
        Err(PushError::InvalidField { field: "token", .. })
    ));
    assert!(matches!(
        PushPayload::parse(r#"{"call_id":"","caller":"b","token":"c"}"#),
        Err(PushError::InvalidField {
            field: "call_id",
            ..
        })
    ));
    assert!(matches!(
        PushPayload::parse(r#"{"call_id":7,"caller":"b","token":"c"}"#),
        Err(PushError::Json { .. })
    ));
}

#[test]
fn token_header_default_custom_and_bearer() {
    assert_eq!(
        token_header("X-Session-Token", "t1"),
        (HeaderName::Other("X-Session-Token".into()), "t1".to_owned())
    );
    assert_eq!(
        token_header("authorization", "t1"),
        (HeaderName::Authorization, "Bearer t1".to_owned())
    );
    let (name, value) = token_header("X-App-Auth", "t2");
    assert_eq!(name.as_str(), "X-App-Auth");
    assert_eq!(value, "t2");
}

fn cand(server: &str, port: Option<u16>, domain: &str, free: bool) -> PushCandidate {
    PushCandidate {
        server: server.into(),
        port,
        domain: domain.into(),
        registration_free: free,
    }
}

#[test]
fn picks_by_server_or_domain_among_registration_free_accounts() {
    let accounts = [
        cand("10.0.0.20", Some(5060), "push.example.com", false),
        cand("10.0.0.20", Some(5060), "push.example.com", true),
        cand("10.0.0.30", None, "other.example.com", true),
    ];
    assert_eq!(pick_account(&accounts, Some("sip:10.0.0.20:5060")), Ok(1));
    assert_eq!(pick_account(&accounts, Some("10.0.0.30:5070")), Ok(2));
    assert_eq!(
        pick_account(&accounts, Some("sip:other.example.com")),
        Ok(2)
    );
    assert_eq!(
        pick_account(&accounts, Some("sip:10.0.0.20:6000")),
        Err(PushError::NoAccount {
            server: Some("sip:10.0.0.20:6000".into())
        })
    );
    // Without a server: only when exactly one account is registration-free.
    assert!(pick_account(&accounts, None).is_err());
    assert_eq!(pick_account(&accounts[..2], None), Ok(1));
    assert!(pick_account(&accounts[..1], None).is_err());
    assert_eq!(
        pick_account(
            &[cand("::1", Some(5060), "d", true)],
            Some("sip:[::1]:5060")
        ),
        Ok(0)
    );
}
