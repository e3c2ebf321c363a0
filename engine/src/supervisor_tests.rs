//! Supervisor behaviour with a test transport spawner (a test double for the real
//! transports and the simulator's network: it binds nothing).

use crate::children::{SpawnedTransport, TransportContext, TransportSpawner};
use crate::config::RestartConfig;
use crate::{Engine, EngineConfig, EngineError, EngineState, Event};
use futures::future::BoxFuture;
use futures::StreamExt;
use ractor::{Actor, ActorCell, ActorProcessingErr, ActorRef};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use switchboard_actors::vocab::TransportKind;

/// An actor that fails on any message.
struct Crashy;

impl Actor for Crashy {
    type Msg = ();
    type State = ();
    type Arguments = ();
    async fn pre_start(&self, _: ActorRef<()>, _: ()) -> Result<(), ActorProcessingErr> {
        Ok(())
    }
    async fn handle(&self, _: ActorRef<()>, _: (), _: &mut ()) -> Result<(), ActorProcessingErr> {
        Err("socket closed".into())
    }
}

#[derive(Default)]
struct TestSpawner {
    /// Attempt numbers (0-based, over all listeners) that fail to bind.
    fail_attempts: Vec<usize>,
    attempts: Mutex<usize>,
    live: Mutex<Vec<ActorCell>>,
}

impl TransportSpawner for Arc<TestSpawner> {
    fn spawn(
        &self,
        ctx: TransportContext,
        supervisor: ActorCell,
    ) -> BoxFuture<'static, Result<SpawnedTransport, EngineError>> {
        let this = Arc::clone(self);
        Box::pin(async move {
            let attempt = {
                let mut n = this.attempts.lock().unwrap();
                *n += 1;
                *n - 1
            };
            let addr = ctx.listener.addr;
            if this.fail_attempts.contains(&attempt) {
                return Err(EngineError::Bind {
                    transport: ctx.listener.transport,
                    addr,
                    source: std::io::ErrorKind::AddrInUse.into(),
                });
            }
            let (actor, _) = Actor::spawn_linked(None, Crashy, (), supervisor)
                .await
                .map_err(|e| EngineError::from_spawn("transport", e))?;
            this.live.lock().unwrap().push(actor.get_cell());
            let local_addr = SocketAddr::new(addr.ip(), 40000 + ctx.index as u16);
            Ok(SpawnedTransport {
                cell: actor.get_cell(),
                local_addr,
            })
        })
    }
}

fn config(restart: RestartConfig) -> EngineConfig {
    EngineConfig::builder()
        .listen(TransportKind::Udp, "127.0.0.1:0".parse().unwrap())
        .listen(TransportKind::Tcp, "127.0.0.1:0".parse().unwrap())
        .restart(restart)
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn listeners_start_and_a_crashed_transport_is_restarted() {
    let spawner = Arc::new(TestSpawner::default());
    let mut b = Engine::builder()
        .config(config(RestartConfig::default()))
        .transports(Arc::new(spawner.clone()));
    let mut events = b.subscribe();
    let engine = b.start().await.unwrap();
    let first: Vec<_> = events.by_ref().take(4).collect().await;
    assert!(matches!(
        first[0],
        Event::Engine {
            state: EngineState::Starting,
            ..
        }
    ));
    assert!(
        matches!(first[1], Event::Listening { transport: TransportKind::Udp, addr } if addr.port() == 40000)
    );
    assert!(
        matches!(first[2], Event::Listening { transport: TransportKind::Tcp, addr } if addr.port() == 40001)
    );
    assert!(matches!(
        first[3],
        Event::Engine {
            state: EngineState::Running,
            ..
        }
    ));

    let tcp = spawner.live.lock().unwrap()[1].clone();
    tcp.send_message(()).unwrap();
    let failed = events.next().await.unwrap();
    assert!(
        matches!(&failed, Event::TransportError { transport: TransportKind::Tcp, restarting: true, reason, .. } if reason.contains("socket closed")),
        "{failed:?}"
    );
    let again = events.next().await.unwrap();
    assert!(
        matches!(
            again,
            Event::Listening {
                transport: TransportKind::Tcp,
                ..
            }
        ),
        "{again:?}"
    );
    assert_eq!(*spawner.attempts.lock().unwrap(), 3);
    assert_eq!(engine.state(), EngineState::Running);
    engine.shutdown().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn bind_failure_at_start_fails_start_and_stops_the_tree() {
    let spawner = Arc::new(TestSpawner {
        fail_attempts: vec![1],
        ..TestSpawner::default()
    });
    let mut b = Engine::builder()
        .config(config(RestartConfig::default()))
        .transports(Arc::new(spawner.clone()));
    let events = b.subscribe();
    let err = b.start().await.err().unwrap();
    assert!(
        matches!(
            err,
            EngineError::Bind {
                transport: TransportKind::Tcp,
                ..
            }
        ),
        "{err:?}"
    );
    let all: Vec<_> = events.collect().await; // ends: the tree is down
    let last_two = &all[all.len() - 2..];
    assert!(
        matches!(&last_two[0], Event::Engine { state: EngineState::Stopping, reason: Some(r) } if r.contains("cannot bind"))
    );
    assert!(matches!(
        last_two[1],
        Event::Engine {
            state: EngineState::Stopped,
            ..
        }
    ));
    // The UDP transport that did start was stopped again.
    let udp = spawner.live.lock().unwrap()[0].clone();
    assert_eq!(udp.get_status(), ractor::ActorStatus::Stopped);
}

#[tokio::test(start_paused = true)]
async fn restart_budget_runs_out_and_the_engine_goes_on() {
    let spawner = Arc::new(TestSpawner {
        fail_attempts: vec![2],
        ..TestSpawner::default()
    });
    let restart = RestartConfig {
        max_restarts: 2,
        ..RestartConfig::default()
    };
    let engine = Engine::builder()
        .config(config(restart))
        .transports(Arc::new(spawner.clone()))
        .start()
        .await
        .unwrap();
    let mut events = engine.events();
    let udp = spawner.live.lock().unwrap()[0].clone();
    udp.send_message(()).unwrap();
    let e = events.next().await.unwrap();
    assert!(
        matches!(&e, Event::TransportError { restarting: true, reason, .. } if reason.contains("socket closed")),
        "{e:?}"
    );
    // The first restart fails to bind: the second failure, still within budget.
    let e = events.next().await.unwrap();
    assert!(
        matches!(&e, Event::TransportError { restarting: true, reason, .. } if reason.contains("cannot bind")),
        "{e:?}"
    );
    let e = events.next().await.unwrap();
    assert!(
        matches!(
            e,
            Event::Listening {
                transport: TransportKind::Udp,
                ..
            }
        ),
        "{e:?}"
    );
    // A third failure within the window is over budget: the listener stays down.
    let udp = spawner.live.lock().unwrap()[2].clone();
    udp.send_message(()).unwrap();
    let e = events.next().await.unwrap();
    assert!(
        matches!(
            e,
            Event::TransportError {
                restarting: false,
                ..
            }
        ),
        "{e:?}"
    );
    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    assert_eq!(*spawner.attempts.lock().unwrap(), 4);
    assert_eq!(engine.state(), EngineState::Running);
    engine.shutdown().await.unwrap();
}
