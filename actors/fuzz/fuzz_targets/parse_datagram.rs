//! Any datagram: the parser must not panic; an accepted message must print to bytes
//! that parse back to an equal message; a salvaged request must yield an error
//! response that prints and parses.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use switchboard_actors::sip::{parse_datagram, Message, ParseLimits, Response};

fuzz_target!(|data: &[u8]| {
    let limits = ParseLimits::default();
    match parse_datagram(Bytes::copy_from_slice(data), &limits) {
        Ok(msg) => {
            let printed = msg.to_bytes();
            let again = parse_datagram(printed.clone(), &limits)
                .unwrap_or_else(|e| panic!("printed form refused: {e:?}\n{printed:?}"));
            assert_eq!(again, msg, "print → parse changed the message");
        }
        Err(e) => {
            if let (Some(req), Some(status)) = (e.salvage, e.fault.status()) {
                let resp = Response::to_request(&req, status);
                let printed = Message::Response(resp).to_bytes();
                // The answer is ours: it must at least be a SIP message again.
                let _ = parse_datagram(printed, &limits);
            }
        }
    }
});
