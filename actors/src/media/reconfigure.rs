//! [`Input::Reconfigure`](super::Input::Reconfigure): a new offer/answer changes the
//! codec, its payload type, ptime, channels or Opus settings, the telephone-event type,
//! RTCP multiplexing or the peer's address, without a new session (the SSRC, sequence
//! and timestamp run on; RFC 3550 §5.1 lets the timestamp clock change with the
//! payload type).

use super::session::{CodecParts, MediaSession};
use super::{MediaConfig, MediaError, MediaEvent};
use switchboard_codecs::DtmfReceiver;
use tokio::time::Instant;

impl MediaSession {
    /// Takes `new`'s negotiated fields (codec, law, payload type, ptime, channels,
    /// Opus settings, telephone-event, RTCP mux and address, remote) and its
    /// no-media timeout (a changed one counts from `now`: a call arms it once
    /// answered); the rest of `new` (local address, CNAME, jitter bounds) is ignored. When the codec
    /// part cannot be built the session keeps its old codec and reports
    /// [`MediaEvent::Unusable`].
    pub(super) fn reconfigure(&mut self, now: Instant, new: MediaConfig) {
        if new.no_media_timeout != self.config.no_media_timeout {
            self.config.no_media_timeout = new.no_media_timeout;
            self.last_media = self.elapsed(now);
        }
        self.set_remote(new.remote);
        self.config.rtcp_mux = new.rtcp_mux;
        self.config.rtcp_remote = new.rtcp_remote;
        let same = self.config.codec == new.codec
            && self.config.payload_type == new.payload_type
            && self.config.ptime == new.ptime
            && self.config.channels == new.channels
            && self.config.opus == new.opus
            && self.config.telephone_event == new.telephone_event;
        if same {
            return;
        }
        let mut config = self.config.clone();
        config.codec = new.codec;
        config.law = new.law;
        config.payload_type = new.payload_type;
        config.ptime = new.ptime;
        config.channels = new.channels;
        config.opus = new.opus;
        config.telephone_event = new.telephone_event;
        if let Err(e) = self.rebuild(config) {
            tracing::debug!(error = %e, "media not reconfigured");
            self.event(MediaEvent::Unusable);
        }
    }

    /// Sends to `addr` from now on (a new SDP), forgetting the latched address.
    pub(super) fn set_remote(&mut self, addr: std::net::SocketAddr) {
        if addr != self.config.remote {
            self.config.remote = addr;
            self.latch = None;
        }
    }

    /// Builds every codec-dependent part of `config` first, then swaps them in.
    fn rebuild(&mut self, config: MediaConfig) -> Result<(), MediaError> {
        let (src_rate, sink_rate) = (self.up.from_hz(), self.sink.sample_rate());
        let parts = CodecParts::build(&config, self.jitter.config(), src_rate, sink_rate)?;
        self.rtp
            .set_payload_type(config.payload_type)
            .map_err(|_| MediaError::PayloadType(config.payload_type))?;
        let clock = config.codec.clock_rate();
        self.rtcp.set_clock_rate(clock);
        (self.encoder, self.decoder) = (parts.encoder, parts.decoder);
        (self.up, self.down) = (parts.up, parts.down);
        self.pending.clear();
        self.jitter = parts.jitter;
        self.rx_length = Default::default();
        self.playout = None;
        self.dtmf_tx = parts.dtmf_tx;
        self.dtmf_rx = DtmfReceiver::new(clock);
        self.rtp.talkspurt();
        self.config = config;
        Ok(())
    }
}
