//! A call's media: the [`MediaActor`] a call actor spawns as its linked child (the
//! call's audio out, received audio played into a null sink), our side of the SDP
//! (the configured codecs with telephone-event, ptime, rtcp-mux), and the session's
//! configuration before and after the offer/answer.

use crate::call::CallMsg;
use crate::config::{AudioCodec, MediaSettings};
use crate::media::{MediaActor, MediaArgs, MediaMsg, MediaReport};
use ractor::rpc::CallResult;
use ractor::{Actor, ActorRef};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use switchboard_actors::media::{MediaConfig, UnusableCodec};
use switchboard_actors::sdp::{LocalMedia, Negotiated};
use switchboard_actors::transport::net::Network;
use switchboard_codecs::{AudioSink, AudioSource, CodecKind, NullSink, Tone, WavSource};

/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

/// Our audio on `address:port`: the configured codecs in order, one telephone-event
/// per clock rate, `a=ptime`, `a=rtcp-mux` when configured, sendrecv.
pub(crate) fn local_media(address: IpAddr, port: u16, settings: &MediaSettings) -> LocalMedia {
    let formats = settings
        .codecs
        .iter()
        .filter_map(|c| c.format(settings))
        .collect();
    let media = LocalMedia::audio(address, port, formats).with_ptime(settings.ptime_ms);
    if settings.rtcp_mux {
        media.with_rtcp_mux()
    } else {
        media
    }
}

/// A Unix time in ms as a 64-bit NTP timestamp (RFC 3550 §4), for RTCP SRs.
pub(crate) fn ntp_from_unix_ms(ms: u64) -> u64 {
    let secs = ms / 1000 + NTP_UNIX_OFFSET;
    let frac = ((ms % 1000) << 32) / 1000;
    (secs << 32) | frac
}

/// The session before any answer: our first codec, receiving on `ip` (ephemeral
/// port), sending to `remote`, with the configured ptime and Opus bitrate, no no-media
/// timeout yet (a call arms it once answered: a ringing call may be silent); the SR
/// clock starts at `now_ms` (Unix ms).
pub(crate) fn base_config(
    settings: &MediaSettings,
    ip: IpAddr,
    remote: SocketAddr,
    now_ms: u64,
) -> MediaConfig {
    let first = settings.codecs.first().copied().unwrap_or(AudioCodec::Pcmu);
    let kind = match first {
        AudioCodec::Opus => CodecKind::Opus,
        AudioCodec::Pcma => CodecKind::Pcma,
        _ => CodecKind::Pcmu,
    };
    let mut config =
        MediaConfig::with_codec(kind, first.payload_type(), SocketAddr::new(ip, 0), remote);
    let opus_frame = [10, 20, 40, 60].contains(&settings.ptime_ms);
    if kind != CodecKind::Opus || opus_frame {
        config.ptime = Duration::from_millis(u64::from(settings.ptime_ms));
    }
    config.opus.bitrate_bps = settings.opus_bitrate;
    config.no_media_timeout = None;
    config.ntp_epoch = ntp_from_unix_ms(now_ms);
    config
}

/// The session `n` negotiated, on top of [`base_config`]; `answered`: with the
/// no-media timeout (early media has none).
pub(crate) fn negotiated_config(
    settings: &MediaSettings,
    ip: IpAddr,
    n: &Negotiated,
    now_ms: u64,
    answered: bool,
) -> Result<MediaConfig, UnusableCodec> {
    let mut base = base_config(settings, ip, n.remote, now_ms);
    if answered {
        base.no_media_timeout = settings.no_media_timeout();
    }
    base.negotiated(n)
}

/// A call's audio ends: the embedder's device when it gave one (and it is still
/// free), else [`source`] and a sink that drops what is heard.
pub(crate) fn ends(device: Option<&crate::AudioDevice>, file: Option<&std::path::Path>) -> Ends {
    device
        .and_then(crate::AudioDevice::take)
        .unwrap_or_else(|| (source(file), Box::new(NullSink::new(8000))))
}

/// What a call sends and where what it hears goes.
pub(crate) type Ends = (Box<dyn AudioSource + Send>, Box<dyn AudioSink + Send>);

/// What a call sends: the WAV file when it has one (any rate, mono 16-bit; checked by
/// `dial`; a file that went bad since sends the tone), else a 440 Hz tone.
pub(crate) fn source(file: Option<&std::path::Path>) -> Box<dyn AudioSource + Send> {
    if let Some(path) = file {
        match WavSource::open_any_rate(path) {
            Ok(wav) => return Box::new(wav),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "audio file unusable: tone")
            }
        }
    }
    Box::new(Tone::new(440.0, 4000, 8000))
}

/// Spawns the media actor of `config` under `owner` (its events go to the owner as
/// [`CallMsg::MediaEvent`]); returns it and the bound RTP address.
pub(crate) async fn spawn_media(
    network: Arc<dyn Network>,
    config: MediaConfig,
    (source, sink): Ends,
    rng: &mut ChaCha8Rng,
    owner: &ActorRef<CallMsg>,
) -> Option<(ActorRef<MediaMsg>, SocketAddr)> {
    let to = owner.clone();
    let args = MediaArgs {
        network,
        config,
        ports: None,
        source,
        sink,
        rng: ChaCha8Rng::seed_from_u64(rng.next_u64()),
        notify: Arc::new(move |e| {
            let _ = to.cast(CallMsg::MediaEvent(e));
        }),
    };
    let (actor, _) = match Actor::spawn_linked(None, MediaActor, args, owner.get_cell()).await {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntp_time_of_the_unix_epoch_and_a_half_second() {
        assert_eq!(ntp_from_unix_ms(0), NTP_UNIX_OFFSET << 32);
        assert_eq!(
            ntp_from_unix_ms(1_500),
            ((NTP_UNIX_OFFSET + 1) << 32) | (1 << 31)
        );
    }

    #[test]
    fn the_offer_and_the_first_codec() {
        let settings = MediaSettings::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let ours = local_media(ip, 4000, &settings);
        let pts: Vec<u8> = ours.codecs.iter().map(|f| f.pt).collect();
        assert_eq!(
            pts,
            [96, 0, 8, 101, 102],
            "opus, PCMU, PCMA, events at 8 and 48 kHz"
        );
        assert!(ours.rtcp_mux());
        assert_eq!(ours.ptime(), Some(20));
        let c = base_config(&settings, ip, "0.0.0.0:0".parse().unwrap(), 0);
        assert_eq!((c.codec, c.payload_type), (CodecKind::Opus, 96));
        assert_eq!(c.no_media_timeout, None, "armed once answered");
        let g711 = MediaSettings {
            codecs: vec![AudioCodec::Pcma],
            ptime_ms: 30,
            ..MediaSettings::default()
        };
        let c = base_config(&g711, ip, "0.0.0.0:0".parse().unwrap(), 0);
        assert_eq!((c.codec, c.payload_type), (CodecKind::Pcma, 8));
        assert_eq!(c.ptime, Duration::from_millis(30));
    }
}
