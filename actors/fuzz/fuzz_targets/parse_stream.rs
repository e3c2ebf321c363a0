//! Any message framed from a stream: no panic, and print → parse gives it back.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use switchboard_actors::sip::{parse_stream_message, ParseLimits};

fuzz_target!(|data: &[u8]| {
    let limits = ParseLimits::default();
    if let Ok(msg) = parse_stream_message(Bytes::copy_from_slice(data), &limits) {
        let printed = msg.to_bytes();
        let again = parse_stream_message(printed.clone(), &limits)
            .unwrap_or_else(|e| panic!("printed form refused: {e:?}\n{printed:?}"));
        assert_eq!(again, msg, "print → parse changed the message");
    }
});
