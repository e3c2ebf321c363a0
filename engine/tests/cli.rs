//! The `switchboard listen` command: exit codes and the JSON event lines.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["listen"][..],
        &["listen", "--udp", "not-an-address"],
        &["listen", "--tls", "127.0.0.1:0"],
        &["listen", "--cert", "c.pem", "--udp", "127.0.0.1:0"],
    ] {
        let out = bin().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}: an explanation on stderr");
    }
}

#[test]
fn invalid_config_file_exits_2_naming_the_field() {
    let dir = std::env::temp_dir().join(format!("sb-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(&path, "[timers]\nt1 = 0\n").unwrap();
    let out = bin()
        .args(["listen", "--udp", "127.0.0.1:0", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("timers.t1"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn sigterm_shuts_down_cleanly_with_json_events() {
    let mut child = bin()
        .args([
            "listen",
            "--udp",
            "127.0.0.1:0",
            "--events",
            "json",
            "--seed",
            "5",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Once `running` is printed the signal handlers are installed (the event loop
    // polls them first), so SIGTERM cannot hit the default action.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    while !lines.last().is_some_and(|l: &String| l.contains("running")) {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "stdout ended early: {lines:?}"
        );
        lines.push(line);
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    lines.extend(rest.lines().map(str::to_owned));
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let lines: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l.trim()).unwrap())
        .collect();
    let states: Vec<&str> = lines
        .iter()
        .filter(|l| l["kind"] == "engine")
        .filter_map(|l| l["state"].as_str())
        .collect();
    assert_eq!(states, ["starting", "running", "stopping", "stopped"]);
}
