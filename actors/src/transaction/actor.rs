//! The actor shell of one transaction: feeds the machine, sends its transmissions
//! through the [`Wire`], its events to the [`TuSink`], arms exactly one timer at
//! `poll_timeout()`, and stops itself when the machine reaches Terminated.

use super::event::{Input, Output};
use super::layer::{TuEvent, TxId};
use super::machine::Transaction;
use crate::sip::Message;
use crate::vocab::Target;
use ractor::{Actor, ActorProcessingErr, ActorRef};
use std::sync::Arc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// The transport as the transaction layer sees it: fire-and-forget sends. A send that
/// fails later is reported back with [`super::LayerMsg::SendFailed`].
pub trait Wire: Send + Sync + 'static {
    /// Sends `message` to `target`.
    fn send(&self, message: Message, target: Target);
}

/// The transaction user as the layer sees it: it receives [`TuEvent`]s.
pub trait TuSink: Send + Sync + 'static {
    /// Delivers one event. Must not block.
    fn deliver(&self, event: TuEvent);
}

impl TuSink for tokio::sync::mpsc::UnboundedSender<TuEvent> {
    fn deliver(&self, event: TuEvent) {
        if self.send(event).is_err() {
            tracing::debug!("TU channel closed; event dropped");
        }
    }
}

impl<M> TuSink for ActorRef<M>
where
    M: ractor::Message + From<TuEvent>,
{
    fn deliver(&self, event: TuEvent) {
        if self.send_message(M::from(event)).is_err() {
            tracing::debug!("TU actor gone; event dropped");
        }
    }
}

/// Messages to a [`TransactionActor`].
#[derive(Debug)]
pub enum TxMsg {
    /// An input routed by the layer.
    Input(Input),
    /// The armed timer fired; the number identifies which arming, stale ones are ignored.
    Timer(u64),
    /// Test hook: makes the actor panic, to exercise supervision.
    #[cfg(any(test, feature = "test-hooks"))]
    Panic,
}

/// Arguments of a [`TransactionActor`].
pub struct TransactionArgs {
    /// The transaction's id, stamped on its TU events.
    pub id: TxId,
    /// The machine, as the layer created it (client machines have their request queued).
    pub transaction: Transaction,
    /// Where transmissions go.
    pub wire: Arc<dyn Wire>,
    /// Where events go.
    pub tu: Arc<dyn TuSink>,
    /// Its tracing span (fields `id` and `call_id`), entered while it handles a message.
    pub span: tracing::Span,
}

/// The state of a [`TransactionActor`].
pub struct TransactionActorState {
    id: TxId,
    machine: Transaction,
    wire: Arc<dyn Wire>,
    tu: Arc<dyn TuSink>,
    armed: Option<(Instant, u64)>,
    timer: Option<JoinHandle<()>>,
    arming: u64,
    span: tracing::Span,
}

/// One transaction as an actor.
#[derive(Debug, Clone, Copy, Default)]
pub struct TransactionActor;

impl TransactionActorState {
    /// Drains the machine, re-arms the timer, and says whether the machine terminated.
    fn drain(&mut self, myself: &ActorRef<TxMsg>) -> bool {
        while let Some(out) = self.machine.poll_output() {
            match out {
                Output::Transmit { message, target } => self.wire.send(message, target),
                Output::ToTu(event) => self.tu.deliver(TuEvent::Transaction { id: self.id, event }),
            }
        }
        if self.machine.is_terminated() {
            self.disarm();
            return true;
        }
        let next = self.machine.poll_timeout();
        if next != self.armed.map(|(at, _)| at) {
            self.disarm();
            if let Some(at) = next {
                self.arming += 1;
                let arming = self.arming;
                let me = myself.clone();
                self.armed = Some((at, arming));
                self.timer = Some(tokio::spawn(async move {
                    tokio::time::sleep_until(at).await;
                    let _ = me.send_message(TxMsg::Timer(arming));
                }));
            }
        }
        false
    }

    fn disarm(&mut self) {
        if let Some(t) = self.timer.take() {
            t.abort();
        }
        self.armed = None;
    }
}

impl Actor for TransactionActor {
    type Msg = TxMsg;
    type State = TransactionActorState;
    type Arguments = TransactionArgs;

    async fn pre_start(
        &self,
        _myself: ActorRef<TxMsg>,
        args: TransactionArgs,
    ) -> Result<TransactionActorState, ActorProcessingErr> {
        Ok(TransactionActorState {
            id: args.id,
            machine: args.transaction,
            wire: args.wire,
            tu: args.tu,
            armed: None,
            timer: None,
            arming: 0,
            span: args.span,
        })
    }

    async fn post_start(
        &self,
        myself: ActorRef<TxMsg>,
        state: &mut TransactionActorState,
    ) -> Result<(), ActorProcessingErr> {
        if state.drain(&myself) {
            myself.stop(None);
        }
        Ok(())
    }

    async fn handle(
        &self,
        myself: ActorRef<TxMsg>,
        message: TxMsg,
        state: &mut TransactionActorState,
    ) -> Result<(), ActorProcessingErr> {
        let span = state.span.clone();
        let _entered = span.enter();
        let now = Instant::now(); // clock-ok: tokio time, paused and driven by the simulator
        match message {
            TxMsg::Input(input) => state.machine.handle(now, input),
            TxMsg::Timer(arming) => {
                if state.armed.map(|(_, a)| a) != Some(arming) {
                    return Ok(());
                }
                state.armed = None;
                state.timer = None;
                state.machine.handle(now, Input::Timer);
            }
            #[cfg(any(test, feature = "test-hooks"))]
            TxMsg::Panic => panic!("test hook: transaction {:?} panics", state.id),
        }
        if state.drain(&myself) {
            myself.stop(None);
        }
        Ok(())
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<TxMsg>,
        state: &mut TransactionActorState,
    ) -> Result<(), ActorProcessingErr> {
        state.disarm();
        Ok(())
    }
}
