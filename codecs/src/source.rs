//! Audio sources: where the samples a call sends come from.
//!
//! All sources produce mono signed 16-bit samples at their `sample_rate()`
//! (8 kHz for G.711). They are plain values, deterministic and clock-free: the
//! media session pulls one frame per packet interval.

/// A producer of mono 16-bit samples.
pub trait AudioSource {
    /// Fills `frame` from the start and returns how many samples were written.
    /// A count below `frame.len()` means the source has ended (a live source
    /// always fills the frame); samples past the count are left untouched.
    fn read(&mut self, frame: &mut [i16]) -> usize;
    /// Samples per second.
    fn sample_rate(&self) -> u32;
}

impl<S: AudioSource + ?Sized> AudioSource for Box<S> {
    fn read(&mut self, frame: &mut [i16]) -> usize {
        (**self).read(frame)
    }
    fn sample_rate(&self) -> u32 {
        (**self).sample_rate()
    }
}

/// Endless digital silence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Silence {
    sample_rate: u32,
}

impl Silence {
    /// Silence at `sample_rate` samples per second.
    pub fn new(sample_rate: u32) -> Self {
        Silence { sample_rate }
    }
}

impl AudioSource for Silence {
    fn read(&mut self, frame: &mut [i16]) -> usize {
        frame.fill(0);
        frame.len()
    }
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }
}

/// An endless sine tone, phase-continuous across reads and deterministic.
///
/// The phase is a 32-bit accumulator (direct digital synthesis), so the
/// waveform never drifts with the number of reads and two tones built with the
/// same parameters produce identical samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Tone {
    /// Frequency in Hz.
    pub freq: f64,
    /// Peak amplitude (0..=32767).
    pub amplitude: i16,
    sample_rate: u32,
    phase: u32,
    step: u32,
}

impl Tone {
    /// A tone of `freq` Hz with peak `amplitude`, sampled at `sample_rate`.
    /// Frequencies outside 0..Nyquist are folded by the accumulator (aliasing),
    /// a rate of 0 gives a constant 0 Hz tone: no input panics.
    pub fn new(freq: f64, amplitude: i16, sample_rate: u32) -> Self {
        let step = if sample_rate == 0 || !freq.is_finite() {
            0
        } else {
            let cycles = (freq / f64::from(sample_rate)).rem_euclid(1.0);
            (cycles * 4_294_967_296.0).round() as u64 as u32
        };
        Tone {
            freq,
            amplitude,
            sample_rate,
            phase: 0,
            step,
        }
    }
}

impl AudioSource for Tone {
    fn read(&mut self, frame: &mut [i16]) -> usize {
        let amp = f64::from(self.amplitude);
        for slot in frame.iter_mut() {
            let angle = f64::from(self.phase) * (std::f64::consts::TAU / 4_294_967_296.0);
            *slot = (amp * angle.sin()).round() as i16;
            self.phase = self.phase.wrapping_add(self.step);
        }
        frame.len()
    }
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }
}

/// Wraps a source; while muted its samples are replaced by silence.
///
/// The inner source keeps being read while muted, so a file or tone goes on
/// advancing in time (like a microphone whose output is switched off) and an
/// ended source still reports its end.
#[derive(Clone, Debug)]
pub struct Muted<S> {
    inner: S,
    muted: bool,
}

impl<S: AudioSource> Muted<S> {
    /// Wraps `inner`, not muted.
    pub fn new(inner: S) -> Self {
        Muted {
            inner,
            muted: false,
        }
    }
    /// Mutes or unmutes.
    pub fn set_muted(&mut self, muted: bool) {
        self.muted = muted;
    }
    /// Whether the source is muted.
    pub fn is_muted(&self) -> bool {
        self.muted
    }
    /// The wrapped source.
    pub fn inner(&self) -> &S {
        &self.inner
    }
    /// Unwraps the source.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: AudioSource> AudioSource for Muted<S> {
    fn read(&mut self, frame: &mut [i16]) -> usize {
        let n = self.inner.read(frame);
        if self.muted {
            if let Some(head) = frame.get_mut(..n) {
                head.fill(0);
            }
        }
        n
    }
    fn sample_rate(&self) -> u32 {
        self.inner.sample_rate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_fills_zeros() {
        let mut s = Silence::new(8000);
        let mut f = [7i16; 160];
        assert_eq!(s.read(&mut f), 160);
        assert!(f.iter().all(|x| *x == 0));
        assert_eq!(s.sample_rate(), 8000);
    }

    #[test]
    fn tone_is_phase_continuous_and_deterministic() {
        let mut whole = Tone::new(1000.0, 10_000, 8000);
        let mut big = [0i16; 320];
        whole.read(&mut big);
        let mut split = Tone::new(1000.0, 10_000, 8000);
        let (mut a, mut b) = ([0i16; 160], [0i16; 160]);
        split.read(&mut a);
        split.read(&mut b);
        assert_eq!(&big[..160], &a[..]);
        assert_eq!(&big[160..], &b[..]);
        // 1 kHz at 8 kHz: period of 8 samples, peak at sample 2.
        assert_eq!(big[0], 0);
        assert_eq!(big[2], 10_000);
        assert_eq!(big[6], -10_000);
        assert_eq!(big[8..16], big[0..8]);
        assert_eq!(big[2], a[2 + 8 * 19]);
    }

    #[test]
    fn odd_tones_do_not_panic() {
        for (f, r) in [(f64::NAN, 8000), (1e12, 8000), (-440.0, 8000), (440.0, 0)] {
            let mut t = Tone::new(f, i16::MAX, r);
            let mut buf = [0i16; 16];
            assert_eq!(t.read(&mut buf), 16);
        }
    }

    #[test]
    fn muting_silences_without_stopping_the_source() {
        let mut m = Muted::new(Tone::new(1000.0, 5000, 8000));
        let mut f = [0i16; 8];
        m.read(&mut f);
        assert!(f.iter().any(|x| *x != 0));
        m.set_muted(true);
        assert!(m.is_muted());
        assert_eq!(m.read(&mut f), 8);
        assert!(f.iter().all(|x| *x == 0));
        m.set_muted(false);
        m.read(&mut f);
        // The tone went on during the mute: 16 samples in, a whole number of periods.
        assert_eq!(f[2], 5000);
        assert_eq!(m.inner().sample_rate(), 8000);
    }
}
