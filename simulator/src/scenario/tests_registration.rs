//! The registration schema: `set_credentials`, `set_password`, the registrar's
//! `bad_credentials`, and `registered` in state probes; mistakes name file, line and
//! field.

use super::*;
use crate::peers::{BadCredentials, PeerCommand, PeerKind};

const BASE: &str = r#"name = "registration"
duration = "60s"

[[user]]
name = "alice"
address = "10.0.0.1"
account = { server = "proxy", domain = "example.com", username = "alice", password = "a" }

[[peer]]
name = "proxy"
address = "10.0.0.10:5060"
registrar = { domain = "example.com", users = { alice = "a" }, bad_credentials = "challenge" }

[[step]]
at = "10s"
peer = "proxy"
command = { set_password = { user = "alice", password = "b" } }

[[step]]
at = "20s"
user = "alice"
action = { set_credentials = { auth_username = "alice", password = "b" } }

[[expect]]
state = { user = "alice", registered = true }
at = "30s"
"#;

fn edit(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    BASE.replacen(from, to, 1)
}

#[test]
fn the_registration_schema_parses() {
    let s = parse(BASE, "r.toml").unwrap();
    assert!(matches!(
        &s.peers[0].kind,
        PeerKind::Registrar(r) if r.bad_credentials == BadCredentials::Challenge
    ));
    assert!(matches!(
        &s.steps[0].what,
        StepWhat::Command { command: PeerCommand::SetPassword { user, password }, .. }
            if user == "alice" && password == "b"
    ));
    match &s.steps[1].what {
        StepWhat::Action { action, .. } => {
            assert_eq!(action.name(), "set_credentials");
            assert_eq!(action.needs_issue(), None);
            assert!(matches!(
                action,
                Action::SetCredentials { auth_username: Some(u), password } if u == "alice" && password == "b"
            ));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        &s.expects[0].check,
        Check::State {
            registered: Some(true),
            engine: None,
            ..
        }
    ));
    let s = parse(&edit("auth_username = \"alice\", ", ""), "r.toml").unwrap();
    assert!(matches!(
        &s.steps[1].what,
        StepWhat::Action {
            action: Action::SetCredentials {
                auth_username: None,
                ..
            },
            ..
        }
    ));
}

#[test]
fn mistakes_name_file_line_and_field() {
    // (text, "file:line:", field, a word of the message)
    let cases = [
        (
            edit(
                "password = \"b\" } }\n\n[[expect]]",
                "pasword = \"b\" } }\n\n[[expect]]",
            ),
            "r.toml:22:",
            "[[step]] 2 field `action.set_credentials`",
            "unexpected keys in table: pasword",
        ),
        (
            edit(
                "auth_username = \"alice\", password = \"b\"",
                "password = \"\"",
            ),
            "r.toml:22:",
            "[[step]] 2 field `action`",
            "`password` is empty",
        ),
        (
            edit("auth_username = \"alice\"", "auth_username = \" \""),
            "r.toml:22:",
            "[[step]] 2 field `action`",
            "`auth_username` is empty",
        ),
        (
            edit(
                "user = \"alice\", password = \"b\" }",
                "usr = \"alice\", password = \"b\" }",
            ),
            "r.toml:17:",
            "[[step]] 1 field `command.set_password`",
            "unexpected keys in table: usr",
        ),
        (
            edit(
                "bad_credentials = \"challenge\"",
                "bad_credentials = \"chalenge\"",
            ),
            "r.toml:12:",
            "[[peer]] 1 field `registrar.bad_credentials`",
            "unknown variant `chalenge`",
        ),
        (
            edit("registered = true", "registred = true"),
            "r.toml:25:",
            "[[expect]] 1 field `state.registred`",
            "unknown field `registred`",
        ),
        (
            edit("registered = true", "registered = \"yes\""),
            "r.toml:25:",
            "[[expect]] 1 field `state.registered`",
            "invalid type",
        ),
    ];
    let mut wrong = Vec::new();
    for (text, place, field, word) in &cases {
        let shown = parse(text, "r.toml").map(|_| ()).unwrap_err().to_string();
        if !shown.starts_with(place) || !shown.contains(field) || !shown.contains(word) {
            wrong.push(format!("want {place} {field} `{word}`, got: {shown}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn set_password_is_for_registrars_only() {
    let text = BASE.replace(
        "registrar = { domain = \"example.com\", users = { alice = \"a\" }, bad_credentials = \"challenge\" }",
        "ua = { user = \"bob\" }",
    );
    let shown = parse(&text, "r.toml").unwrap_err().to_string();
    assert!(shown.starts_with("r.toml:17:"), "{shown}");
    assert!(shown.contains("[[step]] 1 field `command`"), "{shown}");
    assert!(
        shown.contains("only a registrar peer takes this command"),
        "{shown}"
    );
}
