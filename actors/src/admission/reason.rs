//! [`EndReason`]: why a call ended, in the seeds' vocabulary.

/// Which side ended a call normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// We hung up (BYE or CANCEL sent).
    Local,
    /// The other side hung up.
    Remote,
}

/// Why a call ended (the `Disconnected` state's reason). Admission decides two of them
/// (`CallLimit`, `CellularCall`); the call and dialog machines decide the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EndReason {
    /// A hang-up after the call was answered.
    Normal {
        /// Who hung up.
        by: Side,
    },
    /// The callee was busy (486, 600).
    Busy,
    /// The callee, or our user, declined (603, or another 4xx–6xx the user chose).
    Rejected,
    /// The caller cancelled before an answer.
    Cancelled,
    /// Nobody answered before the ring timer.
    NoAnswer,
    /// A transaction timed out (no response, or no ACK).
    Timeout,
    /// The network or the far end was overloaded (503, 480 with Retry-After, 408).
    Congestion,
    /// Authentication failed (401/407 with credentials refused).
    AuthFailed,
    /// The call limit was reached.
    CallLimit,
    /// A cellular call took over.
    CellularCall,
    /// The network changed and the call could not be moved.
    NetworkChange,
    /// No media arrived for too long.
    NoMedia,
    /// A re-INVITE changed the media in a way we could not accept.
    MediaChanged,
    /// An actor of the call failed.
    InternalError,
}

impl EndReason {
    /// The snake_case name used in events and CDRs (`normal`, `call_limit`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Normal { .. } => "normal",
            EndReason::Busy => "busy",
            EndReason::Rejected => "rejected",
            EndReason::Cancelled => "cancelled",
            EndReason::NoAnswer => "no_answer",
            EndReason::Timeout => "timeout",
            EndReason::Congestion => "congestion",
            EndReason::AuthFailed => "auth_failed",
            EndReason::CallLimit => "call_limit",
            EndReason::CellularCall => "cellular_call",
            EndReason::NetworkChange => "network_change",
            EndReason::NoMedia => "no_media",
            EndReason::MediaChanged => "media_changed",
            EndReason::InternalError => "internal_error",
        }
    }

    /// Who hung up, for a normal end.
    pub fn by(self) -> Option<Side> {
        match self {
            EndReason::Normal { by } => Some(by),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case_and_distinct() {
        let all = [
            EndReason::Normal { by: Side::Local },
            EndReason::Busy,
            EndReason::Rejected,
            EndReason::Cancelled,
            EndReason::NoAnswer,
            EndReason::Timeout,
            EndReason::Congestion,
            EndReason::AuthFailed,
            EndReason::CallLimit,
            EndReason::CellularCall,
            EndReason::NetworkChange,
            EndReason::NoMedia,
            EndReason::MediaChanged,
            EndReason::InternalError,
        ];
        let names: std::collections::BTreeSet<_> = all.iter().map(|r| r.as_str()).collect();
        assert_eq!(names.len(), all.len());
        assert!(names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        assert_eq!(
            EndReason::Normal { by: Side::Remote }.by(),
            Some(Side::Remote)
        );
        assert_eq!(EndReason::Busy.by(), None);
    }
}
