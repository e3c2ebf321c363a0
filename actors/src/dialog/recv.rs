//! What a dialog does with the requests and responses it receives (RFC 3261 §12.2.1.2,
//! §12.2.2, §13.2.2.4, §15).

use super::create::contact_uri;
use super::{is_target_refresh, Dialog, DialogError, DialogEvent, DialogState};
use crate::sip::{Method, Request, Response};

impl Dialog {
    /// Whether `req` belongs to this dialog (RFC 3261 §12.2.2): same Call-ID, To tag
    /// ours, From tag theirs. A request that matches no dialog gets 481.
    pub fn matches(&self, req: &Request) -> bool {
        req.call_id().is_ok_and(|c| c == self.id.call_id)
            && req
                .to()
                .is_ok_and(|t| t.tag() == Some(self.id.local_tag.as_str()))
            && req
                .from()
                .is_ok_and(|f| f.tag() == Some(self.id.remote_tag.as_str()))
    }

    /// Whether `resp` answers a request of ours in this dialog: same Call-ID, From tag
    /// ours, To tag theirs.
    pub fn matches_response(&self, resp: &Response) -> bool {
        resp.call_id().is_ok_and(|c| c == self.id.call_id)
            && resp
                .from()
                .is_ok_and(|f| f.tag() == Some(self.id.local_tag.as_str()))
            && resp
                .to()
                .is_ok_and(|t| t.tag() == Some(self.id.remote_tag.as_str()))
    }

    /// Checks and records a request received in the dialog (RFC 3261 §12.2.2). Err:
    /// answer with [`DialogError::status`] — 481 when it is not ours or the dialog is
    /// over, 500 when its CSeq is lower than the last. Ok: the remote CSeq is updated,
    /// a target refresh request's Contact becomes the remote target, and a BYE ends
    /// the dialog (the event is returned). ACK and CANCEL carry an earlier request's
    /// CSeq and do not move it.
    pub fn recv_request(&mut self, req: &Request) -> Result<Option<DialogEvent>, DialogError> {
        if !self.matches(req) {
            return Err(DialogError::NoDialog);
        }
        if self.state == DialogState::Terminated {
            return Err(DialogError::Terminated);
        }
        let seq = req.cseq()?.seq;
        if matches!(req.method, Method::Ack | Method::Cancel) {
            return Ok(None);
        }
        if let Some(last) = self.remote_cseq {
            if seq < last {
                return Err(DialogError::CSeqOutOfOrder { got: seq, last });
            }
        }
        // Check the Contact before recording anything: a refused request changes nothing.
        let target = if is_target_refresh(&req.method) {
            contact_uri(req.contacts())?
        } else {
            None
        };
        self.remote_cseq = Some(seq);
        if let Some(t) = target {
            self.remote_target = t;
        }
        Ok(match req.method {
            Method::Bye => self.set_state(DialogState::Terminated),
            _ => None,
        })
    }

    /// Records a response to a request of ours in the dialog: the Contact of a 1xx/2xx
    /// to a target refresh request becomes the remote target; a 2xx to the INVITE
    /// confirms an early dialog and recomputes its route set (§13.2.2.4); a non-2xx
    /// final to the INVITE ends an early dialog; 481 or 408 to anything ends the dialog
    /// (§12.2.1.2); so does any final response to our BYE (§15.1.1). Returns the event
    /// when the state changed.
    pub fn recv_response(&mut self, resp: &Response) -> Result<Option<DialogEvent>, DialogError> {
        if !self.matches_response(resp) {
            return Err(DialogError::NoDialog);
        }
        if self.state == DialogState::Terminated {
            return Err(DialogError::Terminated);
        }
        let method = resp.cseq()?.method;
        let status = resp.status;
        let code = status.as_u16();
        if is_target_refresh(&method) && (status.is_success() || code > 100 && code < 200) {
            if let Some(t) = contact_uri(resp.contacts())? {
                self.remote_target = t;
            }
        }
        if code == 481 || code == 408 {
            return Ok(self.set_state(DialogState::Terminated));
        }
        Ok(match (method, self.state) {
            (Method::Invite, DialogState::Early) if status.is_success() => {
                let mut routes = resp.record_routes()?;
                routes.reverse();
                self.route_set = routes;
                self.set_state(DialogState::Confirmed)
            }
            (Method::Invite, DialogState::Early) if status.is_final() => {
                self.set_state(DialogState::Terminated)
            }
            (Method::Bye, _) if status.is_final() => self.set_state(DialogState::Terminated),
            _ => None,
        })
    }
}
