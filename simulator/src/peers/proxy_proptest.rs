//! Property: whatever bytes arrive (junk, or a valid message with junk spliced in), the
//! registrar and the push backend never panic, and time can pass after them.

use super::proxy_testkit::*;
use super::registrar_tests::registrar;
use super::*;
use crate::time::SimDuration;
use proptest::prelude::*;
use switchboard_actors::vocab::TransportKind;

const SEEDS: [&str; 3] = [
    "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-1;rport\r\nFrom: <sip:alice@example.com>;tag=f\r\nTo: <sip:alice@example.com>\r\nCall-ID: r\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@10.0.0.2>;expires=60\r\nX-Session-Token: tok-a\r\nContent-Length: 0\r\n\r\n",
    "INVITE sip:+15550001@app.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.50;branch=z9hG4bK-g\r\nMax-Forwards: 1\r\nFrom: <sip:x@10.0.0.50>;tag=g\r\nTo: <sip:alice@example.com>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nRoute: <sip:10.0.0.1;lr>\r\nContent-Length: 0\r\n\r\n",
    "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-sb1\r\nVia: SIP/2.0/TCP [::1]:5;received=::1;rport=9\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
];

fn push_backend() -> PushBackend {
    let cfg = PushConfig {
        domain: "app.example".into(),
        users: [("alice".to_owned(), "tok-a".to_owned())]
            .into_iter()
            .collect(),
        dial_whom: Default::default(),
        hold_for: SimDuration::from_secs(5),
        push_loss: 0.5,
        push_delay: SimDuration::from_millis(100),
        push_jitter: SimDuration::from_millis(100),
    };
    PushBackend::new(&cfg, ctx("push")).unwrap()
}

fn message() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        (
            0..SEEDS.len(),
            any::<prop::sample::Index>(),
            proptest::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(i, at, junk)| {
                let mut b = SEEDS[i].as_bytes().to_vec();
                let at = at.index(b.len() + 1);
                b.splice(at..at, junk);
                b
            }),
        (0..SEEDS.len()).prop_map(|i| SEEDS[i].as_bytes().to_vec()),
    ]
}

fn run(p: &mut impl Peer, inputs: Vec<(Vec<u8>, bool, u16)>) {
    for (i, (bytes, tcp, dt)) in inputs.into_iter().enumerate() {
        let transport = if tcp {
            TransportKind::Tcp
        } else {
            TransportKind::Udp
        };
        let now = secs(i as f64) + std::time::Duration::from_millis(u64::from(dt));
        if p.poll_timeout().is_some_and(|t| t <= now) {
            p.handle_timeout(now);
            drain(p);
        }
        feed_bytes(
            p,
            now.as_secs_f64(),
            transport,
            "10.0.0.2:5060",
            bytes::Bytes::from(bytes),
        );
    }
}

proptest! {
    #[test]
    fn random_input_never_panics(
        inputs in proptest::collection::vec((message(), any::<bool>(), 0u16..1000), 1..12)
    ) {
        run(&mut registrar(true), inputs.clone());
        run(&mut registrar(false), inputs.clone());
        run(&mut push_backend(), inputs);
    }
}
