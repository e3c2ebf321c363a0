//! Playing a scenario's timeline: steps (user actions, peer commands, faults) and state
//! probes, each at its simulated time, in file order among equal times (probes after the
//! steps of their instant).

use super::build::{link_config, World};
use super::call_actions::{self, result, CallCx};
use crate::scenario::{Action, Check, Fault, Scenario, StepWhat};
use crate::trace::{Record, Trace};
use std::sync::Arc;
use std::time::Duration;
use switchboard::Engine;
use switchboard_actors::sip::auth::Password;
use tokio::time::Instant;

/// A state probe's result: (expectation index, held, what was seen).
pub(crate) type ProbeResult = (usize, bool, String);

enum Due<'a> {
    Step(&'a StepWhat),
    Probe {
        index: usize,
        user: &'a str,
        engine: Option<&'a str>,
        registered: Option<bool>,
    },
}

/// Plays the timeline; returns the probes' results. Actions run as tasks of their own
/// (an OPTIONS may wait 32 s for Timer F) so the timeline never waits on them.
pub(crate) async fn play(
    scenario: &Scenario,
    world: &World,
    epoch: Instant,
    trace: &Trace,
) -> Vec<ProbeResult> {
    let mut due: Vec<(Duration, u8, Due<'_>)> = Vec::new();
    for step in &scenario.steps {
        due.push((step.at.0, 0, Due::Step(&step.what)));
    }
    for (index, expect) in scenario.expects.iter().enumerate() {
        if let Check::State {
            user,
            engine,
            registered,
            at,
        } = &expect.check
        {
            due.push((
                at.0,
                1,
                Due::Probe {
                    index,
                    user,
                    engine: engine.as_deref(),
                    registered: *registered,
                },
            ));
        }
    }
    due.sort_by_key(|(at, order, _)| (*at, *order));
    let mut probes = Vec::new();
    for (at, _, what) in due {
        tokio::time::sleep_until(epoch + at).await;
        match what {
            Due::Step(StepWhat::Action { user, action }) => {
                if let Some(engine) = world.engines.get(user) {
                    let action = with_default_username(scenario, user, action);
                    act(world, user, engine.clone(), &action, epoch, trace);
                }
            }
            Due::Step(StepWhat::Command { peer, command }) => {
                if let Some(tx) = world.peers.get(peer) {
                    let _ = tx.send(command.clone());
                }
            }
            Due::Step(StepWhat::Fault(fault)) => apply(world, fault),
            Due::Probe {
                index,
                user,
                engine,
                registered,
            } => {
                let state = world
                    .engines
                    .get(user)
                    .map(|e| e.state().to_string())
                    .unwrap_or_default();
                let bound = world.accounts.get(user).map(|a| a.is_registered());
                let ok = engine.is_none_or(|want| want == state)
                    && registered.is_none_or(|want| bound == Some(want));
                let seen = match bound {
                    Some(true) => "registered",
                    Some(false) => "not registered",
                    None => "no account",
                };
                probes.push((index, ok, format!("{user} engine is {state}, {seen}")));
            }
        }
    }
    probes
}

/// A SIP URI for an action's target: as written, or `sip:NAME@ADDR` for a scenario name.
fn target(world: &World, to: &str) -> String {
    match world.directory.get(to) {
        Some(addr) => format!("sip:{to}@{addr}"),
        None => to.to_owned(),
    }
}

fn act(
    world: &World,
    user: &str,
    engine: Arc<Engine>,
    action: &Action,
    epoch: Instant,
    trace: &Trace,
) {
    let account = world.accounts.get(user).cloned();
    let calls = world.calls.clone();
    let (user, trace, action) = (user.to_owned(), trace.clone(), action.clone());
    let to = match &action {
        Action::Options { to } | Action::Dial { to } => target(world, to),
        _ => String::new(),
    };
    let task = tokio::spawn(async move {
        let cx = CallCx {
            engine: &engine,
            account: account.as_ref(),
            calls: &calls,
            user: &user,
            to: &to,
        };
        let outcome = match call_actions::run(cx, &action).await {
            Some(outcome) => outcome,
            None => match &action {
                Action::Options { .. } => match engine.options(&to).await {
                    Ok(r) => format!("{} {}", r.status.as_u16(), r.reason),
                    Err(e) => e.to_string(),
                },
                Action::Register | Action::Unregister => match &account {
                    None => "no account: give the user an `account` table".to_owned(),
                    Some(a) if matches!(action, Action::Register) => result(a.register().await),
                    Some(a) => result(a.unregister().await),
                },
                Action::SetCredentials {
                    auth_username,
                    password,
                } => match &account {
                    None => "no account: give the user an `account` table".to_owned(),
                    Some(a) => {
                        let name = auth_username.clone().unwrap_or_default();
                        let password = Password::new(password.as_str());
                        result(a.set_credentials(name, password).await)
                    }
                },
                Action::Push { payload } => result(engine.handle_push(payload).await),
                Action::Shutdown => result(engine.shutdown().await),
                Action::Pause => result(engine.pause().await),
                Action::Resume => result(engine.resume().await),
                other => format!("not built yet ({})", other.needs_issue().unwrap_or("?")),
            },
        };
        trace.push(
            epoch.elapsed(),
            Record::Action {
                user,
                action: action.name().to_owned(),
                outcome,
            },
        );
    });
    world
        .actions
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(task);
}

/// `set_credentials` without `auth_username` keeps the account's digest user name: its
/// `auth_username`, else its `username`.
fn with_default_username(scenario: &Scenario, user: &str, action: &Action) -> Action {
    match action {
        Action::SetCredentials {
            auth_username: None,
            password,
        } => {
            let table = scenario
                .users
                .iter()
                .find(|u| u.name == user)
                .and_then(|u| u.account.as_ref());
            let name = table
                .and_then(|t| t.get("auth_username").or_else(|| t.get("username")))
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            Action::SetCredentials {
                auth_username: name,
                password: password.clone(),
            }
        }
        other => other.clone(),
    }
}

/// Applies a network fault now. The scenario loader checked every name, so an error
/// here is a simulator bug: it is logged, and the run goes on without the fault.
pub(crate) fn apply(world: &World, fault: &Fault) {
    let net = &world.net;
    let result = match fault {
        Fault::Partition { between: [a, b] } => net.partition(a, b),
        Fault::Heal { between: [a, b] } => net.heal(a, b),
        Fault::Block { from, to } => net.block(from, to),
        Fault::Unblock { from, to } => net.unblock(from, to),
        Fault::Hold { between: [a, b] } => net.hold(a, b),
        Fault::Release { between: [a, b] } => net.release(a, b),
        Fault::DropAll { host, duration } => net.drop_all(host, duration.0),
        Fault::MoveHost { host, to } => net.move_host(host, *to),
        Fault::NatRebind { host } => net.nat_rebind(host),
        Fault::SetLink(over) => {
            let [a, b] = &over.between;
            let base = link_config(&world.defaults, &world.network.link(a, b));
            net.set_link(a, b, link_config(&base, &over.link))
        }
    };
    if let Err(e) = result {
        tracing::error!(error = %e, ?fault, "fault not applied");
    }
}
