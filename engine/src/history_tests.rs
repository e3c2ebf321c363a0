use super::*;
use crate::cdr::{CdrBuilder, FeedbackIssue};

fn record(call_id: &str, direction: Direction, remote: &str, started: u64) -> CallRecord {
    let mut b = CdrBuilder::new(
        call_id,
        direction,
        "sip:me@example.com",
        remote,
        None,
        started,
    );
    b.answered(started + 10)
        .ended(started + 1_010, "normal", Some("local"), None);
    b.snapshot(started + 2_000)
}

fn ids(records: &[CallRecord]) -> Vec<&str> {
    records.iter().map(|r| r.call_id.as_str()).collect()
}

#[test]
fn the_oldest_records_are_dropped_at_capacity() {
    let h = CallHistory::new(3);
    for i in 0..5u64 {
        h.push(record(&format!("c{i}"), Direction::Incoming, "sip:x@y", i));
    }
    assert_eq!(h.len(), 3);
    assert!(h.get("c0").is_none() && h.get("c1").is_none());
    assert_eq!(h.get("c4").unwrap().started_at_ms, 4);
    assert_eq!(ids(&h.query(&HistoryQuery::default())), ["c4", "c3", "c2"]);
    assert_eq!(CallHistory::default().capacity(), DEFAULT_HISTORY_CAPACITY);
    assert_eq!(CallHistory::new(0).capacity(), 1);
}

#[test]
fn pushing_the_same_call_again_replaces_it() {
    let h = CallHistory::new(10);
    h.push(record("c1", Direction::Outgoing, "sip:a@b", 5));
    let mut again = record("c1", Direction::Outgoing, "sip:a@b", 5);
    again.codec = Some("PCMA/8000".into());
    h.push(again.clone());
    assert_eq!(h.len(), 1);
    assert_eq!(h.get("c1"), Some(again));
}

#[test]
fn feedback_attaches_to_a_known_call_only() {
    let h = CallHistory::default();
    assert!(h.is_empty());
    h.push(record("c1", Direction::Incoming, "sip:a@b", 1));
    let fb = Feedback::new(2, FeedbackIssue::Echo).unwrap();
    h.set_feedback("c1", fb).unwrap();
    assert_eq!(h.get("c1").unwrap().feedback, Some(fb));
    let err = h.set_feedback("nope", fb).unwrap_err();
    assert_eq!(
        err,
        HistoryError::UnknownCall {
            call_id: "nope".into()
        }
    );
    assert!(err.to_string().contains("nope"));
}

#[test]
fn queries_filter_and_return_the_newest_first() {
    let h = CallHistory::new(100);
    h.push(record(
        "in-carol",
        Direction::Incoming,
        "sip:carol@example.com",
        300,
    ));
    h.push(record(
        "out-bob",
        Direction::Outgoing,
        "sip:bob@example.com",
        100,
    ));
    h.push(record(
        "in-bob",
        Direction::Incoming,
        "sip:Bob@Example.com",
        200,
    ));
    let mut named = record("out-dave", Direction::Outgoing, "sip:4711@pbx", 400);
    named.remote_display_name = Some("Dave Smith".into());
    h.push(named);

    let all = h.query(&HistoryQuery::default());
    assert_eq!(ids(&all), ["out-dave", "in-carol", "in-bob", "out-bob"]);

    let incoming = HistoryQuery {
        direction: Some(Direction::Incoming),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&h.query(&incoming)), ["in-carol", "in-bob"]);

    let range = HistoryQuery {
        from_ms: Some(200),
        to_ms: Some(400),
        ..HistoryQuery::default()
    };
    assert_eq!(
        ids(&h.query(&range)),
        ["in-carol", "in-bob"],
        "to is exclusive"
    );

    let bob = HistoryQuery {
        remote_contains: Some("BOB@example".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&h.query(&bob)), ["in-bob", "out-bob"]);

    let dave = HistoryQuery {
        remote_contains: Some("smith".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&h.query(&dave)), ["out-dave"]);

    let limited = HistoryQuery {
        limit: Some(2),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&h.query(&limited)), ["out-dave", "in-carol"]);
}

#[test]
fn clones_share_the_store_across_threads() {
    let h = CallHistory::new(1000);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let h = h.clone();
            std::thread::spawn(move || {
                for i in 0..50u64 {
                    h.push(record(
                        &format!("t{t}-{i}"),
                        Direction::Outgoing,
                        "sip:x@y",
                        i,
                    ));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(h.len(), 200);
}
