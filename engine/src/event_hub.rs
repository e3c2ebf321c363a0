//! The `EventHub` actor: every actor publishes through one mailbox, so all subscribers
//! see one total order of events (the same seed gives the same trace), and the hub
//! fans each event out to per-subscriber bounded channels.
//!
//! Slow subscribers: the hub never waits. When a subscriber's channel is full the event
//! is dropped for that subscriber only and counted; the next time there is room it first
//! receives [`Event::Lagged { missed }`](Event::Lagged), then events resume. A subscriber
//! whose stream was dropped is forgotten at the next publish.

use crate::events::Event;
use futures::Stream;
use ractor::{Actor, ActorProcessingErr, ActorRef};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// Messages to the hub.
#[derive(Debug)]
pub enum HubMsg {
    /// Deliver an event to every subscriber.
    Publish(Event),
    /// Add a subscriber (the sending half of its bounded channel).
    Subscribe(mpsc::Sender<Event>),
}

struct Subscriber {
    tx: mpsc::Sender<Event>,
    missed: u64,
}

/// The hub's state: its subscribers and how many events it has published.
pub struct HubState {
    subscribers: Vec<Subscriber>,
    published: u64,
}

/// The `EventHub` actor.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventHub;

impl Actor for EventHub {
    type Msg = HubMsg;
    type State = HubState;
    /// Subscribers that exist before the engine starts (so they see `starting`).
    type Arguments = Vec<mpsc::Sender<Event>>;

    async fn pre_start(
        &self,
        _myself: ActorRef<HubMsg>,
        initial: Self::Arguments,
    ) -> Result<HubState, ActorProcessingErr> {
        Ok(HubState {
            subscribers: initial
                .into_iter()
                .map(|tx| Subscriber { tx, missed: 0 })
                .collect(),
            published: 0,
        })
    }

    async fn handle(
        &self,
        _myself: ActorRef<HubMsg>,
        msg: HubMsg,
        state: &mut HubState,
    ) -> Result<(), ActorProcessingErr> {
        match msg {
            HubMsg::Subscribe(tx) => state.subscribers.push(Subscriber { tx, missed: 0 }),
            HubMsg::Publish(event) => {
                state.published += 1;
                tracing::trace!(seq = state.published, ?event, "event");
                state.subscribers.retain_mut(|s| deliver(s, &event));
            }
        }
        Ok(())
    }
}

/// Offers one event to one subscriber; false when the subscriber is gone.
fn deliver(s: &mut Subscriber, event: &Event) -> bool {
    use mpsc::error::TrySendError;
    if s.missed > 0 {
        match s.tx.try_send(Event::Lagged { missed: s.missed }) {
            Ok(()) => s.missed = 0,
            Err(TrySendError::Full(_)) => {
                s.missed += 1;
                return true;
            }
            Err(TrySendError::Closed(_)) => return false,
        }
    }
    match s.tx.try_send(event.clone()) {
        Ok(()) => true,
        Err(TrySendError::Full(_)) => {
            s.missed += 1;
            true
        }
        Err(TrySendError::Closed(_)) => false,
    }
}

/// A cloneable handle actors publish events through.
#[derive(Debug, Clone)]
pub struct EventSink(ActorRef<HubMsg>);

impl EventSink {
    /// Wraps the hub's reference.
    pub fn new(hub: ActorRef<HubMsg>) -> EventSink {
        EventSink(hub)
    }

    /// Publishes an event. Never blocks; if the hub is gone (engine stopping) the event
    /// is dropped.
    pub fn emit(&self, event: Event) {
        if self.0.cast(HubMsg::Publish(event)).is_err() {
            tracing::debug!("event hub gone; event dropped");
        }
    }

    /// Subscribes a new stream buffering up to `bound` events.
    pub fn subscribe(&self, bound: usize) -> EventStream {
        let (tx, rx) = mpsc::channel(bound.max(1));
        // If the hub is gone, `tx` is dropped here and the stream ends at once.
        let _ = self.0.cast(HubMsg::Subscribe(tx));
        EventStream(rx)
    }

    /// The hub's reference.
    pub fn hub(&self) -> &ActorRef<HubMsg> {
        &self.0
    }
}

/// A subscription: a [`Stream`] of [`Event`]s that ends when the engine has stopped
/// (after the final `engine stopped` event).
#[derive(Debug)]
pub struct EventStream(mpsc::Receiver<Event>);

impl EventStream {
    /// A stream and the sender the hub will deliver into (subscribing before start).
    pub(crate) fn channel(bound: usize) -> (mpsc::Sender<Event>, EventStream) {
        let (tx, rx) = mpsc::channel(bound.max(1));
        (tx, EventStream(rx))
    }
}

impl Stream for EventStream {
    type Item = Event;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.0.poll_recv(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::EngineState;
    use futures::StreamExt;

    fn ev(n: u16) -> Event {
        Event::Answered {
            method: "OPTIONS".into(),
            status: n,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn fans_out_in_order_and_reports_lag() {
        let (fast_tx, mut fast) = EventStream::channel(16);
        let (hub, join) = Actor::spawn(None, EventHub, vec![fast_tx]).await.unwrap();
        let sink = EventSink::new(hub.clone());
        let mut slow = sink.subscribe(2);
        for n in 200..205 {
            sink.emit(ev(n));
        }
        for n in 200..205 {
            assert_eq!(fast.next().await, Some(ev(n)));
        }
        // The slow subscriber got the first two, then missed three.
        assert_eq!(slow.next().await, Some(ev(200)));
        assert_eq!(slow.next().await, Some(ev(201)));
        sink.emit(ev(206));
        assert_eq!(slow.next().await, Some(Event::Lagged { missed: 3 }));
        assert_eq!(slow.next().await, Some(ev(206)));
        // A dropped subscriber does not disturb the others.
        drop(slow);
        sink.emit(Event::Engine {
            state: EngineState::Stopped,
            reason: None,
        });
        assert_eq!(fast.next().await, Some(ev(206)));
        assert!(matches!(fast.next().await, Some(Event::Engine { .. })));
        hub.drain_and_wait(None).await.unwrap();
        join.await.unwrap();
        assert_eq!(fast.next().await, None, "stream ends when the hub stops");
    }
}
