//! SIPp as the registrar: `tests/peers/sipp/uas_register_auth.xml` for user alice
//! (password alice-pw) on a free loopback port, bounded by call count and time.

use std::net::{TcpListener, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A background SIPp registrar.
pub struct Registrar {
    child: Child,
    /// Its SIP port on 127.0.0.1.
    pub port: u16,
    dir: std::path::PathBuf,
}

fn free_port() -> u16 {
    for _ in 0..50 {
        let Ok(tcp) = TcpListener::bind("127.0.0.1:0") else {
            continue;
        };
        let Ok(addr) = tcp.local_addr() else { continue };
        if UdpSocket::bind(("127.0.0.1", addr.port())).is_ok() {
            return addr.port();
        }
    }
    panic!("no free port on 127.0.0.1");
}

impl Registrar {
    /// Starts SIPp for `calls` calls over `transport` (`udp`/`tcp`), at most `max_secs`.
    pub fn start(transport: &str, calls: u32, max_secs: u64) -> Self {
        let scenario =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/peers/sipp/uas_register_auth.xml");
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("sb-reg-rate-{port}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("sipp dir");
        let tflag = if transport == "tcp" { "t1" } else { "u1" };
        let child = Command::new("timeout")
            .args(["-k", "2", &(max_secs + 5).to_string(), "sipp", "-sf"])
            .arg(scenario)
            .args(["-t", tflag, "-p", &port.to_string()])
            .args(["-m", &calls.to_string(), "-l", &calls.to_string()])
            .args([
                "-key",
                "auth_user",
                "alice",
                "-key",
                "auth_pass",
                "alice-pw",
            ])
            .args(switchboard_tests::peers::SIPP_LOOPBACK)
            .args([
                "-deadcall_wait",
                "100",
                "-nostdin",
                "-timeout",
                &format!("{max_secs}s"),
            ])
            .args(["-trace_stat", "-stf", "stat.csv", "-fd", "1"])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sipp (apt-get install sip-tester)");
        let r = Registrar { child, port, dir };
        // Ready when its port can no longer be bound.
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let free = match transport {
                "tcp" => TcpListener::bind(("127.0.0.1", port)).is_ok(),
                _ => UdpSocket::bind(("127.0.0.1", port)).is_ok(),
            };
            if !free {
                return r;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("SIPp did not bind 127.0.0.1:{port}");
    }

    /// Waits for SIPp to exit (SIGTERM by pid after `limit`); its statistics.
    pub fn finish(mut self, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        let code = loop {
            match self.child.try_wait() {
                Ok(Some(s)) => break s.code(),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                _ => {
                    let pid = self.child.id().to_string();
                    let _ = Command::new("kill").args(["-TERM", &pid]).status();
                    std::thread::sleep(Duration::from_secs(1));
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break None;
                }
            }
        };
        let csv = std::fs::read_to_string(self.dir.join("stat.csv")).unwrap_or_default();
        let header: Vec<&str> = csv.lines().next().unwrap_or_default().split(';').collect();
        let last: Vec<&str> = csv.lines().last().unwrap_or_default().split(';').collect();
        let col = |name: &str| {
            header
                .iter()
                .position(|h| *h == name)
                .and_then(|i| last.get(i).copied())
                .unwrap_or("?")
        };
        format!(
            "exit {code:?}, ok {}, failed {}, retransmissions {}",
            col("SuccessfulCall(C)"),
            col("FailedCall(C)"),
            col("Retransmissions(C)")
        )
    }
}
