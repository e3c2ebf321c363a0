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

const UUID: &str = "\"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\"";

#[test]
fn outbound_push_and_timing_fields_load() {
    let text = format!(
        "{GOOD}instance_id = {UUID}\nreg_id = 1\nrefresh_fraction = 0.9\n\
         backoff_base = 1\nbackoff_max = 1\n\
         [push]\nprovider = \"fcm\"\nprid = \"cX1:APA91b-token_x\"\nparam = \"proj-1\"\n"
    );
    let a = AccountConfig::from_toml(&text).unwrap();
    assert_eq!(
        a.instance_urn().as_deref(),
        Some("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>")
    );
    assert_eq!(a.reg_id, Some(1));
    assert_eq!(a.refresh_fraction, Some(0.9));
    assert_eq!((a.backoff_base, a.backoff_max), (Some(1), Some(1)));
    assert_eq!(
        a.push,
        Some(PushSettings {
            provider: "fcm".into(),
            prid: "cX1:APA91b-token_x".into(),
            param: Some("proj-1".into()),
        })
    );
    // Without any of them: none set, instance_urn absent.
    let plain = AccountConfig::from_toml(GOOD).unwrap();
    assert_eq!(plain.instance_urn(), None);
    assert_eq!(
        (plain.reg_id, plain.push, plain.refresh_fraction),
        (None, None, None)
    );
}

#[test]
fn bad_instance_ids_name_the_field() {
    for bad in [
        "\"\"",
        "\"f81d4fae7dec11d0a76500a0c91e6bf6\"",
        "\"urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6\"",
        "\"g81d4fae-7dec-11d0-a765-00a0c91e6bf6\"",
        "\"f81d4fae-7dec-11d0-a765-00a0c91e6bf\"",
        "\"f81d4fae-7dec-11d0a-765-00a0c91e6bf6\"",
    ] {
        assert_eq!(field_of(&with("instance_id", bad)), "instance_id", "{bad}");
    }
}

#[test]
fn reg_id_must_be_positive_and_needs_an_instance() {
    assert_eq!(field_of(&with("reg_id", "1")), "reg_id");
    let with_instance = format!("{GOOD}instance_id = {UUID}\n");
    assert_eq!(field_of(&format!("{with_instance}reg_id = 0\n")), "reg_id");
    assert!(AccountConfig::from_toml(&format!("{with_instance}reg_id = 7\n")).is_ok());
    // Negative is a TOML type error naming the field.
    let err = AccountConfig::from_toml(&format!("{with_instance}reg_id = -1\n")).unwrap_err();
    assert!(err.to_string().contains("reg_id"), "{err}");
}

#[test]
fn bad_push_settings_name_the_sub_field() {
    let push = |provider: &str, prid: &str, param: &str| {
        format!("{GOOD}push = {{ provider = {provider}, prid = {prid}{param} }}\n")
    };
    assert_eq!(field_of(&push("\"\"", "\"t\"", "")), "push.provider");
    assert_eq!(field_of(&push("\"ap ns\"", "\"t\"", "")), "push.provider");
    assert_eq!(field_of(&push("\"apns\"", "\"\"", "")), "push.prid");
    assert_eq!(field_of(&push("\"apns\"", "\"a\\r\\nb\"", "")), "push.prid");
    assert_eq!(
        field_of(&push("\"apns\"", "\"t\"", ", param = \"x y\"")),
        "push.param"
    );
    assert_eq!(
        field_of(&push("\"apns\"", "\"t\"", ", param = \"\"")),
        "push.param"
    );
    // A missing prid or an unknown key is a TOML error naming it.
    let err =
        AccountConfig::from_toml(&format!("{GOOD}push = {{ provider = \"apns\" }}\n")).unwrap_err();
    assert!(err.to_string().contains("prid"), "{err}");
    let err = AccountConfig::from_toml(&push("\"apns\"", "\"t\"", ", topic = \"x\"")).unwrap_err();
    assert!(err.to_string().contains("topic"), "{err}");
}

#[test]
fn refresh_fraction_and_backoff_are_range_checked() {
    for bad in ["0.05", "0.96", "1.0", "-0.5", "nan"] {
        assert_eq!(
            field_of(&with("refresh_fraction", bad)),
            "refresh_fraction",
            "{bad}"
        );
    }
    for good in ["0.1", "0.5", "0.95"] {
        assert!(AccountConfig::from_toml(&with("refresh_fraction", good)).is_ok());
    }
    assert_eq!(field_of(&with("backoff_base", "0")), "backoff_base");
    // max below the (default 30 s) base, or below an explicit one.
    assert_eq!(field_of(&with("backoff_max", "10")), "backoff_max");
    let text = format!("{GOOD}backoff_base = 60\nbackoff_max = 59\n");
    assert_eq!(field_of(&text), "backoff_max");
    let text = format!("{GOOD}backoff_base = 60\nbackoff_max = 60\n");
    assert!(AccountConfig::from_toml(&text).is_ok());
    // A base above the default ceiling needs an explicit max.
    assert_eq!(field_of(&with("backoff_base", "3600")), "backoff_max");
}

#[test]
fn keepalive_token_header_and_push_wait_are_checked() {
    for bad in ["1", "4", "3601"] {
        assert_eq!(
            field_of(&with("keepalive_interval", bad)),
            "keepalive_interval"
        );
    }
    for good in ["0", "5", "3600"] {
        assert!(AccountConfig::from_toml(&with("keepalive_interval", good)).is_ok());
    }
    for bad in ["\"\"", "\"X Token\"", "\"X-Token:\"", "\"é\""] {
        assert_eq!(
            field_of(&with("token_header", bad)),
            "token_header",
            "{bad}"
        );
    }
    for bad in ["0", "121"] {
        assert_eq!(field_of(&with("push_wait", bad)), "push_wait");
    }
    let text = format!("{GOOD}keepalive_method = \"stun\"\ntoken_header = \"Authorization\"\n");
    let cfg = AccountConfig::from_toml(&text).unwrap();
    assert_eq!(cfg.keepalive_method, crate::KeepaliveMethod::Stun);
    assert_eq!(cfg.token_header_name(), "Authorization");
    let err = AccountConfig::from_toml(&with("keepalive_method", "\"icmp\"")).unwrap_err();
    assert!(err.to_string().contains("keepalive_method"), "{err}");
}

#[test]
fn defaults_follow_the_transport() {
    let mut cfg = AccountConfig::new("127.0.0.1", "example.com", "alice");
    assert!(cfg.validate().is_ok());
    assert_eq!(cfg.keepalive_secs(), 30);
    assert_eq!(cfg.token_header_name(), "X-Session-Token");
    cfg.transport = TransportKind::Tcp;
    assert_eq!(cfg.keepalive_secs(), 90);
    cfg.keepalive_interval = Some(0);
    assert_eq!(cfg.keepalive_secs(), 0);
}
