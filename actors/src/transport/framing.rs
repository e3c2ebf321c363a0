//! Sans-IO stream framing (RFC 3261 §18.3): bytes in, whole messages out.
//!
//! A stream carries messages back to back; each ends after its header block (ended by
//! CRLFCRLF) and `Content-Length` bytes of body. Between messages, CRLF keepalives
//! (RFC 5626 §4.4.1) may appear: a double CRLF "ping" (answered with a single CRLF) and a
//! single CRLF "pong". CRLFs before a start line are otherwise ignored (RFC 3261 §7.5).
//! Without Content-Length a stream can no longer be delimited: the framer reports
//! [`FramingError::MissingContentLength`] and the connection must be closed.

use bytes::{Bytes, BytesMut};
use thiserror::Error;

/// The default limit on one message (header block plus body): 64 KiB.
pub const DEFAULT_MAX_MESSAGE: usize = 64 * 1024;

/// What the framer found next on the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// One whole SIP message (header block and body).
    Message(Bytes),
    /// A double-CRLF keepalive ping: answer it with a single CRLF pong.
    Ping,
    /// A single-CRLF keepalive pong (or a stray CRLF before a message).
    Pong,
}

/// Why the stream cannot be framed any further; the connection must be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FramingError {
    /// A message without Content-Length (mandatory on streams, RFC 3261 §18.3).
    #[error("stream message without Content-Length")]
    MissingContentLength,
    /// Content-Length is not a number, or several disagree.
    #[error("invalid Content-Length")]
    InvalidContentLength,
    /// No end of the header block within the limit.
    #[error("header block exceeds {limit} bytes")]
    HeaderTooLarge {
        /// The configured limit.
        limit: usize,
    },
    /// The header block plus the announced body exceed the limit.
    #[error("message of {length} bytes exceeds {limit} bytes")]
    MessageTooLarge {
        /// Header block plus Content-Length.
        length: usize,
        /// The configured limit.
        limit: usize,
    },
}

/// The stream framer. Feed it bytes with [`Framer::feed`], take frames with
/// [`Framer::next_frame`] until it returns `Ok(None)`.
#[derive(Debug)]
pub struct Framer {
    buf: BytesMut,
    max_message: usize,
    /// How far the header-end search has looked (no rescans on small reads).
    scanned: usize,
    /// The current message's total length, once its header block is known.
    pending: Option<usize>,
    failed: Option<FramingError>,
    /// We sent a ping: a lone trailing CRLF is its pong, not half of a ping.
    awaiting_pong: bool,
}

impl Default for Framer {
    fn default() -> Self {
        Framer::new(DEFAULT_MAX_MESSAGE)
    }
}

impl Framer {
    /// A framer refusing messages larger than `max_message` bytes.
    pub fn new(max_message: usize) -> Framer {
        Framer {
            buf: BytesMut::new(),
            max_message,
            scanned: 0,
            pending: None,
            failed: None,
            awaiting_pong: false,
        }
    }

    /// A ping went out on this stream: until its pong arrives, a lone CRLF at the end
    /// of what was read is taken as the pong instead of waiting for a second CRLF.
    pub fn expect_pong(&mut self) {
        self.awaiting_pong = true;
    }

    /// Appends bytes read from the stream.
    pub fn feed(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Bytes buffered but not yet framed.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next frame, `Ok(None)` if more bytes are needed. After an error, every call
    /// returns that error again.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, FramingError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let result = self.step();
        if let Err(e) = result {
            self.failed = Some(e);
        }
        result
    }

    fn step(&mut self) -> Result<Option<Frame>, FramingError> {
        loop {
            if self.pending.is_none() {
                match self.buf.first() {
                    None => return Ok(None),
                    Some(b'\r' | b'\n') => match self.keepalive() {
                        Keepalive::Frame(f) => return Ok(Some(f)),
                        Keepalive::NeedMore => return Ok(None),
                        Keepalive::Skipped => continue,
                    },
                    Some(_) => {}
                }
                let Some(header_len) = self.find_header_end()? else {
                    return Ok(None);
                };
                if header_len > self.max_message {
                    return Err(FramingError::HeaderTooLarge {
                        limit: self.max_message,
                    });
                }
                let body = content_length(&self.buf[..header_len])?;
                let total = header_len.saturating_add(body);
                if total > self.max_message {
                    return Err(FramingError::MessageTooLarge {
                        length: total,
                        limit: self.max_message,
                    });
                }
                self.pending = Some(total);
            }
            let total = self.pending.unwrap_or(0);
            if self.buf.len() < total {
                return Ok(None);
            }
            self.pending = None;
            self.scanned = 0;
            return Ok(Some(Frame::Message(self.buf.split_to(total).freeze())));
        }
    }

    /// Classifies CR/LF bytes at a message boundary.
    fn keepalive(&mut self) -> Keepalive {
        const PING: &[u8] = b"\r\n\r\n";
        let avail = self.buf.len().min(PING.len());
        if self.buf.starts_with(PING) {
            let _ = self.buf.split_to(PING.len());
            return Keepalive::Frame(Frame::Ping);
        }
        if self.awaiting_pong && self.buf[..] == b"\r\n"[..] {
            let _ = self.buf.split_to(2);
            self.awaiting_pong = false;
            return Keepalive::Frame(Frame::Pong);
        }
        if self.buf[..avail] == PING[..avail] {
            // "\r", "\r\n" or "\r\n\r": a ping or a pong, the next byte decides.
            return Keepalive::NeedMore;
        }
        if self.buf.starts_with(b"\r\n") {
            let _ = self.buf.split_to(2);
            self.awaiting_pong = false;
            return Keepalive::Frame(Frame::Pong);
        }
        let _ = self.buf.split_to(1);
        Keepalive::Skipped
    }

    /// The length of the header block including its CRLFCRLF, once it has all arrived.
    fn find_header_end(&mut self) -> Result<Option<usize>, FramingError> {
        let from = self.scanned.saturating_sub(3);
        match memchr::memmem::find(&self.buf[from..], b"\r\n\r\n") {
            Some(i) => Ok(Some(from + i + 4)),
            None if self.buf.len() > self.max_message => Err(FramingError::HeaderTooLarge {
                limit: self.max_message,
            }),
            None => {
                self.scanned = self.buf.len();
                Ok(None)
            }
        }
    }
}

enum Keepalive {
    Frame(Frame),
    NeedMore,
    Skipped,
}

/// Reads Content-Length (or its compact form `l`) from a header block, just enough to know
/// the body length: the full parse is the SIP layer's.
fn content_length(block: &[u8]) -> Result<usize, FramingError> {
    let mut found: Option<usize> = None;
    // Skip the start line; header lines follow, continuation lines start with SP/HT.
    for line in block.split(|&b| b == b'\n').skip(1) {
        if matches!(line.first(), Some(b' ' | b'\t')) {
            continue; // a continuation line
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = line.split_at(colon);
        let name = name.trim_ascii_end();
        if !(name.eq_ignore_ascii_case(b"content-length") || name.eq_ignore_ascii_case(b"l")) {
            continue;
        }
        let digits = value.get(1..).unwrap_or_default().trim_ascii();
        let n = parse_decimal(digits).ok_or(FramingError::InvalidContentLength)?;
        match found {
            Some(prev) if prev != n => return Err(FramingError::InvalidContentLength),
            _ => found = Some(n),
        }
    }
    found.ok_or(FramingError::MissingContentLength)
}

fn parse_decimal(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0usize, |n, &d| {
        if d.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(usize::from(d - b'0'))
        } else {
            None
        }
    })
}

#[cfg(test)]
#[path = "framing_tests.rs"]
mod tests;
