//! Read access to a [`Dialog`], and the parts of ours the embedder may change.

use super::{Dialog, DialogId, DialogState, Role};
use crate::sip::{NameAddr, Uri};

impl Dialog {
    /// Call-ID and tags.
    pub fn id(&self) -> &DialogId {
        &self.id
    }

    /// Where the dialog stands.
    pub fn state(&self) -> DialogState {
        self.state
    }

    /// Which side of the dialog-creating INVITE we were.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Our URI (From on our requests), without tag.
    pub fn local_uri(&self) -> &NameAddr {
        &self.local_uri
    }

    /// The peer's URI (To on our requests), without tag.
    pub fn remote_uri(&self) -> &NameAddr {
        &self.remote_uri
    }

    /// Where our requests go: the peer's latest Contact.
    pub fn remote_target(&self) -> &Uri {
        &self.remote_target
    }

    /// The route set, in the order our requests' Route headers list it.
    pub fn route_set(&self) -> &[NameAddr] {
        &self.route_set
    }

    /// The CSeq number our next request gets.
    pub fn local_cseq(&self) -> u32 {
        self.local_cseq
    }

    /// The CSeq number of the last request received, if any.
    pub fn remote_cseq(&self) -> Option<u32> {
        self.remote_cseq
    }

    /// Whether the dialog was created over a SIPS Request-URI.
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// Our Contact, sent on target refresh requests.
    pub fn local_contact(&self) -> &NameAddr {
        &self.local_contact
    }

    /// Replaces the top Via template of our requests (`SIP/2.0/UDP host:port;rport;
    /// branch=z9hG4bK`), e.g. after a NAT address change.
    pub fn set_via(&mut self, via: String) {
        self.via = via;
    }

    /// Replaces our Contact (the next target refresh request carries it).
    pub fn set_local_contact(&mut self, contact: NameAddr) {
        self.local_contact = contact;
    }

    /// Our address moved (a network change): `contact` is our Contact, and the top
    /// Via of our requests follows its host, port and transport.
    pub fn relocate(&mut self, contact: NameAddr) {
        self.via = super::create::via_for(&contact.uri);
        self.local_contact = contact;
    }
}
