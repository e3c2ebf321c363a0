//! One actor per incoming call ([`CallActor`]): the shell around the sans-IO
//! [`IncomingCall`]. The [`crate::ua::UaCore`] spawns it (linked: the UA core is the
//! call manager, so a call actor's failure ends that call only) for an out-of-dialog
//! INVITE and routes it the INVITE transaction's CANCEL and failures; the embedder's
//! reject comes through the UA core too. The shell sends the machine's responses
//! through the transaction layer, reports its events as [`Event::Call`](crate::Event::Call), arms one timer
//! (the ring timeout) and stops once the call has reached a final state, telling the UA
//! core. Answering (200 with SDP, ACK) comes with the calls issue.

use crate::call_events::call_event;
use crate::error::EngineError;
use crate::event_hub::EventSink;
use crate::ua::UaMsg;
use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};
use rand_chacha::ChaCha8Rng;
use switchboard_actors::call::{IncomingCall, IncomingConfig, Input, Output};
use switchboard_actors::sip::{Request, Response};
use switchboard_actors::transaction::{LayerMsg, TxEvent, TxId};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Messages of a [`CallActor`].
#[derive(Debug)]
#[non_exhaustive]
pub enum CallMsg {
    /// A CANCEL for the call's INVITE; `id` is the CANCEL's own server transaction.
    Cancel {
        /// The CANCEL's server transaction.
        id: TxId,
        /// The CANCEL.
        request: Request,
    },
    /// The embedder rejects the call with `code`.
    Reject {
        /// A 4xx–6xx status (others become 603).
        code: u16,
        /// Answered once the final response is on its way.
        reply: RpcReplyPort<Result<(), EngineError>>,
    },
    /// An event of the INVITE's server transaction.
    Tx(TxEvent),
    /// The armed timer fired (the arming number; stale ones are ignored).
    Timer(u64),
}

/// What a [`CallActor`] starts with.
pub struct CallArgs {
    /// The INVITE's server transaction.
    pub tx: TxId,
    /// The INVITE.
    pub invite: Request,
    /// The machine's settings (ring timeout, Server, Contact).
    pub config: IncomingConfig,
    /// The transaction layer, to send responses through.
    pub layer: ActorRef<LayerMsg>,
    /// Where events go.
    pub events: EventSink,
    /// For the To tag.
    pub rng: ChaCha8Rng,
    /// The UA core, told when the call ends.
    pub ua: ActorRef<UaMsg>,
    /// The account the call came in on, when known (pushed calls).
    pub account: Option<String>,
}

/// The call actor's state.
pub struct CallState {
    machine: IncomingCall,
    tx: TxId,
    cancel_tx: Option<TxId>,
    layer: ActorRef<LayerMsg>,
    events: EventSink,
    ua: ActorRef<UaMsg>,
    account: Option<String>,
    timer: Option<JoinHandle<()>>,
    arming: u64,
    /// The last final status sent, for the events.
    status: Option<u16>,
    /// `call` span (field `call_id`) its work runs in.
    span: tracing::Span,
}

/// One incoming call's shell.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallActor;

fn now() -> Instant {
    Instant::now() // clock-ok: tokio time, paused and driven by the simulator
}

impl CallState {
    fn feed(&mut self, myself: &ActorRef<CallMsg>, input: Option<Input>) {
        let span = self.span.clone();
        let _in_span = span.enter();
        if let Some(input) = input {
            self.machine.handle(now(), input);
        }
        while let Some(out) = self.machine.poll_output() {
            match out {
                Output::Respond(response) => self.send(self.tx, response),
                Output::CancelResponse(response) => {
                    if let Some(id) = self.cancel_tx.take() {
                        self.send(id, response);
                    }
                }
                Output::Event(e) => {
                    let event = call_event(&self.machine, e, self.status, self.account.clone());
                    self.events.emit(event);
                }
                _ => {}
            }
        }
        if self.machine.state().is_final() {
            let _ = self.ua.cast(UaMsg::CallEnded { id: self.tx });
            myself.stop(None);
            return;
        }
        self.arm(myself);
    }

    fn send(&mut self, id: TxId, response: Response) {
        if response.status.is_final() {
            self.status = Some(response.status.as_u16());
        }
        let _ = self.layer.cast(LayerMsg::SendResponse { id, response });
    }

    fn arm(&mut self, myself: &ActorRef<CallMsg>) {
        if let Some(t) = self.timer.take() {
            t.abort();
        }
        if let Some(at) = self.machine.poll_timeout() {
            self.arming += 1;
            let (arming, me) = (self.arming, myself.clone());
            self.timer = Some(tokio::spawn(async move {
                tokio::time::sleep_until(at).await;
                let _ = me.send_message(CallMsg::Timer(arming));
            }));
        }
    }
}

impl Actor for CallActor {
    type Msg = CallMsg;
    type State = CallState;
    type Arguments = CallArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<CallMsg>,
        mut args: CallArgs,
    ) -> Result<CallState, ActorProcessingErr> {
        let machine = IncomingCall::new(now(), args.invite, args.config, &mut args.rng);
        let span =
            tracing::info_span!("call", call_id = %machine.call_id(), direction = "incoming");
        Ok(CallState {
            machine,
            tx: args.tx,
            cancel_tx: None,
            layer: args.layer,
            events: args.events,
            ua: args.ua,
            account: args.account,
            timer: None,
            arming: 0,
            status: None,
            span,
        })
    }

    async fn post_start(
        &self,
        myself: ActorRef<CallMsg>,
        state: &mut CallState,
    ) -> Result<(), ActorProcessingErr> {
        state.feed(&myself, None);
        Ok(())
    }

    async fn handle(
        &self,
        myself: ActorRef<CallMsg>,
        msg: CallMsg,
        state: &mut CallState,
    ) -> Result<(), ActorProcessingErr> {
        let input = match msg {
            CallMsg::Cancel { id, request } => {
                state.cancel_tx = Some(id);
                Input::Cancel(request)
            }
            CallMsg::Reject { code, reply } => {
                let _ = reply.send(Ok(()));
                Input::Reject(code)
            }
            CallMsg::Tx(TxEvent::TransportError | TxEvent::InternalError) => {
                Input::TransactionFailed
            }
            CallMsg::Tx(TxEvent::Terminated) => Input::TransactionFailed,
            CallMsg::Tx(_) => return Ok(()),
            CallMsg::Timer(arming) if arming == state.arming => {
                state.timer = None;
                Input::Timer
            }
            CallMsg::Timer(_) => return Ok(()),
        };
        state.feed(&myself, Some(input));
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<CallMsg>,
        state: &mut CallState,
    ) -> Result<(), ActorProcessingErr> {
        if let Some(t) = state.timer.take() {
            t.abort();
        }
        Ok(())
    }
}
