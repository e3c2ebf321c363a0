//! Typed errors of SDP parsing and of offer/answer.

use sdp_types::ParserError;

/// A session description that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SdpError {
    /// The body does not start with `v=0`.
    #[error("SDP: no v=0 line")]
    NoVersion,
    /// A line of the text is malformed; `line` is 1-based.
    #[error("SDP line {line}: {what}")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        what: &'static str,
    },
    /// A `c=` address is not an IP address (host names are not supported).
    #[error("SDP c= address {value:?} (m-line {media:?}) is not an IP address")]
    Connection {
        /// 1-based m-line index, `None` at session level.
        media: Option<usize>,
        /// The address as written.
        value: String,
    },
    /// An RTP m-line lists a format that is not a payload type number 0..=127.
    #[error("SDP m-line {media}: format {value:?} is not an RTP payload type")]
    PayloadType {
        /// 1-based m-line index.
        media: usize,
        /// The format token.
        value: String,
    },
    /// A payload type that is not static has no (usable) `a=rtpmap`.
    #[error("SDP m-line {media}: payload type {pt} has no valid rtpmap")]
    MissingRtpmap {
        /// 1-based m-line index.
        media: usize,
        /// The payload type.
        pt: u8,
    },
}

/// An answer that does not fit the offer it answers (RFC 3264 §6, §7).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NegotiationError {
    /// The answer has a different number of m-lines than the offer.
    #[error("answer has {answered} m-lines, the offer had {offered}")]
    MediaCountMismatch {
        /// m-lines in the offer.
        offered: usize,
        /// m-lines in the answer.
        answered: usize,
    },
    /// An answer m-line changed the media type or transport of the offered one.
    #[error("answer m-line {media} does not match the offered media type or transport")]
    MediaMismatch {
        /// 1-based m-line index.
        media: usize,
    },
    /// The answer accepts a codec that the offer did not list.
    #[error("answer m-line {media} accepts payload type {pt}, which was not offered")]
    CodecNotOffered {
        /// 1-based m-line index.
        media: usize,
        /// The payload type.
        pt: u8,
    },
    /// An accepted stream lists no media codec (only telephone-event/CN, or nothing).
    #[error("answer m-line {media} accepts no media codec")]
    NoCodec {
        /// 1-based m-line index.
        media: usize,
    },
    /// An accepted stream has no `c=` address.
    #[error("m-line {media} has no connection address")]
    NoConnection {
        /// 1-based m-line index.
        media: usize,
    },
    /// No audio stream was offered, or the answer rejected every one (port 0).
    #[error("no audio stream was accepted")]
    NoAudio,
}

impl From<ParserError> for SdpError {
    #[allow(deprecated)] // the deprecated variants are never produced, but must be matched
    fn from(e: ParserError) -> Self {
        use ParserError as P;
        let (line, what) = match e {
            P::NoVersion | P::InvalidVersion(..) => return SdpError::NoVersion,
            P::NoOrigin => (0, "no o= line"),
            P::NoSessionName => (0, "no s= line"),
            P::UnexpectedLine(n, _) => (n, "unexpected line"),
            P::InvalidLineFormat(n, w)
            | P::InvalidFieldEncoding(n, w)
            | P::InvalidFieldFormat(n, w)
            | P::MissingField(n, w)
            | P::FieldTrailingData(n, w) => (n, w),
            P::MultipleVersions(n) => (n, "second v= line"),
            P::MultipleOrigins(n) => (n, "second o= line"),
            P::MultipleSessionNames(n) => (n, "second s= line"),
            P::MultipleSessionDescription(n) => (n, "second i= line"),
            P::MultipleUris(n) => (n, "second u= line"),
            P::MultipleConnections(n) => (n, "second c= line"),
            P::MultipleTimeZones(n) => (n, "second z= line"),
            P::MultipleMediaTitles(n) => (n, "second i= line in a media section"),
            P::MultipleKeys(n) => (n, "second k= line"),
            P::RepeatWithoutTime(n) => (n, "r= line without t= line"),
        };
        SdpError::Syntax { line, what }
    }
}
