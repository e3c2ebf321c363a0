//! Size limits applied while parsing, so a peer cannot make us allocate without bound.

/// Limits checked by [`parse_datagram`](super::parse_datagram) and
/// [`parse_stream_message`](super::parse_stream_message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ParseLimits {
    /// Largest whole message in bytes (→ `Fault::TooLarge`, 513).
    pub max_message_size: usize,
    /// Most header fields, counted after comma-separated values are split
    /// (→ `Fault::TooManyHeaders`).
    pub max_headers: usize,
    /// Longest header line in bytes, folded continuation lines included, and longest
    /// start line (→ `Fault::HeaderTooLong`).
    pub max_header_len: usize,
}

impl Default for ParseLimits {
    fn default() -> ParseLimits {
        ParseLimits {
            max_message_size: 65536,
            max_headers: 256,
            max_header_len: 8192,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let l = ParseLimits::default();
        assert_eq!(
            (l.max_message_size, l.max_headers, l.max_header_len),
            (65536, 256, 8192)
        );
    }
}
