//! RFC 4733 telephone-events: the 4-byte event payload and the DTMF digit
//! codes. The sender and receiver machines are in
//! [`crate::telephone_event_send`] and [`crate::telephone_event_recv`].
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     event     |E|R| volume    |          duration             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! (RFC 4733 §2.3, Figure 1.)

/// The event code of a hook flash (RFC 4733 §3.2, Table 7).
pub const FLASH: u8 = 16;

/// Why a telephone-event payload or request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// A payload that is not a whole, non-zero number of 4-byte events.
    #[error("telephone-event payload of {len} bytes is not a multiple of 4 bytes")]
    Length {
        /// Bytes received.
        len: usize,
    },
    /// A character that is not a DTMF digit (0-9, *, #, A-D).
    #[error("{0:?} is not a DTMF digit (0-9, *, #, A-D)")]
    InvalidDigit(char),
    /// A payload type above 127.
    #[error("RTP payload type {0} is not in 0..=127")]
    PayloadType(u8),
    /// A clock rate and packet time giving no whole sample per packet, or
    /// more than a duration field holds.
    #[error("{ptime_ms} ms at {clock_rate} Hz is not a usable packet interval")]
    Interval {
        /// RTP clock rate in Hz.
        clock_rate: u32,
        /// Packet interval in milliseconds.
        ptime_ms: u32,
    },
}

/// One event report: the payload of a telephone-event RTP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventPayload {
    /// Event code (0-15 DTMF, 16 flash, others RFC 4734).
    pub event: u8,
    /// The E bit: this packet reports the end of the event.
    pub end: bool,
    /// Power level in -dBm0, 0..=63 (only the low 6 bits are sent).
    pub volume: u8,
    /// Duration so far, in RTP timestamp units, from the packet's timestamp.
    pub duration: u16,
}

impl EventPayload {
    /// Parses the first event of a payload.
    ///
    /// Each event takes exactly 4 bytes; a payload carrying several (RFC 4733
    /// §2.5.1.5 packs short events, RFC 2198 adds redundancy) must be a whole
    /// multiple of 4 and only its first event is returned. The reserved R bit
    /// is ignored (§2.3).
    pub fn parse(payload: &[u8]) -> Result<EventPayload, EventError> {
        let len = payload.len();
        match payload {
            [event, flags, hi, lo, ..] if len.is_multiple_of(4) => Ok(EventPayload {
                event: *event,
                end: flags & 0x80 != 0,
                volume: flags & 0x3F,
                duration: u16::from_be_bytes([*hi, *lo]),
            }),
            _ => Err(EventError::Length { len }),
        }
    }

    /// The 4 bytes on the wire; R is 0 and a volume above 63 is sent as 63.
    pub fn to_bytes(&self) -> [u8; 4] {
        let [hi, lo] = self.duration.to_be_bytes();
        let flags = (u8::from(self.end) << 7) | self.volume.min(63);
        [self.event, flags, hi, lo]
    }
}

/// The event code of a DTMF digit: '0'-'9' are 0-9, '*' 10, '#' 11, 'A'-'D'
/// 12-15 (RFC 4733 §3.2, Table 7); lower-case 'a'-'d' are accepted too.
pub fn digit_to_event(digit: char) -> Option<u8> {
    match digit {
        '0'..='9' => Some(digit as u8 - b'0'),
        '*' => Some(10),
        '#' => Some(11),
        'A'..='D' => Some(digit as u8 - b'A' + 12),
        'a'..='d' => Some(digit as u8 - b'a' + 12),
        _ => None,
    }
}

/// The DTMF digit of an event code 0-15 (upper-case A-D); `None` otherwise,
/// including [`FLASH`], which is reported as [`Key::Flash`].
pub fn event_to_digit(event: u8) -> Option<char> {
    match event {
        0..=9 => Some(char::from(b'0' + event)),
        10 => Some('*'),
        11 => Some('#'),
        12..=15 => Some(char::from(b'A' + event - 12)),
        _ => None,
    }
}

/// What a received event stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Key {
    /// A DTMF digit (events 0-15).
    Digit(char),
    /// A hook flash (event 16).
    Flash,
    /// Any other event code (RFC 4734 tones, ...).
    Other(u8),
}

impl Key {
    /// The key an event code stands for.
    pub fn from_event(event: u8) -> Key {
        match (event_to_digit(event), event) {
            (Some(d), _) => Key::Digit(d),
            (None, FLASH) => Key::Flash,
            (None, other) => Key::Other(other),
        }
    }

    /// The digit, if this is one.
    pub fn digit(self) -> Option<char> {
        match self {
            Key::Digit(d) => Some(d),
            _ => None,
        }
    }
}
