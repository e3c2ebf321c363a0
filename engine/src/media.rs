//! One actor per media session ([`MediaActor`]): the shell around the sans-IO
//! [`MediaSession`]. It owns one UDP socket bound through the engine's [`Network`]
//! (`crate::media_ports`), a receive task that feeds it the socket's datagrams, and ONE
//! timer armed at the session's `poll_timeout` (the next frame); it sends the session's
//! packets and hands its events to the owner's [`MediaNotify`].
//!
//! Whoever spawns it supervises it (the call actor, later; a test directly). A socket
//! failure fails the actor; [`MediaMsg::Stop`] stops it after reporting `Stopped`.
//!
//! Bounded: at most [`MAX_QUEUED_DATAGRAMS`] datagrams wait in the mailbox; the receive
//! task drops (and counts, [`MediaReport::dropped_busy`]) what arrives beyond that
//! instead of queueing without bound. Other messages come from the owner and the timer
//! (one at a time).

use crate::media_ports::{bind_rtp, RtpPortRange};
use crate::media_recv::{read_loop, Gate};
use bytes::Bytes;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use rand_chacha::ChaCha8Rng;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use switchboard_actors::media::{Input, MediaConfig, MediaEvent, MediaSession, MediaStats, Output};
use switchboard_actors::transport::net::{Network, UdpSocket};
use switchboard_codecs::{AudioSink, AudioSource};
use tokio::time::Instant;

/// Datagrams allowed to wait in a media actor's mailbox (16 × 20 ms of audio).
pub const MAX_QUEUED_DATAGRAMS: usize = 16;

/// Where a media actor reports its [`MediaEvent`]s (called on the actor's task: keep it
/// short, e.g. a `cast` to the owner).
pub type MediaNotify = Arc<dyn Fn(MediaEvent) + Send + Sync>;

/// Messages of a [`MediaActor`].
#[derive(Debug)]
#[non_exhaustive]
pub enum MediaMsg {
    /// Stop sending, keep receiving.
    Hold,
    /// Send again.
    Resume,
    /// Send silence.
    Mute,
    /// Send the source again.
    Unmute,
    /// The peer's address from a new SDP.
    SetRemote(SocketAddr),
    /// The codec the answer chose.
    SetLaw(switchboard_codecs::Law),
    /// Replies with the session's state and counters.
    Stats(RpcReplyPort<MediaReport>),
    /// End the session (reports `Stopped`, then the actor stops).
    Stop,
    /// A datagram from the receive task.
    Datagram {
        /// Its source.
        from: SocketAddr,
        /// Its bytes.
        bytes: Bytes,
    },
    /// The armed timer fired (the arming number; stale ones are ignored).
    Timer(u64),
    /// The socket failed for good (from the receive task).
    SocketFailed(io::Error),
    /// Our address moved (a network change): bind a new socket on `ip` and use it from
    /// now on; the reply is the new address (`None`: the bind failed, the old socket
    /// stays).
    Rebind {
        /// The new local IP.
        ip: std::net::IpAddr,
        /// The new socket's address.
        reply: RpcReplyPort<Option<SocketAddr>>,
    },
}

/// A media session's state and counters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MediaReport {
    /// The RTP socket's address (for our SDP).
    pub local: SocketAddr,
    /// Where packets go now (`None`: nowhere yet).
    pub target: Option<SocketAddr>,
    /// On hold.
    pub held: bool,
    /// Muted.
    pub muted: bool,
    /// The session's counters.
    pub stats: MediaStats,
    /// Datagrams dropped because the mailbox was full.
    pub dropped_busy: u64,
    /// Packets the socket failed to send.
    pub send_errors: u64,
}

/// What a [`MediaActor`] starts with.
pub struct MediaArgs {
    /// The network to bind on (the engine's: real sockets or the simulator's).
    pub network: Arc<dyn Network>,
    /// The negotiated session. `local`'s IP is bound (the account's local IP); its port
    /// too when `ports` is `None` (0: ephemeral). `local` is then set to the bound address.
    pub config: MediaConfig,
    /// The RTP port range, if one is configured.
    pub ports: Option<RtpPortRange>,
    /// What is sent.
    pub source: Box<dyn AudioSource + Send>,
    /// Where received audio goes.
    pub sink: Box<dyn AudioSink + Send>,
    /// The port choice's and the session's RNG.
    pub rng: ChaCha8Rng,
    /// Where events go.
    pub notify: MediaNotify,
}

/// The media actor's state.
pub struct MediaState {
    session: MediaSession,
    socket: Arc<dyn UdpSocket>,
    local: SocketAddr,
    notify: MediaNotify,
    timer: crate::one_timer::OneTimer,
    gate: Gate,
    send_errors: u64,
    reader: crate::one_timer::TaskGuard,
    network: Arc<dyn Network>,
    ports: Option<RtpPortRange>,
    rng: ChaCha8Rng,
}

/// The task feeding `socket`'s datagrams to the actor (aborted when the guard drops).
fn spawn_reader(
    socket: &Arc<dyn UdpSocket>,
    myself: ActorRef<MediaMsg>,
    gate: &Gate,
) -> crate::one_timer::TaskGuard {
    crate::one_timer::TaskGuard(tokio::spawn(read_loop(
        socket.clone(),
        myself,
        gate.clone(),
    )))
}

/// One media session's shell.
#[derive(Debug, Clone, Copy, Default)]
pub struct MediaActor;

fn now() -> Instant {
    Instant::now() // clock-ok: tokio time, paused and driven by the simulator
}

impl Actor for MediaActor {
    type Msg = MediaMsg;
    type State = MediaState;
    type Arguments = MediaArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<MediaMsg>,
        args: MediaArgs,
    ) -> Result<MediaState, ActorProcessingErr> {
        let MediaArgs {
            network,
            mut config,
            ports,
            source,
            sink,
            mut rng,
            notify,
        } = args;
        let socket = bind_rtp(network.as_ref(), config.local, ports, &mut rng).await?;
        let local = socket.local_addr()?;
        config.local = local;
        // The port choice of a later rebind: seeded from the bound port, so the
        // session's own draws (SSRC, sequence, timestamp) stay what they were.
        let ports_rng = rand::SeedableRng::seed_from_u64(u64::from(local.port()));
        let session = MediaSession::new(config, source, sink, rng)?;
        tracing::debug!(%local, "media session bound");
        let gate = Gate::new(MAX_QUEUED_DATAGRAMS);
        let reader = spawn_reader(&socket, myself, &gate);
        Ok(MediaState {
            session,
            socket,
            local,
            notify,
            timer: Default::default(),
            gate,
            send_errors: 0,
            reader,
            network,
            ports,
            rng: ports_rng,
        })
    }

    async fn post_start(
        &self,
        myself: ActorRef<MediaMsg>,
        state: &mut MediaState,
    ) -> Result<(), ActorProcessingErr> {
        state.feed(&myself, Input::Tick).await;
        Ok(())
    }

    async fn handle(
        &self,
        myself: ActorRef<MediaMsg>,
        msg: MediaMsg,
        state: &mut MediaState,
    ) -> Result<(), ActorProcessingErr> {
        let input = match msg {
            MediaMsg::Hold => Input::Hold,
            MediaMsg::Resume => Input::Resume,
            MediaMsg::Mute => Input::Mute,
            MediaMsg::Unmute => Input::Unmute,
            MediaMsg::SetRemote(addr) => Input::SetRemote(addr),
            MediaMsg::SetLaw(law) => Input::SetLaw(law),
            MediaMsg::Datagram { from, bytes } => {
                state.gate.leave();
                Input::Datagram { from, bytes }
            }
            MediaMsg::Timer(arming) if state.timer.fired(arming) => Input::Tick,
            MediaMsg::Timer(_) => return Ok(()),
            MediaMsg::Stats(reply) => {
                let _ = reply.send(state.report());
                return Ok(());
            }
            MediaMsg::SocketFailed(e) => return Err(Box::new(e)),
            MediaMsg::Rebind { ip, reply } => {
                let _ = reply.send(state.rebind(&myself, ip).await);
                return Ok(());
            }
            MediaMsg::Stop => {
                state.feed(&myself, Input::Stop).await;
                myself.stop(Some("media stopped".into()));
                return Ok(());
            }
        };
        state.feed(&myself, input).await;
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<MediaMsg>,
        state: &mut MediaState,
    ) -> Result<(), ActorProcessingErr> {
        state.timer.disarm();
        state.reader.0.abort();
        if !state.session.is_stopped() {
            // Stopped by its supervisor: the owner still learns the session ended.
            state.session.handle(now(), Input::Stop);
            while let Some(out) = state.session.poll_output() {
                if let Output::Event(event) = out {
                    (state.notify)(event);
                }
            }
        }
        Ok(())
    }
}

impl MediaState {
    /// Feeds `input`, sends the packets, reports the events, re-arms the timer.
    async fn feed(&mut self, myself: &ActorRef<MediaMsg>, input: Input) {
        self.session.handle(now(), input);
        while let Some(out) = self.session.poll_output() {
            match out {
                Output::Send { to, bytes } => {
                    if let Err(e) = self.socket.send_to(&bytes, to).await {
                        self.send_errors += 1;
                        tracing::debug!(error = %e, %to, "RTP send failed");
                    }
                }
                Output::Event(event) => (self.notify)(event),
                // Later outputs (RTCP, issue 6) are not produced by this session yet.
                _ => {}
            }
        }
        self.arm(myself);
    }

    /// A new socket on `ip` (port from the range, or ephemeral) and its receive task;
    /// the old ones go. The session keeps its RTP state (SSRC, sequence, timestamps).
    async fn rebind(
        &mut self,
        myself: &ActorRef<MediaMsg>,
        ip: std::net::IpAddr,
    ) -> Option<SocketAddr> {
        let at = SocketAddr::new(ip, 0);
        let socket = match bind_rtp(self.network.as_ref(), at, self.ports, &mut self.rng).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(%ip, error = %e, "media socket not moved");
                return None;
            }
        };
        let local = socket.local_addr().ok()?;
        self.reader.0.abort();
        self.reader = spawn_reader(&socket, myself.clone(), &self.gate);
        tracing::debug!(from = %self.local, to = %local, "media socket moved");
        self.socket = socket;
        self.local = local;
        Some(local)
    }

    fn arm(&mut self, myself: &ActorRef<MediaMsg>) {
        let next = self.session.poll_timeout();
        self.timer.arm(next, myself, MediaMsg::Timer);
    }

    fn report(&self) -> MediaReport {
        MediaReport {
            local: self.local,
            target: self.session.target(),
            held: self.session.is_held(),
            muted: self.session.is_muted(),
            stats: self.session.stats(),
            dropped_busy: self.gate.dropped(),
            send_errors: self.send_errors,
        }
    }
}
