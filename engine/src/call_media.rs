//! A call's media: the [`MediaActor`] a call actor spawns as its linked child (a tone
//! out, received audio dropped), and our side of the SDP (PCMU and PCMA).

use crate::config::AudioCodec;
use crate::media::{MediaActor, MediaArgs, MediaMsg, MediaReport};
use ractor::rpc::CallResult;
use ractor::{Actor, ActorCell, ActorRef};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use switchboard_actors::media::MediaConfig;
use switchboard_actors::sdp::{Direction, LocalMedia, Negotiated, PayloadFormat};
use switchboard_actors::transport::net::Network;
use switchboard_codecs::{AudioSource, Law, NullSink, Tone, WavSource};

/// Our audio: `codecs` in order, receiving on `address:port`, sendrecv.
pub(crate) fn local_media(address: IpAddr, port: u16, codecs: &[AudioCodec]) -> LocalMedia {
    LocalMedia {
        codecs: codecs
            .iter()
            .filter_map(|c| PayloadFormat::static_pt(c.payload_type()))
            .collect(),
        address,
        port,
        direction: Direction::SendRecv,
        attributes: Vec::new(),
    }
}

/// The G.711 law of a negotiated session (PCMU when it is neither).
pub(crate) fn law_of(negotiated: Option<&Negotiated>) -> Law {
    negotiated
        .and_then(|n| Law::from_payload_type(n.codec.pt))
        .unwrap_or(Law::Mu)
}

/// What a call sends: the WAV file when it has one (checked by `dial`; a file that
/// went bad since sends the tone), else a 440 Hz tone.
pub(crate) fn source(file: Option<&std::path::Path>) -> Box<dyn AudioSource + Send> {
    if let Some(path) = file {
        match WavSource::open(path, 8000) {
            Ok(wav) => return Box::new(wav),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "audio file unusable: tone")
            }
        }
    }
    Box::new(Tone::new(440.0, 4000, 8000))
}

/// Spawns the media actor under `owner`, bound on `ip` (ephemeral port), sending
/// `source` to `remote` (unspecified: nowhere yet) with `law`; returns it and the
/// bound address.
#[allow(clippy::too_many_arguments)] // the call's parts, borrowed separately
pub(crate) async fn spawn_media(
    network: Arc<dyn Network>,
    ip: IpAddr,
    remote: SocketAddr,
    law: Law,
    held: bool,
    source: Box<dyn AudioSource + Send>,
    rng: &mut ChaCha8Rng,
    owner: ActorCell,
) -> Option<(ActorRef<MediaMsg>, SocketAddr)> {
    let mut config = MediaConfig::new(law, SocketAddr::new(ip, 0), remote);
    config.held = held;
    let args = MediaArgs {
        network,
        config,
        ports: None,
        source,
        sink: Box::new(NullSink::new(8000)),
        rng: ChaCha8Rng::seed_from_u64(rng.next_u64()),
        notify: Arc::new(|e| tracing::trace!(?e, "media event")),
    };
    let (actor, _) = match Actor::spawn_linked(None, MediaActor, args, owner).await {
        Ok(spawned) => spawned,
        Err(e) => {
            tracing::warn!(error = %e, "media actor did not start");
            return None;
        }
    };
    let local = report(&actor).await?.local;
    Some((actor, local))
}

/// The media actor's report, `None` when it is gone.
pub(crate) async fn report(actor: &ActorRef<MediaMsg>) -> Option<MediaReport> {
    match actor.call(MediaMsg::Stats, None).await {
        Ok(CallResult::Success(r)) => Some(r),
        _ => None,
    }
}
