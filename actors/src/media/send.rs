//! Sending: the frame schedule, reading and resampling the source, encoding or
//! telephone-events, packetising; codec switches and DTMF requests.

use super::session::{MediaSession, Phase, MAX_BURST};
use super::{DtmfRefusal, MediaEvent, Output};
use switchboard_codecs::{AudioSource, Muted, Silence, DEFAULT_GAP_MS};
use tokio::time::Instant;

/// Source reads per frame at most (the resampler fills up within two).
const MAX_READS: usize = 8;

impl MediaSession {
    /// Skips the frames of an idle gap at once (the RTP timestamp keeps pace, the
    /// next packet is marked) so sending resumes on time instead of in a burst.
    pub(super) fn catch_up(&mut self, now: Instant) {
        let Phase::Running { next_frame } = self.phase else {
            return;
        };
        if now < next_frame {
            return;
        }
        let ptime = self.config.ptime;
        let gap = (now - next_frame).as_nanos() / ptime.as_nanos().max(1);
        let frames = u32::try_from(gap).unwrap_or(u32::MAX);
        let step = self.encoder.rtp_timestamp_step();
        self.rtp.skip(step.wrapping_mul(frames));
        self.stats.frames_skipped += u64::from(frames);
        self.phase = Phase::Running {
            next_frame: next_frame + ptime.saturating_mul(frames),
        };
    }

    /// Sends (or skips) every frame due by `now`, at most [`MAX_BURST`] of them.
    pub(super) fn frames_due(&mut self, now: Instant) {
        let Phase::Running { next_frame } = self.phase else {
            return;
        };
        if now < next_frame {
            return;
        }
        let ptime = self.config.ptime;
        let behind = (now - next_frame).as_nanos() / ptime.as_nanos().max(1);
        let due = u32::try_from(behind.saturating_add(1)).unwrap_or(u32::MAX);
        let skip = u64::from(due).saturating_sub(MAX_BURST);
        for _ in 0..skip {
            self.skip_frame();
        }
        for k in skip..u64::from(due) {
            let at = next_frame + ptime.saturating_mul(k as u32);
            self.frame(at);
        }
        self.phase = Phase::Running {
            next_frame: next_frame + ptime.saturating_mul(due),
        };
    }

    fn skip_frame(&mut self) {
        self.rtp.skip(self.encoder.rtp_timestamp_step());
        self.stats.frames_skipped += 1;
    }

    /// One frame interval (due at `at`): a packet to the target (a telephone-event
    /// while one plays, else audio), or a skip when held or addressless.
    fn frame(&mut self, at: Instant) {
        let target = match self.target() {
            Some(to) if !self.held => to,
            _ => return self.skip_frame(),
        };
        let pcm = self.next_pcm();
        let event = self.dtmf_tx.as_mut().and_then(|d| d.poll(&mut self.rtp));
        let packet = match event {
            Some(packet) => {
                self.stats.dtmf_sent += 1;
                packet
            }
            None => match self.encoder.encode(&pcm) {
                Ok(payload) => {
                    let step = self.encoder.rtp_timestamp_step();
                    self.rtp.packetize(&payload, step)
                }
                // The frame length is ours, so this does not happen; skip if it does.
                Err(_) => return self.skip_frame(),
            },
        };
        let ts = packet
            .get(4..8)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, u32::from_be_bytes);
        let elapsed = self.elapsed(at);
        self.rtcp
            .on_rtp_sent(elapsed, ts, packet.len().saturating_sub(12));
        self.stats.packets_sent += 1;
        self.stats.bytes_sent += packet.len() as u64;
        self.outputs.push_back(Output::Send {
            to: target,
            bytes: packet.into(),
        });
    }

    /// One frame of PCM for the encoder: the source resampled to the codec's rate,
    /// duplicated into both channels for stereo Opus. A short read is padded with
    /// silence; an empty one ends the source.
    fn next_pcm(&mut self) -> Vec<i16> {
        let want = self.encoder.frame_samples();
        let (from, to) = (u64::from(self.up.from_hz()), u64::from(self.up.to_hz()));
        let chunk = usize::try_from((want as u64 * from).div_ceil(to.max(1)))
            .unwrap_or(want)
            .max(1);
        for _ in 0..MAX_READS {
            if self.pending.len() >= want {
                break;
            }
            let mut buf = vec![0i16; chunk];
            let n = self.source.read(&mut buf).min(chunk);
            if n == 0 {
                let rest = self.up.flush();
                self.pending.extend_from_slice(&rest);
                self.source_ended();
                break;
            }
            let out = self.up.process(&buf[..n]);
            self.pending.extend_from_slice(&out);
            if n < chunk {
                break;
            }
        }
        if self.pending.len() < want {
            self.pending.resize(want, 0);
        }
        let frame: Vec<i16> = self.pending.drain(..want).collect();
        match self.encoder.channels() {
            2 => frame.iter().flat_map(|s| [*s, *s]).collect(),
            _ => frame,
        }
    }

    /// Reports the end once and replaces the source with silence (keeping the mute).
    fn source_ended(&mut self) {
        if std::mem::replace(&mut self.source_ended, true) {
            return;
        }
        let muted = self.source.is_muted();
        let rate = self.up.from_hz();
        self.source = Muted::new(Box::new(Silence::new(rate)));
        self.source.set_muted(muted);
        self.event(MediaEvent::SourceEnded);
    }

    /// Queues digits as telephone-events, or reports why not.
    pub(super) fn send_dtmf(&mut self, digits: &str, duration_ms: u32) {
        let refusal = match self.dtmf_tx.as_mut() {
            None => DtmfRefusal::NotNegotiated,
            Some(tx) => match tx.queue(digits, duration_ms, DEFAULT_GAP_MS) {
                Ok(()) => return,
                Err(switchboard_codecs::EventError::InvalidDigit(c)) => {
                    DtmfRefusal::InvalidDigit(c)
                }
                Err(_) => DtmfRefusal::InvalidDigit('?'),
            },
        };
        self.event(MediaEvent::DtmfNotSent(refusal));
    }
}
