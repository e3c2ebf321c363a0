//! The jitter buffer's output side ([`JitterBuffer::pop`]): one decision per
//! frame interval, with the delay adaptation (stretch, skip, re-anchor).

use super::buffer::{JitterBuffer, Phase, Play};
use super::{clock_units, Playout};
use bytes::Bytes;
use std::time::Duration;

/// Pops between two stretches, so a real frame separates them.
const GROW_GAP: u32 = 2;

impl JitterBuffer {
    /// What to play for the next frame interval. Call it once per interval
    /// (`frame_samples / clock_rate`) with the playout clock's `now`; it
    /// returns at once.
    pub fn pop(&mut self, now: Duration) -> Playout {
        let now_u = clock_units(now, self.config.clock_rate);
        let mut play = match self.phase {
            Phase::Idle => return Playout::Empty,
            Phase::Buffering { until } => {
                let head = self.packets.first_key_value().map(|(_, p)| p.ts);
                match head {
                    Some(ts) if now >= until => Play {
                        play_ts: ts,
                        last_out: ts.saturating_sub(1),
                        empty_pops: 0,
                        suspended: false,
                        since_adjust: 0,
                    },
                    _ => return Playout::Empty,
                }
            }
            Phase::Playing(play) => play,
        };
        let out = self.play(now_u, &mut play);
        self.phase = Phase::Playing(play);
        out
    }

    fn play(&mut self, now_u: i64, play: &mut Play) -> Playout {
        self.drop_passed(play);
        play.since_adjust = play.since_adjust.saturating_add(1);
        if let Some(target) = self.delay.target(self.frame, self.min, self.max) {
            self.target = target;
        }
        if let (Some(base), false) = (self.delay.base(), play.suspended) {
            self.current = now_u.saturating_sub(play.play_ts).saturating_sub(base);
        }
        let Some(head) = self.packets.values().next() else {
            return self.underrun(play);
        };
        if play.suspended || (head.marker && head.ts > play.play_ts) {
            return self.talkspurt(now_u, play);
        }
        play.empty_pops = 0;
        if let Some(out) = self.grow(play) {
            return out;
        }
        let shrink_gap = ((self.config.clock_rate / 2) / self.config.frame_samples).max(1);
        if self.current - self.frame >= self.target && play.since_adjust >= shrink_gap {
            self.shrink(play);
        }
        self.output(play)
    }

    /// Drops buffered packets whose slot has passed (counted late).
    fn drop_passed(&mut self, play: &Play) {
        let Some(stream) = &mut self.stream else {
            return;
        };
        while let Some(entry) = self.packets.first_entry() {
            let seq_x = *entry.key();
            let passed = stream.last_played_seq.is_some_and(|p| seq_x <= p)
                || entry.get().ts <= play.last_out;
            if !passed {
                break;
            }
            entry.remove();
            self.stats.late += 1;
            stream.retire(seq_x);
        }
    }

    /// Nothing buffered: conceal, until the silence outlasts `max_delay`.
    fn underrun(&mut self, play: &mut Play) -> Playout {
        play.empty_pops = play.empty_pops.saturating_add(1);
        if play.suspended || i64::from(play.empty_pops).saturating_mul(self.frame) > self.max {
            play.suspended = true;
            return Playout::Empty;
        }
        if let Some(out) = self.grow(play) {
            return out;
        }
        self.missing(play, None)
    }

    /// A talkspurt start after a gap, or packets after a silence: play the
    /// head when the delay reaches the target, conceal (or stay quiet when
    /// suspended) until then. Heads already a frame behind that point are late.
    fn talkspurt(&mut self, now_u: i64, play: &mut Play) -> Playout {
        let base = self.delay.base().unwrap_or(0);
        let desired = now_u.saturating_sub(base).saturating_sub(self.target);
        while let Some(entry) = self.packets.first_entry() {
            if entry.get().ts.saturating_add(self.frame) > desired {
                break;
            }
            let (seq_x, _) = entry.remove_entry();
            self.stats.late += 1;
            if let Some(stream) = &mut self.stream {
                stream.retire(seq_x);
            }
        }
        let Some(head) = self.packets.values().next() else {
            return self.underrun(play);
        };
        let head_ts = head.ts;
        if desired >= head_ts || head_ts.saturating_sub(play.last_out) < 2 {
            self.stats.resyncs += 1;
            play.suspended = false;
            play.empty_pops = 0;
            play.since_adjust = 0;
            play.play_ts = head_ts;
            return self.output(play);
        }
        if play.suspended {
            return Playout::Empty;
        }
        let slot = desired.clamp(play.last_out.saturating_add(1), head_ts - 1);
        let next = (head_ts - slot <= self.frame).then(|| head.payload.clone());
        play.play_ts = slot;
        self.missing(play, next)
    }

    /// A conceal frame that does not advance the playout (the delay grows by
    /// one frame), when the delay is half a frame below target.
    fn grow(&mut self, play: &mut Play) -> Option<Playout> {
        let due = self.current < self.target - self.frame / 2 && play.since_adjust >= GROW_GAP;
        if !due || play.play_ts.saturating_sub(play.last_out) < 2 {
            return None;
        }
        let mid = play.last_out + (play.play_ts - play.last_out) / 2;
        play.last_out = mid;
        play.since_adjust = 0;
        self.stats.stretched += 1;
        self.stats.lost += 1;
        Some(Playout::Missing {
            rtp_ts: mid as u32,
            next: None,
        })
    }

    /// Shrinks the delay by one frame: skip the slot when it is a gap, else
    /// drop the head when its successor is buffered.
    fn shrink(&mut self, play: &mut Play) {
        let mut heads = self.packets.values();
        let Some(head) = heads.next() else { return };
        if head.ts > play.play_ts {
            play.play_ts = play.play_ts.saturating_add(self.frame);
            play.since_adjust = 0;
            return;
        }
        if heads
            .next()
            .is_none_or(|n| n.ts > play.play_ts.saturating_add(self.frame))
        {
            return;
        }
        if let (Some((seq_x, head)), Some(stream)) = (self.packets.pop_first(), &mut self.stream) {
            stream.retire(seq_x);
            stream.last_played_seq = Some(seq_x);
            play.last_out = head.ts;
            play.play_ts = play.play_ts.max(head.ts.saturating_add(self.frame));
            play.since_adjust = 0;
            self.stats.skipped += 1;
        }
    }

    /// Plays the head if its slot has come, else conceals the slot.
    fn output(&mut self, play: &mut Play) -> Playout {
        let Some(head) = self.packets.values().next() else {
            return self.missing(play, None);
        };
        if head.ts > play.play_ts {
            let next =
                (head.ts <= play.play_ts.saturating_add(self.frame)).then(|| head.payload.clone());
            return self.missing(play, next);
        }
        let Some((seq_x, packet)) = self.packets.pop_first() else {
            return self.missing(play, None);
        };
        if let Some(stream) = &mut self.stream {
            stream.retire(seq_x);
            stream.last_played_seq = Some(seq_x);
        }
        play.last_out = packet.ts;
        play.play_ts = play.play_ts.max(packet.ts.saturating_add(self.frame));
        self.stats.played += 1;
        Playout::Frame {
            seq: packet.seq,
            rtp_ts: packet.ts as u32,
            payload: packet.payload,
        }
    }

    /// Conceals the slot at `play_ts` and moves on.
    fn missing(&mut self, play: &mut Play, next: Option<Bytes>) -> Playout {
        let rtp_ts = play.play_ts;
        play.last_out = rtp_ts;
        play.play_ts = rtp_ts.saturating_add(self.frame);
        self.stats.lost += 1;
        Playout::Missing {
            rtp_ts: rtp_ts as u32,
            next,
        }
    }
}
