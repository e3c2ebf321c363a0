//! WAV files as sources and sinks, through the `hound` crate.
//!
//! Only 16-bit integer PCM, mono, is accepted, at the rate the caller asks for
//! (8000 Hz for G.711) or at any rate ([`WavSource::open_any_rate`], for a media
//! session that resamples). Nothing is resampled or downmixed: a
//! file in another shape is refused with an error naming the mismatch.

use crate::sink::AudioSink;
use crate::source::AudioSource;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::Path;

/// Why a WAV file cannot be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WavError {
    /// The file could not be opened, parsed or written.
    #[error("WAV file: {0}")]
    Hound(#[from] hound::Error),
    /// The file's sample rate is not the one required.
    #[error("WAV sample rate is {found} Hz, {expected} Hz required")]
    SampleRate {
        /// The file's rate.
        found: u32,
        /// The rate required.
        expected: u32,
    },
    /// The file is not mono.
    #[error("WAV file has {found} channels, mono required")]
    Channels {
        /// The file's channel count.
        found: u16,
    },
    /// The samples are not 16-bit integers.
    #[error("WAV samples are {bits}-bit {format}, 16-bit integer required")]
    SampleFormat {
        /// Bits per sample.
        bits: u16,
        /// `"integer"` or `"float"`.
        format: &'static str,
    },
}

/// Plays a WAV file (16-bit mono PCM) once; the source ends with the file.
pub struct WavSource<R: Read> {
    reader: hound::WavReader<R>,
    error: Option<hound::Error>,
}

impl WavSource<BufReader<File>> {
    /// Opens the file at `path`, requiring `sample_rate` Hz, mono, 16-bit.
    pub fn open(path: impl AsRef<Path>, sample_rate: u32) -> Result<Self, WavError> {
        Self::check(hound::WavReader::open(path)?, sample_rate)
    }

    /// Opens the file at `path` at the rate it has (mono, 16-bit): for a media
    /// session, which resamples its source to the codec's rate.
    pub fn open_any_rate(path: impl AsRef<Path>) -> Result<Self, WavError> {
        let reader = hound::WavReader::open(path)?;
        let rate = reader.spec().sample_rate;
        Self::check(reader, rate)
    }
}

impl<R: Read> WavSource<R> {
    /// Reads WAV data from `reader`, requiring `sample_rate` Hz, mono, 16-bit.
    pub fn new(reader: R, sample_rate: u32) -> Result<Self, WavError> {
        Self::check(hound::WavReader::new(reader)?, sample_rate)
    }

    fn check(reader: hound::WavReader<R>, expected: u32) -> Result<Self, WavError> {
        let spec = reader.spec();
        if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample != 16 {
            let format = match spec.sample_format {
                hound::SampleFormat::Int => "integer",
                hound::SampleFormat::Float => "float",
            };
            let bits = spec.bits_per_sample;
            return Err(WavError::SampleFormat { bits, format });
        }
        if spec.channels != 1 {
            return Err(WavError::Channels {
                found: spec.channels,
            });
        }
        if spec.sample_rate != expected {
            let found = spec.sample_rate;
            return Err(WavError::SampleRate { found, expected });
        }
        Ok(WavSource {
            reader,
            error: None,
        })
    }

    /// Samples left to play.
    pub fn remaining(&self) -> u32 {
        self.reader.len()
    }

    /// The error that ended the source early (a truncated or corrupt file).
    pub fn error(&self) -> Option<&hound::Error> {
        self.error.as_ref()
    }
}

impl<R: Read> AudioSource for WavSource<R> {
    fn read(&mut self, frame: &mut [i16]) -> usize {
        if self.error.is_some() {
            return 0;
        }
        let mut samples = self.reader.samples::<i16>();
        let mut n = 0;
        for slot in frame.iter_mut() {
            match samples.next() {
                Some(Ok(s)) => *slot = s,
                Some(Err(e)) => {
                    self.error = Some(e);
                    break;
                }
                None => break,
            }
            n += 1;
        }
        n
    }
    fn sample_rate(&self) -> u32 {
        self.reader.spec().sample_rate
    }
}

/// Records samples to a WAV file (16-bit mono PCM).
///
/// Call [`WavSink::finalize`] at the end: it writes the final header sizes
/// (dropping the sink tries to as well, but cannot report an error).
pub struct WavSink<W: Write + Seek> {
    writer: hound::WavWriter<W>,
    sample_rate: u32,
}

fn spec(sample_rate: u32) -> hound::WavSpec {
    hound::WavSpec {
        channels: 1,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    }
}

impl WavSink<BufWriter<File>> {
    /// Creates (or truncates) the file at `path`.
    pub fn create(path: impl AsRef<Path>, sample_rate: u32) -> Result<Self, WavError> {
        let writer = hound::WavWriter::create(path, spec(sample_rate))?;
        Ok(WavSink {
            writer,
            sample_rate,
        })
    }
}

impl<W: Write + Seek> WavSink<W> {
    /// Writes WAV data to `writer`.
    pub fn new(writer: W, sample_rate: u32) -> Result<Self, WavError> {
        let writer = hound::WavWriter::new(writer, spec(sample_rate))?;
        Ok(WavSink {
            writer,
            sample_rate,
        })
    }

    /// Samples written so far.
    pub fn len(&self) -> u32 {
        self.writer.len()
    }

    /// Whether nothing was written yet.
    pub fn is_empty(&self) -> bool {
        self.writer.len() == 0
    }

    /// Completes the header and flushes.
    pub fn finalize(self) -> Result<(), WavError> {
        Ok(self.writer.finalize()?)
    }
}

impl<W: Write + Seek> AudioSink for WavSink<W> {
    fn write(&mut self, samples: &[i16]) -> Result<(), WavError> {
        for s in samples {
            self.writer.write_sample(*s)?;
        }
        Ok(())
    }
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }
}

#[cfg(test)]
#[path = "wav_tests.rs"]
mod tests;
