use super::*;
use crate::trace::WireRecord;
use serde_json::json;

const T1: u64 = 500_000;

fn users() -> BTreeMap<String, u64> {
    BTreeMap::from([("alice".to_owned(), T1)])
}

fn text(start: &str, branch: &str, cseq: u32) -> String {
    format!(
        "{start}\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;rport;branch={branch}\r\n\
         Call-ID: c1\r\nCSeq: {cseq} REGISTER\r\nContent-Length: 0\r\n\r\n"
    )
}

fn wire(t_us: u64, sent_us: u64, status: Option<u16>, branch: &str, cseq: u32) -> TraceLine {
    let (from, to, start) = match status {
        None => (
            "alice",
            "proxy",
            "REGISTER sip:example.com SIP/2.0".to_owned(),
        ),
        Some(s) => ("proxy", "alice", format!("SIP/2.0 {s} X")),
    };
    TraceLine {
        t_us,
        record: Record::Wire(WireRecord {
            transport: "udp".into(),
            from: from.into(),
            to: to.into(),
            src: "10.0.0.1:5060".parse().unwrap(),
            dst: "10.0.0.10:5060".parse().unwrap(),
            sent_us,
            fate: Fate::Delivered,
            len: 100,
            method: Some("REGISTER".into()),
            status,
            call_id: Some("c1".into()),
            summary: start.clone(),
            text: text(&start, branch, cseq),
        }),
    }
}

/// A REGISTER sent at `t` (arriving 20 ms later).
fn req(t: u64, branch: &str, cseq: u32) -> TraceLine {
    wire(t + 20_000, t, None, branch, cseq)
}

/// A response arriving at `t`.
fn resp(t: u64, status: u16, branch: &str, cseq: u32) -> TraceLine {
    wire(t, t - 20_000, Some(status), branch, cseq)
}

fn check(mut lines: Vec<TraceLine>) -> Vec<Violation> {
    lines.sort_by_key(|l| l.t_us);
    check_register_in_flight(&lines, &users())
}

#[test]
fn retransmissions_then_challenge_then_credentials_are_one_at_a_time() {
    let lines = vec![
        req(0, "z9hG4bKa", 1),
        req(500_000, "z9hG4bKa", 1),
        resp(540_000, 401, "z9hG4bKa", 1),
        req(540_000, "z9hG4bKb", 2),
        resp(600_000, 200, "z9hG4bKb", 2),
        req(300_000_000, "z9hG4bKc", 3),
    ];
    assert_eq!(check(lines), []);
}

#[test]
fn a_second_register_before_the_final_response_is_reported() {
    let mut lines = vec![
        req(0, "z9hG4bKa", 1),
        req(100_000, "z9hG4bKb", 2),
        resp(200_000, 200, "z9hG4bKa", 1),
    ];
    assert!(matches!(
        check(lines.clone()).as_slice(),
        [Violation::RegistersInFlight {
            open_cseq: 1,
            new_cseq: 2,
            t_us: 100_000,
            ..
        }]
    ));
    // A provisional response ends nothing, and neither does a lost final one.
    lines[2] = resp(50_000, 100, "z9hG4bKa", 1);
    assert_eq!(check(lines.clone()).len(), 1);
    let mut lost = resp(50_000, 200, "z9hG4bKa", 1);
    if let Record::Wire(w) = &mut lost.record {
        w.fate = Fate::Lost;
    }
    lines[2] = lost;
    assert_eq!(check(lines).len(), 1);
}

#[test]
fn timer_f_ends_an_unanswered_transaction() {
    let f = 64 * T1;
    assert_eq!(check(vec![req(0, "a", 1), req(f, "b", 2)]), []);
    assert_eq!(check(vec![req(0, "a", 1), req(f - 1, "b", 2)]).len(), 1);
}

#[test]
fn the_engine_reporting_a_timeout_or_transport_failure_ends_it() {
    let failed = |status: Option<u16>| TraceLine {
        t_us: 1_000_000,
        record: Record::Engine {
            user: "alice".into(),
            event: match status {
                None => json!({"kind": "registration", "state": "failed", "reason": "network"}),
                Some(s) => json!({"kind": "registration", "state": "failed", "status": s}),
            },
        },
    };
    let ok = vec![req(0, "a", 1), failed(None), req(2_000_000, "b", 2)];
    assert_eq!(check(ok), []);
    // A failure with a status is a response's doing: it ends nothing by itself.
    let bad = vec![req(0, "a", 1), failed(Some(503)), req(2_000_000, "b", 2)];
    assert_eq!(check(bad).len(), 1);
}

#[test]
fn a_tcp_close_to_the_registrar_ends_what_was_sent_over_tcp() {
    let tcp = |mut l: TraceLine| {
        if let Record::Wire(w) = &mut l.record {
            w.transport = "tcp".into();
        }
        l
    };
    let close = TraceLine {
        t_us: 1_000_000,
        record: Record::Net {
            event: NetEvent::TcpClose {
                client: "10.0.0.1:40000".parse().unwrap(),
                server: "10.0.0.10:5060".parse().unwrap(),
                reason: "reset".into(),
            },
        },
    };
    let lines = vec![
        tcp(req(0, "a", 1)),
        close.clone(),
        tcp(req(2_000_000, "b", 2)),
    ];
    assert_eq!(check(lines), []);
    // Over UDP a TCP close means nothing.
    let lines = vec![req(0, "a", 1), close, req(2_000_000, "b", 2)];
    assert_eq!(check(lines).len(), 1);
}

#[test]
fn a_copy_after_the_end_is_reported() {
    let lines = vec![
        req(0, "a", 1),
        resp(100_000, 200, "a", 1),
        req(500_000, "a", 1),
    ];
    assert!(matches!(
        check(lines).as_slice(),
        [Violation::RegisterAfterEnd {
            cseq: 1,
            t_us: 500_000,
            ..
        }]
    ));
}

#[test]
fn headers_are_read_in_any_case_and_compact_form() {
    let t = "REGISTER sip:x SIP/2.0\r\nv: SIP/2.0/TCP h;Branch=z9hG4bKq;rport\r\n\
             cseq: 7 REGISTER\r\nVia: SIP/2.0/UDP other;branch=z9hG4bKnot\r\n\r\n";
    assert_eq!(top_branch_and_cseq(t), Some(("z9hG4bKq".into(), 7)));
    assert_eq!(top_branch_and_cseq("junk"), None);
}

/// On a real run's trace every REGISTER the engine sends is read (branch and CSeq), the
/// run is clean, and a doctored copy with a second branch opened early is caught.
#[test]
fn a_real_trace_is_read_and_a_doctored_one_is_caught() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/registration_lossy.toml"
    );
    let scenario = crate::scenario::load(std::path::Path::new(path)).unwrap();
    let out = crate::world::run(&scenario, 1, crate::world::RunOptions::default()).unwrap();
    let registers: Vec<&WireRecord> = out
        .lines
        .iter()
        .filter_map(|l| match &l.record {
            Record::Wire(w) if w.from == "alice" && w.method.as_deref() == Some("REGISTER") => {
                Some(w)
            }
            _ => None,
        })
        .collect();
    assert!(registers.len() >= 2, "{registers:#?}");
    assert!(registers
        .iter()
        .all(|w| top_branch_and_cseq(&w.text).is_some()));
    assert_eq!(check_register_in_flight(&out.lines, &users()), []);
    let first = registers[0].clone();
    let mut early = registers[registers.len() - 1].clone();
    early.sent_us = first.sent_us + 1;
    early.text = early.text.replacen("branch=", "branch=x", 1);
    let mut lines = out.lines.clone();
    lines.push(TraceLine {
        t_us: first.sent_us + 1,
        record: Record::Wire(early),
    });
    assert!(check_register_in_flight(&lines, &users())
        .iter()
        .any(|v| matches!(v, Violation::RegistersInFlight { .. })));
}
