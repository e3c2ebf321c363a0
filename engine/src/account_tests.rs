use super::*;

const GOOD: &str = r#"
server = "sip.example.com"
transport = "tcp"
domain = "example.com"
username = "alice"
password = "alice-pw"
display_name = "Alice Liddell"
outbound_proxy = "sip:10.0.0.10:5060;lr"
expires = 600
"#;

fn with(key: &str, value: &str) -> String {
    let kept: Vec<&str> = GOOD
        .lines()
        .filter(|l| !l.starts_with(&format!("{key} ")))
        .collect();
    format!("{}\n{key} = {value}\n", kept.join("\n"))
}

fn field_of(text: &str) -> &'static str {
    match AccountConfig::from_toml(text) {
        Err(AccountError::Invalid { field, .. }) => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

#[test]
fn a_complete_account_loads() {
    let a = AccountConfig::from_toml(GOOD).unwrap();
    assert_eq!(a.transport, TransportKind::Tcp);
    assert_eq!(a.expires, 600);
    assert_eq!(a.mode, AccountMode::Register);
    assert_eq!(a.password.as_ref().map(Password::expose), Some("alice-pw"));
}

#[test]
fn flashphoner_user_names_are_typed_errors_naming_the_field() {
    for bad in [
        "\"al ice\"",
        "\"<alice>\"",
        "\"alice@example.com\"",
        "\"\"",
        "\"al:ice\"",
        "\"a%4\"",
    ] {
        assert_eq!(field_of(&with("username", bad)), "username", "{bad}");
    }
    // Escaped forms and the RFC's user-unreserved characters are fine.
    for good in ["\"al%20ice\"", "\"+15551234\"", "\"a.b-c_d!~*'()&=+$,;?/\""] {
        assert!(
            AccountConfig::from_toml(&with("username", good)).is_ok(),
            "{good}"
        );
    }
}

#[test]
fn every_field_is_checked() {
    assert_eq!(field_of(&with("server", "\"sip example\"")), "server");
    assert_eq!(field_of(&with("domain", "\"exa mple.com\"")), "domain");
    assert_eq!(field_of(&with("port", "0")), "port");
    assert_eq!(
        field_of(&with("outbound_proxy", "\"http://proxy\"")),
        "outbound_proxy"
    );
    assert_eq!(field_of(&with("expires", "5")), "expires");
    assert_eq!(field_of(&with("display_name", "\"a\\nb\"")), "display_name");
    assert_eq!(
        field_of(&with("auth_username", "\"a\\\"b\"")),
        "auth_username"
    );
    assert_eq!(field_of(&with("user_agent", "\"\"")), "user_agent");
}

#[test]
fn unknown_and_mistyped_fields_are_refused_by_name() {
    let err = AccountConfig::from_toml(&with("pasword", "\"x\"")).unwrap_err();
    assert!(err.to_string().contains("pasword"), "{err}");
    let err = AccountConfig::from_toml(&with("transport", "\"sctp\"")).unwrap_err();
    assert!(err.to_string().contains("transport"), "{err}");
}

#[test]
fn the_password_never_prints() {
    let a = AccountConfig::from_toml(GOOD).unwrap();
    let debug = format!("{a:?}");
    assert!(!debug.contains("alice-pw"), "{debug}");
    let err = AccountConfig::from_toml(&with("username", "\"a b\"")).unwrap_err();
    assert!(!err.to_string().contains("alice-pw"));
}

#[test]
fn registration_free_accounts_need_no_expiry() {
    let text = with("mode", "\"registration_free\"");
    let text = text.replace("expires = 600", "expires = 0");
    assert_eq!(
        AccountConfig::from_toml(&text).unwrap().mode,
        AccountMode::RegistrationFree
    );
}

proptest::proptest! {
    /// Any user name either loads or is refused naming `username`; an accepted one has
    /// none of the characters that break a SIP URI unescaped.
    #[test]
    fn any_user_name_is_accepted_only_if_the_grammar_allows_it(name in "\\PC{0,12}") {
        let mut cfg = AccountConfig::from_toml(GOOD).unwrap();
        cfg.username = name.clone();
        match cfg.validate() {
            Ok(()) => proptest::prop_assert!(
                !name.is_empty() && !name.contains([' ', '<', '>', '@', ':', '"'])
            ),
            Err(AccountError::Invalid { field, .. }) => proptest::prop_assert_eq!(field, "username"),
            Err(other) => proptest::prop_assert!(false, "{other:?}"),
        }
    }
}
