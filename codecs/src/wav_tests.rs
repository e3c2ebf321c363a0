use super::*;
use crate::source::Tone;
use std::io::Cursor;

fn wav_bytes(spec: hound::WavSpec, samples: &[i16]) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut buf, spec).unwrap();
    for s in samples {
        w.write_sample(*s).unwrap();
    }
    w.finalize().unwrap();
    buf.into_inner()
}

#[test]
fn sink_then_source_round_trip() {
    let mut tone = Tone::new(440.0, 8000, 8000);
    let mut pcm = [0i16; 400];
    tone.read(&mut pcm);

    let mut buf = Cursor::new(Vec::new());
    let mut sink = WavSink::new(&mut buf, 8000).unwrap();
    assert!(sink.is_empty());
    sink.write(&pcm[..160]).unwrap();
    sink.write(&pcm[160..]).unwrap();
    assert_eq!(sink.len(), 400);
    assert_eq!(sink.sample_rate(), 8000);
    sink.finalize().unwrap();

    let mut src = WavSource::new(Cursor::new(buf.into_inner()), 8000).unwrap();
    assert_eq!(src.remaining(), 400);
    assert_eq!(src.sample_rate(), 8000);
    let mut frame = [0i16; 160];
    let mut back = Vec::new();
    loop {
        let n = src.read(&mut frame);
        back.extend_from_slice(&frame[..n]);
        if n < frame.len() {
            break;
        }
    }
    assert_eq!(back, pcm);
    assert_eq!(src.read(&mut frame), 0);
    assert!(src.error().is_none());
}

#[test]
fn files_on_disk() {
    let dir = std::env::temp_dir().join(format!("sb-codecs-wav-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tone.wav");
    let mut sink = WavSink::create(&path, 8000).unwrap();
    sink.write(&[1, -2, 3]).unwrap();
    sink.finalize().unwrap();
    let mut src = WavSource::open(&path, 8000).unwrap();
    let mut f = [0i16; 4];
    assert_eq!(src.read(&mut f), 3);
    assert_eq!(&f[..3], &[1, -2, 3]);
    assert!(matches!(
        WavSource::open(dir.join("missing.wav"), 8000),
        Err(WavError::Hound(_))
    ));
    let wide = dir.join("wide.wav");
    let mut sink = WavSink::create(&wide, 48_000).unwrap();
    sink.write(&[7; 10]).unwrap();
    sink.finalize().unwrap();
    assert!(matches!(
        WavSource::open(&wide, 8000),
        Err(WavError::SampleRate { found: 48_000, .. })
    ));
    let any = WavSource::open_any_rate(&wide).unwrap();
    assert_eq!((any.sample_rate(), any.remaining()), (48_000, 10));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mismatches_are_named() {
    let mono16 = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let at_16k = wav_bytes(
        hound::WavSpec {
            sample_rate: 16000,
            ..mono16
        },
        &[0; 4],
    );
    let err = WavSource::new(Cursor::new(at_16k), 8000).err().unwrap();
    assert!(matches!(
        err,
        WavError::SampleRate {
            found: 16000,
            expected: 8000
        }
    ));
    assert_eq!(
        err.to_string(),
        "WAV sample rate is 16000 Hz, 8000 Hz required"
    );

    let stereo = wav_bytes(
        hound::WavSpec {
            channels: 2,
            ..mono16
        },
        &[0; 4],
    );
    let err = WavSource::new(Cursor::new(stereo), 8000).err().unwrap();
    assert!(matches!(err, WavError::Channels { found: 2 }));

    let mut buf = Cursor::new(Vec::new());
    let float = hound::WavSpec {
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
        ..mono16
    };
    let mut w = hound::WavWriter::new(&mut buf, float).unwrap();
    w.write_sample(0.5f32).unwrap();
    w.finalize().unwrap();
    let err = WavSource::new(Cursor::new(buf.into_inner()), 8000)
        .err()
        .unwrap();
    assert!(matches!(
        err,
        WavError::SampleFormat {
            bits: 32,
            format: "float"
        }
    ));

    let garbage = b"RIFF\x04\x00\x00\x00WAVEjunk".to_vec();
    assert!(matches!(
        WavSource::new(Cursor::new(garbage), 8000),
        Err(WavError::Hound(_))
    ));
}

#[test]
fn a_truncated_file_ends_the_source_and_keeps_the_error() {
    let mono16 = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = wav_bytes(mono16, &[100; 50]);
    bytes.truncate(bytes.len() - 41); // 29.5 samples left
    let mut src = WavSource::new(Cursor::new(bytes), 8000).unwrap();
    let mut f = [0i16; 160];
    let n = src.read(&mut f);
    assert_eq!(n, 29);
    assert!(src.error().is_some());
    assert_eq!(src.read(&mut f), 0);
}
