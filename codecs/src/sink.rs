//! Audio sinks: where the samples a call receives go.

use crate::wav::WavError;

/// A consumer of mono 16-bit samples.
pub trait AudioSink {
    /// Takes `samples` (in order, after those of earlier calls).
    fn write(&mut self, samples: &[i16]) -> Result<(), WavError>;
    /// Samples per second the sink expects.
    fn sample_rate(&self) -> u32;
}

impl<S: AudioSink + ?Sized> AudioSink for Box<S> {
    fn write(&mut self, samples: &[i16]) -> Result<(), WavError> {
        (**self).write(samples)
    }
    fn sample_rate(&self) -> u32 {
        (**self).sample_rate()
    }
}

/// Discards samples, counting them: enough for tests and checks that audio
/// flowed ("the callee heard something").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NullSink {
    sample_rate: u32,
    /// Samples written so far.
    pub samples: u64,
    /// Calls to `write` so far.
    pub writes: u64,
    /// Samples whose value was not 0.
    pub non_silent: u64,
    /// Largest absolute sample value seen.
    pub peak: u16,
}

impl NullSink {
    /// A counting sink at `sample_rate`.
    pub fn new(sample_rate: u32) -> Self {
        NullSink {
            sample_rate,
            ..NullSink::default()
        }
    }
}

impl AudioSink for NullSink {
    fn write(&mut self, samples: &[i16]) -> Result<(), WavError> {
        self.writes += 1;
        self.samples += samples.len() as u64;
        for s in samples {
            if *s != 0 {
                self.non_silent += 1;
            }
            self.peak = self.peak.max(s.unsigned_abs());
        }
        Ok(())
    }
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_sink_counts() {
        let mut s = NullSink::new(8000);
        s.write(&[0, 0, 5, i16::MIN]).unwrap();
        s.write(&[]).unwrap();
        assert_eq!(s.samples, 4);
        assert_eq!(s.writes, 2);
        assert_eq!(s.non_silent, 2);
        assert_eq!(s.peak, 32768);
        assert_eq!(s.sample_rate(), 8000);
    }
}
