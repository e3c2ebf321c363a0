use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::sync::{Arc, Mutex};
use switchboard_codecs::rtp_receiver::parse;
use switchboard_codecs::{AudioSink, AudioSource, G711Sender, Law, Tone, WavError};
use tokio::time::Instant;

pub(super) const LOCAL: &str = "127.0.0.1:40000";
pub(super) const SDP_REMOTE: &str = "127.0.0.1:40002";

pub(super) fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

#[derive(Clone, Default)]
pub(super) struct Shared(pub(super) Arc<Mutex<Vec<i16>>>);

impl AudioSink for Shared {
    fn write(&mut self, samples: &[i16]) -> Result<(), WavError> {
        self.0.lock().unwrap().extend_from_slice(samples);
        Ok(())
    }
    fn sample_rate(&self) -> u32 {
        8000
    }
}

/// A source of `left` samples of a constant, then the end.
struct Finite {
    left: usize,
}

impl AudioSource for Finite {
    fn read(&mut self, frame: &mut [i16]) -> usize {
        let n = frame.len().min(self.left);
        frame[..n].fill(1000);
        self.left -= n;
        n
    }
    fn sample_rate(&self) -> u32 {
        8000
    }
}

pub(super) fn cfg() -> MediaConfig {
    MediaConfig::new(Law::Mu, addr(LOCAL), addr(SDP_REMOTE))
}

pub(super) fn session_with(
    config: MediaConfig,
    source: Box<dyn AudioSource + Send>,
) -> (MediaSession, Shared) {
    let sink = Shared::default();
    let s = MediaSession::new(
        config,
        source,
        Box::new(sink.clone()),
        ChaCha8Rng::seed_from_u64(5),
    );
    (s.unwrap(), sink)
}

pub(super) fn session(config: MediaConfig) -> (MediaSession, Shared) {
    session_with(config, Box::new(Tone::new(1000.0, 8000, 8000)))
}

pub(super) fn ms(t: Instant, n: u64) -> Instant {
    t + Duration::from_millis(n)
}

pub(super) fn drain(s: &mut MediaSession) -> (Vec<(SocketAddr, Bytes)>, Vec<MediaEvent>) {
    let (mut sent, mut events) = (vec![], vec![]);
    while let Some(out) = s.poll_output() {
        match out {
            Output::Send { to, bytes } => sent.push((to, bytes)),
            Output::Event(e) => events.push(e),
        }
    }
    (sent, events)
}

pub(super) fn tick(s: &mut MediaSession, now: Instant) -> Vec<(SocketAddr, Bytes)> {
    s.handle(now, Input::Tick);
    drain(s).0
}

/// A peer's stream: packets of a 440 Hz tone.
pub(super) fn peer(law: Law, seed: u64) -> G711Sender<Tone> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    G711Sender::new(law, Tone::new(440.0, 8000, 8000), &mut rng).unwrap()
}

pub(super) fn datagram(from: &str, packet: Vec<u8>) -> Input {
    Input::Datagram {
        from: addr(from),
        bytes: packet.into(),
    }
}

#[test]
fn frames_follow_the_ptime_and_a_late_timer_does_not_burst() {
    let t0 = Instant::now(); // clock-ok: test code
    let (mut s, _) = session(cfg());
    assert_eq!(s.poll_timeout(), None);
    s.handle(t0, Input::Tick);
    let (sent, events) = drain(&mut s);
    assert_eq!(events, vec![MediaEvent::Started]);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0, addr(SDP_REMOTE));
    assert_eq!(sent[0].1.len(), 12 + 160);
    assert_eq!(s.poll_timeout(), Some(ms(t0, 20)));
    assert!(tick(&mut s, ms(t0, 19)).is_empty());
    assert_eq!(tick(&mut s, ms(t0, 20)).len(), 1);
    assert_eq!(s.poll_timeout(), Some(ms(t0, 40)));
    // Fired 100 ms late: 6 frames due, 3 sent, 3 skipped, the schedule kept.
    let late = tick(&mut s, ms(t0, 140));
    assert_eq!(late.len(), 3);
    assert_eq!(s.poll_timeout(), Some(ms(t0, 160)));
    let first = parse(&sent[0].1).unwrap();
    let r = parse(&late[0].1).unwrap();
    assert!(r.mark(), "a gap starts a talkspurt");
    assert_eq!(
        u16::from(r.sequence_number()),
        u16::from(first.sequence_number()) + 2
    );
    assert_eq!(r.timestamp(), first.timestamp().wrapping_add(5 * 160));
    let st = s.stats();
    assert_eq!(
        (st.packets_sent, st.frames_skipped, st.bytes_sent),
        (5, 3, 5 * 172)
    );
}

#[test]
fn ptime_sets_the_frame_size() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut c = cfg();
    c.ptime = Duration::from_millis(30);
    let (mut s, _) = session(c);
    assert_eq!(tick(&mut s, t0)[0].1.len(), 12 + 240);
    assert_eq!(s.poll_timeout(), Some(ms(t0, 30)));
}

#[test]
fn bad_configs_are_refused() {
    let rng = || ChaCha8Rng::seed_from_u64(1);
    let tone = || Box::new(Tone::new(440.0, 1, 8000)) as Box<dyn AudioSource + Send>;
    let sink = || Box::new(Shared::default()) as Box<dyn AudioSink + Send>;
    for ptime in [
        Duration::from_millis(5),
        Duration::from_micros(20_500),
        Duration::from_secs(1),
    ] {
        let mut c = cfg();
        c.ptime = ptime;
        let err = MediaSession::new(c, tone(), sink(), rng()).err();
        assert_eq!(err, Some(MediaError::Ptime(ptime)));
    }
    let mut c = cfg();
    c.payload_type = 128;
    assert_eq!(
        MediaSession::new(c, tone(), sink(), rng()).err(),
        Some(MediaError::PayloadType(128))
    );
    // Any rate is resampled (16 kHz source, 44.1 kHz sink); 0 Hz cannot be.
    let wide = Box::new(Tone::new(440.0, 1, 16000));
    let cd = Box::new(switchboard_codecs::NullSink::new(44100));
    assert!(MediaSession::new(cfg(), wide, cd, rng()).is_ok());
    let dead = Box::new(Tone::new(440.0, 1, 0));
    let err = MediaSession::new(cfg(), dead, sink(), rng()).err();
    assert_eq!(
        err,
        Some(MediaError::SampleRate {
            what: "source",
            found: 0
        })
    );
    let null = Box::new(switchboard_codecs::NullSink::new(0));
    let err = MediaSession::new(cfg(), tone(), null, rng()).err();
    assert_eq!(
        err,
        Some(MediaError::SampleRate {
            what: "sink",
            found: 0
        })
    );
    let mut c = cfg();
    c.channels = 2;
    assert!(matches!(
        MediaSession::new(c, tone(), sink(), rng()).err(),
        Some(MediaError::Codec(_))
    ));
}

#[test]
fn hold_stops_sending_and_resume_marks_the_talkspurt() {
    let t0 = Instant::now(); // clock-ok: test code
    let (mut s, sink) = session(cfg());
    let first = tick(&mut s, t0);
    s.handle(ms(t0, 10), Input::Hold);
    assert!(s.is_held());
    for i in 1..=5 {
        assert!(tick(&mut s, ms(t0, 20 * i)).is_empty());
    }
    assert_only_rtcp_wakes(&s, t0);
    // Still receiving while held (played out after the jitter buffer's delay).
    let mut a = peer(Law::Mu, 1);
    let held_packet = a.next_packet().unwrap().unwrap();
    s.handle(ms(t0, 110), datagram("10.0.0.9:7000", held_packet.clone()));
    s.handle(ms(t0, 115), Input::Resume);
    let after = tick(&mut s, ms(t0, 120));
    let (r0, r1) = (parse(&first[0].1).unwrap(), parse(&after[0].1).unwrap());
    assert!(r1.mark());
    assert_eq!(
        u16::from(r1.sequence_number()),
        u16::from(r0.sequence_number()).wrapping_add(1)
    );
    assert_eq!(r1.timestamp(), r0.timestamp().wrapping_add(6 * 160));
    assert!(!parse(&tick(&mut s, ms(t0, 140))[0].1).unwrap().mark());
    assert_eq!(s.stats().frames_skipped, 5);
    // Playout slots at 110, 130, 150 buffer (60 ms initial delay); 170 plays it.
    tick(&mut s, ms(t0, 160));
    tick(&mut s, ms(t0, 180));
    assert_eq!(s.stats().frames_played, 1);
    let heard = sink.0.lock().unwrap().clone();
    let dec = switchboard_codecs::G711Decoder::new(Law::Mu);
    assert_eq!(
        heard[heard.len() - 160..],
        dec.decode(&held_packet[12..])[..]
    );
}

/// Held: no frame timer; the only wake-up is RTCP's (seconds away, RFC 3550 §6.3).
pub(super) fn assert_only_rtcp_wakes(s: &MediaSession, t0: Instant) {
    let due = s.poll_timeout().expect("RTCP keeps its timer");
    assert!(due >= ms(t0, 1000), "{:?}", due - t0);
}

#[test]
fn mute_sends_silence_and_the_source_keeps_time() {
    let t0 = Instant::now(); // clock-ok: test code
    let tone = || Tone::new(310.0, 8000, 8000);
    let (mut s, _) = session_with(cfg(), Box::new(tone()));
    let dec = switchboard_codecs::G711Decoder::new(Law::Mu);
    let loud = tick(&mut s, t0);
    assert!(dec.decode(&loud[0].1[12..]).iter().any(|x| x.abs() > 1000));
    s.handle(ms(t0, 10), Input::Mute);
    assert!(s.is_muted());
    let quiet = tick(&mut s, ms(t0, 20));
    assert!(dec.decode(&quiet[0].1[12..]).iter().all(|x| *x == 0));
    s.handle(ms(t0, 30), Input::Unmute);
    let back = tick(&mut s, ms(t0, 40));
    // The tone went on during the mute: the third frame is the tone's third frame.
    let mut reference = tone();
    let mut frame = [0i16; 160];
    for _ in 0..3 {
        reference.read(&mut frame);
    }
    let enc = switchboard_codecs::G711Encoder::new(Law::Mu);
    assert_eq!(back[0].1[12..], enc.encode(&frame)[..]);
    assert_ne!(back[0].1[12..], loud[0].1[12..]);
    assert!(
        !parse(&quiet[0].1).unwrap().mark(),
        "mute is not a talkspurt"
    );
}

#[test]
fn a_finished_source_is_reported_once_and_followed_by_silence() {
    let t0 = Instant::now(); // clock-ok: test code
    let (mut s, _) = session_with(cfg(), Box::new(Finite { left: 200 }));
    s.handle(t0, Input::Tick);
    s.handle(ms(t0, 20), Input::Tick);
    let (sent, events) = drain(&mut s);
    assert_eq!(events, vec![MediaEvent::Started]);
    assert_eq!(sent.len(), 2, "the partial frame is padded");
    s.handle(ms(t0, 40), Input::Tick);
    s.handle(ms(t0, 60), Input::Tick);
    let (sent, events) = drain(&mut s);
    assert_eq!(events, vec![MediaEvent::SourceEnded]);
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|(_, p)| p[12..].iter().all(|b| *b == 0xFF)));
}

#[test]
fn stop_ends_everything() {
    let t0 = Instant::now(); // clock-ok: test code
    let (mut s, sink) = session(cfg());
    tick(&mut s, t0);
    s.handle(ms(t0, 5), Input::Stop);
    assert_eq!(drain(&mut s).1, vec![MediaEvent::Stopped]);
    assert!(s.is_stopped());
    assert_eq!(s.poll_timeout(), None);
    let mut a = peer(Law::Mu, 1);
    s.handle(
        ms(t0, 20),
        datagram("10.0.0.9:7000", a.next_packet().unwrap().unwrap()),
    );
    s.handle(ms(t0, 20), Input::Tick);
    s.handle(ms(t0, 20), Input::Stop);
    assert_eq!(s.poll_output(), None);
    assert!(sink.0.lock().unwrap().is_empty());
    assert_eq!(s.stats().packets_sent, 1);
}

#[test]
fn the_rng_decides_the_stream_identity() {
    let (a, _) = session(cfg());
    let (b, _) = session(cfg());
    assert_eq!(a.ssrc(), b.ssrc());
    let sink = Box::new(Shared::default());
    let tone = Box::new(Tone::new(1.0, 1, 8000));
    let c = MediaSession::new(cfg(), tone, sink, ChaCha8Rng::seed_from_u64(6)).unwrap();
    assert_ne!(a.ssrc(), c.ssrc());
}

/// A held session arms no frame timer (a thousand held calls cost one RTCP wake-up
/// each every few seconds); on resume the
/// gap is skipped at once: one packet at the next frame time, not a burst.
#[test]
fn a_held_session_sleeps_and_resumes_on_time_without_a_burst() {
    let t0 = Instant::now(); // clock-ok: test code
    let (mut s, _) = session(cfg());
    let first = tick(&mut s, t0);
    s.handle(ms(t0, 10), Input::Hold);
    assert_only_rtcp_wakes(&s, t0);
    s.handle(ms(t0, 10_015), Input::Resume);
    let due = s.poll_timeout().expect("ticking again");
    assert!(due <= ms(t0, 10_015), "{due:?}");
    let (rtcp, sent): (Vec<_>, Vec<_>) = tick(&mut s, ms(t0, 10_015))
        .into_iter()
        .partition(|(_, b)| switchboard_codecs::is_rtcp(b));
    assert_eq!(sent.len(), 1, "one packet, no burst");
    assert_eq!(rtcp.len(), 1, "the RTCP report due while held");
    let (r0, r1) = (parse(&first[0].1).unwrap(), parse(&sent[0].1).unwrap());
    assert!(r1.mark());
    assert_eq!(r1.timestamp(), r0.timestamp().wrapping_add(500 * 160));
    assert_eq!(s.poll_timeout(), Some(ms(t0, 10_020)));
}
