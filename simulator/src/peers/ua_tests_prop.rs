//! Property tests: whatever bytes arrive, the UA does not panic.

use super::ua_tests::ua_cfg;
use super::ua_wire::{addr, ctx};
use super::{Peer, PeerInput, Ua};
use bytes::Bytes;
use proptest::prelude::*;
use std::time::Duration;
use switchboard_actors::vocab::TransportKind;

const DIR: &[(&str, u8)] = &[("alice", 1), ("bob", 2)];

const INVITE: &str = "INVITE sip:bob@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKp\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:bob@x>\r\nCall-ID: p\r\nCSeq: 1 INVITE\r\nContact: <sip:a@10.0.0.1>\r\nContent-Type: application/sdp\r\nContent-Length: 10\r\n\r\nm=audio 1 ";

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), tcp in any::<bool>()) {
        let mut ua = Ua::new(&ua_cfg("bob"), ctx("bob", 2, DIR)).unwrap();
        let transport = if tcp { TransportKind::Tcp } else { TransportKind::Udp };
        ua.handle(Duration::ZERO, PeerInput::Message { transport, from: addr(1), bytes: Bytes::from(bytes) });
        while ua.poll_output().is_some() {}
        ua.handle_timeout(Duration::from_secs(100));
    }

    #[test]
    fn mutated_requests_never_panic(at in 0..INVITE.len(), junk in "[ -~\r\n]{0,12}", cut in 0..INVITE.len()) {
        let mut ua = Ua::new(&ua_cfg("bob"), ctx("bob", 2, DIR)).unwrap();
        let mut text = INVITE.as_bytes().to_vec();
        text.splice(at..at, junk.bytes());
        text.truncate(cut.max(at));
        for t in [Duration::ZERO, Duration::from_millis(600)] {
            ua.handle(t, PeerInput::Message { transport: TransportKind::Udp, from: addr(1), bytes: Bytes::from(text.clone()) });
            while ua.poll_output().is_some() {}
        }
        ua.handle_timeout(Duration::from_secs(100));
    }
}
