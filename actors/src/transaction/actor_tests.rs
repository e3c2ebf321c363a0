use super::*;
use crate::sip::{Method, StatusCode};
use crate::transaction::testkit::*;
use crate::vocab::TransportKind;
use rand::SeedableRng;
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

struct ChanWire(UnboundedSender<(Instant, Message, Target)>);

impl Wire for ChanWire {
    fn send(&self, message: Message, target: Target) {
        let _ = self.0.send((Instant::now(), message, target)); // clock-ok: test code
    }
}

type Wired = UnboundedReceiver<(Instant, Message, Target)>;

async fn start() -> (ActorRef<LayerMsg>, Wired, UnboundedReceiver<TuEvent>) {
    let (wtx, wrx) = unbounded_channel();
    let (ttx, trx) = unbounded_channel();
    let args = LayerArgs {
        timers: TimerConfig::default(),
        rng: ChaCha8Rng::seed_from_u64(42),
        wire: Arc::new(ChanWire(wtx)),
        tu: Arc::new(ttx),
        backlog: Default::default(),
    };
    let (layer, _) = TransactionLayerActor::spawn(None, TransactionLayerActor, args)
        .await
        .unwrap();
    (layer, wrx, trx)
}

async fn send_request(layer: &ActorRef<LayerMsg>, req: Request, kind: TransportKind) -> TxId {
    layer
        .call(
            |reply| LayerMsg::SendRequest {
                request: req,
                target: target(kind),
                reply,
            },
            None,
        )
        .await
        .unwrap()
        .unwrap()
        .unwrap()
}

async fn next_tx_event(tu: &mut UnboundedReceiver<TuEvent>) -> (TxId, TxEvent) {
    match tu.recv().await.unwrap() {
        TuEvent::Transaction { id, event } => (id, event),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn client_invite_actor_retransmits_on_schedule_and_times_out() {
    let (layer, mut wire, mut tu) = start().await;
    let t0 = Instant::now(); // clock-ok: test code
    let id = send_request(&layer, invite("x"), TransportKind::Udp).await;
    assert_eq!(next_tx_event(&mut tu).await, (id, TxEvent::Timeout));
    assert_eq!(Instant::now() - t0, Duration::from_secs(32)); // clock-ok: test code
    assert_eq!(next_tx_event(&mut tu).await, (id, TxEvent::Terminated));
    let mut sent = Vec::new();
    while let Ok((when, m, _)) = wire.try_recv() {
        sent.push(((when - t0).as_millis(), m));
    }
    let at: Vec<u128> = sent.iter().map(|(t, _)| *t).collect();
    assert_eq!(at, [0, 500, 1500, 3500, 7500, 15500, 31500]);
    // Once the actor stopped, the layer forgot the key: a late 200 is stray.
    tokio::time::sleep(Duration::from_millis(10)).await;
    let Message::Request(inv) = &sent[0].1 else {
        panic!("not a request")
    };
    layer
        .send_message(LayerMsg::Recv {
            message: Message::Response(response(inv, 200)),
            flow: flow(TransportKind::Udp),
        })
        .unwrap();
    assert!(matches!(
        tu.recv().await.unwrap(),
        TuEvent::StrayResponse { .. }
    ));
    layer.stop(None);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_transaction_fails_alone() {
    let (layer, mut wire, mut tu) = start().await;
    let recv = |branch: &str| LayerMsg::Recv {
        message: Message::Request(request(Method::Bye, branch)),
        flow: flow(TransportKind::Udp),
    };
    layer.send_message(recv("z9hG4bKone")).unwrap();
    layer.send_message(recv("z9hG4bKtwo")).unwrap();
    let mut ids = Vec::new();
    let mut reqs = Vec::new();
    for _ in 0..2 {
        let TuEvent::Request { id, request, .. } = tu.recv().await.unwrap() else {
            panic!()
        };
        ids.push(id);
        reqs.push(request);
    }
    let (doomed, survivor) = (ids[0], ids[1]);
    layer
        .send_message(LayerMsg::PanicTransaction(doomed))
        .unwrap();
    assert_eq!(
        next_tx_event(&mut tu).await,
        (doomed, TxEvent::InternalError)
    );
    assert_eq!(next_tx_event(&mut tu).await, (doomed, TxEvent::Terminated));

    // The other transaction carries on: its response goes out, retransmissions of the
    // request get it again, and it terminates after Timer J.
    let t = Instant::now(); // clock-ok: test code
    let ok = Response::to_request(&reqs[1], StatusCode::OK);
    layer
        .send_message(LayerMsg::SendResponse {
            id: survivor,
            response: ok.clone(),
        })
        .unwrap();
    layer.send_message(recv("z9hG4bKtwo")).unwrap();
    for _ in 0..2 {
        let (_, m, _) = wire.recv().await.unwrap();
        assert_eq!(m, Message::Response(ok.clone()));
    }
    assert_eq!(
        next_tx_event(&mut tu).await,
        (survivor, TxEvent::Terminated)
    );
    assert_eq!(Instant::now() - t, Duration::from_secs(32), "Timer J"); // clock-ok: test code

    // The layer is alive and the failed transaction's key is free again.
    layer.send_message(recv("z9hG4bKone")).unwrap();
    assert!(matches!(tu.recv().await.unwrap(), TuEvent::Request { .. }));
    layer.stop(None);
}

#[tokio::test(start_paused = true)]
async fn transport_failure_reported_through_the_layer() {
    let (layer, mut wire, mut tu) = start().await;
    let id = send_request(&layer, request(Method::Options, "x"), TransportKind::Tcp).await;
    let (_, sent, _) = wire.recv().await.unwrap();
    layer
        .send_message(LayerMsg::SendFailed { message: sent })
        .unwrap();
    assert_eq!(next_tx_event(&mut tu).await, (id, TxEvent::TransportError));
    assert_eq!(next_tx_event(&mut tu).await, (id, TxEvent::Terminated));
    layer.stop(None);
}
