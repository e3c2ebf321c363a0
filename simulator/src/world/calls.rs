//! Each user's calls as the scenario's actions see them, kept from the engine's `call`
//! events (and from `dial`'s returned Call-ID): which call `answer`, `hangup`, `hold`,
//! `resume_call`, `dtmf`, `mute` … act on.
//!
//! - `answer`, `ignore`, `reject`: the latest incoming call still ringing;
//! - `hangup`, `hold`, `mute`, `unmute`, `dtmf`: the current call, i.e. the latest one
//!   in conversation (not held by us), else the latest one still alive (a ringing
//!   outgoing call is cancelled, a held one hung up);
//! - `resume_call`: the latest call we hold.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Where one call stands, from the user's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Incoming, ringing here.
    Ringing,
    /// Outgoing, not answered yet.
    Dialling,
    /// In conversation.
    Active,
    /// Held by us.
    Held,
}

#[derive(Debug, Clone)]
struct Tracked {
    /// Order of appearance (the latest call wins).
    seq: u64,
    phase: Phase,
}

/// Which call an action acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pick {
    /// The latest ringing incoming call.
    Ringing,
    /// The current call (see the module docs).
    Current,
    /// The latest call we hold.
    Held,
}

#[derive(Debug, Default)]
struct Book {
    next: u64,
    /// user → Call-ID → call.
    users: BTreeMap<String, BTreeMap<String, Tracked>>,
}

/// Every user's live calls; cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub(crate) struct CallBook(Arc<Mutex<Book>>);

impl CallBook {
    fn with<T>(&self, f: impl FnOnce(&mut Book) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// A `call` event of `user`'s engine: call `call_id` is now in `state`.
    pub(crate) fn on_event(&self, user: &str, call_id: &str, state: &str) {
        let phase = match state {
            "incoming" => Some(Phase::Ringing),
            "calling" | "ringing" => Some(Phase::Dialling),
            "answered" | "confirmed" | "resumed" => Some(Phase::Active),
            "held" => Some(Phase::Held),
            "ended" | "missed" | "rejected" | "failed" => None,
            // remote_hold, muted, dtmf, hold_failed …: no change for the picker.
            _ => return,
        };
        self.with(|book| match phase {
            Some(phase) => book.set(user, call_id, phase),
            None => {
                if let Some(calls) = book.users.get_mut(user) {
                    calls.remove(call_id);
                }
            }
        });
    }

    /// `dial` returned `call_id` (its first event may already have come).
    pub(crate) fn dialled(&self, user: &str, call_id: &str) {
        self.with(|book| {
            let known = book
                .users
                .get(user)
                .is_some_and(|calls| calls.contains_key(call_id));
            if !known {
                book.set(user, call_id, Phase::Dialling);
            }
        });
    }

    /// The Call-ID `pick` chooses among `user`'s calls.
    pub(crate) fn pick(&self, user: &str, pick: Pick) -> Option<String> {
        self.with(|book| {
            let calls = book.users.get(user)?;
            let latest = |want: &dyn Fn(Phase) -> bool| {
                calls
                    .iter()
                    .filter(|(_, c)| want(c.phase))
                    .max_by_key(|(_, c)| c.seq)
                    .map(|(id, _)| id.clone())
            };
            match pick {
                Pick::Ringing => latest(&|p| p == Phase::Ringing),
                Pick::Held => latest(&|p| p == Phase::Held),
                Pick::Current => latest(&|p| p == Phase::Active).or_else(|| latest(&|_| true)),
            }
        })
    }
}

impl Book {
    fn set(&mut self, user: &str, call_id: &str, phase: Phase) {
        let calls = self.users.entry(user.to_owned()).or_default();
        match calls.get_mut(call_id) {
            Some(c) => c.phase = phase,
            None => {
                self.next += 1;
                calls.insert(
                    call_id.to_owned(),
                    Tracked {
                        seq: self.next,
                        phase,
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_follow_the_events() {
        let book = CallBook::default();
        book.on_event("alice", "a", "incoming");
        assert_eq!(book.pick("alice", Pick::Ringing).as_deref(), Some("a"));
        assert_eq!(book.pick("alice", Pick::Current).as_deref(), Some("a"));
        book.on_event("alice", "a", "confirmed");
        book.on_event("alice", "b", "incoming");
        assert_eq!(book.pick("alice", Pick::Ringing).as_deref(), Some("b"));
        assert_eq!(book.pick("alice", Pick::Current).as_deref(), Some("a"));
        // Answering b holds a: the swap.
        book.on_event("alice", "a", "held");
        book.on_event("alice", "b", "confirmed");
        assert_eq!(book.pick("alice", Pick::Current).as_deref(), Some("b"));
        assert_eq!(book.pick("alice", Pick::Held).as_deref(), Some("a"));
        book.on_event("alice", "a", "remote_hold");
        assert_eq!(book.pick("alice", Pick::Held).as_deref(), Some("a"));
        book.on_event("alice", "b", "ended");
        assert_eq!(book.pick("alice", Pick::Current).as_deref(), Some("a"));
        assert_eq!(book.pick("alice", Pick::Ringing), None);
        assert_eq!(book.pick("bob", Pick::Current), None);
    }

    #[test]
    fn a_dialled_call_is_known_before_its_first_event() {
        let book = CallBook::default();
        book.dialled("alice", "x");
        assert_eq!(book.pick("alice", Pick::Current).as_deref(), Some("x"));
        book.on_event("alice", "x", "confirmed");
        book.dialled("alice", "x");
        book.on_event("alice", "y", "incoming");
        assert_eq!(book.pick("alice", Pick::Current).as_deref(), Some("x"));
    }
}
