//! [`Dialog`]: the state of one dialog, and how each side creates it (RFC 3261
//! §12.1.1 UAS, §12.1.2 UAC).

use super::{DialogError, DialogEvent, DialogId, DialogState, Role};
use crate::sip::{Contact, NameAddr, Request, Response, Scheme, Uri};
use crate::vocab::TransportKind;

/// One dialog (see [`DialogState`] for its life).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    pub(super) id: DialogId,
    pub(super) state: DialogState,
    pub(super) role: Role,
    pub(super) local_uri: NameAddr,
    pub(super) remote_uri: NameAddr,
    pub(super) remote_target: Uri,
    pub(super) route_set: Vec<NameAddr>,
    pub(super) local_cseq: u32,
    pub(super) remote_cseq: Option<u32>,
    pub(super) secure: bool,
    pub(super) local_contact: NameAddr,
    pub(super) via: String,
    /// The last ACK for a 2xx we sent: its CSeq number and the ACK itself.
    pub(super) last_ack: Option<(u32, Request)>,
}

/// A name-addr without its `tag` parameter.
fn untagged(mut na: NameAddr) -> NameAddr {
    na.params.retain(|p| !p.name.eq_ignore_ascii_case("tag"));
    na
}

/// The first Contact's URI; `None` when there is no Contact, `Err` for `*` or a bad one.
pub(super) fn contact_uri(
    contacts: Result<Vec<Contact>, crate::sip::Fault>,
) -> Result<Option<Uri>, DialogError> {
    match contacts?.into_iter().next() {
        None => Ok(None),
        Some(Contact::Addr(a)) => Ok(Some(a.uri)),
        Some(Contact::Wildcard) => Err(DialogError::BadContact),
    }
}

/// `SIP/2.0/<transport> <host>[:port]` from a SIP URI of ours, with `rport` and an open
/// branch for the transaction layer to complete.
pub(super) fn via_for(contact: &Uri) -> String {
    let Uri::Sip(u) = contact else {
        return "SIP/2.0/UDP invalid;rport;branch=z9hG4bK".into();
    };
    let kind = match (u.scheme, u.param("transport")) {
        (Scheme::Sips, _) => TransportKind::Tls,
        (_, Some(t)) => TransportKind::from_via_token(t).unwrap_or(TransportKind::Udp),
        (_, None) => TransportKind::Udp,
    };
    let port = u.port.map(|p| format!(":{p}")).unwrap_or_default();
    format!(
        "SIP/2.0/{} {}{port};rport;branch=z9hG4bK",
        kind.via_token(),
        u.host
    )
}

/// The INVITE's top Via as a template: sent-by, transport, `rport` if it had it.
fn via_of(invite: &Request) -> Result<String, DialogError> {
    let via = invite.top_via()?;
    let port = via.port.map(|p| format!(":{p}")).unwrap_or_default();
    let rport = if via.rport.is_some() { ";rport" } else { "" };
    Ok(format!(
        "SIP/2.0/{} {}{port}{rport};branch=z9hG4bK",
        via.transport, via.host
    ))
}

fn is_sips(uri: &Uri) -> bool {
    matches!(uri, Uri::Sip(u) if u.scheme == Scheme::Sips)
}

impl Dialog {
    /// The UAC's dialog from `invite` (as sent, CSeq and tags final) and a response to
    /// it that creates one: a 1xx with a To tag (Early) or a 2xx (Confirmed). Route set:
    /// the Record-Route reversed; remote target: the Contact (the Request-URI while a
    /// provisional carries none).
    pub fn uac(invite: &Request, response: &Response) -> Result<Dialog, DialogError> {
        let status = response.status;
        let state = if status.is_success() {
            DialogState::Confirmed
        } else if status.is_provisional() && status.as_u16() > 100 {
            DialogState::Early
        } else {
            return Err(DialogError::NotOurInvite);
        };
        let call_id = invite.call_id()?;
        if response.call_id()? != call_id {
            return Err(DialogError::NoDialog);
        }
        let from = invite.from()?;
        let to = response.to()?;
        let local_tag = from
            .tag()
            .ok_or(DialogError::MissingTag("From"))?
            .to_owned();
        let remote_tag = to.tag().ok_or(DialogError::MissingTag("To"))?.to_owned();
        if response.from()?.tag() != Some(local_tag.as_str()) {
            return Err(DialogError::NoDialog);
        }
        let mut route_set = response.record_routes()?;
        route_set.reverse();
        let remote_target = contact_uri(response.contacts())?.unwrap_or_else(|| invite.uri.clone());
        let local_contact = match contact_uri(invite.contacts())? {
            Some(u) => NameAddr::new(u),
            None => return Err(DialogError::BadContact),
        };
        Ok(Dialog {
            id: DialogId {
                call_id: call_id.to_owned(),
                local_tag,
                remote_tag,
            },
            state,
            role: Role::Uac,
            local_uri: untagged(from),
            remote_uri: untagged(invite.to()?),
            remote_target,
            route_set,
            local_cseq: invite.cseq()?.seq.saturating_add(1),
            remote_cseq: None,
            secure: is_sips(&invite.uri),
            via: via_of(invite)?,
            local_contact,
            last_ack: None,
        })
    }

    /// The UAS's dialog from a received dialog-creating `invite`, our To tag and our
    /// Contact. Early until [`Dialog::response_sent`] reports the 2xx. Route set: the
    /// Record-Route in order; remote target: the INVITE's Contact (required).
    pub fn uas(
        invite: &Request,
        local_tag: &str,
        local_contact: NameAddr,
    ) -> Result<Dialog, DialogError> {
        let from = invite.from()?;
        let remote_tag = from
            .tag()
            .ok_or(DialogError::MissingTag("From"))?
            .to_owned();
        let remote_target = contact_uri(invite.contacts())?.ok_or(DialogError::BadContact)?;
        Ok(Dialog {
            id: DialogId {
                call_id: invite.call_id()?.to_owned(),
                local_tag: local_tag.to_owned(),
                remote_tag,
            },
            state: DialogState::Early,
            role: Role::Uas,
            local_uri: untagged(invite.to()?),
            remote_uri: untagged(from),
            remote_target,
            route_set: invite.record_routes()?,
            local_cseq: 1,
            remote_cseq: Some(invite.cseq()?.seq),
            secure: is_sips(&invite.uri),
            via: via_for(&local_contact.uri),
            local_contact,
            last_ack: None,
        })
    }

    /// UAS side: we sent `status` to the dialog-creating INVITE. A 2xx confirms an early
    /// dialog, a final non-2xx terminates it. Returns the event, if the state changed.
    pub fn response_sent(&mut self, status: crate::sip::StatusCode) -> Option<DialogEvent> {
        if self.state != DialogState::Early {
            return None;
        }
        if status.is_success() {
            self.set_state(DialogState::Confirmed)
        } else if status.is_final() {
            self.set_state(DialogState::Terminated)
        } else {
            None
        }
    }

    /// Ends the dialog here (our BYE was answered or timed out, the call was torn down).
    pub fn terminate(&mut self) -> Option<DialogEvent> {
        self.set_state(DialogState::Terminated)
    }

    /// Moves to `to` if [`TRANSITIONS`](super::TRANSITIONS) allows it; the event when
    /// the state changed.
    pub(super) fn set_state(&mut self, to: DialogState) -> Option<DialogEvent> {
        if !self.state.can_become(to) {
            return None;
        }
        self.state = to;
        Some(match to {
            DialogState::Early => DialogEvent::Early(self.id.clone()),
            DialogState::Confirmed => DialogEvent::Confirmed(self.id.clone()),
            DialogState::Terminated => DialogEvent::Terminated(self.id.clone()),
        })
    }
}
