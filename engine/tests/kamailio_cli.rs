//! Acceptance for issue 4: `switchboard register` against the real Kamailio prints
//! `registered` within 2 s, Kamailio holds the binding, and the binding disappears when
//! the process is stopped (SIGINT over UDP, SIGTERM over TCP).
//!
//! Kamailio is started outside the tests (`tests/peers/up.sh`; `.ci/run` does it and sets
//! `SWITCHBOARD_PEERS=1`). Without it the tests print `SKIPPED …` unless
//! `SWITCHBOARD_PEERS=1`, which makes its absence a failure. The helpers are the
//! `switchboard-tests` crate's (`tests/src/peers.rs`), included by path: this test must
//! live in the engine crate to find the binary.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[path = "../../tests/src/peers.rs"]
mod peers;

/// The binary, killed on drop if the test did not stop it.
struct Cli {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Drop for Cli {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `switchboard register` for `user`; events as `text` (one line each on
/// stderr, what a person sees) or `json` (on stdout). Both streams are read.
fn spawn(user: &str, transport: &str, events: &str) -> Cli {
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["register", "--server", "sip:127.0.0.1:5070", "--user", user])
        .args([
            "--password",
            &format!("{user}-pw"),
            "--transport",
            transport,
        ])
        .args(["--expires", "300", "--events", events])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn switchboard");
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let tx2 = tx.clone();
    std::thread::spawn(move || forward(stdout, tx));
    std::thread::spawn(move || forward(stderr, tx2));
    Cli { child, lines }
}

fn forward(from: impl std::io::Read, to: mpsc::Sender<String>) {
    for line in BufReader::new(from).lines().map_while(Result::ok) {
        if to.send(line).is_err() {
            break;
        }
    }
}

/// The local port of the `listening` line (text or JSON).
fn listening_port(line: &str) -> Option<u16> {
    if let Some(rest) = line.strip_prefix("listening on ") {
        return rest.rsplit(':').next()?.parse().ok();
    }
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    if v["kind"] != "listening" {
        return None;
    }
    v["addr"].as_str()?.rsplit(':').next()?.parse().ok()
}

/// Lines until one contains `what` (at most `limit`); all lines read.
fn read_until(cli: &Cli, what: &str, limit: Duration) -> (Vec<String>, bool) {
    let deadline = Instant::now() + limit;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match cli.lines.recv_timeout(left) {
            Ok(line) => {
                let hit = line.contains(what);
                seen.push(line);
                if hit {
                    return (seen, true);
                }
            }
            Err(_) => break,
        }
    }
    (seen, false)
}

fn registers_then_signal_removes_binding(user: &str, transport: &str, events: &str, signal: &str) {
    let Some(kam) = peers::kamailio(&format!("kamailio_cli {user} {transport}")) else {
        return;
    };
    let started = Instant::now();
    let mut cli = spawn(user, transport, events);
    let registered = match events {
        "json" => r#""state":"registered""#,
        _ => " registered",
    };
    let (seen, ok) = read_until(&cli, registered, Duration::from_secs(10));
    let took = started.elapsed();
    eprintln!("{user} over {transport}: `registered` after {took:?}");
    assert!(ok, "no `registered` line; stdout: {seen:#?}");
    assert!(
        took < Duration::from_secs(2),
        "`registered` after {took:?} (must be < 2 s); stdout: {seen:#?}"
    );
    let port: u16 = seen
        .iter()
        .find_map(|l| listening_port(l))
        .unwrap_or_else(|| panic!("no `listening on` line: {seen:#?}"));
    let binding = kam.binding_at(user, port).unwrap_or_else(|| {
        panic!(
            "Kamailio has no binding at {port}: {:?}",
            kam.bindings(user)
        )
    });
    assert!(binding.expires > 250, "{binding:?}");
    if transport == "tcp" {
        assert!(binding.address.contains("transport=tcp"), "{binding:?}");
    }

    let pid = cli.child.id().to_string();
    let status = Command::new("kill").args([signal, &pid]).status().unwrap();
    assert!(status.success(), "kill {signal} {pid}");
    let deadline = Instant::now() + Duration::from_secs(8);
    let code = loop {
        if let Some(status) = cli.child.try_wait().unwrap() {
            break status.code();
        }
        assert!(
            Instant::now() < deadline,
            "switchboard did not exit after {signal}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let rest: Vec<String> = cli.lines.try_iter().collect();
    assert_eq!(
        code,
        Some(0),
        "exit after {signal}; stdout after: {rest:#?}"
    );
    assert!(
        rest.iter()
            .any(|l| l.ends_with(" unregistered") || l.contains(r#""state":"unregistered""#)),
        "no `unregistered` line: {rest:#?}"
    );
    // The process unregistered before it exited: the binding is gone now.
    assert_eq!(kam.binding_at(user, port), None, "binding left behind");
}

#[test]
fn register_prints_registered_within_2s_and_sigint_removes_the_binding() {
    registers_then_signal_removes_binding("alice", "udp", "text", "-INT");
}

#[test]
fn register_over_tcp_and_sigterm_removes_the_binding() {
    registers_then_signal_removes_binding("bob", "tcp", "json", "-TERM");
}
