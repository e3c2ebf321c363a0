//! The life of the `call` command's call: dial, follow its events, send DTMF once it is
//! confirmed, hang up on the timer or on SIGINT/SIGTERM, and judge how it ended.

use super::*;
use std::future::Future;
use std::pin::Pin;
use switchboard::{Account, Call, DialOptions};

/// What to dial and what to do in the call.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The target as given.
    pub(crate) target: String,
    /// A telephone number (`dial_number`) rather than a URI (`dial`).
    pub(crate) number: bool,
    /// Dial options (the audio file).
    pub(crate) options: DialOptions,
    /// DTMF digits to send once confirmed.
    pub(crate) dtmf: Option<String>,
    /// Hang up this long after confirmation.
    pub(crate) hangup_after: Option<Duration>,
}

/// How following the call ended.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The engine refused to dial.
    DialFailed(EngineError),
    /// The process's exit code.
    Exit(ExitCode),
}

/// How long a hang-up may take to be reported before we give up on it.
const HANGUP_GRACE: Duration = Duration::from_secs(10);

/// The final states of a call's events.
fn is_final(state: &str) -> bool {
    matches!(state, "ended" | "missed" | "rejected" | "failed")
}

/// The exit code for a call that reached final `state`: 0 only for a confirmed call
/// that ended normally; otherwise the reason is printed.
fn judge(confirmed: bool, state: &str, reason: Option<&str>, status: Option<u16>) -> ExitCode {
    let reason = reason.unwrap_or("other");
    if confirmed && state == "ended" && reason == "normal" {
        return ExitCode::SUCCESS;
    }
    match status {
        Some(s) => eprintln!("error: call {state}: {reason} (status {s})"),
        None => eprintln!("error: call {state}: {reason}"),
    }
    ExitCode::from(1)
}

/// Asks the engine to hang up; a call that is already gone is fine (its end event is
/// on its way).
async fn hang_up(call: &Call) {
    match call.hangup().await {
        Ok(()) | Err(EngineError::UnknownCall { .. }) => {}
        Err(e) => eprintln!("warning: hangup: {e}"),
    }
}

/// Sends `digits` in `call` on a task of its own (the event loop goes on).
fn send_dtmf(call: &Call, digits: String) {
    let call = call.clone();
    tokio::spawn(async move {
        if let Err(e) = call.send_dtmf(&digits).await {
            eprintln!("warning: DTMF `{digits}`: {e}");
        }
    });
}

type Timer = Pin<Box<dyn Future<Output = ()> + Send>>;

fn timer(after: Duration) -> Timer {
    Box::pin(tokio::time::sleep(after))
}

/// Dials per `plan` from `account` and follows the call to its end, printing events.
pub(crate) async fn follow(
    engine: &Engine,
    account: &Account,
    events: &mut EventStream,
    format: EventFormat,
    plan: Plan,
) -> Outcome {
    let dialled = if plan.number {
        engine
            .dial_number(account, &plan.target, plan.options)
            .await
    } else {
        engine.dial(account, &plan.target, plan.options).await
    };
    let call = match dialled {
        Ok(call) => call,
        Err(e) => return Outcome::DialFailed(e),
    };
    let stop = terminated();
    tokio::pin!(stop);
    let mut hangup_timer: Timer = Box::pin(std::future::pending());
    let mut give_up: Timer = Box::pin(std::future::pending());
    let (mut confirmed, mut interrupted) = (false, false);
    loop {
        tokio::select! {
            biased;
            _ = &mut stop, if !interrupted => {
                interrupted = true;
                hang_up(&call).await;
                give_up = timer(HANGUP_GRACE);
            }
            _ = &mut hangup_timer => {
                hangup_timer = Box::pin(std::future::pending());
                hang_up(&call).await;
                give_up = timer(HANGUP_GRACE);
            }
            _ = &mut give_up => {
                eprintln!("error: the call's end was not reported within {HANGUP_GRACE:?}");
                return Outcome::Exit(ExitCode::from(1));
            }
            event = events.next() => {
                let Some(event) = event else {
                    eprintln!("error: the engine stopped on its own");
                    return Outcome::Exit(ExitCode::from(1));
                };
                print(format, &event);
                let Event::Call { call_id, state, reason, status, .. } = &event else {
                    continue;
                };
                if call_id != call.id() {
                    continue;
                }
                if state == "confirmed" && !confirmed {
                    confirmed = true;
                    if let Some(digits) = plan.dtmf.clone() {
                        send_dtmf(&call, digits);
                    }
                    if let Some(after) = plan.hangup_after {
                        hangup_timer = timer(after);
                    }
                } else if is_final(state) {
                    return Outcome::Exit(judge(confirmed, state, reason.as_deref(), *status));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_confirmed_call_that_ended_normally_succeeds() {
        assert_eq!(
            judge(true, "ended", Some("normal"), None),
            ExitCode::SUCCESS
        );
        for (confirmed, state, reason) in [
            (false, "ended", Some("busy")),
            (false, "ended", Some("timeout")),
            (true, "ended", Some("timeout")),
            (false, "failed", Some("transport")),
            (false, "ended", None),
        ] {
            assert_eq!(
                judge(confirmed, state, reason, Some(486)),
                ExitCode::from(1),
                "{state} {reason:?}"
            );
        }
        assert!(is_final("missed") && is_final("ended") && !is_final("confirmed"));
    }
}
