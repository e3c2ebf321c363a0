//! The pushes the [`crate::ua::UaCore`] expects (`Engine::handle_push`): a pushed
//! Call-ID waits `push_wait` for its INVITE (else `missed`, `not_delivered`); duplicate
//! pushes are ignored; a pushed call's account unregisters once no pushed call needs it
//! (right away after a missed push, `RELEASE_AFTER` after a final response).

use super::{Calls, Expected, RECENT_PUSHES};
use crate::call_events::ended_event;
use crate::event_hub::EventSink;
use crate::registration::AccountMsg;
use crate::ua::UaMsg;
use ractor::ActorRef;
use std::time::Duration;
use switchboard_actors::admission::Input;

impl Calls {
    /// The UA core's call and push messages.
    pub(crate) fn on_msg(&mut self, msg: UaMsg, ua: &ActorRef<UaMsg>, events: &EventSink) {
        match msg {
            UaMsg::ExpectPush {
                call_id,
                caller,
                aor,
                account,
                wait,
                reply,
            } => {
                let expected = Expected::new(caller, aor, account);
                let _ = reply.send(self.expect(call_id, expected, wait, ua));
            }
            UaMsg::PushExpired { call_id } => self.push_expired(&call_id, events),
            UaMsg::CallEnded { call_id } => self.ended(&call_id, ua),
            UaMsg::CallProgress { call_id, progress } => self.progress(&call_id, progress),
            UaMsg::Cellular { event, reply } => {
                self.admission_input(Input::Cellular(event));
                let _ = reply.send(());
            }
            UaMsg::Paused(true) => self.admission_input(Input::EnginePaused),
            UaMsg::Paused(false) => self.admission_input(Input::EngineResumed),
            UaMsg::CallSnapshot { call_id, reply } => self.snapshot(&call_id, reply),
            UaMsg::Linger { key } => self.linger_over(key),
            UaMsg::RejectCall {
                call_id,
                code,
                reply,
            } => self.reject(&call_id, code, reply),
            other => tracing::debug!(?other, "not a call message"),
        }
    }

    /// A pushed call's linger is over: its account may unregister.
    pub(crate) fn linger_over(&mut self, key: u64) {
        if let Some((account, _)) = self.lingering.remove(&key) {
            self.release(&account);
        }
    }

    /// Expect the INVITE of a pushed call; false for a duplicate push (already
    /// expected, or seen recently).
    pub(crate) fn expect(
        &mut self,
        call_id: String,
        expected: Expected,
        wait: Duration,
        ua: &ActorRef<UaMsg>,
    ) -> bool {
        if self.recent.contains(&call_id) || self.live.values().any(|c| c.call_id == call_id) {
            return false;
        }
        if self.recent.len() >= RECENT_PUSHES {
            self.recent.pop_front();
        }
        self.recent.push_back(call_id.clone());
        let (me, id) = (ua.clone(), call_id.clone());
        let timer = tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            let _ = me.cast(UaMsg::PushExpired { call_id: id });
        });
        self.expected.insert(
            call_id,
            Expected {
                timer: Some(timer),
                ..expected
            },
        );
        true
    }

    /// `push_wait` passed without the pushed INVITE: missed, `not_delivered`.
    pub(crate) fn push_expired(&mut self, call_id: &str, events: &EventSink) {
        if let Some(e) = self.expected.remove(call_id) {
            events.emit(ended_event(
                call_id,
                &e.caller,
                "missed",
                "not_delivered",
                Some(e.aor.clone()),
            ));
            self.release(&e.account);
        }
    }

    /// A pushed call of `account` is over: unregister unless another one needs it.
    pub(super) fn release(&self, account: &ActorRef<AccountMsg>) {
        let id = account.get_id();
        let busy = self.expected.values().any(|e| e.account.get_id() == id)
            || self.lingering.values().any(|(a, _)| a.get_id() == id)
            || self
                .live
                .values()
                .any(|c| c.pushed.as_ref().is_some_and(|(_, a)| a.get_id() == id));
        if !busy {
            let _ = account.cast(AccountMsg::Unregister(super::admission::nobody()));
        }
    }
}

impl Expected {
    /// A push for `aor` from `caller`, answered by `account`.
    pub(crate) fn new(caller: String, aor: String, account: ActorRef<AccountMsg>) -> Self {
        Expected {
            caller,
            aor,
            account,
            timer: None,
        }
    }
}
