//! [`DialogSet`]: the UAC's dialogs of one INVITE, forks included (RFC 3261 §12.1.2,
//! §13.2.2.4, RFC 6026 §8.4).

use super::{Dialog, DialogError, DialogEvent, DialogState};
use crate::sip::{Method, Request, Response};
use rand::RngCore;
use std::collections::{BTreeMap, VecDeque};

/// What a [`DialogSet`] asks the shell to do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetOutput {
    /// Send this ACK for a 2xx straight to the transport (no transaction; its branch is
    /// complete). Sent again, identical, for every retransmission of that 2xx.
    Ack(Request),
    /// Send this BYE in a new client transaction (its branch is open): it ends the
    /// dialog of a 2xx that lost to an earlier one. That dialog is Terminated already.
    Bye(Request),
    /// Tell the application.
    Event(DialogEvent),
}

/// The dialogs one INVITE of ours created, keyed by the remote (To) tag. Several 1xx
/// with different To tags make several early dialogs; the first 2xx confirms its
/// dialog and terminates the others; any later 2xx with another To tag is ACKed and
/// then ended with BYE; a retransmitted 2xx gets the same ACK again. At most one
/// dialog of the set is ever confirmed by the INVITE's 2xx and kept.
#[derive(Debug)]
pub struct DialogSet {
    invite: Request,
    seq: u32,
    dialogs: BTreeMap<String, Dialog>,
    winner: Option<String>,
    failed: bool,
    out: VecDeque<SetOutput>,
}

impl DialogSet {
    /// A set for `invite` as sent (Call-ID, From tag, CSeq and Contact final).
    pub fn new(invite: Request) -> Result<DialogSet, DialogError> {
        invite.call_id()?;
        invite
            .from()?
            .tag()
            .ok_or(DialogError::MissingTag("From"))?;
        let seq = invite.cseq()?.seq;
        Ok(DialogSet {
            invite,
            seq,
            dialogs: BTreeMap::new(),
            winner: None,
            failed: false,
            out: VecDeque::new(),
        })
    }

    /// The INVITE the set belongs to.
    pub fn invite(&self) -> &Request {
        &self.invite
    }

    /// The dialog with this remote tag.
    pub fn dialog(&self, remote_tag: &str) -> Option<&Dialog> {
        self.dialogs.get(remote_tag)
    }

    /// The dialog with this remote tag, to send requests on.
    pub fn dialog_mut(&mut self, remote_tag: &str) -> Option<&mut Dialog> {
        self.dialogs.get_mut(remote_tag)
    }

    /// Every dialog, by remote tag.
    pub fn dialogs(&self) -> impl Iterator<Item = &Dialog> {
        self.dialogs.values()
    }

    /// The dialog the first 2xx confirmed (the call), if any.
    pub fn confirmed(&self) -> Option<&Dialog> {
        self.winner.as_ref().and_then(|t| self.dialogs.get(t))
    }

    /// The next thing to do.
    pub fn poll_output(&mut self) -> Option<SetOutput> {
        self.out.pop_front()
    }

    /// Feeds a response to the INVITE or to a request sent on one of the set's
    /// dialogs; `rng` completes the branch of ACKs. Err: the response is not ours.
    /// A 2xx to a re-INVITE only updates its dialog: the re-INVITE's sender ACKs it
    /// with [`Dialog::acknowledge`].
    pub fn recv_response(
        &mut self,
        resp: &Response,
        rng: &mut impl RngCore,
    ) -> Result<(), DialogError> {
        let cseq = resp.cseq()?;
        if resp.call_id()? != self.invite.call_id()?
            || resp.from()?.tag() != self.invite.from()?.tag()
        {
            return Err(DialogError::NotOurInvite);
        }
        let tag = resp.to()?.tag().map(str::to_owned);
        if cseq.method != Method::Invite || cseq.seq != self.seq {
            // A response in one dialog: BYE, re-INVITE, UPDATE... The 2xx to a
            // re-INVITE is ACKed by its sender with `Dialog::acknowledge`.
            let d = tag
                .and_then(|t| self.dialogs.get_mut(&t))
                .ok_or(DialogError::NoDialog)?;
            let event = d.recv_response(resp)?;
            self.out.extend(event.map(SetOutput::Event));
            return Ok(());
        }
        let status = resp.status;
        match tag {
            _ if status.as_u16() == 100 => Ok(()),
            None if status.is_provisional() => Ok(()),
            None if status.is_success() => Err(DialogError::MissingTag("To")),
            _ if !status.is_provisional() && !status.is_success() => {
                self.fail();
                Ok(())
            }
            None => Ok(()),
            Some(tag) if status.is_provisional() => self.provisional(tag, resp),
            Some(tag) => self.success(tag, resp, rng),
        }
    }

    fn provisional(&mut self, tag: String, resp: &Response) -> Result<(), DialogError> {
        if self.winner.is_some() {
            return Ok(());
        }
        match self.dialogs.get_mut(&tag) {
            Some(d) if d.state() == DialogState::Early => {
                d.recv_response(resp)?;
            }
            Some(_) => {}
            None => {
                let d = Dialog::uac(&self.invite, resp)?;
                self.out
                    .push_back(SetOutput::Event(DialogEvent::Early(d.id().clone())));
                self.dialogs.insert(tag, d);
            }
        }
        Ok(())
    }

    fn success(
        &mut self,
        tag: String,
        resp: &Response,
        rng: &mut impl RngCore,
    ) -> Result<(), DialogError> {
        let over = self.winner.is_some() || self.failed;
        match self.dialogs.get_mut(&tag) {
            // A retransmission (or a 2xx of a fork we already ACKed): the same ACK.
            Some(d) if d.last_ack.is_some() => {
                let ack = d.acknowledge(&self.invite, resp, rng)?;
                self.out.push_back(SetOutput::Ack(ack));
                return Ok(());
            }
            Some(d) if d.state() == DialogState::Early && !over => {
                let event = d.recv_response(resp)?;
                let ack = d.acknowledge(&self.invite, resp, rng)?;
                self.out.push_back(SetOutput::Ack(ack));
                self.out.extend(event.map(SetOutput::Event));
            }
            existing => {
                // A 2xx after another fork's, after the INVITE failed, or for an early
                // dialog that already ended: ACK it, then end it (RFC 3261 §13.2.2.4).
                let lose = over || existing.is_some();
                let mut d = Dialog::uac(&self.invite, resp)?;
                let ack = d.acknowledge(&self.invite, resp, rng)?;
                self.out.push_back(SetOutput::Ack(ack));
                if lose {
                    // The dialog counts as over once its BYE is out: it never shows up
                    // as confirmed, and the BYE's answer needs no feeding.
                    let bye = d.request(Method::Bye)?;
                    self.out.push_back(SetOutput::Bye(bye));
                    d.terminate();
                    self.dialogs.insert(tag, d);
                    return Ok(());
                }
                self.out
                    .push_back(SetOutput::Event(DialogEvent::Confirmed(d.id().clone())));
                self.dialogs.insert(tag.clone(), d);
            }
        }
        self.winner = Some(tag.clone());
        for (_, d) in self.dialogs.iter_mut().filter(|(t, _)| **t != tag) {
            if d.state() == DialogState::Early {
                self.out.extend(d.terminate().map(SetOutput::Event));
            }
        }
        Ok(())
    }

    /// A final non-2xx to the INVITE: every early dialog ends.
    fn fail(&mut self) {
        if self.winner.is_none() {
            self.failed = true;
        }
        for d in self.dialogs.values_mut() {
            if d.state() == DialogState::Early {
                self.out.extend(d.terminate().map(SetOutput::Event));
            }
        }
    }
}
