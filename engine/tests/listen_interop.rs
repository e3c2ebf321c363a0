//! `switchboard listen` against real peers on loopback: SIPp pings it with OPTIONS over
//! UDP and TCP, sipsak pings it, malformed datagrams get 400/505 and the process stays up,
//! SIGTERM stops it cleanly. Needs `sipp` and `sipsak` (`apt-get install sip-tester sipsak`;
//! `.ci/run` installs them).

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `switchboard listen`, killed on drop if the test did not stop it.
struct Listener {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port free on 127.0.0.1 for both UDP and TCP (bound, then released).
fn free_port() -> u16 {
    for _ in 0..50 {
        let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = tcp.local_addr().unwrap().port();
        if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port on 127.0.0.1");
}

fn start() -> Listener {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["listen", "--udp", &addr, "--tcp", &addr, "--events", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn switchboard");
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let listener = Listener { child, port, lines };
    let mut seen = Vec::new();
    while !(seen.iter().any(|l: &String| l.contains("\"udp\""))
        && seen.iter().any(|l: &String| l.contains("\"tcp\"")))
    {
        let line = listener
            .lines
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("switchboard did not report listening; got {seen:?}"));
        let v: serde_json::Value = serde_json::from_str(&line).expect("every stdout line is JSON");
        assert!(v.get("kind").is_some(), "event without kind: {line}");
        if v["kind"] == "listening" {
            seen.push(line);
        }
    }
    listener
}

fn require(tool: &str, package: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "{tool} not installed: apt-get install {package} (.ci/run does)"
    );
}

fn sipp_options(port: u16, transport: &str, calls: u32) {
    require("sipp", "sip-tester");
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/sipp/options.xml");
    let dir = std::env::temp_dir().join(format!("sb-sipp-{transport}-{port}"));
    std::fs::create_dir_all(&dir).unwrap();
    let status = Command::new("timeout")
        .args(["-k", "2", "40", "sipp"])
        .args(["-sf", scenario, &format!("127.0.0.1:{port}")])
        .args([
            "-t",
            transport,
            "-m",
            &calls.to_string(),
            "-r",
            "100",
            "-l",
            "50",
        ])
        .args(["-p", &free_port().to_string()])
        .args([
            "-i",
            "127.0.0.1",
            "-mi",
            "127.0.0.1",
            "-bind_local",
            "-ci",
            "127.0.0.1",
        ])
        .args(["-nostdin", "-timeout", "30s", "-timeout_error"])
        .args(["-trace_stat", "-stf"])
        .arg(dir.join("stat.csv"))
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run sipp");
    // SIPp exits 0 only if every call (OPTIONS → 200) succeeded.
    assert_eq!(
        status.code(),
        Some(0),
        "sipp {transport}: some OPTIONS did not get 200"
    );
    let csv = std::fs::read_to_string(dir.join("stat.csv")).unwrap_or_default();
    let last = csv.lines().last().unwrap_or_default().to_owned();
    let header: Vec<&str> = csv.lines().next().unwrap_or_default().split(';').collect();
    let values: Vec<&str> = last.split(';').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .and_then(|i| values.get(i))
            .and_then(|v| v.parse::<u32>().ok())
    };
    assert_eq!(col("SuccessfulCall(C)"), Some(calls), "sipp stats: {last}");
    assert_eq!(col("FailedCall(C)"), Some(0), "sipp stats: {last}");
}

fn udp_exchange(port: u16, datagram: &[u8]) -> String {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    sock.send_to(datagram, ("127.0.0.1", port)).unwrap();
    let mut buf = [0u8; 65536];
    let (n, _) = sock.recv_from(&mut buf).expect("a response");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn request(start_line: &str, extra: &str, port: u16) -> Vec<u8> {
    format!(
        "{start_line}\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK-{n}\r\n\
         From: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:listen@127.0.0.1:{port}>\r\n\
         Call-ID: malformed-{n}@127.0.0.1\r\n{extra}Content-Length: 0\r\n\r\n",
        n = extra.len() + start_line.len()
    )
    .into_bytes()
}

#[test]
fn sipp_sipsak_and_malformed_against_listen() {
    let mut l = start();
    let port = l.port;

    sipp_options(port, "u1", 200);
    sipp_options(port, "t1", 200);

    require("sipsak", "sipsak");
    let out = Command::new("timeout")
        .args(["20", "sipsak", "-k", "127.0.0.1", "-H", "127.0.0.1", "-s"])
        .arg(format!("sip:127.0.0.1:{port}"))
        .output()
        .expect("run sipsak");
    assert!(
        out.status.success(),
        "sipsak: {}",
        String::from_utf8_lossy(&out.stdout)
    );

    let uri = format!("sip:listen@127.0.0.1:{port}");
    // CSeq method differs from the request method.
    let r = udp_exchange(
        port,
        &request(
            &format!("OPTIONS {uri} SIP/2.0"),
            "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n",
            port,
        ),
    );
    assert!(r.starts_with("SIP/2.0 400 "), "{r}");
    assert!(r.contains("CSeq"), "reason names the fault: {r}");
    // Unsupported version.
    let r = udp_exchange(
        port,
        &request(
            &format!("OPTIONS {uri} SIP/7.0"),
            "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n",
            port,
        ),
    );
    assert!(r.starts_with("SIP/2.0 505 "), "{r}");
    // Missing CSeq.
    let r = udp_exchange(
        port,
        &request(
            &format!("OPTIONS {uri} SIP/2.0"),
            "Max-Forwards: 70\r\n",
            port,
        ),
    );
    assert!(r.starts_with("SIP/2.0 400 "), "{r}");
    // Junk is dropped without an answer; the process stays up and still answers.
    let junk = UdpSocket::bind("127.0.0.1:0").unwrap();
    junk.send_to(b"\x00\x01garbage\r\n\r\n", ("127.0.0.1", port))
        .unwrap();
    let r = udp_exchange(
        port,
        &request(
            &format!("OPTIONS {uri} SIP/2.0"),
            "CSeq: 7 OPTIONS\r\nMax-Forwards: 70\r\n",
            port,
        ),
    );
    assert!(r.starts_with("SIP/2.0 200 "), "{r}");
    assert!(l.child.try_wait().unwrap().is_none(), "listen must stay up");

    // SIGTERM: clean shutdown, exit status 0.
    let pid = l.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let mut status = None;
    for _ in 0..100 {
        if let Some(s) = l.child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "clean exit on SIGTERM"
    );
}
