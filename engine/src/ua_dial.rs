//! An outgoing call, as the [`UaCore`](crate::ua::UaCore) starts it: the target and
//! route set resolved, our Contact from the listener, the session token header, then a
//! linked call actor in outgoing mode whose Call-ID is handed back.

use crate::call::{CallActor, CallArgs, CallMsg, CallStart};
use crate::error::EngineError;
use crate::outbound::{parse_target, resolve};
use crate::stack::TransportRegistry;
use crate::ua::UaMsg;
use crate::ua_calls::Calls;
use ractor::rpc::CallResult;
use ractor::{Actor, ActorRef};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;
use switchboard_actors::admission::{Decision, Input};
use switchboard_actors::call::OutgoingConfig;
use switchboard_actors::registrar::RegistrationMachine;
use switchboard_actors::sip::auth::Password;
use switchboard_actors::sip::{HeaderName, Uri};
use switchboard_actors::transaction::LayerMsg;
use switchboard_actors::transport::net::Network;
use switchboard_actors::transport::TransportMsg;
use switchboard_actors::vocab::TransportKind;

/// What a call from an account needs, as its actor has it now.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DialSetup {
    /// The pre-loaded route set: the outbound proxy (with `lr`), then the
    /// Service-Route of the current binding.
    pub route: Vec<String>,
    /// Digest user name and password, when the account has a password.
    pub credentials: Option<(String, Password)>,
    /// Our display name.
    pub display_name: Option<String>,
    /// The account's extra headers (the session token of a registration-free one).
    pub headers: Vec<(HeaderName, String)>,
    /// The User-Agent.
    pub user_agent: String,
}

impl DialSetup {
    /// The setup of the account `machine` registers.
    pub fn of(machine: &RegistrationMachine) -> DialSetup {
        let cfg = machine.config();
        let mut route = Vec::new();
        if let Some(proxy) = &cfg.outbound_proxy {
            let mut proxy = proxy.clone();
            if !proxy
                .params
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case("lr"))
            {
                proxy.params.push(switchboard_actors::sip::Param {
                    name: "lr".into(),
                    value: None,
                });
            }
            route.push(proxy.to_string());
        }
        route.extend(machine.service_route().iter().map(|n| n.uri.to_string()));
        DialSetup {
            route,
            credentials: cfg.password.clone().map(|p| (cfg.auth_username.clone(), p)),
            display_name: cfg.display_name.clone(),
            headers: cfg.extra_headers.clone(),
            user_agent: cfg.user_agent.clone(),
        }
    }
}

/// What the embedder dials (built by `Engine::dial`).
#[derive(Debug)]
pub struct DialRequest {
    /// Our AOR (From).
    pub(crate) from: String,
    /// Whom (a SIP URI).
    pub(crate) target: String,
    /// The pre-loaded route set (Service-Route, outbound proxy), first hop first.
    pub(crate) route: Vec<String>,
    /// Extra headers for the INVITE.
    pub(crate) headers: Vec<(HeaderName, String)>,
    /// The account's AOR, for the events.
    pub(crate) account: Option<String>,
    /// The account's credentials, display name and User-Agent.
    pub(crate) setup: DialSetup,
    /// Whether the call carries audio.
    pub(crate) audio: bool,
    /// A WAV file to send instead of the tone.
    pub(crate) audio_file: Option<std::path::PathBuf>,
    /// The embedder's microphone and speaker.
    pub(crate) device: Option<crate::AudioDevice>,
}

fn invalid(target: &str, reason: impl ToString) -> EngineError {
    EngineError::InvalidTarget {
        target: target.to_owned(),
        reason: reason.to_string(),
    }
}

fn transport_token(kind: TransportKind) -> &'static str {
    match kind {
        TransportKind::Udp => "udp",
        TransportKind::Tcp => "tcp",
        TransportKind::Tls => "tls",
    }
}

impl Calls {
    /// Starts the outgoing call `dial`; its Call-ID.
    #[allow(clippy::too_many_arguments)] // the UA's parts, borrowed separately
    pub(crate) async fn dial(
        &mut self,
        dial: DialRequest,
        ua: &ActorRef<UaMsg>,
        layer: &ActorRef<LayerMsg>,
        registry: &TransportRegistry,
        events: &crate::event_hub::EventSink,
        network: Arc<dyn Network>,
        rng: &mut ChaCha8Rng,
    ) -> Result<String, EngineError> {
        let to = parse_target(&dial.target)?;
        let first_hop = match dial.route.first() {
            Some(r) => parse_target(r.trim().trim_start_matches('<').trim_end_matches('>'))?,
            None => to.clone(),
        };
        let target = resolve(&first_hop)?;
        let kind = target.kind;
        let no_transport = move || EngineError::NoTransport { transport: kind };
        let transport = registry.pick(target.kind).ok_or_else(no_transport)?;
        let local = match transport.call(TransportMsg::LocalAddr, None).await {
            Ok(CallResult::Success(Some(addr))) => addr,
            _ => return Err(no_transport()),
        };
        let user = Uri::parse(&dial.from)
            .ok()
            .and_then(|u| match u {
                Uri::Sip(s) => s.user.as_deref().map(str::to_owned),
                _ => None,
            })
            .unwrap_or_else(|| "switchboard".to_owned());
        let token = transport_token(target.kind);
        let contact = format!("sip:{user}@{local};transport={token}");
        let from = Uri::parse(&dial.from).map_err(|e| invalid(&dial.from, e))?;
        let contact_uri = Uri::parse(&contact).map_err(|e| invalid(&contact, e))?;
        let mut config = OutgoingConfig::new(from, Uri::Sip(to.clone()), contact_uri);
        for r in &dial.route {
            let r = r.trim().trim_start_matches('<').trim_end_matches('>');
            config
                .route_set
                .push(Uri::parse(r).map_err(|e| invalid(r, e))?);
        }
        config.extra_headers = dial.headers;
        config.credentials = dial.setup.credentials;
        config.display_name = dial.setup.display_name;
        config.user_agent = dial.setup.user_agent;
        let mut args = CallArgs {
            start: CallStart::Outgoing {
                config: Box::new(config),
                target,
            },
            layer: layer.clone(),
            events: events.clone(),
            rng: ChaCha8Rng::seed_from_u64(rng.next_u64()),
            ua: ua.clone(),
            account: dial.account.clone(),
            network,
            local_ip: local.ip(),
            contact: format!("<{contact}>"),
            remote: to.to_string(),
            admitted: false,
            silent: false,
            audio: dial.audio,
            audio_file: dial.audio_file,
            device: dial.device,
            records: self.records.clone(),
            media_settings: self.media_settings.clone(),
        };
        let key = self.gate.key();
        let mut rest = Vec::new();
        for d in self.gate.decide(Input::DialRequested(key)) {
            match d {
                Decision::Admit(k) if k == key => args.admitted = true,
                Decision::Refuse { key: k, error } if k == key => {
                    self.carry_out(rest);
                    return Err(EngineError::CallRefused(error));
                }
                other => rest.push(other),
            }
        }
        let spawned = Actor::spawn_linked(None, CallActor, args, ua.get_cell()).await;
        let call_id = match spawned {
            Ok((actor, _)) => match actor.call(CallMsg::Id, None).await {
                Ok(CallResult::Success(id)) => {
                    self.gate.bind(key, &id);
                    let dir = crate::cdr::Direction::Outgoing;
                    self.seed(
                        &id,
                        dir,
                        dial.from.clone(),
                        &to.to_string(),
                        dial.account.clone(),
                    );
                    self.dialogs.insert(id.clone(), actor);
                    Ok(id)
                }
                _ => Err(EngineError::EngineGone),
            },
            Err(e) => Err(EngineError::from_spawn("call", e)),
        };
        if call_id.is_err() {
            rest.extend(self.gate.decide(Input::CallEnded(key)));
        }
        self.carry_out(rest);
        call_id
    }
}
