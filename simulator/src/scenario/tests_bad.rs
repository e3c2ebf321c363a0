//! Bad files: each error names the file, the line and the field. Random text never panics.

use super::*;
use proptest::prelude::*;

/// A valid scenario; each case below edits one thing in it.
const BASE: &str = r#"name = "base"
duration = "10s"

[network]
loss = 0.2

[[user]]
name = "alice"
address = "10.0.0.1"

[[peer]]
name = "bob"
address = "10.0.0.2:5060"
ua = { user = "bob" }

[[step]]
at = "1s"
user = "alice"
action = { options = { to = "sip:bob@10.0.0.2" } }

[[step]]
at = "2s"
peer = "bob"
command = { send_options = { to = "sip:alice@10.0.0.1" } }

[[expect]]
count = { kind = "wire", method = "OPTIONS" }
min = 2
"#;

fn edit(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "{from}");
    BASE.replacen(from, to, 1)
}

#[test]
fn base_is_valid() {
    parse(BASE, "base.toml").unwrap();
}

#[test]
fn bad_files_name_file_line_and_field() {
    // (text, expected "file:line:", expected field, a word of the message, syntax?)
    let cases: Vec<(String, &str, &str, &str, bool)> = vec![
        (edit("address = \"10.0.0.1\"", "address = \"10.0.0.1\"\ncolour = \"red\""), "x.toml:10:", "[[user]] 1 field `colour`", "unknown field `colour`", true),
        (edit("min = 2", "min = \"two\""), "x.toml:28:", "[[expect]] 1 field `min`", "invalid type", true),
        (edit("at = \"2s\"", "at = \"2 fortnights\""), "x.toml:22:", "[[step]] 2 field `at`", "unknown unit", true),
        (edit("at = \"2s\"", "at = 2s"), "x.toml:22:", "[[step]] 2 field `at`", "", true),
        (edit("options = {", "dail = {"), "x.toml:19:", "[[step]] 1 field `action`", "unknown variant `dail`", true),
        (edit("user = \"alice\"\naction", "user = \"carol\"\naction"), "x.toml:18:", "[[step]] 1 field `user`", "no user is named `carol`", false),
        (edit("peer = \"bob\"", "peer = \"alice\""), "x.toml:23:", "[[step]] 2 field `peer`", "is a user", false),
        (edit("at = \"2s\"", "at = \"11s\""), "x.toml:22:", "[[step]] 2 field `at`", "beyond the scenario's duration", false),
        (edit("ua = { user = \"bob\" }", "ua = { user = \"bob\" }\nregistrar = { domain = \"x\" }"), "x.toml:15:", "[[peer]] 1 field `registrar`", "exactly one of", false),
        (edit("ua = { user = \"bob\" }", ""), "x.toml:11:", "[[peer]] 1", "has none", false),
        (edit("name = \"bob\"", "name = \"alice\""), "x.toml:12:", "[[peer]] 1 field `name`", "used twice", false),
        (edit("10.0.0.2:5060", "10.0.0.1:5060"), "x.toml:12:", "[[peer]] 1 field `name`", "has the IP 10.0.0.1 of `alice`", false),
        (edit("loss = 0.2", "loss = 1.5"), "x.toml:5:", "field `network.loss`", "outside 0..1", true),
        (edit("count = { kind = \"wire\", method = \"OPTIONS\" }", "count = \"OPTIONS\""), "x.toml:27:", "[[expect]] 1 field `count`", "expected a table of trace fields", true),
        (edit("[[expect]]", "[[network.link]]\nbetween = [\"alice\", \"carol\"]\n\n[[expect]]"), "x.toml:26:", "[[network.link]] 1 field `between`", "no user or peer is named `carol`", false),
        (edit("[[expect]]", "[[step]]\nat = \"3s\"\nfault = { partition = { between = [\"alice\", \"alice\"] } }\n\n[[expect]]"), "x.toml:28:", "[[step]] 3 field `fault.partition`", "to itself", false),
        (edit("[[expect]]", "[[step]]\nat = \"3s\"\nfault = { nat_rebind = { host = \"alice\" } }\n\n[[expect]]"), "x.toml:28:", "[[step]] 3 field `fault.nat_rebind`", "no `nat`", false),
        (edit("[[expect]]", "[[step]]\nat = \"3s\"\nuser = \"alice\"\n\n[[expect]]"), "x.toml:26:", "[[step]] 3", "exactly one of `action`", false),
        (edit("min = 2", "min = 3\nmax = 2"), "x.toml:29:", "[[expect]] 1 field `max`", "below min", false),
        (edit("min = 2", "min = 2\nat = \"1s\""), "x.toml:29:", "[[expect]] 1 field `at`", "only goes with `state`", false),
        (edit("name = \"base\"\n", ""), "x.toml:1:", "", "missing field `name`", true),
        (edit("duration = \"10s\"", "duration = \"10s\"\nsettle = \"5s\"\nsettle = \"6s\""), "x.toml:4:", "field `settle`", "duplicate key", true),
        (edit("at = \"1s\"", "at = \"1s\"\ncommand = \"hangup\""), "x.toml:16:", "[[step]] 1", "exactly one of", false),
        (edit("ua = { user = \"bob\" }", "ua = { user = \"bob\", on_options = \"ignor\" }"), "x.toml:14:", "[[peer]] 1 field `ua.on_options`", "unknown variant `ignor`", true),
        (edit("[[expect]]\ncount = { kind = \"wire\", method = \"OPTIONS\" }\nmin = 2", "[[expect]]\nstate = { user = \"alice\", engine = \"runing\" }\nat = \"5s\""), "x.toml:27:", "[[expect]] 1 field `state.engine`", "unknown engine state", false),
    ];
    let mut wrong = Vec::new();
    for (text, place, field, _, _) in &cases {
        let shown = parse(text, "x.toml").map(|_| ()).unwrap_err().to_string();
        if !shown.starts_with(place) || !shown.contains(field) {
            wrong.push(format!("want {place} {field}, got: {shown}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    for (text, place, field, word, syntax) in cases {
        let err = parse(&text, "x.toml").expect_err(place);
        let shown = err.to_string();
        assert_eq!(err.field(), field, "{shown}");
        assert!(shown.contains(word), "want `{word}` in: {shown}");
        assert!(!shown.contains('\n'), "one line: {shown}");
        assert_eq!(
            matches!(err, ScenarioError::Syntax { .. }),
            syntax,
            "{shown}"
        );
        assert_eq!((err.file(), err.line().is_some()), ("x.toml", true));
        if !field.is_empty() {
            assert!(shown.contains(&format!(": {field}: ")), "{shown}");
        }
    }
}

#[test]
fn syntax_errors_point_at_the_column() {
    let err = parse(&edit("at = \"2s\"", "at = 2s"), "x.toml").unwrap_err();
    match err {
        ScenarioError::Syntax { line, col, .. } => assert_eq!((line, col), (22, 6)),
        other => panic!("{other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_toml_ish_text_never_panics(text in "[a-z_\\[\\]\\{\\}=\", .:0-9\n#]{0,200}") {
        let _ = parse(&text, "fuzz.toml").map(|_| ());
    }

    #[test]
    fn mangled_base_never_panics(cut in 0usize..600, insert in "[\\[\\]\\{\\}=\",.0-9a-z\n ]{0,12}") {
        let at = (0..=cut.min(BASE.len())).rev().find(|i| BASE.is_char_boundary(*i)).unwrap_or(0);
        let text = format!("{}{}{}", &BASE[..at], insert, &BASE[at..]);
        if let Err(e) = parse(&text, "fuzz.toml") {
            let line = e.line().unwrap_or(0);
            prop_assert!(line >= 1 && line <= text.lines().count() + 1, "{}", e);
        }
    }
}
