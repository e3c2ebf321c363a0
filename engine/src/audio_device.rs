//! [`AudioDevice`]: a call's audio ends, the embedder's (a phone's microphone and
//! speaker, a file, a test's buffers).

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use switchboard_codecs::{
    channel_sink, channel_source, AudioSink, AudioSource, MicWriter, SpeakerReader, WavError,
    WavSink, WavSource,
};

/// Frames of 20 ms each channel of [`AudioDevice::channels`] holds (1 s).
const CHANNEL_FRAMES: usize = 50;

type Ends = (Box<dyn AudioSource + Send>, Box<dyn AudioSink + Send>);

/// What a call sends (the microphone) and where what it hears goes (the speaker), at
/// any sample rates: the media session resamples to and from the codec's. A cheap
/// handle (clones share the ends); the first call that uses it takes the ends.
///
/// Without one a call sends [`crate::DialOptions::audio_file`] or a 440 Hz tone and
/// drops what it hears.
#[derive(Clone)]
pub struct AudioDevice(Arc<Mutex<Option<Ends>>>);

impl AudioDevice {
    /// A device of `source` and `sink`.
    pub fn new(source: Box<dyn AudioSource + Send>, sink: Box<dyn AudioSink + Send>) -> Self {
        AudioDevice(Arc::new(Mutex::new(Some((source, sink)))))
    }

    /// A phone's microphone and speaker at `sample_rate` (e.g. 16000 or 48000): the
    /// app writes captured samples into the [`MicWriter`] and plays what it reads from
    /// the [`SpeakerReader`] (each holds 1 s; mono 16-bit). Until the app writes,
    /// silence is sent; what the app does not read in time is dropped and counted.
    pub fn channels(sample_rate: u32) -> (AudioDevice, MicWriter, SpeakerReader) {
        let (mic, source) = channel_source(sample_rate, CHANNEL_FRAMES);
        let (sink, speaker) = channel_sink(sample_rate, CHANNEL_FRAMES);
        (
            AudioDevice::new(Box::new(source), Box::new(sink)),
            mic,
            speaker,
        )
    }

    /// Sends the WAV file `play` (mono 16-bit, any rate) and records what is heard
    /// into a new WAV file `record` at `record_rate` Hz (finished when the call ends).
    pub fn files(play: &Path, record: &Path, record_rate: u32) -> Result<Self, WavError> {
        let source = WavSource::open_any_rate(play)?;
        let sink = WavSink::create(record, record_rate)?;
        Ok(AudioDevice::new(Box::new(source), Box::new(sink)))
    }

    /// The ends, once.
    pub(crate) fn take(&self) -> Option<Ends> {
        self.0.lock().ok()?.take()
    }
}

impl fmt::Debug for AudioDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let free = self.0.lock().map(|e| e.is_some()).unwrap_or(false);
        f.debug_struct("AudioDevice").field("free", &free).finish()
    }
}
