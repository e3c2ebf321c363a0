use super::*;
use crate::clock::ManualClock;
use std::time::Duration;
use tracing_subscriber::layer::SubscriberExt;

const T0: u64 = 1_700_000_000_000;

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "switchboard-logs-{}-{name}.jsonl",
        std::process::id()
    ))
}

/// Runs `f` with a capture layer filling a fresh buffer; the clock starts at T0.
fn captured(f: impl FnOnce(&ManualClock)) -> LogBuffer {
    let buffer = LogBuffer::new(1000);
    let clock = Arc::new(ManualClock::new(Duration::from_millis(T0)));
    let layer = LogCapture::with_buffer(buffer.clone(), clock.clone());
    let subscriber = tracing_subscriber::registry().with(layer);
    tracing::subscriber::with_default(subscriber, || f(&clock));
    buffer
}

fn read_lines(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn events_carry_their_spans_fields_and_export_as_json_lines() {
    let buffer = captured(|clock| {
        let account = tracing::info_span!("account", aor = "sip:alice@example.com");
        let _a = account.enter();
        tracing::info!(expires = 60u64, "registered");
        clock.advance(Duration::from_millis(1_000));
        let call = tracing::info_span!("call", call_id = %"a84b@host", direction = "outgoing");
        let _c = call.enter();
        tracing::warn!(status = 486, remote = ?"sip:bob@example.com", "call ended busy");
        clock.advance(Duration::from_millis(1_000));
        tracing::debug!("after the range");
    });
    assert!(buffer.is_attached());
    assert_eq!(buffer.len(), 3);

    let path = temp_path("spans");
    let n = export(&buffer, T0, T0 + 2_000, &path).unwrap();
    assert_eq!(n, 2, "the upper bound is exclusive");
    let lines = read_lines(&path);
    assert_eq!(lines[0]["t_ms"], T0);
    assert_eq!(lines[0]["level"], "INFO");
    assert_eq!(lines[0]["message"], "registered");
    assert_eq!(lines[0]["fields"], serde_json::json!({"expires": 60}));
    assert_eq!(
        lines[0]["spans"],
        serde_json::json!({"aor": "sip:alice@example.com"})
    );
    assert!(lines[0]["target"]
        .as_str()
        .unwrap()
        .starts_with("switchboard"));

    assert_eq!(lines[1]["t_ms"], T0 + 1_000);
    assert_eq!(lines[1]["level"], "WARN");
    assert_eq!(lines[1]["fields"]["status"], 486);
    assert_eq!(lines[1]["fields"]["remote"], "\"sip:bob@example.com\"");
    assert_eq!(
        lines[1]["spans"],
        serde_json::json!({"aor": "sip:alice@example.com", "call_id": "a84b@host", "direction": "outgoing"})
    );

    assert_eq!(export(&buffer, T0 + 1_500, T0 + 10_000, &path).unwrap(), 1);
    assert_eq!(read_lines(&path)[0]["message"], "after the range");
    assert_eq!(export(&buffer, T0 + 5, T0 + 5, &path).unwrap(), 0);
    assert!(std::fs::read_to_string(&path).unwrap().is_empty());
    let _ = std::fs::remove_file(&path);
}

#[test]
fn fields_recorded_later_and_inner_spans_override() {
    let buffer = captured(|_| {
        let outer = tracing::info_span!("ua", call_id = "outer", method = "INVITE");
        let _o = outer.enter();
        let inner = tracing::info_span!("call", call_id = tracing::field::Empty);
        inner.record("call_id", "inner");
        let _i = inner.enter();
        tracing::info!("x");
    });
    let records = buffer.records(0, u64::MAX);
    assert_eq!(records[0].spans["call_id"], "inner");
    assert_eq!(records[0].spans["method"], "INVITE");
}

#[test]
fn credentials_never_reach_the_buffer() {
    let buffer = captured(|_| {
        let span = tracing::info_span!(
            "account",
            aor = "sip:alice@example.com",
            password = "hunter2"
        );
        let _s = span.enter();
        let sent = "REGISTER sip:example.com SIP/2.0\r\nAuthorization: Digest username=\"alice\", \
            nonce=\"n1\", response=\"6629fae49393a05397450978507c4ef1\"\r\n\r\n";
        tracing::debug!(message = %sent, token = "tok-123");
        tracing::info!("login with password=hunter2 for {}", "alice");
    });
    let path = temp_path("redact");
    export(&buffer, 0, u64::MAX, &path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    for secret in ["hunter2", "6629fae4", "tok-123"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let lines = read_lines_from(&text);
    assert_eq!(lines[0]["spans"]["password"], "<redacted>");
    assert_eq!(lines[0]["fields"]["token"], "<redacted>");
    let register = lines[0]["message"].as_str().unwrap();
    assert!(
        register.contains("nonce=\"n1\", response=\"<redacted>\"\r\n"),
        "{register}"
    );
    assert_eq!(
        lines[1]["message"],
        "login with password=<redacted> for alice"
    );
}

fn read_lines_from(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn the_oldest_records_are_dropped_at_capacity() {
    let buffer = LogBuffer::new(2);
    let layer = LogCapture::with_buffer(buffer.clone(), Arc::new(ManualClock::default()));
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
        for i in 0..5 {
            tracing::info!(i, "tick");
        }
    });
    let kept: Vec<_> = buffer
        .records(0, u64::MAX)
        .iter()
        .map(|r| r.fields["i"].clone())
        .collect();
    assert_eq!(kept, [Value::from(3), Value::from(4)]);
    assert_eq!(buffer.dropped(), 3);
    assert_eq!(buffer.capacity(), 2);
}

#[test]
fn export_refuses_a_bad_range_an_idle_buffer_and_an_unwritable_path() {
    let idle = LogBuffer::new(10);
    let path = temp_path("idle");
    assert!(matches!(
        export(&idle, 0, 10, &path),
        Err(LogsError::NotCapturing)
    ));
    assert!(!path.exists());
    let err = export(&idle, 10, 5, &path).unwrap_err();
    assert!(matches!(
        err,
        LogsError::BadRange {
            from_ms: 10,
            to_ms: 5
        }
    ));
    assert!(err.to_string().contains("10"));

    let buffer = captured(|_| tracing::info!("x"));
    let bad = std::env::temp_dir()
        .join("switchboard-no-such-dir")
        .join("x.jsonl");
    match export(&buffer, 0, u64::MAX, &bad) {
        Err(LogsError::Io { path, .. }) => assert_eq!(path, bad),
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn the_global_buffer_is_attached_by_installing_capture_layer() {
    let layer = capture_layer();
    let _subscriber = tracing_subscriber::registry().with(layer.clone());
    assert!(LogBuffer::global().is_attached());
    assert_eq!(LogBuffer::global().capacity(), DEFAULT_LOG_CAPACITY);
    assert!(format!("{layer:?}").contains("LogCapture"));
}
