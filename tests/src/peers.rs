//! The real Kamailio peer (`tests/peers/up.sh`): is it running, and which bindings
//! does its location table hold (`kamcmd … ul.lookup location USER`).
//!
//! Only std, so that `engine/tests/kamailio_cli.rs` can include this file with
//! `#[path]` (the CLI test must live in the engine crate to find the binary).
//!
//! When Kamailio does not answer: with `SWITCHBOARD_PEERS=1` (set by `.ci/run`) the test
//! fails; without it the test prints a loud `SKIPPED` line and returns, so that
//! `cargo test --workspace` still runs on a machine without the peers.

#![allow(dead_code)] // the CLI test uses a subset

use std::io::Write;
use std::net::UdpSocket;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// Kamailio's SIP address (UDP and TCP), fixed by `tests/peers/kamailio/kamailio.cfg`.
pub const KAMAILIO: &str = "127.0.0.1:5070";

/// The users Kamailio knows; each one's password is `<user>-pw`.
pub const USERS: [&str; 4] = ["alice", "bob", "carol", "dave"];

/// SIPp's flags that keep every socket on loopback (without `-bind_local` the SIP socket
/// binds 0.0.0.0; without `-ci` its UDP control port does; ../shared/peers/README.md).
pub const SIPP_LOOPBACK: [&str; 7] = [
    "-i",
    "127.0.0.1",
    "-mi",
    "127.0.0.1",
    "-bind_local",
    "-ci",
    "127.0.0.1",
];

/// The env var that makes a missing peer a failure instead of a skip.
pub const REQUIRE_ENV: &str = "SWITCHBOARD_PEERS";

/// The running Kamailio: where its RPC socket is.
#[derive(Debug, Clone)]
pub struct Kamailio {
    ctl: PathBuf,
}

/// One contact bound to an address of record, as `ul.lookup` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The contact URI, e.g. `sip:alice@127.0.0.1:40000;transport=tcp`.
    pub address: String,
    /// Seconds left.
    pub expires: u32,
    /// The CSeq of the REGISTER that last refreshed it.
    pub cseq: u32,
    /// The REGISTERs' Call-ID.
    pub call_id: String,
}

/// The Kamailio of `tests/peers/up.sh`, or `None` (after printing why) when it is not
/// running and `SWITCHBOARD_PEERS` is unset. Panics when it is not running and
/// `SWITCHBOARD_PEERS=1`.
pub fn kamailio(test: &str) -> Option<Kamailio> {
    let ctl = peers_run().join("kamailio").join("kamailio_ctl");
    let problem = match (ctl.exists(), options_ping()) {
        (true, Ok(())) => return Some(Kamailio { ctl }),
        (false, _) => format!("no Kamailio RPC socket at {}", ctl.display()),
        (true, Err(e)) => format!("Kamailio at {KAMAILIO} does not answer OPTIONS: {e}"),
    };
    skip_or_fail(test, "Kamailio", &problem);
    None
}

/// The peers' run directory: `$PEERS_RUN`, default `/tmp/peers` (as `tests/peers/up.sh`).
pub fn peers_run() -> PathBuf {
    std::env::var_os("PEERS_RUN").map_or_else(|| PathBuf::from("/tmp/peers"), Into::into)
}

/// A peer `what` is missing because of `problem`: panics when `SWITCHBOARD_PEERS=1`,
/// else prints a loud `SKIPPED` line (the caller then returns).
pub fn skip_or_fail(test: &str, what: &str, problem: &str) {
    let required = std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{test}: {problem}; {REQUIRE_ENV}=1 requires it (start it with tests/peers/up.sh)"
    );
    // Straight to stderr, not `eprintln!`: libtest captures the macros' output of a
    // passing test, and a skip must be seen.
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED {test}: {what} not running ({problem}); start it with \
         tests/peers/up.sh, or set {REQUIRE_ENV}=1 to make this a failure ***\n"
    );
}

/// One OPTIONS to Kamailio itself over UDP; Kamailio answers `200 Keepalive`.
fn options_ping() -> Result<(), String> {
    let sock = UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let local = sock.local_addr().map_err(|e| e.to_string())?;
    sock.set_read_timeout(Some(Duration::from_millis(500)))
        .map_err(|e| e.to_string())?;
    let ping = format!(
        "OPTIONS sip:{KAMAILIO} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {local};rport;branch=z9hG4bK-probe-{port}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:probe@{local}>;tag=probe\r\n\
         To: <sip:{KAMAILIO}>\r\n\
         Call-ID: probe-{port}@127.0.0.1\r\n\
         CSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n",
        port = local.port()
    );
    let mut buf = [0u8; 4096];
    for _ in 0..3 {
        sock.send_to(ping.as_bytes(), KAMAILIO)
            .map_err(|e| e.to_string())?;
        if let Ok(n) = sock.recv(&mut buf) {
            let text = String::from_utf8_lossy(&buf[..n]);
            return if text.starts_with("SIP/2.0 200") {
                Ok(())
            } else {
                Err(text.lines().next().unwrap_or_default().to_owned())
            };
        }
    }
    Err("no response in 1.5 s".into())
}

impl Kamailio {
    /// Runs `kamcmd` with `args` on Kamailio's RPC socket; its stdout, or its error.
    pub fn kamcmd(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new("timeout")
            .args(["-k", "1", "10", "kamcmd", "-s"])
            .arg(format!("unix:{}", self.ctl.display()))
            .args(args)
            .output()
            .map_err(|e| format!("kamcmd: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if out.status.success() && !stdout.starts_with("error:") {
            Ok(stdout)
        } else {
            Err(format!("{stdout}{stderr}"))
        }
    }

    /// The contacts bound to `user`'s address of record (none: an empty list).
    pub fn bindings(&self, user: &str) -> Vec<Binding> {
        match self.kamcmd(&["ul.lookup", "location", user]) {
            Ok(text) => parse_bindings(&text),
            Err(e) if e.contains("AOR not found") => Vec::new(),
            Err(e) => panic!("kamcmd ul.lookup location {user}: {e}"),
        }
    }

    /// `user`'s binding whose contact is at local port `port`, if any.
    pub fn binding_at(&self, user: &str, port: u16) -> Option<Binding> {
        let at = format!("@127.0.0.1:{port}");
        self.bindings(user)
            .into_iter()
            .find(|b| b.address.contains(&at))
    }

    /// Polls (every 100 ms, at most `limit`) until `check` holds on `user`'s binding
    /// at `port`; the last value seen, and whether `check` held.
    pub fn wait_binding(
        &self,
        user: &str,
        port: u16,
        limit: Duration,
        check: impl Fn(Option<&Binding>) -> bool,
    ) -> (Option<Binding>, bool) {
        let deadline = Instant::now() + limit;
        loop {
            let b = self.binding_at(user, port);
            if check(b.as_ref()) {
                return (b, true);
            }
            if Instant::now() >= deadline {
                return (b, false);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The `Contact: { … }` blocks of `ul.lookup`/`ul.dump` output.
pub fn parse_bindings(text: &str) -> Vec<Binding> {
    let mut out = Vec::new();
    let mut cur: Option<Binding> = None;
    for line in text.lines().map(str::trim) {
        if line == "Contact: {" {
            cur = Some(Binding {
                address: String::new(),
                expires: 0,
                cseq: 0,
                call_id: String::new(),
            });
            continue;
        }
        let Some(b) = cur.as_mut() else { continue };
        if line == "}" {
            out.extend(cur.take());
        } else if let Some(v) = line.strip_prefix("Address: ") {
            b.address = v.to_owned();
        } else if let Some(v) = line.strip_prefix("Expires: ") {
            b.expires = v.parse().unwrap_or(0);
        } else if let Some(v) = line.strip_prefix("CSeq: ") {
            b.cseq = v.parse().unwrap_or(0);
        } else if let Some(v) = line.strip_prefix("Call-ID: ") {
            b.call_id = v.to_owned();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ul_lookup_output() {
        let text = "{\n\tAoR: bob\n\tContacts: {\n\t\tContact: {\n\
            \t\t\tAddress: sip:bob@127.0.0.1:44517;transport=tcp\n\t\t\tExpires: 59\n\
            \t\t\tQ: -1\n\t\t\tCall-ID: fd20cf\n\t\t\tCSeq: 2\n\t\t\tPath: [not set]\n\
            \t\t}\n\t}\n}\n";
        assert_eq!(
            parse_bindings(text),
            [Binding {
                address: "sip:bob@127.0.0.1:44517;transport=tcp".into(),
                expires: 59,
                cseq: 2,
                call_id: "fd20cf".into(),
            }]
        );
        assert!(parse_bindings("error: 500 - AOR not found").is_empty());
    }
}
