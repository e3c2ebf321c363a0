//! A call after a network change ([`CallMsg::Relocate`]): an established call moves
//! its media socket to the new address and re-INVITEs with the new Contact and SDP
//! (the machine ends the call with `NetworkChange` if the peer refuses); a call still
//! being set up cannot follow (its INVITE transaction's responses go to the old
//! address) and ends with `NetworkChange` at once: an outgoing one after its CANCEL, a
//! ringing incoming one with 480.

use crate::call::{established, CallMsg, CallState, Machine};
use crate::media::MediaMsg;
use crate::netwatch::Relocation;
use crate::ua::UaMsg;
use ractor::rpc::CallResult;
use ractor::ActorRef;
use std::net::IpAddr;
use switchboard_actors::admission::EndReason;
use switchboard_actors::call::{EstablishedInput, OutgoingInput};

impl CallState {
    /// Follows the listener the call's Contact is on, if it moved.
    pub(crate) async fn relocate(&mut self, myself: &ActorRef<CallMsg>, moved: &Relocation) {
        let Some((name_addr, listener)) = moved.rewrite_contact(&self.contact) else {
            return;
        };
        let ip = listener.ip();
        tracing::info!(from = %self.local_ip, to = %ip, "call follows the network change");
        self.contact = name_addr.to_string();
        self.local_ip = ip;
        match self.machine {
            Machine::Up(_) => {
                let Some(port) = self.move_media(ip).await else {
                    return self.end_for(myself, EndReason::NetworkChange).await;
                };
                let input = EstablishedInput::Relocate {
                    contact: name_addr,
                    address: ip,
                    port,
                };
                established(self, input);
                self.drain_up(myself);
            }
            Machine::Out(_) if self.admitted => {
                // CANCEL it, but the 487 (or a 2xx) goes to the old address: the INVITE
                // transaction is given up and the call ends now.
                self.end_override = Some(EndReason::NetworkChange);
                self.feed_out(myself, Some(OutgoingInput::CancelRequested))
                    .await;
                if matches!(self.machine, Machine::Out(_)) {
                    let call_id = self.call_id.clone();
                    let _ = self.ua.cast(UaMsg::AbandonInvite { call_id });
                    self.emit_end(EndReason::NetworkChange, None);
                    self.machine = Machine::Done;
                    self.settle(myself);
                }
            }
            Machine::In(_) | Machine::Out(_) => {
                self.end_for(myself, EndReason::NetworkChange).await;
            }
            Machine::Done => {}
        }
    }

    /// Moves the media socket to `ip`; its new port (`None`: no media, or the bind
    /// failed).
    async fn move_media(&mut self, ip: IpAddr) -> Option<u16> {
        let media = self.media.as_ref()?;
        match media
            .call(|reply| MediaMsg::Rebind { ip, reply }, None)
            .await
        {
            Ok(CallResult::Success(Some(local))) => Some(local.port()),
            _ => None,
        }
    }
}
