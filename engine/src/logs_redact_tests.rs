use super::*;
use proptest::prelude::*;

const REGISTER: &str = "REGISTER sip:example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK776asdhds\r\n\
From: <sip:alice@example.com>;tag=1928301774\r\n\
Authorization: Digest username=\"alice\", realm=\"example.com\", \
nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:example.com\", \
response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5\r\n\
Proxy-Authorization: Digest username=\"alice\", realm=\"proxy\", nonce=\"abc\", \
response=\"0123456789abcdef0123456789abcdef\"\r\n\
X-Session-Token: eyJhbGciOiJIUzI1NiJ9.e30.sig\r\n\
Content-Length: 0\r\n\r\n";

#[test]
fn a_register_keeps_everything_but_its_credentials() {
    let out = redact_text(REGISTER);
    assert!(!out.contains("6629fae49393a05397450978507c4ef1"), "{out}");
    assert!(!out.contains("0123456789abcdef0123456789abcdef"), "{out}");
    assert!(!out.contains("eyJhbGciOiJIUzI1NiJ9"), "{out}");
    assert!(
        out.contains("response=\"<redacted>\", algorithm=MD5\r\n"),
        "{out}"
    );
    assert!(out.contains("X-Session-Token: <redacted>\r\n"), "{out}");
    assert!(
        out.contains("nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\""),
        "nonce kept"
    );
    assert!(out.contains("username=\"alice\""));
    assert!(out.contains("branch=z9hG4bK776asdhds"));
    assert!(out.ends_with("Content-Length: 0\r\n\r\n"));
}

#[test]
fn debug_escaped_messages_are_redacted_too() {
    let escaped = format!("{REGISTER:?}");
    let out = redact_text(&escaped);
    assert!(!out.contains("6629fae4"), "{out}");
    assert!(!out.contains("eyJhbGci"), "{out}");
    assert!(out.contains("response=\\\"<redacted>\\\""), "{out}");
    assert!(out.contains("X-Session-Token: <redacted>\\r\\n"), "{out}");
}

#[test]
fn bearer_and_basic_credentials_are_redacted() {
    let out = redact_text("INVITE\r\nAuthorization: Bearer abc.DEF-123_~+/==\r\nTo: <sip:b@c>\r\n");
    assert_eq!(
        out,
        "INVITE\r\nAuthorization: Bearer <redacted>\r\nTo: <sip:b@c>\r\n"
    );
    let out = redact_text("authorization: Basic YWxpY2U6c2VjcmV0\r\n");
    assert_eq!(out, "authorization: Basic <redacted>\r\n");
    let out = redact_text("Authorization: opaque-token-without-scheme");
    assert_eq!(out, "Authorization: <redacted>");
}

#[test]
fn key_value_secrets_are_redacted_in_any_notation() {
    let cases = [
        (
            "password=hunter2 user=alice",
            "password=<redacted> user=alice",
        ),
        ("password = 'hunter2'", "password = '<redacted>'"),
        (
            r#"{"password":"hunter2","user":"alice"}"#,
            r#"{"password":"<redacted>","user":"alice"}"#,
        ),
        (
            "client_secret: s3cr3t, next",
            "client_secret: <redacted>, next",
        ),
        (
            "push token=Abc123;expires=60",
            "push token=<redacted>;expires=60",
        ),
        (
            r#"session_token: Some("tok")"#,
            r#"session_token: Some("<redacted>")"#,
        ),
        (
            "sip:alice:hunter2@example.com;transport=tcp",
            "sip:alice:<redacted>@example.com;transport=tcp",
        ),
    ];
    for (input, want) in cases {
        assert_eq!(redact_text(input), want, "input {input:?}");
    }
}

#[test]
fn ordinary_text_is_left_alone() {
    for text in [
        "got response=200 from sip:bob@example.com:5060",
        "token expired, retrying in 5 s",
        "token_header=X-Session-Token",
        "sip:example.com:5060;transport=udp",
        "WWW-Authenticate: Digest realm=\"x\", nonce=\"n\"",
        "retransmitted INVITE to ∑ 10.0.0.1",
    ] {
        assert!(
            matches!(redact_text(text), Cow::Borrowed(_)),
            "{text:?} changed"
        );
    }
    assert_eq!(redact_text("password=<redacted>"), "password=<redacted>");
}

#[test]
fn secret_field_names_are_redacted_whole() {
    for name in [
        "password",
        "auth_password",
        "Authorization",
        "push_token",
        "secret",
    ] {
        assert_eq!(redact_field(name, Value::from(42)), Value::from(REDACTED));
    }
    assert_eq!(redact_field("status", Value::from(401)), Value::from(401));
    assert_eq!(
        redact_field("nonce", Value::from("abc")),
        Value::from("abc")
    );
    assert_eq!(
        redact_field("msg", Value::from("password=x")),
        Value::from("password=<redacted>")
    );
}

const PIECES: [&str; 22] = [
    "password",
    "token",
    "secret",
    "Authorization:",
    "Proxy-Authorization: ",
    "Basic ",
    "Bearer ",
    "Digest ",
    "response=",
    "\\",
    "\"",
    "'",
    "=",
    ": ",
    "sip:",
    "@",
    "<redacted>",
    "ab12",
    " ",
    "\r\n",
    "Some(",
    "∑",
];

fn sip_like() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(&PIECES[..]), 0..16)
        .prop_map(|pieces| pieces.concat())
}

proptest! {
    #[test]
    fn redaction_never_panics_and_is_idempotent(text in prop_oneof!["\\PC{0,80}", sip_like()]) {
        let once = redact_text(&text).into_owned();
        prop_assert_eq!(redact_text(&once).into_owned(), once);
    }

    #[test]
    fn a_password_never_survives(secret in "[A-Za-z0-9!#$%*+./]{1,20}") {
        let text = format!("user=alice password={secret} host=example.com");
        let out = redact_text(&text);
        prop_assert!(out.contains("password=<redacted> host=example.com"));
    }
}
