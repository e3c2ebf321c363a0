//! Streaming sample-rate conversion of interleaved i16 audio.
//!
//! Built on rubato's synchronous FFT resampler (`FftFixedInOut`): the
//! spectrum of each block is truncated or extended and multiplied by a
//! windowed-sinc anti-aliasing filter, so 48 kHz → 8 kHz removes what lies
//! above 4 kHz instead of folding it back. Blocks are 20 ms of input; the
//! [`Resampler`] buffers arbitrary chunks until a block is complete, so
//! feeding audio in any split gives exactly the samples of one call. The
//! filter's own delay is removed: output sample `k` lines up with input time
//! `k / to_hz`. The price is latency: up to one block (20 ms) of buffering.

use rubato::{FftFixedInOut, Resampler as _};

/// Why a resampler could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResampleError {
    /// A rate of 0 Hz or above 384 kHz.
    #[error("unsupported sample rate {hz} Hz")]
    Rate {
        /// The rejected rate.
        hz: u32,
    },
    /// Channels other than 1..=8.
    #[error("unsupported channel count {channels}")]
    Channels {
        /// The rejected count.
        channels: u16,
    },
    /// rubato refused the conversion.
    #[error("resampler construction: {0}")]
    Backend(#[from] rubato::ResamplerConstructionError),
}

/// One direction of sample-rate conversion with state carried across calls.
pub struct Resampler {
    from_hz: u32,
    to_hz: u32,
    channels: usize,
    inner: Option<Engine>,
}

struct Engine {
    fft: FftFixedInOut<f32>,
    chunk_in: usize,
    chunk_out: usize,
    /// Interleaved input not yet resampled (less than one block).
    pending: Vec<i16>,
    wave_in: Vec<Vec<f32>>,
    wave_out: Vec<Vec<f32>>,
    /// Output frames still to drop (the filter delay).
    skip: usize,
    /// Whole input frames accepted since the start or the last flush.
    frames_in: u64,
    frames_out: u64,
}

impl std::fmt::Debug for Resampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resampler")
            .field("from_hz", &self.from_hz)
            .field("to_hz", &self.to_hz)
            .field("channels", &self.channels)
            .finish_non_exhaustive()
    }
}

impl Resampler {
    /// A converter from `from_hz` to `to_hz` for interleaved `channels`.
    /// Equal rates give a pass-through.
    pub fn new(from_hz: u32, to_hz: u32, channels: u16) -> Result<Self, ResampleError> {
        for hz in [from_hz, to_hz] {
            if hz == 0 || hz > 384_000 {
                return Err(ResampleError::Rate { hz });
            }
        }
        if !(1..=8).contains(&channels) {
            return Err(ResampleError::Channels { channels });
        }
        let channels = usize::from(channels);
        let inner = if from_hz == to_hz {
            None
        } else {
            let block = (from_hz as usize).div_ceil(50);
            let fft = FftFixedInOut::new(from_hz as usize, to_hz as usize, block, channels)?;
            let (chunk_in, chunk_out) = (fft.input_frames_next(), fft.output_frames_next());
            Some(Engine {
                skip: fft.output_delay(),
                wave_in: fft.input_buffer_allocate(true),
                wave_out: fft.output_buffer_allocate(true),
                fft,
                chunk_in,
                chunk_out,
                pending: Vec::with_capacity(chunk_in * channels),
                frames_in: 0,
                frames_out: 0,
            })
        };
        Ok(Resampler {
            from_hz,
            to_hz,
            channels,
            inner,
        })
    }

    /// The input rate.
    pub fn from_hz(&self) -> u32 {
        self.from_hz
    }

    /// The output rate.
    pub fn to_hz(&self) -> u32 {
        self.to_hz
    }

    /// Input frames per internal block (0 for a pass-through).
    pub fn block_frames(&self) -> usize {
        self.inner.as_ref().map_or(0, |e| e.chunk_in)
    }

    /// Resamples `input` (interleaved; any length), returning what is ready.
    /// A trailing partial frame waits for the rest of its channels.
    pub fn process(&mut self, input: &[i16]) -> Vec<i16> {
        let channels = self.channels;
        let Some(engine) = self.inner.as_mut() else {
            return input.to_vec();
        };
        let before = engine.pending.len() / channels;
        engine.pending.extend_from_slice(input);
        engine.frames_in += (engine.pending.len() / channels - before) as u64;
        let mut out = Vec::new();
        engine.drain_blocks(channels, &mut out);
        out
    }

    /// Ends the stream: pads the last block with silence and returns the
    /// rest, so that the total output is `ceil(input frames × to / from)`
    /// frames. The resampler then starts afresh.
    pub fn flush(&mut self) -> Vec<i16> {
        let channels = self.channels;
        let (from, to) = (u64::from(self.from_hz), u64::from(self.to_hz));
        let Some(engine) = self.inner.as_mut() else {
            return Vec::new();
        };
        let total = (engine.frames_in * to).div_ceil(from);
        let mut out = Vec::new();
        engine
            .pending
            .truncate(engine.pending.len() / channels * channels);
        while engine.frames_out < total {
            let missing =
                engine.chunk_in * channels - engine.pending.len() % (engine.chunk_in * channels);
            engine.pending.resize(engine.pending.len() + missing, 0);
            engine.drain_blocks(channels, &mut out);
        }
        let excess = (engine.frames_out - total) as usize * channels;
        out.truncate(out.len().saturating_sub(excess));
        engine.fft.reset();
        engine.pending.clear();
        engine.skip = engine.fft.output_delay();
        engine.frames_in = 0;
        engine.frames_out = 0;
        out
    }
}

impl Engine {
    fn drain_blocks(&mut self, channels: usize, out: &mut Vec<i16>) {
        let block = self.chunk_in * channels;
        let mut used = 0;
        while self.pending.len() - used >= block {
            for (i, frame) in self.pending[used..used + block]
                .chunks_exact(channels)
                .enumerate()
            {
                for (ch, s) in frame.iter().enumerate() {
                    self.wave_in[ch][i] = f32::from(*s) / 32768.0;
                }
            }
            used += block;
            let ok = self
                .fft
                .process_into_buffer(&self.wave_in, &mut self.wave_out, None)
                .is_ok();
            let start = self.skip.min(self.chunk_out);
            self.skip -= start;
            for i in start..self.chunk_out {
                for ch in 0..channels {
                    let v = if ok { self.wave_out[ch][i] } else { 0.0 };
                    out.push((v * 32768.0).round().clamp(-32768.0, 32767.0) as i16);
                }
            }
            self.frames_out += (self.chunk_out - start) as u64;
        }
        self.pending.drain(..used);
    }
}

#[cfg(test)]
#[path = "resample_tests.rs"]
mod tests;
