//! A small hand-made trace for the report tests: a lost and a retransmitted OPTIONS, a
//! duplicated 200, a REGISTER answered from a third host, a partition, a partitioned
//! OPTIONS, junk with markup in it, a failed check and the end.

use crate::trace::{Fate, NetEvent, Record, TraceLine, WireRecord};

pub(crate) fn wire(
    (from, to): (&str, &str),
    (sent_us, t_us): (u64, u64),
    fate: Fate,
    (method, status): (Option<&str>, Option<u16>),
    summary: &str,
    text: &str,
) -> TraceLine {
    let addr = |host: &str| match host {
        "alice" => "10.0.0.1:5060",
        "bob" => "10.0.0.2:5060",
        _ => "10.0.0.3:5060",
    };
    TraceLine {
        t_us,
        record: Record::Wire(WireRecord {
            transport: "udp".into(),
            from: from.into(),
            to: to.into(),
            src: addr(from).parse().unwrap(),
            dst: addr(to).parse().unwrap(),
            sent_us,
            fate,
            len: text.len(),
            method: method.map(str::to_owned),
            status,
            call_id: Some("c1@alice".into()),
            summary: summary.into(),
            text: text.into(),
        }),
    }
}

const OPTIONS: &str =
    "OPTIONS sip:bob@10.0.0.2 SIP/2.0\r\nFrom: <sip:alice@10.0.0.1>;tag=a\r\n\r\n";
const OK: &str = "SIP/2.0 200 OK\r\nTo: <sip:bob@10.0.0.2>;tag=b\r\n\r\n";

/// The sample trace.
pub(crate) fn sample() -> Vec<TraceLine> {
    let at = |t_us, record| TraceLine { t_us, record };
    let (req, resp) = ((Some("OPTIONS"), None), (Some("OPTIONS"), Some(200)));
    let opt = "OPTIONS sip:bob@10.0.0.2 SIP/2.0";
    vec![
        at(
            0,
            Record::Run {
                scenario: "OPTIONS over lossy UDP".into(),
                seed: 7,
            },
        ),
        at(
            0,
            Record::Action {
                user: "alice".into(),
                action: "options".into(),
                outcome: "ok".into(),
            },
        ),
        wire(("alice", "bob"), (0, 0), Fate::Lost, req, opt, OPTIONS),
        wire(
            ("alice", "bob"),
            (500_000, 510_000),
            Fate::Delivered,
            req,
            opt,
            OPTIONS,
        ),
        wire(
            ("bob", "alice"),
            (510_000, 520_000),
            Fate::Delivered,
            resp,
            "SIP/2.0 200 OK",
            OK,
        ),
        wire(
            ("bob", "alice"),
            (510_000, 530_000),
            Fate::Duplicate,
            resp,
            "SIP/2.0 200 OK",
            OK,
        ),
        at(
            530_000,
            Record::Engine {
                user: "alice".into(),
                event: serde_json::json!({"type": "options_result", "status": 200}),
            },
        ),
        at(
            1_000_000,
            Record::Net {
                event: NetEvent::Partition {
                    a: "alice".into(),
                    b: "bob".into(),
                },
            },
        ),
        wire(
            ("alice", "registrar"),
            (1_200_000, 1_210_000),
            Fate::Delivered,
            (Some("REGISTER"), None),
            "REGISTER sip:example.test SIP/2.0",
            "REGISTER sip:example.test SIP/2.0\r\n\r\n",
        ),
        wire(
            ("registrar", "alice"),
            (1_210_000, 1_220_000),
            Fate::Delivered,
            (Some("REGISTER"), Some(401)),
            "SIP/2.0 401 Unauthorized",
            "SIP/2.0 401 Unauthorized\r\n\r\n",
        ),
        wire(
            ("alice", "bob"),
            (2_000_000, 2_000_000),
            Fate::Partitioned,
            req,
            opt,
            OPTIONS,
        ),
        wire(
            ("bob", "alice"),
            (2_500_000, 2_510_000),
            Fate::Delivered,
            (None, None),
            "<junk> 31 bytes",
            "</pre><script>alert(1)</script>",
        ),
        at(
            32_000_000,
            Record::Check {
                index: 2,
                expect: "bob receives 2 OPTIONS".into(),
                ok: false,
                detail: "saw 1".into(),
            },
        ),
        at(
            32_000_000,
            Record::Check {
                index: 3,
                expect: "alice is fine".into(),
                ok: true,
                detail: "yes".into(),
            },
        ),
        at(
            32_000_000,
            Record::End {
                pass: false,
                sim_us: 32_000_000,
            },
        ),
    ]
}
