use super::*;
use crate::report::fixture::{sample, wire};
use crate::trace::{Fate, Record};

const SAMPLE: &str = "\
OPTIONS over lossy UDP · seed 7
         alice                bob              registrar
           │                   │                   │
 0.000s    │ alice: options → ok                   │
 0.000s    │─OPTIONS─✗         │                   │  ✗ lost
 0.500s    │─OPTIONS──────────▶│                   │
 0.510s    │◀───────────200 OK─│                   │
 0.510s    │◀───────────200 OK─│                   │  ⇉ dup
 0.530s    │ alice · options_result status=200     │
 1.000s    │ ── partition alice|bob ──             │
 1.200s    │─REGISTER─────────────────────────────▶│
 1.210s    │◀─────────────────────401 Unauthorized─│
 2.000s    │─OPTIONS─✗         │                   │  ✗ partitioned
 2.500s    │◀──<junk> 31 bytes─│                   │
32.000s    │ ✗ expect 2: bob receives 2 OPTIONS — saw 1
32.000s    │ ── end: FAIL ──   │                   │
";

#[test]
fn the_sample_ladder_draws_exactly() {
    assert_eq!(ladder_text(&sample()), SAMPLE);
}

#[test]
fn the_ascii_ladder_is_the_same_drawing_in_ascii() {
    let ascii = ladder_text_ascii(&sample());
    assert!(ascii.is_ascii(), "{ascii}");
    let lines: Vec<&str> = ascii.lines().collect();
    assert_eq!(lines.len(), SAMPLE.lines().count());
    assert_eq!(
        lines[4],
        " 0.000s    |-OPTIONS-x         |                   |  x lost"
    );
    assert_eq!(
        lines[6],
        " 0.510s    |<-----------200 OK-|                   |"
    );
    assert_eq!(
        lines[7],
        " 0.510s    |<-----------200 OK-|                   |  => dup"
    );
    assert_eq!(
        lines[9],
        " 1.000s    | -- partition alice|bob --             |"
    );
}

#[test]
fn columns_follow_first_appearance_and_arrows_point_both_ways() {
    let text = ladder_text(&sample());
    let lines: Vec<&str> = text.lines().collect();
    let names = lines[1];
    let col = |name: &str| names.find(name).unwrap();
    assert!(col("alice") < col("bob") && col("bob") < col("registrar"));
    let register = lines.iter().find(|l| l.contains("REGISTER")).unwrap();
    assert!(register.find("REGISTER").unwrap() < register.find('▶').unwrap());
    let challenge = lines.iter().find(|l| l.contains("401")).unwrap();
    assert!(challenge.find('◀').unwrap() < challenge.find("401").unwrap());
    // A retransmission is a row of its own.
    let options = lines.iter().filter(|l| l.contains("─OPTIONS─")).count();
    assert_eq!(options, 3);
    // Passed checks are not drawn; failed ones are.
    assert!(!text.contains("alice is fine"));
    assert!(text.contains("✗ expect 2: bob receives 2 OPTIONS"));
}

#[test]
fn rows_are_in_send_order_even_when_recorded_later() {
    let mut lines = vec![
        wire(
            ("a", "b"),
            (300, 900),
            Fate::Delivered,
            (Some("INFO"), None),
            "INFO",
            "",
        ),
        wire(
            ("b", "a"),
            (100, 200),
            Fate::Delivered,
            (Some("BYE"), None),
            "BYE",
            "",
        ),
    ];
    lines.push(crate::trace::TraceLine {
        t_us: 150,
        record: Record::Action {
            user: "a".into(),
            action: "hangup".into(),
            outcome: "ok".into(),
        },
    });
    let text = ladder_text(&lines);
    let bye = text.find("BYE").unwrap();
    let hangup = text.find("hangup").unwrap();
    let info = text.find("INFO").unwrap();
    assert!(bye < hangup && hangup < info, "{text}");
    // Columns in order of appearance in the (time-ordered) ladder: b first.
    let header = text.lines().next().unwrap();
    assert!(
        header.find('b').unwrap() < header.find('a').unwrap(),
        "{text}"
    );
}

#[test]
fn long_labels_are_cut_to_keep_the_ladder_narrow() {
    let hosts = ["alice", "bob", "carol", "dave", "erin", "frank"];
    let long = format!("MESSAGE sip:{}@example.test SIP/2.0", "x".repeat(150));
    let lines: Vec<_> = hosts
        .windows(2)
        .map(|w| wire((w[0], w[1]), (0, 0), Fate::Lost, (None, None), &long, ""))
        .collect();
    let text = ladder_text(&lines);
    for line in text.lines() {
        assert!(line.chars().count() <= 120, "{} > 120: {line}", line.len());
    }
    assert!(text.contains("MESSAGE sip:x"));
    assert!(text.contains('…'));
    assert_eq!(text.matches("✗ lost").count(), 5);
}

#[test]
fn an_empty_trace_says_so() {
    assert_eq!(ladder_text(&[]), "(nothing on the wire)\n");
}

#[test]
fn engine_and_peer_events_are_notes_but_wire_echoes_are_not() {
    use crate::peers::PeerEvent;
    let lines = vec![
        wire(
            ("alice", "bob"),
            (0, 0),
            Fate::Delivered,
            (Some("OPTIONS"), None),
            "OPTIONS",
            "",
        ),
        crate::trace::TraceLine {
            t_us: 10,
            record: Record::Peer {
                peer: "bob".into(),
                event: PeerEvent::RequestReceived {
                    method: "OPTIONS".into(),
                    call_id: "c".into(),
                    retransmission: false,
                },
            },
        },
        crate::trace::TraceLine {
            t_us: 32_000_000,
            record: Record::Peer {
                peer: "alice".into(),
                event: PeerEvent::TransactionTimeout {
                    method: "OPTIONS".into(),
                },
            },
        },
    ];
    let text = ladder_text(&lines);
    assert!(!text.contains("request_received"), "{text}");
    assert!(
        text.contains("32.000s    │ alice · transaction_timeout method=OPTIONS"),
        "{text}"
    );
}
