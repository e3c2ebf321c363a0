//! The SIP message parser (RFC 3261 §7, §18.3, §25).
//!
//! One pass over the bytes with `memchr`: the start line, then header lines (folding
//! undone, compact names recognised, Via / Route / Record-Route / Contact split at
//! commas), then the body framed by Content-Length. Header values and the body are
//! `Bytes::slice`s of the input (only an element folded across lines is copied). Validation
//! ([`validate`](super::validate)) then runs on the result.

mod body;
mod headers;
mod start_line;

use super::error::{Fault, ParseError};
use super::limits::ParseLimits;
use super::message::{Message, Request, Response};
use super::validate::{validate_request_in, validate_response_in};
use body::{frame_body, Framing};
use bytes::Bytes;
use headers::{eol_len, line_end, read_headers};
use start_line::{parse_start, Start};

/// Parses one UDP datagram. The body is the rest of the datagram, cut to Content-Length
/// when that is smaller (RFC 3261 §18.3); a larger Content-Length is
/// [`Fault::ContentLengthMismatch`]. Leading CRLFs are skipped (RFC 3261 §7.5).
pub fn parse_datagram(buf: Bytes, limits: &ParseLimits) -> Result<Message, ParseError> {
    parse(buf, limits, Framing::Datagram)
}

/// Parses one message already framed from a stream (TCP / TLS): Content-Length is
/// mandatory and must equal the body length.
pub fn parse_stream_message(buf: Bytes, limits: &ParseLimits) -> Result<Message, ParseError> {
    parse(buf, limits, Framing::Stream)
}

fn parse(buf: Bytes, limits: &ParseLimits, framing: Framing) -> Result<Message, ParseError> {
    if buf.len() > limits.max_message_size {
        // Read what fits for a salvaged 513; the fault is the size either way.
        let head = buf.slice(..limits.max_message_size);
        let salvage = match parse_inner(head, limits, Framing::Datagram) {
            Ok(Message::Request(r)) => Some(Box::new(r)),
            Ok(Message::Response(_)) => None,
            Err(e) => e.salvage,
        };
        return Err(ParseError {
            fault: Fault::TooLarge,
            salvage,
        });
    }
    parse_inner(buf, limits, framing)
}

fn parse_inner(buf: Bytes, limits: &ParseLimits, framing: Framing) -> Result<Message, ParseError> {
    let mut pos = buf
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .ok_or(Fault::NotSip("empty message"))?;
    let e = line_end(&buf, pos).ok_or(Fault::NotSip("truncated start line"))?;
    if e - pos > limits.max_header_len {
        return Err(Fault::HeaderTooLong.into());
    }
    let (start, start_fault) = parse_start(&buf[pos..e])?;
    pos = e + eol_len(&buf, e);
    let section = read_headers(&buf, pos, limits);
    let mut fault = start_fault.or(section.fault);
    let head = match std::str::from_utf8(&buf[pos..section.body_start]) {
        Ok(text) => Some(text),
        Err(_) => {
            fault.get_or_insert(Fault::BadEncoding("header section"));
            None
        }
    };
    let body = match fault {
        None => frame_body(&buf, section.body_start, &section.headers, framing),
        Some(_) => Ok(Bytes::new()),
    };
    match start {
        Start::Request(method, uri) => {
            let mut req = Request {
                method,
                uri,
                headers: section.headers,
                body: Bytes::new(),
            };
            let fault = match (fault, body) {
                (Some(f), _) => Some(f),
                (None, Err(f)) => validate_request_in(&req, head).err().or(Some(f)),
                (None, Ok(b)) => {
                    req.body = b;
                    validate_request_in(&req, head).err()
                }
            };
            match fault {
                None => Ok(Message::Request(req)),
                Some(fault) => Err(ParseError {
                    fault,
                    salvage: Some(Box::new(req)),
                }),
            }
        }
        Start::Response(status, reason) => {
            if let Some(f) = fault {
                return Err(f.into());
            }
            let resp = Response {
                status,
                reason,
                headers: section.headers,
                body: body?,
            };
            validate_response_in(&resp, head)?;
            Ok(Message::Response(resp))
        }
    }
}

#[cfg(test)]
mod tests;
