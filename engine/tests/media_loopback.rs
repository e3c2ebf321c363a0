//! Two media actors on real UDP sockets (127.0.0.1, ephemeral ports) send each other a
//! PCMA tone: symmetric RTP latching, decoded audio, hold/resume, mute, stop.

use ractor::{Actor, ActorRef};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchboard::{MediaActor, MediaArgs, MediaMsg, MediaReport};
use switchboard_actors::media::{MediaConfig, MediaEvent};
use switchboard_actors::transport::TokioNetwork;
use switchboard_codecs::{AudioSink, AudioSource, Law, Tone, WavError};
use tokio::task::JoinHandle;
use tokio::time::sleep;

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<i16>>>);

impl AudioSink for Shared {
    fn write(&mut self, samples: &[i16]) -> Result<(), WavError> {
        self.0.lock().unwrap().extend_from_slice(samples);
        Ok(())
    }
    fn sample_rate(&self) -> u32 {
        8000
    }
}

impl Shared {
    fn samples(&self) -> Vec<i16> {
        self.0.lock().unwrap().clone()
    }
}

struct Side {
    actor: ActorRef<MediaMsg>,
    done: JoinHandle<()>,
    heard: Shared,
    events: Arc<Mutex<Vec<MediaEvent>>>,
}

fn tone(freq: f64) -> Tone {
    Tone::new(freq, 8000, 8000)
}

async fn start(remote: SocketAddr, freq: f64, seed: u64) -> Side {
    let local: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let heard = Shared::default();
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = events.clone();
    let args = MediaArgs {
        network: TokioNetwork::shared(),
        config: MediaConfig::new(Law::A, local, remote),
        ports: None,
        source: Box::new(tone(freq)),
        sink: Box::new(heard.clone()),
        rng: ChaCha8Rng::seed_from_u64(seed),
        notify: Arc::new(move |e| log.lock().unwrap().push(e)),
    };
    let (actor, done) = Actor::spawn(None, MediaActor, args).await.unwrap();
    Side {
        actor,
        done,
        heard,
        events,
    }
}

async fn report(side: &Side) -> MediaReport {
    ractor::call!(side.actor, MediaMsg::Stats).unwrap()
}

/// The best normalised correlation of `heard` with `freq`'s tone over lags of one frame.
fn correlation(heard: &[i16], freq: f64) -> f64 {
    let window = 4000;
    let mut reference = vec![0i16; window + 160];
    tone(freq).read(&mut reference);
    let heard = &heard[..window];
    (0..160)
        .map(|lag| {
            let r = &reference[lag..lag + window];
            let dot: f64 = heard
                .iter()
                .zip(r)
                .map(|(a, b)| f64::from(*a) * f64::from(*b))
                .sum();
            let na: f64 = heard.iter().map(|a| f64::from(*a).powi(2)).sum();
            let nb: f64 = r.iter().map(|b| f64::from(*b).powi(2)).sum();
            dot / (na.sqrt() * nb.sqrt()).max(1.0)
        })
        .fold(f64::MIN, f64::max)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sessions_exchange_a_tone_hold_mute_and_stop() {
    // A knows no address yet: it sends once B's packets latch it (RFC 4961).
    let a = start("0.0.0.0:0".parse().unwrap(), 440.0, 1).await;
    let a_addr = report(&a).await.local;
    let b = start(a_addr, 700.0, 2).await;
    let b_addr = report(&b).await.local;
    assert_ne!(a_addr.port(), 0);

    sleep(Duration::from_secs(1)).await;
    let (ra, rb) = (report(&a).await, report(&b).await);
    assert!(ra.stats.packets_received >= 40, "A heard {:?}", ra.stats);
    assert!(rb.stats.packets_received >= 40, "B heard {:?}", rb.stats);
    assert_eq!(ra.target, Some(b_addr), "A latched onto B");
    let latched = MediaEvent::RemoteLatched { addr: b_addr };
    assert!(a.events.lock().unwrap().contains(&latched));
    assert_eq!(a.events.lock().unwrap().first(), Some(&MediaEvent::Started));
    let (ca, cb) = (
        correlation(&a.heard.samples(), 700.0),
        correlation(&b.heard.samples(), 440.0),
    );
    eprintln!(
        "A {:?}\nB {:?}\ncorrelations {ca:.3} {cb:.3}",
        ra.stats, rb.stats
    );
    assert!(ca > 0.9 && cb > 0.9, "correlations {ca} {cb}");

    // Hold on A: nothing more reaches B; resume: packets again.
    a.actor.cast(MediaMsg::Hold).unwrap();
    sleep(Duration::from_millis(100)).await;
    let before = report(&b).await.stats.packets_received;
    sleep(Duration::from_millis(300)).await;
    assert_eq!(report(&b).await.stats.packets_received, before, "A held");
    assert!(report(&a).await.held);
    a.actor.cast(MediaMsg::Resume).unwrap();
    sleep(Duration::from_millis(300)).await;
    let after = report(&b).await.stats.packets_received;
    assert!(after >= before + 8, "A resumed: {before} -> {after}");

    // Mute on B: A hears silence (A-law's quietest codeword decodes to ±8).
    b.actor.cast(MediaMsg::Mute).unwrap();
    sleep(Duration::from_millis(100)).await;
    let from = a.heard.samples().len();
    sleep(Duration::from_millis(200)).await;
    let muted = a.heard.samples()[from..].to_vec();
    assert!(
        muted.len() >= 800,
        "A heard {} samples while B was muted",
        muted.len()
    );
    assert!(muted.iter().all(|s| s.abs() <= 8), "silence while muted");
    b.actor.cast(MediaMsg::Unmute).unwrap();
    sleep(Duration::from_millis(100)).await;
    let from = a.heard.samples().len();
    sleep(Duration::from_millis(100)).await;
    assert!(
        a.heard.samples()[from..].iter().any(|s| s.abs() > 1000),
        "tone after unmute"
    );

    for side in [a, b] {
        side.actor.cast(MediaMsg::Stop).unwrap();
        tokio::time::timeout(Duration::from_secs(2), side.done)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            side.events.lock().unwrap().last(),
            Some(&MediaEvent::Stopped)
        );
    }
}
