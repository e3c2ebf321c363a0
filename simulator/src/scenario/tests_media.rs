//! The media issue's additions: the one-way `block`/`unblock` faults and a user's
//! `media` table (with the simulator's G.711 default when it has none).

use super::*;
use switchboard::AudioCodec;

const BASE: &str = r#"name = "media"
duration = "20s"

[[user]]
name = "alice"
address = "10.0.0.1"
account = { server = "10.0.0.2", domain = "10.0.0.1", username = "alice" }
media = { codecs = ["pcma"] }

[[user]]
name = "bob"
address = "10.0.0.2"

[[step]]
at = "5s"
fault = { block = { from = "alice", to = "bob" } }

[[step]]
at = "8s"
fault = { unblock = { from = "alice", to = "bob" } }
"#;

fn edit(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    BASE.replacen(from, to, 1)
}

#[test]
fn block_and_unblock_parse_one_way() {
    let s = parse(BASE, "m.toml").unwrap();
    let faults: Vec<_> = s
        .steps
        .iter()
        .map(|st| match &st.what {
            StepWhat::Fault(f) => (f.name(), f.hosts()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        faults,
        [
            ("block", vec!["alice", "bob"]),
            ("unblock", vec!["alice", "bob"])
        ]
    );
    assert!(matches!(
        &s.steps[0].what,
        StepWhat::Fault(Fault::Block { from, to }) if from == "alice" && to == "bob"
    ));
}

#[test]
fn media_parses_and_defaults_to_g711() {
    let s = parse(BASE, "m.toml").unwrap();
    let alice = s.users[0].media.as_ref().unwrap();
    assert_eq!(alice.codecs, [AudioCodec::Pcma]);
    assert_eq!(s.users[1].media, None);
    assert_eq!(default_media().codecs, [AudioCodec::Pcmu, AudioCodec::Pcma]);
}

#[test]
fn bad_blocks_and_media_name_the_line_and_field() {
    // (text, "file:line:", field, a word of the message)
    let cases = [
        (
            edit(
                "to = \"bob\" } }\n\n[[step]]\nat = \"8s\"",
                "to = \"carol\" } }\n\n[[step]]\nat = \"8s\"",
            ),
            "m.toml:16:",
            "[[step]] 1 field `fault.block`",
            "no user or peer is named `carol`",
        ),
        (
            edit("unblock = { from = \"alice\"", "unblock = { from = \"bob\""),
            "m.toml:20:",
            "[[step]] 2 field `fault.unblock`",
            "to itself",
        ),
        (
            edit(
                "block = { from = \"alice\", to",
                "block = { host = \"alice\", to",
            ),
            "m.toml:16:",
            "[[step]] 1 field `fault.block`",
            "unexpected keys in table: host",
        ),
        (
            edit("codecs = [\"pcma\"]", "codecs = []"),
            "m.toml:8:",
            "[[user]] 1 field `media`",
            "user `alice`: ",
        ),
        (
            edit("codecs = [\"pcma\"]", "codecs = [\"pcmu\", \"pcmu\"]"),
            "m.toml:8:",
            "[[user]] 1 field `media`",
            "repeat",
        ),
        (
            edit("codecs = [\"pcma\"]", "codecs = [\"g729\"]"),
            "m.toml:8:",
            "[[user]] 1 field `media",
            "unknown variant `g729`",
        ),
    ];
    for (text, place, field, word) in cases {
        let shown = parse(&text, "m.toml").map(|_| ()).unwrap_err().to_string();
        assert!(shown.starts_with(place), "want {place}: {shown}");
        assert!(shown.contains(field), "want {field}: {shown}");
        assert!(shown.contains(word), "want `{word}`: {shown}");
        assert!(!shown.contains('\n'), "one line: {shown}");
    }
}
