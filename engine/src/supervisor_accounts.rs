//! Accounts under the supervisor: `Engine::add_account` spawns one
//! [`AccountActor`](crate::registration::AccountActor) per account, linked, and hands
//! back its [`Account`] handle. A registration-free account is not registered when
//! added (no account is: registration starts with `Account::register`, or with a push).

use crate::account::AccountConfig;
use crate::account_handle::Account;
use crate::children::ChildKind;
use crate::error::EngineError;
use crate::lifecycle::EngineState;
use crate::registration::{AccountActor, AccountArgs, AccountMsg};
use crate::supervisor::SupervisorMsg;
use crate::supervisor_push::PushTarget;
use crate::supervisor_state::SupervisorState;
use ractor::{Actor, ActorRef};
use std::time::Duration;
use tokio::sync::watch;

/// How long shutdown waits for the accounts' unregistrations.
const UNREGISTER_WAIT: Duration = Duration::from_secs(4);

impl SupervisorState {
    /// Spawns an account's actor linked under the supervisor (Running only).
    pub(crate) async fn add_account(
        &mut self,
        myself: &ActorRef<SupervisorMsg>,
        config: AccountConfig,
    ) -> Result<Account, EngineError> {
        let state = self.lifecycle.state();
        let stack = match &self.stack {
            Some(stack) if state == EngineState::Running => stack,
            _ => return Err(EngineError::NotRunning { state }),
        };
        let (registered, registered_rx) = watch::channel(false);
        let token_header = config.token_header_name().to_owned();
        let routing = config.clone();
        let args = AccountArgs {
            config,
            ua: stack.ua.clone(),
            registry: stack.registry.clone(),
            events: self.events.clone(),
            rng: self.rng.fork("account"),
            user_agent: self.cfg.user_agent.clone(),
            registered,
        };
        let (actor, _) = Actor::spawn_linked(None, AccountActor, args, myself.get_cell())
            .await
            .map_err(|e| EngineError::from_spawn("account", e))?;
        self.children.insert(actor.get_id(), ChildKind::Account);
        self.accounts.push(actor.clone());
        let aor = match actor.call(AccountMsg::Aor, None).await {
            Ok(ractor::rpc::CallResult::Success(aor)) => aor,
            _ => return Err(EngineError::EngineGone),
        };
        self.push_targets
            .push(PushTarget::new(&routing, aor.clone(), actor.clone()));
        Ok(Account::new(
            aor,
            token_header,
            actor,
            registered_rx,
            self.state_tx.subscribe(),
        ))
    }

    /// Connects or disconnects phone services (see `SupervisorMsg::PhoneServices`).
    /// Errors: `NotRunning`.
    pub(crate) async fn phone_services(&mut self, connect: bool) -> Result<(), EngineError> {
        let state = self.lifecycle.state();
        if state != EngineState::Running {
            return Err(EngineError::NotRunning { state });
        }
        let msg: fn(_) -> AccountMsg = if connect {
            AccountMsg::Connect
        } else {
            AccountMsg::Disconnect
        };
        let calls = self
            .accounts
            .iter()
            .map(|a| a.call(msg, Some(UNREGISTER_WAIT)));
        futures::future::join_all(calls).await;
        Ok(())
    }

    /// Stops every account: each removes its binding first (REGISTER with Expires: 0),
    /// waiting at most [`UNREGISTER_WAIT`] for the registrar's answer.
    pub(crate) async fn stop_accounts(&mut self, stop_timeout: Duration) {
        self.push_targets.clear();
        let accounts = std::mem::take(&mut self.accounts);
        let unregistered = accounts
            .iter()
            .map(|a| a.call(AccountMsg::Shutdown, Some(UNREGISTER_WAIT)));
        futures::future::join_all(unregistered).await;
        for account in accounts {
            let _ = account
                .get_cell()
                .stop_and_wait(None, Some(stop_timeout))
                .await;
        }
    }
}
