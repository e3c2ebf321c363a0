//! The call actions (issue 5): `dial`, `dial_number`, `answer`, `reject`, `ignore`,
//! `hangup`, `hold`, `resume_call`, `mute`, `unmute`, `dtmf`, `cellular`. Each returns
//! its outcome for the trace's `action` record: `ok`, or the engine's error in words
//! (a refused dial during a cellular call is `call refused: a cellular call is active`),
//! or why there was nothing to act on (`no ringing call`, `no call`, `no held call`).

use super::calls::{CallBook, Pick};
use super::signals::cellular_event;
use crate::scenario::{Action, CellularState};
use switchboard::{Account, DialOptions, Engine, EngineError};

/// What one call action needs.
pub(crate) struct CallCx<'a> {
    pub engine: &'a Engine,
    pub account: Option<&'a Account>,
    pub calls: &'a CallBook,
    pub user: &'a str,
    /// `dial`'s target, resolved (a scenario name becomes `sip:NAME@ADDR`).
    pub to: &'a str,
}

/// Runs `action` when it is a call action; `None` otherwise.
pub(crate) async fn run(cx: CallCx<'_>, action: &Action) -> Option<String> {
    let CallCx {
        engine,
        account,
        calls,
        user,
        to,
    } = cx;
    let pick = |p: Pick| calls.pick(user, p).map(|id| engine.call(&id));
    let outcome = match action {
        Action::Dial { .. } | Action::DialNumber { .. } => {
            let Some(account) = account else {
                return Some("no account: give the user an `account` table".to_owned());
            };
            let dialled = match action {
                Action::DialNumber { number } => {
                    engine
                        .dial_number(account, number, DialOptions::new())
                        .await
                }
                _ => engine.dial(account, to, DialOptions::new()).await,
            };
            match dialled {
                Ok(call) => {
                    calls.dialled(user, call.id());
                    "ok".to_owned()
                }
                Err(e) => e.to_string(),
            }
        }
        Action::Answer | Action::Ignore | Action::Reject { .. } => match pick(Pick::Ringing) {
            None => "no ringing call".to_owned(),
            Some(call) => result(match action {
                Action::Answer => call.answer().await,
                Action::Ignore => call.ignore().await,
                Action::Reject { code } => call.reject(*code).await,
                _ => return None,
            }),
        },
        Action::ResumeCall => match pick(Pick::Held) {
            None => "no held call".to_owned(),
            Some(call) => result(call.resume().await),
        },
        Action::Hangup | Action::Hold | Action::Mute | Action::Unmute | Action::Dtmf { .. } => {
            match pick(Pick::Current) {
                None => "no call".to_owned(),
                Some(call) => result(match action {
                    Action::Hangup => call.hangup().await,
                    Action::Hold => call.hold().await,
                    Action::Mute => call.mute().await,
                    Action::Unmute => call.unmute().await,
                    Action::Dtmf { digits } => call.send_dtmf(digits).await,
                    _ => return None,
                }),
            }
        }
        Action::Cellular { state } => {
            let name = match state {
                CellularState::Ringing => "ringing",
                CellularState::Answered => "answered",
                CellularState::Ended => "ended",
            };
            match cellular_event(name) {
                Some(event) => result(engine.cellular(event).await),
                None => return None,
            }
        }
        Action::NetworkChanged => match engine.network_changed().await {
            Ok(moved) if moved.moves.is_empty() => "unchanged".to_owned(),
            Ok(moved) => (moved.moves.iter())
                .map(|(from, to)| format!("{from} -> {to}"))
                .collect::<Vec<_>>()
                .join(", "),
            Err(e) => e.to_string(),
        },
        _ => return None,
    };
    Some(outcome)
}

/// `ok`, or the error in words.
pub(crate) fn result(r: Result<(), EngineError>) -> String {
    match r {
        Ok(()) => "ok".to_owned(),
        Err(e) => e.to_string(),
    }
}
