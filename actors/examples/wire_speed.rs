//! Quick timing of the wire layer on the PJSIP msg_test messages (the lead's criterion
//! benches are the reference): `cargo run --release -p switchboard-actors --example wire_speed [passes]`.

use bytes::Bytes;
use std::hint::black_box;
use switchboard_actors::sip::{parse_datagram, ParseLimits};

const MSGS: [&[u8]; 7] = [
    include_bytes!("../src/sip/parse/testdata/msg0.sip"),
    include_bytes!("../src/sip/parse/testdata/msg1.sip"),
    include_bytes!("../src/sip/parse/testdata/msg2.sip"),
    include_bytes!("../src/sip/parse/testdata/msg3.sip"),
    include_bytes!("../src/sip/parse/testdata/msg4.sip"),
    include_bytes!("../src/sip/parse/testdata/msg5.sip"),
    include_bytes!("../src/sip/parse/testdata/msg6.sip"),
];

fn main() {
    let limits = ParseLimits::default();
    let bufs: Vec<Bytes> = MSGS.iter().map(|m| Bytes::copy_from_slice(m)).collect();
    let parsed: Vec<_> = bufs
        .iter()
        .map(|b| parse_datagram(b.clone(), &limits).expect("parses"))
        .collect();
    let passes: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    for round in 0..3 {
        let t = std::time::Instant::now(); // clock-ok: wall time is what this example measures
        for _ in 0..passes {
            for b in &bufs {
                black_box(parse_datagram(black_box(b.clone()), &limits).ok());
            }
        }
        let parse = t.elapsed();
        let t = std::time::Instant::now(); // clock-ok: wall time is what this example measures
        for _ in 0..passes {
            for m in &parsed {
                black_box(black_box(m).to_bytes());
            }
        }
        let print = t.elapsed();
        let n = (passes * bufs.len()) as f64;
        println!(
            "round {round}: parse {:.0} ns/msg = {:.2} M msg/s; print {:.0} ns/msg = {:.2} M msg/s",
            parse.as_nanos() as f64 / n,
            n / parse.as_secs_f64() / 1e6,
            print.as_nanos() as f64 / n,
            n / print.as_secs_f64() / 1e6,
        );
    }
    for (i, b) in bufs.iter().enumerate() {
        let t = std::time::Instant::now(); // clock-ok: wall time is what this example measures
        for _ in 0..passes {
            black_box(parse_datagram(black_box(b.clone()), &limits).ok());
        }
        println!(
            "msg{i}: parse {:.0} ns",
            t.elapsed().as_nanos() as f64 / passes as f64
        );
    }
}
