//! [`Account`]: the embedder's handle on one account added with
//! [`crate::Engine::add_account`]. Cheap to clone; every clone drives the same account.

use crate::error::EngineError;
use crate::lifecycle::EngineState;
use crate::registration::AccountMsg;
use ractor::rpc::CallResult;
use ractor::{ActorRef, RpcReplyPort};
use switchboard_actors::sip::auth::Password;
use tokio::sync::watch;

/// One account of a running engine.
#[derive(Debug, Clone)]
pub struct Account {
    aor: String,
    token_header: String,
    actor: ActorRef<AccountMsg>,
    registered: watch::Receiver<bool>,
    engine: watch::Receiver<EngineState>,
}

impl Account {
    pub(crate) fn new(
        aor: String,
        token_header: String,
        actor: ActorRef<AccountMsg>,
        registered: watch::Receiver<bool>,
        engine: watch::Receiver<EngineState>,
    ) -> Self {
        Account {
            aor,
            token_header,
            actor,
            registered,
            engine,
        }
    }

    /// The address of record, e.g. `sip:alice@example.com`.
    pub fn aor(&self) -> &str {
        &self.aor
    }

    /// Starts registering (and keeping the binding refreshed); returns at once.
    /// Progress comes as `registration` events.
    pub async fn register(&self) -> Result<(), EngineError> {
        self.ask(AccountMsg::Register).await
    }

    /// Removes the binding (REGISTER with Expires: 0); returns at once.
    pub async fn unregister(&self) -> Result<(), EngineError> {
        self.ask(AccountMsg::Unregister).await
    }

    /// Whether the registrar holds a live binding for this account.
    pub fn is_registered(&self) -> bool {
        *self.registered.borrow()
    }

    /// Replaces the digest credentials on the live account (used from the next
    /// REGISTER on; no restart).
    pub async fn set_credentials(
        &self,
        auth_username: impl Into<String>,
        password: Password,
    ) -> Result<(), EngineError> {
        let auth_username = auth_username.into();
        self.ask(move |reply| AccountMsg::SetCredentials {
            auth_username,
            password: Some(password),
            reply,
        })
        .await
    }

    /// Sets the app's one-time session token (registration-free mode): every REGISTER
    /// from the next one on carries it in the account's `token_header`
    /// (`X-Session-Token: <token>` by default, `Authorization: Bearer <token>`).
    /// `handle_push` sets the payload's token the same way. Errors: `Push` (the token is
    /// not visible ASCII), `NotRunning`.
    pub async fn set_session_token(&self, token: &str) -> Result<(), EngineError> {
        crate::push::check_token(token)?;
        let headers = vec![crate::push::token_header(&self.token_header, token)];
        self.ask(move |reply| AccountMsg::SetHeaders { headers, reply })
            .await
    }

    /// The Service-Route the registrar returned with the current binding (RFC 3608),
    /// in order, as `name-addr` values: the route set for requests this account sends
    /// outside a dialog (calls use it; REGISTERs never do). Empty when unregistered.
    /// Errors: `NotRunning`.
    pub async fn service_route(&self) -> Result<Vec<String>, EngineError> {
        let state = *self.engine.borrow();
        if state != EngineState::Running {
            return Err(EngineError::NotRunning { state });
        }
        match self.actor.call(AccountMsg::ServiceRoute, None).await {
            Ok(CallResult::Success(route)) => Ok(route),
            _ => Err(EngineError::EngineGone),
        }
    }

    /// What a call from this account needs (route set, credentials, headers).
    pub(crate) async fn dial_setup(&self) -> Result<crate::ua_dial::DialSetup, EngineError> {
        let state = *self.engine.borrow();
        if state != EngineState::Running {
            return Err(EngineError::NotRunning { state });
        }
        match self.actor.call(AccountMsg::DialSetup, None).await {
            Ok(CallResult::Success(setup)) => Ok(setup),
            _ => Err(EngineError::EngineGone),
        }
    }

    /// The header name the account's session token travels in.
    pub fn token_header(&self) -> &str {
        &self.token_header
    }

    async fn ask(
        &self,
        msg: impl FnOnce(RpcReplyPort<()>) -> AccountMsg,
    ) -> Result<(), EngineError> {
        let state = *self.engine.borrow();
        if state != EngineState::Running {
            return Err(EngineError::NotRunning { state });
        }
        match self.actor.call(msg, None).await {
            Ok(CallResult::Success(())) => Ok(()),
            _ => match *self.engine.borrow() {
                EngineState::Running => Err(EngineError::EngineGone),
                state => Err(EngineError::NotRunning { state }),
            },
        }
    }
}
