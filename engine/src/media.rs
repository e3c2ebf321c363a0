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

pub use crate::media_msg::{MediaArgs, MediaMsg, MediaNotify, MediaReport};
use crate::media_ports::{bind_rtcp, bind_rtp, RtpPortRange};
use crate::media_recv::{read_loop, Gate};
use ractor::{Actor, ActorProcessingErr, ActorRef};
use rand_chacha::ChaCha8Rng;
use std::net::SocketAddr;
use std::sync::Arc;
use switchboard_actors::media::{Input, MediaSession, Output};
use switchboard_actors::transport::net::{Network, UdpSocket};
use switchboard_codecs::is_rtcp;
use tokio::time::Instant;

/// Datagrams allowed to wait in a media actor's mailbox (16 × 20 ms of audio).
pub const MAX_QUEUED_DATAGRAMS: usize = 16;

/// The media actor's state.
pub struct MediaState {
    session: MediaSession,
    socket: Arc<dyn UdpSocket>,
    local: SocketAddr,
    /// The RTCP socket (RTP port + 1) and its receive task, when the port was free.
    rtcp: Option<(Arc<dyn UdpSocket>, SocketAddr, crate::one_timer::TaskGuard)>,
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

/// The RTCP socket on `rtp`'s port + 1 and its receive task (`None`: the port is
/// taken; RTCP then shares the RTP socket).
async fn companion(
    network: &dyn Network,
    rtp: SocketAddr,
    myself: &ActorRef<MediaMsg>,
    gate: &Gate,
) -> Option<(Arc<dyn UdpSocket>, SocketAddr, crate::one_timer::TaskGuard)> {
    let socket = bind_rtcp(network, rtp).await?;
    let at = socket.local_addr().ok()?;
    let reader = spawn_reader(&socket, myself.clone(), gate);
    Some((socket, at, reader))
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
        let rtcp = companion(network.as_ref(), local, &myself, &gate).await;
        let reader = spawn_reader(&socket, myself, &gate);
        Ok(MediaState {
            session,
            socket,
            local,
            rtcp,
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
            MediaMsg::Reconfigure(config) => Input::Reconfigure(config),
            MediaMsg::RemoteHold(on) => Input::RemoteHold(on),
            MediaMsg::SendDtmf {
                digits,
                duration_ms,
            } => Input::SendDtmf {
                digits,
                duration_ms,
            },

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
        if let Some((_, _, reader)) = &state.rtcp {
            reader.0.abort();
        }
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
                    let socket = match &self.rtcp {
                        Some((rtcp, ..)) if !self.session.config().rtcp_mux && is_rtcp(&bytes) => {
                            rtcp
                        }
                        _ => &self.socket,
                    };
                    if let Err(e) = socket.send_to(&bytes, to).await {
                        self.send_errors += 1;
                        tracing::debug!(error = %e, %to, "RTP send failed");
                    }
                }
                Output::Event(event) => (self.notify)(event),
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
        if let Some((_, _, reader)) = self.rtcp.take() {
            reader.0.abort();
        }
        self.rtcp = companion(self.network.as_ref(), local, myself, &self.gate).await;
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
            rtcp_local: self.rtcp.as_ref().map(|(_, at, _)| *at),
            codec: self.session.config().codec.encoding_name(),
            target: self.session.target(),
            held: self.session.is_held(),
            muted: self.session.is_muted(),
            stats: self.session.stats(),
            statistics: self.session.statistics(),
            dropped_busy: self.gate.dropped(),
            send_errors: self.send_errors,
        }
    }
}
