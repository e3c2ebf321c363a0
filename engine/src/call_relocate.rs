//! A call after a network change ([`CallMsg::Relocate`]): an established call moves
//! its media socket to the new address and re-INVITEs with the new Contact and SDP
//! (the machine ends the call with `NetworkChange` if the peer refuses); a call still
//! being set up cannot follow (its INVITE transaction's responses go to the old
//! address) and ends with `NetworkChange`.

use crate::call::{established, CallMsg, CallState, Machine};
use crate::media::MediaMsg;
use crate::netwatch::Relocation;
use ractor::rpc::CallResult;
use ractor::ActorRef;
use std::net::IpAddr;
use switchboard_actors::admission::EndReason;
use switchboard_actors::call::EstablishedInput;

impl CallState {
    /// Follows the listener the call's Contact is on, if it moved.
    pub(crate) async fn relocate(&mut self, myself: &ActorRef<CallMsg>, moved: &Relocation) {
        let Some((contact, name_addr)) = moved.rewrite_contact(&self.contact) else {
            return;
        };
        let Some(ip) = moved
            .moves
            .iter()
            .find(|(old, _)| old.ip() == self.local_ip)
            .map(|(_, new)| new.ip())
        else {
            return;
        };
        tracing::info!(from = %self.local_ip, to = %ip, "call follows the network change");
        self.contact = contact;
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
