//! What a call does with its media session's events, and how an offer/answer reaches
//! the session ([`CallState::apply_negotiated`]).

use crate::call::{CallMsg, CallState};
use crate::call_media::negotiated_config;
use crate::media::MediaMsg;
use ractor::ActorRef;
use switchboard_actors::admission::EndReason;
use switchboard_actors::media::MediaEvent;
use switchboard_actors::sdp::Negotiated;

/// How long each RFC 4733 digit lasts (the INFO path's `Duration` too).
pub(crate) const DTMF_DURATION_MS: u32 = 160;

impl CallState {
    /// A media session's event: no RTP for the no-media time ends the call
    /// (`no_media`), a codec the session cannot run ends it (`media_changed`),
    /// received digits are reported like INFO ones.
    pub(crate) async fn on_media_event(&mut self, myself: &ActorRef<CallMsg>, e: MediaEvent) {
        match e {
            MediaEvent::NoMedia => {
                tracing::info!("no RTP for the no-media time: ending the call");
                self.end_for(myself, EndReason::NoMedia).await;
            }
            MediaEvent::Unusable => self.end_for(myself, EndReason::MediaChanged).await,
            MediaEvent::Dtmf(digit) => self.emit("dtmf", Some(&digit.to_string()), None),
            MediaEvent::DtmfNotSent(why) => tracing::warn!(?why, "DTMF not sent"),
            other => tracing::trace!(?other, "media event"),
        }
    }

    /// Gives the media session what `n` negotiated (codec, fmtp, ptime,
    /// telephone-event, RTCP, address, whether either side holds; the no-media timeout once
    /// `answered`) and records the codec; `false` when the codec cannot be run.
    pub(crate) fn apply_negotiated(&mut self, n: &Negotiated, answered: bool) -> bool {
        let now_ms = self.records.now_ms();
        let settings = &self.media_settings;
        let config = match negotiated_config(settings, self.local_ip, n, now_ms, answered) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "negotiated media unusable");
                return false;
            }
        };
        self.cdr.codec(crate::call_run::codec_name(n));
        if let Some(media) = &self.media {
            let _ = media.cast(MediaMsg::Reconfigure(Box::new(config)));
            // Nothing is expected while either side holds: the peer holds us, or we hold
            // it (our side sendonly/inactive: the peer answered recvonly/inactive and
            // sends nothing). No-media pauses meanwhile.
            let quiet = n.remote_hold || !n.local_direction.receives();
            let _ = media.cast(MediaMsg::RemoteHold(quiet));
        }
        true
    }

    /// Sends `digits` as RFC 4733 telephone-events when the call negotiated them and
    /// the settings allow it; `false`: use SIP INFO.
    pub(crate) fn dtmf_in_band(&self, n: Option<&Negotiated>, digits: &str) -> bool {
        let auto = self.media_settings.dtmf == crate::config::DtmfMode::Auto;
        let (Some(media), true) = (&self.media, auto) else {
            return false;
        };
        if n.and_then(|n| n.telephone_event).is_none() {
            return false;
        }
        let digits: String = digits
            .chars()
            .map(|c| c.to_ascii_uppercase())
            .filter(|c| c.is_ascii_digit() || "*#ABCD".contains(*c))
            .collect();
        let _ = media.cast(MediaMsg::SendDtmf {
            digits,
            duration_ms: DTMF_DURATION_MS,
        });
        true
    }
}
