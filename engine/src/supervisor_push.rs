//! Pushes and call control under the supervisor: `Engine::handle_push` finds the
//! registration-free account ([`crate::push::pick_account`]), has the UA core expect the
//! pushed call, sets the account's session token and registers it; `Engine::reject_call`
//! goes to the UA core, which holds the calls.

use crate::account::{AccountConfig, AccountMode, DEFAULT_PUSH_WAIT};
use crate::error::EngineError;
use crate::lifecycle::EngineState;
use crate::push::{pick_account, token_header, PushCandidate, PushPayload};
use crate::registration::AccountMsg;
use crate::supervisor_state::SupervisorState;
use crate::ua::UaMsg;
use ractor::rpc::CallResult;
use ractor::{ActorRef, RpcReplyPort};
use std::time::Duration;

/// What the supervisor keeps of an account to route pushes to it.
pub(crate) struct PushTarget {
    pub(crate) actor: ActorRef<AccountMsg>,
    aor: String,
    candidate: PushCandidate,
    token_header: String,
    push_wait: Duration,
}

impl PushTarget {
    /// The routing facts of `config`, served by `actor`.
    pub(crate) fn new(config: &AccountConfig, aor: String, actor: ActorRef<AccountMsg>) -> Self {
        PushTarget {
            actor,
            aor,
            candidate: PushCandidate {
                server: config.server.clone(),
                port: config.port,
                domain: config.domain.clone(),
                registration_free: config.mode == AccountMode::RegistrationFree,
            },
            token_header: config.token_header_name().to_owned(),
            push_wait: Duration::from_secs(u64::from(
                config.push_wait.unwrap_or(DEFAULT_PUSH_WAIT),
            )),
        }
    }
}

fn accepted<T>(r: Result<CallResult<T>, ractor::MessagingErr<impl Sized>>) -> Option<T> {
    match r {
        Ok(CallResult::Success(v)) => Some(v),
        _ => None,
    }
}

impl SupervisorState {
    /// Handles a parsed push (Running only). A duplicate push for a call already
    /// expected or seen is accepted and ignored.
    pub(crate) async fn push(&mut self, payload: PushPayload) -> Result<(), EngineError> {
        let state = self.lifecycle.state();
        let ua = match &self.stack {
            Some(stack) if state == EngineState::Running => stack.ua.clone(),
            _ => return Err(EngineError::NotRunning { state }),
        };
        let candidates: Vec<PushCandidate> = self
            .push_targets
            .iter()
            .map(|t| t.candidate.clone())
            .collect();
        let index = pick_account(&candidates, payload.server.as_deref())?;
        let target = self
            .push_targets
            .get(index)
            .ok_or(EngineError::EngineGone)?;
        let (account, wait) = (target.actor.clone(), target.push_wait);
        let header = token_header(&target.token_header, &payload.token);
        let expect = ua
            .call(
                |reply| UaMsg::ExpectPush {
                    call_id: payload.call_id.clone(),
                    caller: payload.caller.clone(),
                    aor: target.aor.clone(),
                    account: account.clone(),
                    wait,
                    reply,
                },
                None,
            )
            .await;
        match accepted(expect) {
            None => return Err(EngineError::EngineGone),
            Some(false) => {
                tracing::debug!(parent: &self.span, call_id = %payload.call_id, "duplicate push ignored");
                return Ok(());
            }
            Some(true) => {}
        }
        let headers = vec![header];
        let set = account
            .call(|reply| AccountMsg::SetHeaders { headers, reply }, None)
            .await;
        accepted(set).ok_or(EngineError::EngineGone)?;
        let registered = account.call(AccountMsg::Register, None).await;
        accepted(registered).ok_or(EngineError::EngineGone)
    }

    /// Forwards a call message to the UA core (Running only; else it is dropped).
    pub(crate) fn to_ua(&self, msg: UaMsg) {
        match &self.stack {
            // Paused keeps calls going: their commands still pass (admission refuses
            // new outgoing calls while paused).
            Some(stack)
                if matches!(
                    self.lifecycle.state(),
                    EngineState::Running | EngineState::Paused
                ) =>
            {
                let _ = stack.ua.send_message(msg);
            }
            _ => drop(msg),
        }
    }

    /// Forwards a reject to the UA core (Running only).
    pub(crate) fn reject_call(
        &self,
        call_id: String,
        code: u16,
        reply: RpcReplyPort<Result<(), EngineError>>,
    ) {
        let state = self.lifecycle.state();
        match &self.stack {
            Some(stack) if state == EngineState::Running => {
                if let Err(ractor::MessagingErr::SendErr(UaMsg::RejectCall { reply, .. })) =
                    stack.ua.send_message(UaMsg::RejectCall {
                        call_id,
                        code,
                        reply,
                    })
                {
                    let _ = reply.send(Err(EngineError::EngineGone));
                }
            }
            _ => drop(reply.send(Err(EngineError::NotRunning { state }))),
        }
    }
}
