//! The embedder's channels: round trips, underrun, overrun, threads, closing.

use crate::channel::{channel_sink, channel_source, ChannelError};
use crate::sink::AudioSink;
use crate::source::AudioSource;

#[test]
fn mic_round_trip_and_underrun_silence() {
    // 1 frame of 20 ms at 8 kHz = 160 samples of capacity.
    let (mic, mut src) = channel_source(8000, 1);
    assert_eq!(
        (src.capacity(), src.sample_rate(), mic.sample_rate()),
        (160, 8000, 8000)
    );
    mic.write(&[1, 2, 3, 4, 5, 6]).unwrap();
    let mut frame = [9i16; 4];
    assert_eq!(src.read(&mut frame), 4);
    assert_eq!(frame, [1, 2, 3, 4]);
    assert_eq!(src.stats().underruns, 0);
    // Two left: the rest of the frame is silence, one underrun of 2 samples.
    assert_eq!(src.read(&mut frame), 4);
    assert_eq!(frame, [5, 6, 0, 0]);
    assert_eq!(src.read(&mut frame), 4);
    assert_eq!(frame, [0; 4]);
    let st = mic.stats();
    assert_eq!(
        (st.written, st.read, st.underruns, st.missing_samples),
        (6, 6, 2, 6)
    );
}

#[test]
fn speaker_round_trip_and_overrun_drops_the_oldest() {
    let (mut sink, speaker) = channel_sink(400, 2); // 8 samples per frame: 16
    assert_eq!(sink.capacity(), 16);
    sink.write(&(0..10).collect::<Vec<i16>>()).unwrap();
    sink.write(&(10..20).collect::<Vec<i16>>()).unwrap();
    assert_eq!(speaker.queued(), 16);
    let mut out = [0i16; 32];
    assert_eq!(speaker.read(&mut out), 16);
    assert_eq!(out[..16], (4..20).collect::<Vec<i16>>()[..]);
    let st = speaker.stats();
    assert_eq!((st.overruns, st.dropped_samples, st.underruns), (1, 4, 0));
    // One write bigger than the queue keeps its newest samples.
    sink.write(&(0..40).collect::<Vec<i16>>()).unwrap();
    assert_eq!(speaker.read(&mut out), 16);
    assert_eq!(out[..16], (24..40).collect::<Vec<i16>>()[..]);
    assert_eq!(speaker.stats().dropped_samples, 4 + 24);
    // Reading an empty speaker gives nothing and is not an underrun.
    assert_eq!(speaker.read(&mut out), 0);
    assert_eq!(speaker.stats().underruns, 0);
}

#[test]
fn dropping_one_end_is_seen_from_the_other() {
    let (mic, mut src) = channel_source(8000, 1);
    assert!(!mic.is_closed() && !src.is_closed());
    mic.write(&[7; 3]).unwrap();
    drop(mic);
    assert!(src.is_closed());
    let mut f = [1i16; 5];
    assert_eq!(src.read(&mut f), 5); // what was left, then silence
    assert_eq!(f, [7, 7, 7, 0, 0]);
    assert_eq!(src.stats().underruns, 0); // a gone embedder is not late

    let (mic, src) = channel_source(8000, 1);
    drop(src);
    assert!(mic.is_closed());
    assert_eq!(mic.write(&[1]), Err(ChannelError::Closed));

    let (mut sink, speaker) = channel_sink(8000, 1);
    drop(speaker);
    assert!(sink.is_closed());
    assert!(sink.write(&[1, 2]).is_ok());
    let (sink, speaker) = channel_sink(8000, 1);
    drop(sink);
    assert!(speaker.is_closed());
}

#[test]
fn samples_cross_threads_in_order() {
    // An embedder's mic thread and speaker thread run while the "media
    // session" (this thread) moves frames from the source to the sink.
    let (mic, mut src) = channel_source(8000, 50);
    let (mut sink, speaker) = channel_sink(8000, 50);
    let writer = std::thread::spawn(move || {
        for chunk in (0..4000i16).collect::<Vec<_>>().chunks(100) {
            mic.write(chunk).unwrap();
            std::thread::yield_now();
        }
    });
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        let mut buf = [0i16; 97];
        while got.len() < 4000 {
            let n = speaker.read(&mut buf);
            got.extend_from_slice(&buf[..n]);
            std::thread::yield_now();
        }
        got
    });
    let mut frame = [0i16; 160];
    for _ in 0..25 {
        while src.queued() < 160 {
            std::thread::yield_now();
        }
        assert_eq!(src.read(&mut frame), 160);
        sink.write(&frame).unwrap();
    }
    writer.join().unwrap();
    assert_eq!(reader.join().unwrap(), (0..4000).collect::<Vec<i16>>());
    let st = src.stats();
    assert_eq!((st.underruns, st.overruns, st.read), (0, 0, 4000));
}
