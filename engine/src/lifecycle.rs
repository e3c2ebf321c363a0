//! The engine lifecycle as a sans-IO machine: no tasks, no clock, no actors. The
//! [`EngineSupervisor`](crate::supervisor::EngineSupervisor) owns it, feeds it what
//! happened, and emits an [`Event::Engine`](crate::Event::Engine) for each step it takes.
//!
//! ```text
//!   +---------+  start()   +----------+  started()  +---------+  pause()   +--------+
//!   | Stopped | ---------> | Starting | ----------> | Running | ---------> | Paused |
//!   +---------+            +----------+             +---------+ <--------- +--------+
//!        ^                      |                        |       resume()      |
//!        |                      | stop()                 | stop()              | stop()
//!        |                      | failed(r)              | failed(r)           | failed(r)
//!        |                      v                        v                     v
//!        |   stopped()     +--------------------------------------------------------+
//!        +---------------- |                        Stopping                        |
//!                          +--------------------------------------------------------+
//!                                 failed(r) here: stays, the first reason is kept
//! ```
//!
//! Every input not drawn above is an [`IllegalTransition`] and leaves the state as it was.

use serde::Serialize;
use std::fmt;
use thiserror::Error;

/// Where the engine is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EngineState {
    /// Not started, or fully stopped.
    Stopped,
    /// The supervision tree and listeners are coming up.
    Starting,
    /// Serving.
    Running,
    /// Up, but refusing new embedder operations until resumed.
    Paused,
    /// Tearing the tree down.
    Stopping,
}

impl fmt::Display for EngineState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EngineState::Stopped => "stopped",
            EngineState::Starting => "starting",
            EngineState::Running => "running",
            EngineState::Paused => "paused",
            EngineState::Stopping => "stopping",
        })
    }
}

/// What the machine received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LifecycleInput {
    /// The embedder asked to start.
    Start,
    /// The tree is up.
    Started,
    /// The embedder asked to pause.
    Pause,
    /// The embedder asked to resume.
    Resume,
    /// The embedder asked to stop.
    Stop,
    /// The tree is down.
    Stopped,
    /// Something the engine cannot run without failed.
    Failed,
}

/// An input the current state does not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("{input:?} is not accepted in state {state}")]
pub struct IllegalTransition {
    /// The state the machine was (and stays) in.
    pub state: EngineState,
    /// What it was given.
    pub input: LifecycleInput,
}

/// The lifecycle machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle<R = String> {
    state: EngineState,
    failure: Option<R>,
}

impl<R> Default for Lifecycle<R> {
    fn default() -> Self {
        Lifecycle {
            state: EngineState::Stopped,
            failure: None,
        }
    }
}

type Step = Result<EngineState, IllegalTransition>;

impl<R> Lifecycle<R> {
    /// A machine in Stopped.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current state.
    pub fn state(&self) -> EngineState {
        self.state
    }

    /// Why the engine failed, if it did since the last `start()`.
    pub fn failure(&self) -> Option<&R> {
        self.failure.as_ref()
    }

    fn go(&mut self, input: LifecycleInput, allowed: &[EngineState], to: EngineState) -> Step {
        if allowed.contains(&self.state) {
            self.state = to;
            Ok(to)
        } else {
            Err(IllegalTransition {
                state: self.state,
                input,
            })
        }
    }

    /// Stopped → Starting; clears a previous failure.
    pub fn start(&mut self) -> Step {
        let step = self.go(
            LifecycleInput::Start,
            &[EngineState::Stopped],
            EngineState::Starting,
        );
        if step.is_ok() {
            self.failure = None;
        }
        step
    }

    /// Starting → Running.
    pub fn started(&mut self) -> Step {
        self.go(
            LifecycleInput::Started,
            &[EngineState::Starting],
            EngineState::Running,
        )
    }

    /// Running → Paused.
    pub fn pause(&mut self) -> Step {
        self.go(
            LifecycleInput::Pause,
            &[EngineState::Running],
            EngineState::Paused,
        )
    }

    /// Paused → Running.
    pub fn resume(&mut self) -> Step {
        self.go(
            LifecycleInput::Resume,
            &[EngineState::Paused],
            EngineState::Running,
        )
    }

    /// Starting | Running | Paused → Stopping.
    pub fn stop(&mut self) -> Step {
        use EngineState::*;
        self.go(LifecycleInput::Stop, &[Starting, Running, Paused], Stopping)
    }

    /// Stopping → Stopped.
    pub fn stopped(&mut self) -> Step {
        self.go(
            LifecycleInput::Stopped,
            &[EngineState::Stopping],
            EngineState::Stopped,
        )
    }

    /// Starting | Running | Paused | Stopping → Stopping, remembering the first reason.
    pub fn failed(&mut self, reason: R) -> Step {
        use EngineState::*;
        let step = self.go(
            LifecycleInput::Failed,
            &[Starting, Running, Paused, Stopping],
            Stopping,
        );
        if step.is_ok() && self.failure.is_none() {
            self.failure = Some(reason);
        }
        step
    }
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
