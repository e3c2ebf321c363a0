//! Playout: one jitter-buffer slot per ptime, decoded, concealed or silent, mixed down
//! to mono and resampled to the sink's rate.

use super::session::MediaSession;
use std::time::Duration;
use switchboard_codecs::Playout;
use tokio::time::Instant;

/// Slots played at one tick at most when the timer fired late (one second of 20 ms
/// frames); older slots are dropped from the schedule.
const MAX_SLOTS: u32 = 50;
/// Playout stops this long after the last audio packet once the buffer is empty, so a
/// silent or held call costs no wake-ups.
pub(super) const PLAYOUT_LINGER: Duration = Duration::from_secs(1);

impl MediaSession {
    /// Plays every slot due by `now`.
    pub(super) fn playout_due(&mut self, now: Instant) {
        let Some(mut next) = self.playout else {
            return;
        };
        let ptime = self.slot();
        let mut played = 0;
        while next <= now && played < MAX_SLOTS {
            self.play_slot(self.elapsed(next));
            next += ptime;
            played += 1;
        }
        if next <= now {
            let behind = (now - next).as_nanos() / ptime.as_nanos().max(1);
            next += ptime.saturating_mul(u32::try_from(behind + 1).unwrap_or(u32::MAX));
        }
        let quiet = self.elapsed(now).saturating_sub(self.last_audio) >= PLAYOUT_LINGER;
        self.playout = if quiet && self.jitter.is_empty() {
            None
        } else {
            Some(next)
        };
    }

    /// One slot at session time `at`: what the jitter buffer says, decoded to PCM.
    fn play_slot(&mut self, at: Duration) {
        // The slot in the decoder's samples (Opus decodes below its 48 kHz clock).
        let c = self.jitter.config();
        let rate = u64::from(self.decoder.sample_rate());
        let step = (u64::from(c.frame_samples) * rate / u64::from(c.clock_rate.max(1))) as usize;
        let pcm = match self.jitter.pop(at) {
            Playout::Frame { payload, .. } => match self.decoder.decode(&payload) {
                Ok(pcm) => {
                    self.stats.frames_played += 1;
                    pcm
                }
                Err(_) => {
                    self.stats.decode_errors += 1;
                    self.decoder.conceal(step)
                }
            },
            Playout::Missing { next, .. } => {
                let fec = next.and_then(|n| self.decoder.decode_fec(&n, step));
                match fec {
                    Some(pcm) => {
                        self.stats.frames_recovered += 1;
                        pcm
                    }
                    None => {
                        self.stats.frames_concealed += 1;
                        self.decoder.conceal(step)
                    }
                }
            }
            Playout::Empty => vec![0; step * usize::from(self.decoder.channels())],
        };
        let mono = downmix(pcm, self.decoder.channels());
        let out = self.down.process(&mono);
        if !out.is_empty() && self.sink.write(&out).is_err() {
            self.stats.sink_errors += 1;
        }
    }
}

/// Interleaved stereo to mono by averaging; mono is returned as is.
fn downmix(pcm: Vec<i16>, channels: u16) -> Vec<i16> {
    if channels != 2 {
        return pcm;
    }
    pcm.chunks_exact(2)
        .map(|lr| ((i32::from(lr[0]) + i32::from(lr[1])) / 2) as i16)
        .collect()
}
