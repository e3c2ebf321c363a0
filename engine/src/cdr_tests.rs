use super::*;
use proptest::prelude::*;

const T0: u64 = 1_700_000_000_000;

fn builder() -> CdrBuilder {
    CdrBuilder::new(
        "c1@host",
        Direction::Outgoing,
        "sip:alice@example.com",
        "sip:bob@example.com",
        Some("sip:alice@example.com".into()),
        T0,
    )
}

#[test]
fn a_live_call_counts_its_duration_up_to_now() {
    let mut b = builder();
    assert_eq!(b.snapshot(T0 + 500).duration_ms, 0, "not answered yet");
    b.answered(T0 + 1_000).codec("PCMU/8000");
    let live = b.snapshot(T0 + 4_000);
    assert_eq!(live.answered_at_ms, Some(T0 + 1_000));
    assert_eq!(live.ended_at_ms, None);
    assert!(!live.is_ended());
    assert_eq!(live.duration_ms, 3_000);
    assert_eq!(live.codec.as_deref(), Some("PCMU/8000"));
}

#[test]
fn the_first_answer_and_the_first_end_win() {
    let mut b = builder();
    b.answered(T0 + 1_000).answered(T0 + 2_000);
    b.ended(T0 + 61_000, "normal", Some("remote"), None);
    b.ended(T0 + 90_000, "internal_error", Some("local"), Some(500));
    b.answered(T0 + 95_000);
    let r = b.snapshot(T0 + 100_000);
    assert_eq!(r.answered_at_ms, Some(T0 + 1_000));
    assert_eq!(r.ended_at_ms, Some(T0 + 61_000));
    assert_eq!(
        r.duration_ms, 60_000,
        "the snapshot time does not matter once ended"
    );
    assert_eq!(r.end_reason.as_deref(), Some("normal"));
    assert_eq!(r.ended_by.as_deref(), Some("remote"));
    assert_eq!(r.sip_status, None);
}

#[test]
fn an_unanswered_call_has_no_duration_and_keeps_its_status() {
    let mut b = builder();
    b.ended(T0 + 3_000, "busy", Some("remote"), Some(486));
    b.answered(T0 + 4_000);
    let r = b.snapshot(T0 + 5_000);
    assert_eq!(r.answered_at_ms, None, "no answer after the end");
    assert_eq!(r.duration_ms, 0);
    assert_eq!(r.sip_status, Some(486));
}

#[test]
fn a_record_serialises_with_snake_case_names() {
    let mut b = builder();
    b.remote_display_name(Some("Bob".into()))
        .answered(T0 + 1_000)
        .media(MediaSummary {
            packets_sent: 50,
            packets_received: 49,
            lost: 1,
            loss_pct: 2.0,
            jitter_ms: Some(2.5),
            mos: Some(4.3),
            ..MediaSummary::default()
        })
        .ended(T0 + 2_000, "normal", Some("local"), None)
        .feedback(Feedback::new(4, FeedbackIssue::ChoppyAudio).unwrap());
    let json = serde_json::to_value(b.snapshot(T0 + 2_000)).unwrap();
    assert_eq!(json["direction"], "outgoing");
    assert_eq!(json["remote_display_name"], "Bob");
    assert_eq!(json["duration_ms"], 1_000);
    assert_eq!(json["media"]["lost"], 1);
    assert_eq!(json["media"]["jitter_ms"], 2.5);
    assert_eq!(json["media"]["loss_pct"], 2.0);
    assert_eq!(json["media"]["mos"], 4.3);
    assert_eq!(
        json["feedback"],
        serde_json::json!({"rating": 4, "issue": "choppy_audio"})
    );
    let back: CallRecord = serde_json::from_value(json).unwrap();
    assert_eq!(back, b.snapshot(T0 + 2_000));
}

#[test]
fn media_summary_takes_the_session_counters() {
    let mut stats = MediaStats::default();
    stats.packets_sent = 10;
    stats.packets_received = 8;
    stats.lost = 2;
    let s = MediaSummary::from_stats(&stats);
    assert_eq!((s.packets_sent, s.packets_received, s.lost), (10, 8, 2));
    assert_eq!(s.jitter_ms, None);
}

#[test]
fn feedback_ratings_outside_one_to_five_are_refused() {
    for rating in 1..=5 {
        assert!(Feedback::new(rating, FeedbackIssue::NoIssue).is_ok());
    }
    for rating in [0, 6, 255] {
        let err = Feedback::new(rating, FeedbackIssue::Echo).unwrap_err();
        assert_eq!(err, FeedbackError::RatingOutOfRange { rating });
        assert!(err.to_string().contains(&rating.to_string()));
    }
}

#[test]
fn feedback_issues_parse_from_cli_spellings() {
    for issue in FeedbackIssue::ALL {
        assert_eq!(issue.as_str().parse::<FeedbackIssue>().unwrap(), issue);
        assert_eq!(issue.to_string(), issue.as_str());
    }
    assert_eq!("choppy-audio".parse(), Ok(FeedbackIssue::ChoppyAudio));
    assert_eq!("HighLatency".parse(), Ok(FeedbackIssue::HighLatency));
    let err = "crackle".parse::<FeedbackIssue>().unwrap_err();
    assert!(matches!(err, FeedbackError::UnknownIssue { ref given } if given == "crackle"));
}

#[derive(Debug, Clone)]
enum Step {
    Answer(u64),
    End(u64),
    Codec,
    Snapshot(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0u64..100_000).prop_map(Step::Answer),
        (0u64..100_000).prop_map(Step::End),
        Just(Step::Codec),
        (0u64..100_000).prop_map(Step::Snapshot),
    ]
}

proptest! {
    #[test]
    fn any_order_of_events_gives_a_consistent_record(
        start in 0u64..50_000,
        steps in proptest::collection::vec(step(), 0..12),
        now in 0u64..200_000,
    ) {
        let mut b = CdrBuilder::new("c", Direction::Incoming, "l", "r", None, start);
        for s in steps {
            match s {
                Step::Answer(t) => { b.answered(t); }
                Step::End(t) => { b.ended(t, "normal", None, None); }
                Step::Codec => { b.codec("PCMA/8000"); }
                Step::Snapshot(t) => { let _ = b.snapshot(t); }
            }
        }
        let r = b.snapshot(now);
        prop_assert_eq!(r.started_at_ms, start);
        if let Some(a) = r.answered_at_ms {
            prop_assert!(a >= r.started_at_ms);
        }
        if let Some(e) = r.ended_at_ms {
            prop_assert!(e >= r.started_at_ms);
            prop_assert_eq!(r.end_reason.as_deref(), Some("normal"));
        }
        match (r.answered_at_ms, r.ended_at_ms) {
            (Some(a), Some(e)) => {
                prop_assert!(e >= a);
                prop_assert_eq!(r.duration_ms, e - a);
            }
            (Some(a), None) => prop_assert_eq!(r.duration_ms, now.saturating_sub(a)),
            (None, _) => prop_assert_eq!(r.duration_ms, 0),
        }
    }
}
