//! Switchboard: the crate embedders link.
//!
//! Start an [`Engine`] from an [`EngineConfig`], watch its [`Event`]s, stop it. The
//! engine is a supervision tree of ractor actors (DESIGN.md): [`supervisor`] is its
//! root, [`event_hub`] fans events out, transports and the transaction layer live in
//! `switchboard-actors` and plug in through [`children`].
//!
//! ```no_run
//! use futures::StreamExt;
//! use switchboard::{Engine, EngineConfig, Event, TransportKind};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let cfg = EngineConfig::builder()
//!     .seed(7)
//!     .listen(TransportKind::Udp, "127.0.0.1:5099".parse()?)
//!     .build()?; // a typed ConfigError naming the field
//! let engine = Engine::builder().config(cfg).start().await?; // Stopped → Starting → Running
//! let mut events = engine.events(); // Stream<Item = Event>
//! while let Some(event) = events.next().await {
//!     println!("{}", event.to_json()); // {"kind":"request_received","method":"OPTIONS",…}
//!     if matches!(event, Event::Answered { .. }) {
//!         break;
//!     }
//! }
//! engine.shutdown().await?; // Stopping → Stopped
//! # Ok(())
//! # }
//! ```
//!
//! Determinism: all randomness comes from [`rng::EngineRng`] (seeded by
//! [`EngineConfig::seed`]), protocol time from `tokio::time`, and wall-clock stamps from
//! an injected [`clock::WallClock`].

pub mod account;
pub mod account_handle;
mod audio_device;
pub mod call;
mod call_api;
mod call_events;
mod call_gate;
pub mod call_handle;
mod call_media;
mod call_media_events;
mod call_out;
pub mod call_record;
mod call_relocate;
mod call_run;
mod call_up;
pub mod cdr;
pub mod children;
pub mod clock;
pub mod config;
mod config_builder;
mod config_media;
pub mod engine;
pub mod error;
pub mod event_hub;
pub mod events;
pub mod history;
mod keepalive;
mod keepalive_route;
pub mod lifecycle;
pub mod logs;
pub mod media;
mod media_msg;
pub mod media_ports;
mod media_recv;
pub mod netwatch;
mod one_timer;
pub mod outbound;
pub mod push;
pub mod registration;
mod registration_events;
mod registration_setup;
pub mod responder;
pub mod restart;
pub mod rng;
mod serde_kind;
pub mod sockets;
pub mod stack;
pub mod stats;
pub mod supervisor;
mod supervisor_accounts;
mod supervisor_netwatch;
mod supervisor_push;
mod supervisor_state;
pub mod ua;
mod ua_calls;
mod ua_client;
pub mod ua_dial;
mod ua_owned;
pub mod validate;

pub use account::{AccountConfig, AccountError, AccountMode, KeepaliveMethod, PushSettings};
pub use account_handle::Account;
pub use audio_device::AudioDevice;
pub use call::{CallSnapshot, Progress};
pub use call_api::DialOptions;
pub use call_handle::Call;
pub use cdr::{
    CallRecord, CdrBuilder, Direction as CallDirection, Feedback, FeedbackError, FeedbackIssue,
    MediaSummary,
};
pub use children::{ChildKind, SpawnedTransport, TransportContext, TransportSpawner};
pub use clock::{ManualClock, SystemClock, WallClock};
pub use config::{AudioCodec, CallsConfig, CellularPolicy, DtmfMode, MediaSettings, OverLimit};
pub use config::{EngineConfig, EngineConfigBuilder, ListenerConfig, TlsFiles};
pub use engine::{Engine, EngineBuilder};
pub use error::EngineError;
pub use event_hub::{EventSink, EventStream};
pub use events::Event;
pub use history::{CallHistory, HistoryError, HistoryQuery};
pub use lifecycle::{EngineState, IllegalTransition, Lifecycle};
pub use logs::{LogBuffer, LogCapture, LogRecord, LogsError};
pub use media::{MediaActor, MediaArgs, MediaMsg, MediaNotify, MediaReport};
pub use media_ports::{MediaBindError, RtpPortRange};
pub use netwatch::{NetworkSettings, Relocation};
pub use push::{token_header, PushError, PushPayload};
pub use rng::EngineRng;
pub use sockets::SocketTransports;
pub use stats::EngineStats;
pub use switchboard_actors::admission::{AdmissionError, CellularEvent, EndReason};
pub use switchboard_actors::media::CallStatistics;
pub use switchboard_actors::vocab::TransportKind;
pub use validate::ConfigError;
