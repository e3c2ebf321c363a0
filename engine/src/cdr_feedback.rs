//! The user's feedback on a call: a rating from 1 to 5 and what went wrong.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What went wrong on a call, as the user saw it (Exotel's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackIssue {
    /// Nothing went wrong.
    NoIssue,
    /// Background noise.
    BackgroundNoise,
    /// Audio broke up.
    ChoppyAudio,
    /// Speech arrived late.
    HighLatency,
    /// No audio at all (one way or both).
    NoAudio,
    /// The user heard themselves.
    Echo,
}

impl FeedbackIssue {
    /// Every issue, in the order above.
    pub const ALL: [FeedbackIssue; 6] = [
        FeedbackIssue::NoIssue,
        FeedbackIssue::BackgroundNoise,
        FeedbackIssue::ChoppyAudio,
        FeedbackIssue::HighLatency,
        FeedbackIssue::NoAudio,
        FeedbackIssue::Echo,
    ];

    /// The snake_case name (`no_issue`, `choppy_audio`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackIssue::NoIssue => "no_issue",
            FeedbackIssue::BackgroundNoise => "background_noise",
            FeedbackIssue::ChoppyAudio => "choppy_audio",
            FeedbackIssue::HighLatency => "high_latency",
            FeedbackIssue::NoAudio => "no_audio",
            FeedbackIssue::Echo => "echo",
        }
    }
}

impl fmt::Display for FeedbackIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FeedbackIssue {
    type Err = FeedbackError;

    /// Parses `choppy_audio`, `choppy-audio` or `ChoppyAudio` (any case).
    fn from_str(s: &str) -> Result<FeedbackIssue, FeedbackError> {
        let folded: String = s
            .chars()
            .filter(|c| *c != '_' && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        FeedbackIssue::ALL
            .into_iter()
            .find(|issue| issue.as_str().replace('_', "") == folded)
            .ok_or_else(|| FeedbackError::UnknownIssue {
                given: s.to_owned(),
            })
    }
}

/// The user's rating of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// 1 (bad) to 5 (excellent).
    pub rating: u8,
    /// What went wrong.
    pub issue: FeedbackIssue,
}

impl Feedback {
    /// Feedback with a rating in 1..=5.
    pub fn new(rating: u8, issue: FeedbackIssue) -> Result<Feedback, FeedbackError> {
        if (1..=5).contains(&rating) {
            Ok(Feedback { rating, issue })
        } else {
            Err(FeedbackError::RatingOutOfRange { rating })
        }
    }
}

/// Feedback that cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FeedbackError {
    /// The rating is not in 1..=5.
    #[error("feedback rating {rating} is not in 1..=5")]
    RatingOutOfRange {
        /// The rating given.
        rating: u8,
    },
    /// The issue name is not one of [`FeedbackIssue::ALL`].
    #[error("unknown feedback issue {given:?} (expected one of no_issue, background_noise, choppy_audio, high_latency, no_audio, echo)")]
    UnknownIssue {
        /// The name given.
        given: String,
    },
}
