//! `switchboard call` and `switchboard listen --auto-answer` end to end: the real
//! binaries call each other over loopback UDP without a registrar (confirmed, DTMF,
//! hang-up after 1 s, both exit 0); a bad audio file or number exits 2 naming it; a call
//! to a dead port exits 1 with reason `timeout`.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod common;
use common::{run, switchboard};

/// The JSON lines of `stdout`.
fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

/// The `call` events' states, in order.
fn call_states(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .filter(|v| v["kind"] == "call")
        .map(|v| v["state"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A listener in the background: its stdout lines arrive on a channel.
struct Listener {
    child: Child,
    lines: mpsc::Receiver<Value>,
    seen: Vec<Value>,
}

impl Listener {
    fn start(args: &[&str]) -> Listener {
        let mut child = switchboard(args).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let value = serde_json::from_str(&line).expect("a JSON line");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Listener {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for the first line `pick` accepts.
    fn wait_for<T>(&mut self, what: &str, pick: impl Fn(&Value) -> Option<T>) -> T {
        if let Some(found) = self.seen.iter().find_map(&pick) {
            return found;
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while let Ok(v) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            let found = pick(&v);
            self.seen.push(v);
            if let Some(found) = found {
                return found;
            }
        }
        panic!("listener: no {what} line; seen {:?}", self.seen);
    }

    /// SIGINT, then its exit status and all its lines.
    fn stop(mut self) -> (Option<i32>, Vec<Value>) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-INT", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                self.child.kill().unwrap();
                panic!("the listener did not stop on SIGINT");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        while let Ok(v) = self.lines.recv_timeout(Duration::from_secs(2)) {
            self.seen.push(v);
        }
        (status.code(), self.seen)
    }
}

#[test]
fn a_call_to_an_auto_answering_listener_is_confirmed_gets_dtmf_and_ends_normally() {
    let mut listener = Listener::start(&[
        "listen",
        "--udp",
        "127.0.0.1:0",
        "--auto-answer",
        "--answer-after",
        "0.2",
        "--events",
        "json",
    ]);
    let addr = listener.wait_for("listening", |v| {
        (v["kind"] == "listening").then(|| v["addr"].as_str().unwrap().to_owned())
    });
    let target = format!("sip:bob@{addr}");
    let out = run(
        &[
            "call",
            &target,
            "--hangup-after",
            "1",
            "--dtmf",
            "12",
            "--events",
            "json",
        ],
        Duration::from_secs(20),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "caller stderr: {stderr}");
    let caller = json_lines(&out.stdout);
    let states = call_states(&caller);
    assert!(states.contains(&"confirmed".to_owned()), "{states:?}");
    let end = caller
        .iter()
        .find(|v| v["kind"] == "call" && v["state"] == "ended")
        .expect("an ended event");
    assert_eq!(end["reason"], "normal");
    assert_eq!(end["by"], "local");
    assert_eq!(end["direction"], "outgoing");
    let call_id = end["call_id"].clone();

    listener.wait_for("ended", |v| (v["state"] == "ended").then_some(()));
    let (code, lines) = listener.stop();
    assert_eq!(code, Some(0));
    let states = call_states(&lines);
    let at = |s: &str| states.iter().position(|x| x == s);
    assert!(
        at("incoming") < at("confirmed") && at("confirmed") < at("ended"),
        "{states:?}"
    );
    let digits: Vec<&str> = lines
        .iter()
        .filter(|v| v["kind"] == "call" && v["state"] == "dtmf")
        .filter_map(|v| v["reason"].as_str())
        .collect();
    assert_eq!(digits, ["1", "2"]);
    let end = lines.iter().find(|v| v["state"] == "ended").unwrap();
    assert_eq!(end["reason"], "normal");
    assert_eq!(end["by"], "remote");
    assert_eq!(end["call_id"], call_id, "one call on both sides");
}

#[test]
fn a_bad_audio_file_or_number_exits_2_naming_it() {
    let dir = std::env::temp_dir().join(format!("sb-cli-call-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wav = dir.join("not-a.wav");
    std::fs::write(&wav, b"RIFF, but not really").unwrap();
    let wav_arg = wav.to_str().unwrap();
    let out = run(
        &["call", "sip:bob@127.0.0.1:9", "--audio-file", wav_arg],
        Duration::from_secs(10),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(wav_arg), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);

    let out = run(
        &["call", "12ab", "--server", "sip:127.0.0.1:9"],
        Duration::from_secs(10),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("12ab"), "{stderr}");

    let out = run(&["call", "5551234"], Duration::from_secs(10));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a number needs --server: {stderr}"
    );
    assert!(stderr.contains("--server"), "{stderr}");
}

#[test]
fn a_call_to_a_dead_port_exits_1_with_reason_timeout() {
    let closed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let dead = closed.local_addr().unwrap();
    drop(closed);
    let target = format!("sip:bob@{dead}");
    let started = Instant::now();
    let out = run(
        &["call", &target, "--t1", "50", "--events", "json"],
        Duration::from_secs(20),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("timeout"), "{stderr}");
    let lines = json_lines(&out.stdout);
    let end = lines
        .iter()
        .find(|v| v["kind"] == "call" && v["state"] == "ended")
        .expect("an ended event");
    assert_eq!(end["reason"], "timeout");
    // Timer B is 64 × T1 = 3.2 s.
    assert!(started.elapsed() < Duration::from_secs(15));
}
