//! Conference mixing: every party hears the sum of the others, never itself.

/// Why a frame was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MixerError {
    /// A party index at or past the number of parties.
    #[error("party {party} does not exist (the mixer has {parties})")]
    NoSuchParty {
        /// The index given.
        party: usize,
        /// Parties in the mix.
        parties: usize,
    },
    /// A frame of the wrong number of samples.
    #[error("party {party} pushed {len} samples, the mixer's frame is {expected}")]
    FrameLength {
        /// The party.
        party: usize,
        /// Samples pushed.
        len: usize,
        /// Samples per frame.
        expected: usize,
    },
}

/// An N-party mix-minus ("each party hears the others") of one frame per tick.
///
/// Each tick, every party [`Mixer::push`]es its frame, then [`Mixer::mix`]
/// returns one frame per party: the sum of all the other parties' frames,
/// added in a wide integer and saturated to 16 bits (clipping at 32767 and
/// -32768). A party that pushed nothing this tick (late, lost packet, on
/// hold) contributes silence to the others and still receives their mix.
/// Sums are taken over the whole set once, then each party's own frame is
/// taken out, so a mix costs one pass per party whatever their number.
#[derive(Debug, Clone)]
pub struct Mixer {
    frame_samples: usize,
    inputs: Vec<Vec<i16>>,
    present: Vec<bool>,
    sum: Vec<i64>,
}

impl Mixer {
    /// A mixer for `parties` parties and frames of `frame_samples` samples.
    pub fn new(parties: usize, frame_samples: usize) -> Self {
        Mixer {
            frame_samples,
            inputs: vec![vec![0; frame_samples]; parties],
            present: vec![false; parties],
            sum: vec![0; frame_samples],
        }
    }

    /// Number of parties.
    pub fn parties(&self) -> usize {
        self.inputs.len()
    }

    /// Samples per frame.
    pub fn frame_samples(&self) -> usize {
        self.frame_samples
    }

    /// Sets `party`'s frame for this tick (a second push in the same tick
    /// replaces the first). The frame must have exactly the mixer's length.
    pub fn push(&mut self, party: usize, frame: &[i16]) -> Result<(), MixerError> {
        let parties = self.inputs.len();
        let expected = self.frame_samples;
        let slot = self
            .inputs
            .get_mut(party)
            .ok_or(MixerError::NoSuchParty { party, parties })?;
        if frame.len() != expected {
            return Err(MixerError::FrameLength {
                party,
                len: frame.len(),
                expected,
            });
        }
        slot.copy_from_slice(frame);
        if let Some(p) = self.present.get_mut(party) {
            *p = true;
        }
        Ok(())
    }

    /// Whether `party` has pushed a frame this tick.
    pub fn has_frame(&self, party: usize) -> bool {
        self.present.get(party).copied().unwrap_or(false)
    }

    /// Mixes this tick: element `i` is what party `i` hears. Clears the
    /// inputs, so a party that does not push next tick is silent.
    pub fn mix(&mut self) -> Vec<Vec<i16>> {
        self.sum.fill(0);
        for (frame, _) in self.inputs.iter().zip(&self.present).filter(|(_, p)| **p) {
            for (acc, s) in self.sum.iter_mut().zip(frame) {
                *acc += i64::from(*s);
            }
        }
        let out = self
            .inputs
            .iter()
            .zip(&self.present)
            .map(|(own, present)| match present {
                true => self
                    .sum
                    .iter()
                    .zip(own)
                    .map(|(t, s)| clip(t - i64::from(*s)))
                    .collect(),
                false => self.sum.iter().map(|t| clip(*t)).collect(),
            })
            .collect();
        self.present.fill(false);
        out
    }
}

/// Saturates a sum to the 16-bit range.
fn clip(sum: i64) -> i16 {
    sum.clamp(i64::from(i16::MIN), i64::from(i16::MAX)) as i16
}
