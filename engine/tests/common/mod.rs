//! Helpers shared by the engine's tests that play a tiny SIP server on loopback.

#![allow(dead_code)] // each test binary uses its own subset

use switchboard_actors::sip::{HeaderName, Request, Response, StatusCode};

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
