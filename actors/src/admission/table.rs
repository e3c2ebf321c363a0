//! Every move a call can make, written down: `(from, trigger, to)`, `None` meaning "not
//! tracked" (before it is admitted, after it ends). The machine takes no other move; the
//! tests check that, and that each entry is reachable.

use super::Phase::{self, *};

/// What made a call move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trigger {
    /// [`super::Input::IncomingOffered`], within the limit.
    Offered,
    /// [`super::Input::DialRequested`], admitted.
    Dial,
    /// [`super::Input::AnswerRequested`].
    Answer,
    /// [`super::Input::HoldRequested`].
    Hold,
    /// [`super::Input::ResumeRequested`].
    Resume,
    /// Another call needs the foreground: this one is put on hold.
    Displaced,
    /// [`super::Input::Connected`].
    Connected,
    /// [`super::Input::HoldDone`].
    HoldDone,
    /// [`super::Input::HoldFailed`].
    HoldFailed,
    /// [`super::Input::ResumeDone`].
    ResumeDone,
    /// [`super::Input::ResumeFailed`].
    ResumeFailed,
    /// [`super::Input::CallEnded`].
    Ended,
    /// The foreground call it waited for is on hold or gone.
    SlotFree,
    /// The foreground call it waited for could not be put on hold.
    SlotLost,
    /// A cellular call was answered.
    CellularAnswered,
    /// The cellular call ended.
    CellularEnded,
}

use Trigger as T;

/// One legal move.
pub type Transition = (Option<Phase>, Trigger, Option<Phase>);

/// The legal moves, grouped by the phase they leave.
pub const TRANSITIONS: &[Transition] = &[
    (None, T::Offered, Some(Incoming)),
    (None, T::Dial, Some(Dialling)),
    (None, T::Dial, Some(DialWaiting)),
    // Incoming: answered at once, or after the active call is held; a cellular call
    // answered rejects it 486.
    (Some(Incoming), T::Answer, Some(Active)),
    (Some(Incoming), T::Answer, Some(Answering)),
    (Some(Incoming), T::CellularAnswered, None),
    (Some(Incoming), T::Ended, None),
    (Some(Answering), T::SlotFree, Some(Active)),
    (Some(Answering), T::SlotLost, Some(Incoming)),
    (Some(Answering), T::CellularAnswered, None),
    (Some(Answering), T::Ended, None),
    // Outgoing.
    (Some(DialWaiting), T::SlotFree, Some(Dialling)),
    (Some(DialWaiting), T::SlotLost, None),
    (Some(DialWaiting), T::CellularAnswered, None),
    (Some(DialWaiting), T::Ended, None),
    (Some(Dialling), T::Connected, Some(Active)),
    (Some(Dialling), T::CellularAnswered, None),
    (Some(Dialling), T::Ended, None),
    // In conversation.
    (Some(Active), T::Hold, Some(Holding)),
    (Some(Active), T::Displaced, Some(Holding)),
    (Some(Active), T::CellularAnswered, None),
    (Some(Active), T::CellularAnswered, Some(HoldingForCellular)),
    (Some(Active), T::Ended, None),
    // On hold, by us.
    (Some(Holding), T::HoldDone, Some(Held)),
    (Some(Holding), T::HoldFailed, Some(Active)),
    (Some(Holding), T::HoldFailed, None),
    (Some(Holding), T::Ended, None),
    (Some(Held), T::Resume, Some(Resuming)),
    (Some(Held), T::Resume, Some(ResumeWaiting)),
    (Some(Held), T::Ended, None),
    (Some(ResumeWaiting), T::SlotFree, Some(Resuming)),
    (Some(ResumeWaiting), T::SlotLost, Some(Held)),
    (Some(ResumeWaiting), T::Hold, Some(Held)),
    (Some(ResumeWaiting), T::CellularAnswered, Some(Held)),
    (Some(ResumeWaiting), T::Ended, None),
    (Some(Resuming), T::ResumeDone, Some(Active)),
    (Some(Resuming), T::ResumeDone, Some(HoldingForCellular)),
    (Some(Resuming), T::ResumeFailed, Some(Held)),
    (Some(Resuming), T::CellularAnswered, None),
    (Some(Resuming), T::Ended, None),
    // On hold because of a cellular call.
    (Some(HoldingForCellular), T::HoldDone, Some(HeldByCellular)),
    (Some(HoldingForCellular), T::HoldDone, Some(Held)),
    (Some(HoldingForCellular), T::HoldDone, Some(Resuming)),
    (Some(HoldingForCellular), T::HoldFailed, None),
    (Some(HoldingForCellular), T::HoldFailed, Some(Active)),
    (Some(HoldingForCellular), T::Hold, Some(Holding)),
    (Some(HoldingForCellular), T::Ended, None),
    (Some(HeldByCellular), T::CellularEnded, Some(Resuming)),
    (Some(HeldByCellular), T::CellularEnded, Some(Held)),
    (Some(HeldByCellular), T::Hold, Some(Held)),
    (Some(HeldByCellular), T::Ended, None),
];

/// Whether `(from, trigger, to)` is in [`TRANSITIONS`].
pub fn is_legal(from: Option<Phase>, trigger: Trigger, to: Option<Phase>) -> bool {
    TRANSITIONS.contains(&(from, trigger, to))
}
