//! The library parses; a full example comes out as the types say.

use super::*;
use crate::peers::{OptionsBehaviour, PeerCommand, PeerKind};
use crate::time::SimDuration;
use std::path::Path;
use switchboard_actors::vocab::TransportKind;

fn library() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

#[test]
fn every_library_scenario_loads() {
    let files = files_in(&library()).unwrap();
    assert!(files.len() >= 14, "{files:?}");
    for file in &files {
        let s = load(file).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.file.ends_with(".toml"));
        assert!(!s.expects.is_empty(), "{}: no expectations", s.file);
        if s.pending.is_none() {
            assert_eq!(
                s.first_unbuilt_action().map(|(st, issue)| (st.line, issue)),
                None,
                "{}: a runnable scenario uses an action the engine lacks",
                s.file
            );
        }
    }
}

#[test]
fn pending_library_scenarios_say_what_they_wait_for() {
    let mut pending_ones = 0;
    for entry in std::fs::read_dir(library()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let s = load(&path).unwrap();
        let Some(pending) = s.pending.clone() else {
            continue;
        };
        pending_ones += 1;
        // Either an action the engine lacks (named by its issue), or an engine bug or
        // missing engine feature the scenario shows.
        match s.first_unbuilt_action() {
            Some((_, issue)) => assert!(pending.contains("issue"), "{}: {issue}", s.file),
            None => assert!(pending.starts_with("engine"), "{}: {pending:?}", s.file),
        }
    }
    assert!(pending_ones >= 1);
    let transfer = load(&library().join("transfer.toml")).unwrap();
    assert!(transfer.first_unbuilt_action().is_some());
}

#[test]
fn io_errors_name_the_file() {
    let err = load(Path::new("no/such/scenario.toml")).unwrap_err();
    assert!(matches!(err, ScenarioError::Io { .. }));
    assert!(
        err.to_string()
            .starts_with("no/such/scenario.toml: cannot read:"),
        "{err}"
    );
}

const FULL: &str = r#"
name = "full"
description = "every part"
duration = "30s"
seed = 7
settle = "10s"

[network]
latency = "20ms"
loss = 0.1
bandwidth = 1000000

[[network.link]]
between = ["bob", "alice"]
loss = 0.5
queue_limit = 10

[[user]]
name = "alice"
address = "10.0.0.1"
listen = ["udp:5060", "tcp:5070"]
nat = { public = "203.0.113.1" }
account = { aor = "sip:alice@example.com" }

[user.timers]
t1 = "250ms"

[[peer]]
name = "bob"
address = "10.0.0.2:5060"
transports = ["udp", "tcp"]
ua = { user = "bob", on_options = "ignore" }

[[peer]]
name = "radio"
radio = { phone = "alice" }

[[step]]
at = "5s"
fault = { set_link = { between = ["alice", "bob"], loss = 0.9, latency = "1s" } }

[[step]]
at = "2s"
user = "alice"
action = { options = { to = "sip:bob@10.0.0.2:5060" } }

[[step]]
at = "2s"
peer = "bob"
command = { send_options = { to = "sip:alice@10.0.0.1" } }

[[step]]
at = "6s"
fault = { nat_rebind = { host = "alice" } }

[[expect]]
description = "answered"
sequence = [{ kind = "wire", from = "alice" }, { kind = "engine", event = { kind = "response_received", status = 200 } }]
within = ["0s", "40s"]

[[expect]]
count = { kind = "wire", method = "OPTIONS" }
min = 1

[[expect]]
state = { user = "alice", engine = "running" }
at = "10s"
"#;

#[test]
fn a_full_scenario_comes_out_typed() {
    let s = parse(FULL, "full.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (s.name.as_str(), s.seed, s.file.as_str()),
        ("full", Some(7), "full.toml")
    );
    assert_eq!(
        (s.duration, s.settle),
        (SimDuration::from_secs(30), SimDuration::from_secs(10))
    );
    assert_eq!(s.end(), SimDuration::from_secs(40));
    let alice = &s.users[0];
    assert_eq!(
        alice.listen,
        vec![(TransportKind::Udp, 5060), (TransportKind::Tcp, 5070)]
    );
    assert_eq!(
        alice.nat.map(|n| n.binding_timeout),
        Some(SimDuration::from_secs(30))
    );
    assert_eq!(
        alice.timers.and_then(|t| t.t1),
        Some(SimDuration::from_millis(250))
    );
    assert_eq!(
        alice
            .account
            .as_ref()
            .and_then(|a| a.get("aor"))
            .and_then(|v| v.as_str()),
        Some("sip:alice@example.com")
    );
    assert_eq!(alice.line, 18);
    let bob = &s.peers[0];
    assert_eq!(bob.transports, vec![TransportKind::Udp, TransportKind::Tcp]);
    assert!(matches!(&bob.kind, PeerKind::Ua(c) if c.on_options == OptionsBehaviour::Ignore));
    assert_eq!((s.peers[1].address, s.peers[1].transports.len()), (None, 0));
    let link = s.network.link("alice", "bob");
    assert_eq!(
        (link.loss, link.latency, link.queue_limit, link.bandwidth),
        (
            Some(0.5),
            Some(SimDuration::from_millis(20)),
            Some(10),
            Some(1_000_000)
        )
    );
    assert_eq!(s.network.link("alice", "radio").loss, Some(0.1));
    // Sorted stably by time: the two 2 s steps keep their file order.
    let order: Vec<(u64, usize)> = s
        .steps
        .iter()
        .map(|st| (st.at.as_micros() / 1_000_000, st.line))
        .collect();
    assert_eq!(order, vec![(2, 42), (2, 47), (5, 38), (6, 52)]);
    assert!(
        matches!(&s.steps[0].what, StepWhat::Action { user, action: Action::Options { .. } } if user == "alice")
    );
    assert!(matches!(
        &s.steps[1].what,
        StepWhat::Command {
            command: PeerCommand::SendOptions { .. },
            ..
        }
    ));
    assert!(
        matches!(&s.steps[2].what, StepWhat::Fault(Fault::SetLink(l)) if l.link.loss == Some(0.9))
    );
    assert!(matches!(&s.expects[0].check, Check::Sequence(m) if m.len() == 2));
    assert_eq!(s.expects[0].line, 56);
    assert!(matches!(
        &s.expects[1].check,
        Check::Count {
            min: Some(1),
            max: None,
            ..
        }
    ));
    assert!(matches!(&s.expects[2].check, Check::State { engine: Some(e), .. } if e == "running"));
    assert_eq!(
        s.expects[0].to_string(),
        r#"sequence {from="alice", kind="wire"} then {event={kind="response_received", status=200}, kind="engine"} within 0s..40s (answered)"#
    );
    assert_eq!(
        s.expects[1].to_string(),
        r#"count {kind="wire", method="OPTIONS"} >= 1"#
    );
    assert!(s.expects[0].in_window(40_000_000) && !s.expects[0].in_window(40_000_001));
}

#[test]
fn actions_have_names_and_issues() {
    let text = |a: &str| {
        format!("name = \"a\"\nduration = \"5s\"\n[[user]]\nname = \"u\"\naddress = \"10.0.0.1\"\n[[step]]\nat = \"1s\"\nuser = \"u\"\naction = {a}\n[[expect]]\nnever = {{ kind = \"end\" }}\n")
    };
    for (action, name, issue) in [
        ("{ options = { to = \"sip:x@10.0.0.9\" } }", "options", None),
        ("\"shutdown\"", "shutdown", None),
        ("\"register\"", "register", None),
        ("{ push = { payload = \"{}\" } }", "push", None),
        ("{ reject = { code = 486 } }", "reject", None),
        (
            "{ dial_number = { number = \"+15551230000\" } }",
            "dial_number",
            None,
        ),
        ("{ cellular = { state = \"answered\" } }", "cellular", None),
        ("\"resume_call\"", "resume_call", None),
        ("{ dtmf = { digits = \"12#\" } }", "dtmf", None),
        (
            "{ transfer = { to = \"sip:x@10.0.0.9\" } }",
            "transfer",
            Some("a later issue: transfer"),
        ),
    ] {
        let s = parse(&text(action), "a.toml").unwrap_or_else(|e| panic!("{action}: {e}"));
        let StepWhat::Action { action: a, .. } = &s.steps[0].what else {
            panic!("{action}")
        };
        assert_eq!((a.name(), a.needs_issue()), (name, issue));
        assert_eq!(
            s.first_unbuilt_action().map(|(st, i)| (st.line, i)),
            issue.map(|i| (6, i))
        );
    }
}

#[test]
fn the_guide_example_parses() {
    let guide = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("SCENARIOS.md"))
        .unwrap();
    let example = guide
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap();
    let s = parse(example, "SCENARIOS.md").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (s.users.len(), s.peers.len(), s.steps.len(), s.expects.len()),
        (1, 1, 2, 4)
    );
}
