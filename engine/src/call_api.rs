//! The embedder's calls: [`Engine::dial`], [`Engine::answer_call`],
//! [`Engine::hangup`], [`Engine::hold_call`], [`Engine::resume_call`], [`Engine::send_dtmf`] and
//! [`Engine::call_media`]. Each goes through the supervisor (Running only) to the UA
//! core, which routes it to the call's actor by Call-ID; progress comes as
//! [`Event::Call`](crate::Event::Call).

use crate::account_handle::Account;
use crate::call::CallCommand;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::media::MediaReport;
use crate::ua::UaMsg;
use crate::ua_dial::DialRequest;
use ractor::rpc::CallResult;
use ractor::RpcReplyPort;

/// How to dial.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DialOptions {
    /// Extra headers for the INVITE (name, value).
    pub headers: Vec<(String, String)>,
    /// A session token for a registration-free account, sent in the account's token
    /// header ([`crate::push::token_header`]).
    pub token: Option<String>,
    /// Whether the call has audio (RTP); without it the call still offers audio.
    pub audio: bool,
}

impl DialOptions {
    /// No extra headers, no token, audio on.
    pub fn new() -> DialOptions {
        DialOptions {
            audio: true,
            ..DialOptions::default()
        }
    }
}

impl Engine {
    /// Calls `target` (a SIP URI) from `account`: INVITE with a PCMU/PCMA offer,
    /// through the account's Service-Route when it has one. Returns the call's Call-ID;
    /// progress comes as `call` events (`calling`, `ringing`, `confirmed`, `ended`).
    /// Errors: `InvalidTarget`, `Unresolvable`, `NoTransport`, `Push` (a bad token),
    /// `NotRunning`.
    pub async fn dial(
        &self,
        account: &Account,
        target: &str,
        options: DialOptions,
    ) -> Result<String, EngineError> {
        let mut setup = account.dial_setup().await?;
        let mut headers = std::mem::take(&mut setup.headers);
        for (name, value) in options.headers {
            let bad = name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':');
            if bad || value.contains(['\r', '\n']) {
                return Err(EngineError::InvalidTarget {
                    target: target.to_owned(),
                    reason: format!("bad header `{name}`"),
                });
            }
            headers.push((switchboard_actors::sip::HeaderName::from_wire(&name), value));
        }
        if let Some(token) = &options.token {
            crate::push::check_token(token)?;
            headers.push(crate::push::token_header(account.token_header(), token));
        }
        let route = std::mem::take(&mut setup.route);
        let dial = Box::new(DialRequest {
            from: account.aor().to_owned(),
            target: target.to_owned(),
            route,
            headers,
            account: Some(account.aor().to_owned()),
            setup,
        });
        self.to_ua(|reply| UaMsg::Dial { dial, reply }).await?
    }

    /// Answers the ringing incoming call `call_id` (200 with our SDP answer; media
    /// starts). Errors: `UnknownCall` (no such call, or not ringing), `NotRunning`.
    pub async fn answer_call(&self, call_id: &str) -> Result<(), EngineError> {
        self.command(call_id, CallCommand::Answer).await
    }

    /// Hangs up call `call_id` (BYE; CANCEL while unanswered; 603 while ringing here).
    pub async fn hangup(&self, call_id: &str) -> Result<(), EngineError> {
        self.command(call_id, CallCommand::Hangup).await
    }

    /// Puts the peer of call `call_id` on hold (re-INVITE, sendonly).
    pub async fn hold_call(&self, call_id: &str) -> Result<(), EngineError> {
        self.command(call_id, CallCommand::Hold).await
    }

    /// Takes the peer of call `call_id` off hold.
    pub async fn resume_call(&self, call_id: &str) -> Result<(), EngineError> {
        self.command(call_id, CallCommand::Resume).await
    }

    /// Sends DTMF `digits` (`0-9*#A-D`) in call `call_id`, one INFO each.
    pub async fn send_dtmf(&self, call_id: &str, digits: &str) -> Result<(), EngineError> {
        self.command(call_id, CallCommand::Dtmf(digits.to_owned()))
            .await
    }

    /// Call `call_id`'s media report (RTP counters); `None` without media.
    pub async fn call_media(&self, call_id: &str) -> Result<Option<MediaReport>, EngineError> {
        let call_id = call_id.to_owned();
        self.to_ua(|reply| UaMsg::CallMedia { call_id, reply })
            .await
    }

    async fn command(&self, call_id: &str, command: CallCommand) -> Result<(), EngineError> {
        let call_id = call_id.to_owned();
        self.to_ua(|reply| UaMsg::CallCommand {
            call_id,
            command,
            reply,
        })
        .await?
    }

    async fn to_ua<T: Send + 'static>(
        &self,
        msg: impl FnOnce(RpcReplyPort<T>) -> UaMsg,
    ) -> Result<T, EngineError> {
        let sent = self
            .supervisor()
            .call(
                |reply| crate::supervisor::SupervisorMsg::ToUa(Box::new(msg(reply))),
                None,
            )
            .await;
        match sent {
            Ok(CallResult::Success(r)) => Ok(r),
            _ => Err(self.gone_error()),
        }
    }
}
