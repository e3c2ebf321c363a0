//! Call detail records: one [`CallRecord`] per call, built by a sans-IO [`CdrBuilder`]
//! the call actor owns. Stamps are unix milliseconds from the engine's injected
//! [`WallClock`](crate::clock::WallClock); the builder never reads a clock itself.
//!
//! ```text
//! {"call_id":"a84b…","direction":"outgoing","local":"sip:alice@example.com",
//!  "remote":"sip:bob@example.com","started_at_ms":1700000000000,"answered_at_ms":…,
//!  "ended_at_ms":…,"duration_ms":61000,"end_reason":"normal","ended_by":"remote",
//!  "sip_status":200,"codec":"PCMU/8000","media":{…},"feedback":{"rating":4,"issue":"echo"}}
//! ```

use serde::{Deserialize, Serialize};
use switchboard_actors::media::{CallStatistics, MediaStats};

#[path = "cdr_feedback.rs"]
mod feedback;

pub use feedback::{Feedback, FeedbackError, FeedbackIssue};

/// Who placed the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The remote party called us.
    Incoming,
    /// We called the remote party.
    Outgoing,
}

impl Direction {
    /// `incoming` or `outgoing`, as in events.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Incoming => "incoming",
            Direction::Outgoing => "outgoing",
        }
    }
}

/// The media statistics of a call, summarised for its record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MediaSummary {
    /// RTP packets sent.
    pub packets_sent: u64,
    /// RTP packets received.
    pub packets_received: u64,
    /// RTP bytes sent (whole packets).
    #[serde(default)]
    pub bytes_sent: u64,
    /// RTP bytes received (whole packets).
    #[serde(default)]
    pub bytes_received: u64,
    /// Packets expected but not received (RFC 3550 A.3; negative with duplicates).
    pub lost: i64,
    /// Cumulative loss of the stream we received, in percent.
    #[serde(default)]
    pub loss_pct: f64,
    /// Interarrival jitter of what we received (RFC 3550 A.8), in ms, once measured.
    pub jitter_ms: Option<f64>,
    /// Round-trip time from RTCP (LSR/DLSR), in ms, once measured.
    #[serde(default)]
    pub rtt_ms: Option<f64>,
    /// Loss of our stream as the peer's RTCP reports it, in percent.
    #[serde(default)]
    pub remote_loss_pct: Option<f64>,
    /// E-model (ITU-T G.107) transmission rating of what we heard.
    #[serde(default)]
    pub r_factor: Option<f64>,
    /// The MOS estimate from the R-factor (G.107 Annex B).
    #[serde(default)]
    pub mos: Option<f64>,
}

impl MediaSummary {
    /// The summary of a media session's counters (no RTCP figures).
    pub fn from_stats(stats: &MediaStats) -> MediaSummary {
        MediaSummary {
            packets_sent: stats.packets_sent,
            packets_received: stats.packets_received,
            bytes_sent: stats.bytes_sent,
            bytes_received: stats.bytes_received,
            lost: stats.lost,
            ..MediaSummary::default()
        }
    }

    /// The summary of a media session: its counters and its statistics (loss,
    /// jitter, RTT, E-model; jitter and the E-model only once something was received).
    pub fn from_session(stats: &MediaStats, st: &CallStatistics) -> MediaSummary {
        let heard = st.packets_received > 0;
        MediaSummary {
            loss_pct: st.loss_pct,
            jitter_ms: heard.then_some(st.jitter_ms),
            rtt_ms: st.rtt_ms,
            remote_loss_pct: st.remote_loss_pct,
            r_factor: heard.then_some(st.r_factor),
            mos: heard.then_some(st.mos),
            ..MediaSummary::from_stats(stats)
        }
    }
}

/// The record of one call: live (from [`CdrBuilder::snapshot`]) or final.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    /// The SIP Call-ID.
    pub call_id: String,
    /// Who placed the call.
    pub direction: Direction,
    /// Our identity (the account's AOR or the local URI).
    pub local: String,
    /// The other party's URI.
    pub remote: String,
    /// The other party's display name, when it sent one.
    pub remote_display_name: Option<String>,
    /// The account the call belongs to (its AOR), if any.
    pub account: Option<String>,
    /// When the call started (unix ms): INVITE sent or received.
    pub started_at_ms: u64,
    /// When it was answered (unix ms).
    pub answered_at_ms: Option<u64>,
    /// When it ended (unix ms); `None` while it is live.
    pub ended_at_ms: Option<u64>,
    /// Answer to end (or to now while live); 0 if never answered.
    pub duration_ms: u64,
    /// Why it ended (`normal`, `busy`, `call_limit`, ...).
    pub end_reason: Option<String>,
    /// Which side ended it: `local` or `remote`.
    pub ended_by: Option<String>,
    /// The final SIP status that ended it, if one did.
    pub sip_status: Option<u16>,
    /// The negotiated codec (`PCMU/8000`).
    pub codec: Option<String>,
    /// Media statistics, once the media session reported them.
    pub media: Option<MediaSummary>,
    /// The user's rating of the call.
    pub feedback: Option<Feedback>,
}

impl CallRecord {
    /// Whether the call has ended.
    pub fn is_ended(&self) -> bool {
        self.ended_at_ms.is_some()
    }
}

/// Builds a call's record as things happen to it. Sans-IO: every stamp is passed in.
///
/// Stamps are kept monotonic: an answer earlier than the start counts as the start, an
/// end earlier than the answer counts as the answer. The first answer and the first end
/// win; nothing is answered after the end.
#[derive(Debug, Clone, PartialEq)]
pub struct CdrBuilder {
    record: CallRecord,
}

impl CdrBuilder {
    /// A record for a call that starts at `now_ms`.
    pub fn new(
        call_id: impl Into<String>,
        direction: Direction,
        local: impl Into<String>,
        remote: impl Into<String>,
        account: Option<String>,
        now_ms: u64,
    ) -> CdrBuilder {
        CdrBuilder {
            record: CallRecord {
                call_id: call_id.into(),
                direction,
                local: local.into(),
                remote: remote.into(),
                remote_display_name: None,
                account,
                started_at_ms: now_ms,
                answered_at_ms: None,
                ended_at_ms: None,
                duration_ms: 0,
                end_reason: None,
                ended_by: None,
                sip_status: None,
                codec: None,
                media: None,
                feedback: None,
            },
        }
    }

    /// The call's Call-ID.
    pub fn call_id(&self) -> &str {
        &self.record.call_id
    }

    /// Whether [`ended`](Self::ended) was called.
    pub fn is_ended(&self) -> bool {
        self.record.ended_at_ms.is_some()
    }

    /// Sets the other party's display name.
    pub fn remote_display_name(&mut self, name: Option<String>) -> &mut Self {
        self.record.remote_display_name = name;
        self
    }

    /// The call was answered at `now_ms` (the first answer wins; ignored after the end).
    pub fn answered(&mut self, now_ms: u64) -> &mut Self {
        if self.record.answered_at_ms.is_none() && self.record.ended_at_ms.is_none() {
            self.record.answered_at_ms = Some(now_ms.max(self.record.started_at_ms));
        }
        self
    }

    /// The negotiated codec so far.
    pub fn codec_name(&self) -> Option<&str> {
        self.record.codec.as_deref()
    }

    /// Sets the negotiated codec (a re-INVITE may change it).
    pub fn codec(&mut self, codec: impl Into<String>) -> &mut Self {
        self.record.codec = Some(codec.into());
        self
    }

    /// Sets the media statistics (the latest report wins).
    pub fn media(&mut self, media: MediaSummary) -> &mut Self {
        self.record.media = Some(media);
        self
    }

    /// The call ended at `now_ms` (the first end wins).
    pub fn ended(
        &mut self,
        now_ms: u64,
        reason: &str,
        by: Option<&str>,
        status: Option<u16>,
    ) -> &mut Self {
        if self.record.ended_at_ms.is_none() {
            let floor = self
                .record
                .answered_at_ms
                .unwrap_or(self.record.started_at_ms);
            self.record.ended_at_ms = Some(now_ms.max(floor));
            self.record.end_reason = Some(reason.to_owned());
            self.record.ended_by = by.map(str::to_owned);
            self.record.sip_status = status;
        }
        self
    }

    /// Attaches the user's feedback (the latest wins).
    pub fn feedback(&mut self, feedback: Feedback) -> &mut Self {
        self.record.feedback = Some(feedback);
        self
    }

    /// The record as of `now_ms` (used for the duration of a live call).
    pub fn snapshot(&self, now_ms: u64) -> CallRecord {
        let mut record = self.record.clone();
        record.duration_ms = match (record.answered_at_ms, record.ended_at_ms) {
            (Some(answered), Some(ended)) => ended.saturating_sub(answered),
            (Some(answered), None) => now_ms.saturating_sub(answered),
            (None, _) => 0,
        };
        record
    }
}

#[cfg(test)]
#[path = "cdr_tests.rs"]
mod tests;
