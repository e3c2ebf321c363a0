//! The embedder's microphone and speaker: bounded sample queues between the
//! application's audio threads and the media session.
//!
//! Both directions are a `Mutex<VecDeque<i16>>` with counters. A lock-free
//! SPSC ring (e.g. `rtrb`) was not used: a full speaker queue must drop its
//! *oldest* samples to bound latency, and in an SPSC ring only the consumer
//! may remove samples. The lock is held only to copy one frame.

use crate::sink::AudioSink;
use crate::source::AudioSource;
use crate::wav::WavError;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Frames per second the capacities are counted in (20 ms frames).
const FRAMES_PER_SECOND: usize = 50;

/// Why samples could not be handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChannelError {
    /// The other side was dropped (the call's media ended).
    #[error("the other side of the audio channel is gone")]
    Closed,
}

/// Counters of one channel, shared by both its ends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChannelStats {
    /// Samples written.
    pub written: u64,
    /// Samples read (silence filled in not included).
    pub read: u64,
    /// Reads that found fewer samples than asked for (source side only:
    /// the embedder was late and silence was played).
    pub underruns: u64,
    /// Samples of silence filled in by underruns.
    pub missing_samples: u64,
    /// Writes that found the queue full and dropped its oldest samples.
    pub overruns: u64,
    /// Samples dropped by overruns.
    pub dropped_samples: u64,
}

#[derive(Debug)]
struct State {
    queue: VecDeque<i16>,
    stats: ChannelStats,
    writer_alive: bool,
    reader_alive: bool,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    capacity: usize,
    sample_rate: u32,
}

impl Shared {
    fn new(sample_rate: u32, capacity_frames: usize) -> Arc<Self> {
        let per_frame = (sample_rate as usize / FRAMES_PER_SECOND).max(1);
        let capacity = capacity_frames.max(1).saturating_mul(per_frame);
        Arc::new(Shared {
            state: Mutex::new(State {
                queue: VecDeque::with_capacity(capacity),
                stats: ChannelStats::default(),
                writer_alive: true,
                reader_alive: true,
            }),
            capacity,
            sample_rate,
        })
    }

    /// The state; a panic on another thread while holding the lock left it
    /// consistent (every update is a plain copy), so poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `samples`, dropping the oldest beyond the capacity.
    fn push(&self, samples: &[i16]) -> Result<(), ChannelError> {
        let mut st = self.lock();
        if !st.reader_alive {
            return Err(ChannelError::Closed);
        }
        st.stats.written += samples.len() as u64;
        let overflow = (st.queue.len() + samples.len()).saturating_sub(self.capacity);
        if overflow > 0 {
            st.stats.overruns += 1;
            st.stats.dropped_samples += overflow as u64;
            let from_queue = overflow.min(st.queue.len());
            st.queue.drain(..from_queue);
        }
        let skip = samples.len().saturating_sub(self.capacity);
        st.queue.extend(samples.iter().skip(skip));
        Ok(())
    }

    /// Moves up to `out.len()` samples into `out`; returns how many.
    fn pull(&self, out: &mut [i16], count_underrun: bool) -> usize {
        let mut st = self.lock();
        let n = out.len().min(st.queue.len());
        for (slot, s) in out.iter_mut().zip(st.queue.drain(..n)) {
            *slot = s;
        }
        st.stats.read += n as u64;
        if count_underrun && n < out.len() && st.writer_alive {
            st.stats.underruns += 1;
            st.stats.missing_samples += (out.len() - n) as u64;
        }
        n
    }

    fn stats(&self) -> ChannelStats {
        self.lock().stats
    }
    fn len(&self) -> usize {
        self.lock().queue.len()
    }
    fn writer_gone(&self) -> bool {
        !self.lock().writer_alive
    }
    fn reader_gone(&self) -> bool {
        !self.lock().reader_alive
    }
}

macro_rules! end_common {
    ($ty:ident, $closed:ident, $drop_flag:ident) => {
        impl $ty {
            /// Counters of the channel (shared with the other end).
            pub fn stats(&self) -> ChannelStats {
                self.shared.stats()
            }
            /// Samples queued between the two ends.
            pub fn queued(&self) -> usize {
                self.shared.len()
            }
            /// Capacity of the queue in samples.
            pub fn capacity(&self) -> usize {
                self.shared.capacity
            }
            /// Whether the other end has been dropped.
            pub fn is_closed(&self) -> bool {
                self.shared.$closed()
            }
        }
        impl Drop for $ty {
            fn drop(&mut self) {
                self.shared.lock().$drop_flag = false;
            }
        }
    };
}

/// The embedder's end of the microphone: [`MicWriter::write`] captured samples.
#[derive(Debug)]
pub struct MicWriter {
    shared: Arc<Shared>,
}

/// The media session's end of the microphone: an [`AudioSource`] that never
/// ends; when the embedder is late it plays silence and counts an underrun.
/// After the [`MicWriter`] is dropped it plays what is left, then silence
/// (without counting underruns); [`ChannelSource::is_closed`] tells.
#[derive(Debug)]
pub struct ChannelSource {
    shared: Arc<Shared>,
}

/// The media session's end of the speaker: an [`AudioSink`] whose queue,
/// when full, drops its oldest samples (counted as an overrun). Writing after
/// the [`SpeakerReader`] is dropped discards the samples without error.
#[derive(Debug)]
pub struct ChannelSink {
    shared: Arc<Shared>,
}

/// The embedder's end of the speaker: [`SpeakerReader::read`] received audio.
#[derive(Debug)]
pub struct SpeakerReader {
    shared: Arc<Shared>,
}

end_common!(MicWriter, reader_gone, writer_alive);
end_common!(ChannelSource, writer_gone, reader_alive);
end_common!(ChannelSink, reader_gone, writer_alive);
end_common!(SpeakerReader, writer_gone, reader_alive);

/// A microphone channel at `sample_rate` holding up to `capacity_frames`
/// 20 ms frames (at least one); a full queue drops its oldest samples.
pub fn channel_source(sample_rate: u32, capacity_frames: usize) -> (MicWriter, ChannelSource) {
    let shared = Shared::new(sample_rate, capacity_frames);
    (
        MicWriter {
            shared: shared.clone(),
        },
        ChannelSource { shared },
    )
}

/// A speaker channel at `sample_rate` holding up to `capacity_frames` 20 ms
/// frames (at least one); a full queue drops its oldest samples.
pub fn channel_sink(sample_rate: u32, capacity_frames: usize) -> (ChannelSink, SpeakerReader) {
    let shared = Shared::new(sample_rate, capacity_frames);
    (
        ChannelSink {
            shared: shared.clone(),
        },
        SpeakerReader { shared },
    )
}

impl MicWriter {
    /// Queues captured `samples` for the call; `Err(Closed)` (samples
    /// discarded) once the media session dropped its end.
    pub fn write(&self, samples: &[i16]) -> Result<(), ChannelError> {
        self.shared.push(samples)
    }
    /// Samples per second the call expects.
    pub fn sample_rate(&self) -> u32 {
        self.shared.sample_rate
    }
}

impl AudioSource for ChannelSource {
    fn read(&mut self, frame: &mut [i16]) -> usize {
        let n = self.shared.pull(frame, true);
        if let Some(rest) = frame.get_mut(n..) {
            rest.fill(0);
        }
        frame.len()
    }
    fn sample_rate(&self) -> u32 {
        self.shared.sample_rate
    }
}

impl AudioSink for ChannelSink {
    fn write(&mut self, samples: &[i16]) -> Result<(), WavError> {
        // A speaker nobody listens to any more is not the call's failure.
        let _ = self.shared.push(samples);
        Ok(())
    }
    fn sample_rate(&self) -> u32 {
        self.shared.sample_rate
    }
}

impl SpeakerReader {
    /// Moves up to `out.len()` received samples into `out`, oldest first;
    /// returns how many (0 when nothing is queued).
    pub fn read(&self, out: &mut [i16]) -> usize {
        self.shared.pull(out, false)
    }
    /// Samples per second of the received audio.
    pub fn sample_rate(&self) -> u32 {
        self.shared.sample_rate
    }
}
