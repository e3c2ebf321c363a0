use crate::{Engine, EngineConfig, EngineError, EngineState, Event};
use futures::StreamExt;

fn engine_state(e: &Event) -> Option<EngineState> {
    match e {
        Event::Engine { state, .. } => Some(*state),
        _ => None,
    }
}

#[tokio::test(start_paused = true)]
async fn full_lifecycle_with_events() {
    let cfg = EngineConfig::builder().seed(7).build().unwrap();
    let mut builder = Engine::builder().config(cfg);
    let mut early = builder.subscribe();
    let engine = builder.start().await.unwrap();
    assert_eq!(engine.state(), EngineState::Running);
    assert_eq!(engine.id().len(), 8);
    let late = engine.events();

    engine.pause().await.unwrap();
    assert_eq!(engine.state(), EngineState::Paused);
    assert!(matches!(
        engine.pause().await,
        Err(EngineError::NotRunning {
            state: EngineState::Paused
        })
    ));
    engine.resume().await.unwrap();
    engine.resume().await.unwrap(); // already running: a no-op
    engine.shutdown().await.unwrap();
    assert_eq!(engine.state(), EngineState::Stopped);

    let seen: Vec<_> = early.by_ref().collect::<Vec<_>>().await;
    let states: Vec<_> = seen.iter().filter_map(engine_state).collect();
    use EngineState::*;
    assert_eq!(
        states,
        vec![Starting, Running, Paused, Running, Stopping, Stopped]
    );
    let late_states: Vec<_> = late
        .collect::<Vec<_>>()
        .await
        .iter()
        .filter_map(engine_state)
        .collect();
    assert_eq!(late_states, vec![Paused, Running, Stopping, Stopped]);

    // Everything after shutdown is refused with the state.
    assert!(matches!(
        engine.pause().await,
        Err(EngineError::NotRunning { state: Stopped })
    ));
    assert!(matches!(
        engine.resume().await,
        Err(EngineError::NotRunning { state: Stopped })
    ));
    assert!(matches!(
        engine.shutdown().await,
        Err(EngineError::NotRunning { state: Stopped })
    ));
    assert_eq!(engine.events().next().await, None);
}

#[tokio::test(start_paused = true)]
async fn invalid_config_is_refused_before_anything_starts() {
    let mut cfg = EngineConfig::default();
    cfg.timers.t2 = 1;
    let err = Engine::builder().config(cfg).start().await.err().unwrap();
    assert!(matches!(err, EngineError::Config(_)), "{err:?}");
    assert_eq!(err.exit_code(), 2);
}

#[tokio::test(start_paused = true)]
async fn same_seed_same_engine_id() {
    let start = |seed| async move {
        let cfg = EngineConfig::builder().seed(seed).build().unwrap();
        let e = Engine::builder().config(cfg).start().await.unwrap();
        let id = e.id().to_owned();
        e.shutdown().await.unwrap();
        id
    };
    assert_eq!(start(1).await, start(1).await);
    assert_ne!(start(1).await, start(2).await);
}

#[tokio::test(start_paused = true)]
async fn dropping_a_running_engine_stops_the_tree() {
    let mut builder = Engine::builder();
    let events = builder.subscribe();
    let engine = builder.start().await.unwrap();
    drop(engine);
    // The hub dies with the supervisor, so the stream ends.
    let seen: Vec<_> = events.collect().await;
    assert!(seen
        .iter()
        .any(|e| engine_state(e) == Some(EngineState::Running)));
}
