//! Helpers shared by the engine's tests that play a tiny SIP server on loopback.

#![allow(dead_code)] // each test binary uses its own subset

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use switchboard_actors::sip::{HeaderName, Request, Response, StatusCode};

/// The `switchboard` binary with `args`, stdout and stderr piped.
pub fn switchboard(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchboard"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// Runs the binary to its end, killing it if it outlives `limit`.
pub fn run(args: &[&str], limit: Duration) -> Output {
    let mut child = switchboard(args).spawn().unwrap();
    let deadline = Instant::now() + limit; // clock-ok: test code
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            // clock-ok: test code
            child.kill().unwrap();
            panic!("switchboard {args:?} did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// `r` as a datagram: printed, with the Content-Length the printer leaves out.
pub fn datagram(r: &Response) -> Vec<u8> {
    let mut bytes = r.to_bytes().to_vec();
    let at = bytes.len() - 2;
    bytes.splice(at..at, b"Content-Length: 0\r\n".iter().copied());
    bytes
}

/// A response with status `code` to `req`, with a To tag.
pub fn answer(req: &Request, code: u16) -> Response {
    let mut r = Response::to_request(req, StatusCode::new(code).unwrap());
    let to = req.headers.get(&HeaderName::To).unwrap().as_str();
    r.headers.set(HeaderName::To, format!("{to};tag=reg1"));
    r
}
