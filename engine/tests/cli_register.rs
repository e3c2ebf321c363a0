//! `switchboard register` end to end: the real binary registers with a tiny digest
//! registrar on a loopback UDP socket (401 challenge, then 200), stays registered for
//! `--duration`, unregisters (Expires: 0) and exits 0; bad arguments exit 2 naming the
//! field.

use rand::SeedableRng;
use std::net::UdpSocket;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use switchboard_actors::sip::auth::{DigestCredentials, DigestServer, Password};
use switchboard_actors::sip::{parse_datagram, HeaderName, Message, ParseLimits, Request};

mod common;
use common::{answer, datagram, run};

fn expires_header(req: &Request) -> Option<String> {
    req.headers
        .get(&HeaderName::Expires)
        .map(|v| v.as_str().trim().to_owned())
}

/// Challenges a REGISTER without credentials, verifies and accepts one with them
/// (`Contact;expires=60`), answers an `Expires: 0` one with 200. Every REGISTER goes to
/// the test. Stops after the unregister, or at `until`.
fn registrar(socket: UdpSocket, seen: mpsc::Sender<Request>, until: Instant) {
    let mut digest = DigestServer::new("127.0.0.1");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut buf = vec![0u8; 65_536];
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    while Instant::now() < until {
        let Ok((n, from)) = socket.recv_from(&mut buf) else {
            continue;
        };
        let bytes = bytes::Bytes::copy_from_slice(&buf[..n]);
        let Ok(Message::Request(req)) = parse_datagram(bytes, &ParseLimits::default()) else {
            continue;
        };
        let now = Instant::now();
        let last = expires_header(&req).as_deref() == Some("0");
        let response = if last {
            answer(&req, 200)
        } else if let Some(creds) = req.headers.get(&HeaderName::Authorization) {
            let creds = DigestCredentials::parse(creds.as_str()).unwrap();
            let lookup = |u: &str| (u == "alice").then(|| Password::new("alice-pw"));
            match digest.verify(now, &creds, "REGISTER", b"", lookup) {
                Ok(_) => {
                    let mut r = answer(&req, 200);
                    let contact = req.headers.get(&HeaderName::Contact).unwrap().as_str();
                    r.headers
                        .push(HeaderName::Contact, format!("{contact};expires=60"));
                    r
                }
                Err(_) => {
                    let mut r = answer(&req, 401);
                    let challenge = digest.challenge(now, false, &mut rng);
                    r.headers
                        .push(HeaderName::WwwAuthenticate, challenge.to_string());
                    r
                }
            }
        } else {
            let mut r = answer(&req, 401);
            let challenge = digest.challenge(now, false, &mut rng);
            r.headers
                .push(HeaderName::WwwAuthenticate, challenge.to_string());
            r
        };
        socket.send_to(&datagram(&response), from).unwrap();
        let _ = seen.send(req);
        if last {
            return;
        }
    }
}

/// Runs the binary, killing it if it outlives `limit`.
#[test]
fn registers_stays_for_the_duration_then_unregisters() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let server = format!("sip:{}", socket.local_addr().unwrap());
    let (seen_tx, seen) = mpsc::channel();
    let until = Instant::now() + Duration::from_secs(20);
    let registrar = std::thread::spawn(move || registrar(socket, seen_tx, until));
    let started = Instant::now();
    let out = run(
        &[
            "register",
            "--server",
            &server,
            "--user",
            "alice",
            "--password",
            "alice-pw",
            "--duration",
            "2",
            "--events",
            "json",
        ],
        Duration::from_secs(15),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(started.elapsed() >= Duration::from_secs(2), "left early");
    assert!(!stdout.contains("alice-pw") && !stderr.contains("alice-pw"));
    let states: Vec<String> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("one JSON object a line"))
        .filter(|v| v["kind"] == "registration")
        .map(|v| {
            assert_eq!(v["account"], "sip:alice@127.0.0.1", "{v}");
            v["state"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        states,
        ["registering", "registered", "unregistering", "unregistered"],
        "{stdout}"
    );
    assert!(
        stdout.contains(r#""state":"registered","expires":60"#),
        "{stdout}"
    );

    let requests: Vec<Request> = seen.try_iter().collect();
    assert_eq!(requests.len(), 3, "challenge, authorised, unregister");
    assert!(requests[0]
        .headers
        .get(&HeaderName::Authorization)
        .is_none());
    assert!(requests[1]
        .headers
        .get(&HeaderName::Authorization)
        .is_some());
    assert_eq!(expires_header(&requests[2]).as_deref(), Some("0"));
    drop(seen);
    registrar.join().unwrap();
}

#[test]
fn a_wrong_password_exits_1_with_the_reason() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let server = format!("sip:{}", socket.local_addr().unwrap());
    let (seen_tx, seen) = mpsc::channel();
    let until = Instant::now() + Duration::from_secs(15);
    std::thread::spawn(move || registrar(socket, seen_tx, until));
    let out = run(
        &[
            "register",
            "--server",
            &server,
            "--user",
            "alice",
            "--password",
            "wrong",
            "--duration",
            "10",
        ],
        Duration::from_secs(15),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("registration failed: credentials"),
        "{stderr}"
    );
    assert!(seen.try_iter().count() >= 2, "challenged, then refused");
}

#[test]
fn a_user_name_with_a_space_exits_2_naming_the_field() {
    let out = run(
        &[
            "register",
            "--server",
            "sip:127.0.0.1:5060",
            "--user",
            "a b",
            "--password",
            "x",
        ],
        Duration::from_secs(10),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`username`"), "{stderr}");
}

#[test]
fn a_host_name_server_exits_2_asking_for_an_ip() {
    let out = run(
        &[
            "register",
            "--server",
            "sip:pbx.example.com:5060",
            "--user",
            "alice",
            "--password",
            "x",
        ],
        Duration::from_secs(10),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("pbx.example.com") && stderr.contains("IP address"),
        "{stderr}"
    );
}
