//! Property tests of the wire layer: built → printed → parsed gives the message back,
//! and no input (random bytes, truncated or mutated messages) makes the parser panic.

use bytes::Bytes;
use proptest::prelude::*;
use switchboard_actors::sip::{
    parse_datagram, parse_stream_message, HeaderName, Message, Method, ParseLimits, Request,
    Response, StatusCode, Uri,
};

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        prop::sample::select(vec![
            "INVITE",
            "ACK",
            "BYE",
            "CANCEL",
            "REGISTER",
            "OPTIONS",
            "INFO",
            "UPDATE",
            "PRACK",
            "SUBSCRIBE",
            "NOTIFY",
            "REFER",
            "MESSAGE",
            "PUBLISH"
        ])
        .prop_map(Method::from_token),
        "[A-Za-z!%*_+`'~.-]{1,12}".prop_map(|t| Method::from_token(&t)),
    ]
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,8}(\\.[a-z]{2,6}){0,2}",
        any::<[u8; 4]>().prop_map(|a| std::net::Ipv4Addr::from(a).to_string()),
        any::<[u16; 8]>().prop_map(|a| format!("[{}]", std::net::Ipv6Addr::from(a))),
    ]
}

fn sip_uri() -> impl Strategy<Value = String> {
    (
        prop::bool::ANY,
        prop::option::of("[a-zA-Z0-9_.!~*'()&=+$,;?/-]{1,10}(%[0-9A-F]{2})?"),
        prop::option::of("[a-zA-Z0-9&=+$,_.-]{0,6}"),
        host(),
        prop::option::of(any::<u16>()),
        prop::collection::vec(
            (
                "[a-z][a-z0-9-]{0,7}",
                prop::option::of("[a-zA-Z0-9.:-]{1,8}"),
            ),
            0..3,
        ),
    )
        .prop_map(|(sips, user, pw, host, port, params)| {
            let mut s = String::from(if sips { "sips:" } else { "sip:" });
            if let Some(u) = user {
                s.push_str(&u);
                if let Some(p) = pw {
                    s.push(':');
                    s.push_str(&p);
                }
                s.push('@');
            }
            s.push_str(&host);
            if let Some(p) = port {
                s.push_str(&format!(":{p}"));
            }
            for (n, v) in params {
                s.push(';');
                s.push_str(&n);
                if let Some(v) = v {
                    s.push('=');
                    s.push_str(&v);
                }
            }
            s
        })
}

fn request_uri() -> impl Strategy<Value = Uri> {
    prop_oneof![
        4 => sip_uri(),
        1 => "tel:\\+[0-9-]{1,12}(;phone-context=[a-z.]{1,8})?",
    ]
    .prop_map(|s| Uri::parse(&s).unwrap())
}

/// A header value as the parser returns it: printable, no CR/LF, trimmed.
fn text_value() -> impl Strategy<Value = String> {
    "([!-~]([ -~\u{a0}-\u{2ff}]{0,30}[!-~])?)?"
}

fn extra_headers() -> impl Strategy<Value = Vec<(HeaderName, String)>> {
    prop::collection::vec(
        (
            prop_oneof![
                "X-[A-Za-z0-9-]{1,10}".prop_map(|n| HeaderName::from_wire(&n)),
                prop::sample::select(vec![
                    HeaderName::Subject,
                    HeaderName::UserAgent,
                    HeaderName::Supported,
                    HeaderName::Allow,
                    HeaderName::Warning
                ]),
            ],
            text_value(),
        ),
        0..6,
    )
}

fn common(
    h: &mut switchboard_actors::sip::Headers,
    method: &Method,
    seq: u32,
    from: &str,
    to: &str,
    tag: &str,
) {
    h.push(
        HeaderName::Via,
        HeaderValue::from_string(format!("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK{tag}")),
    );
    h.push(
        HeaderName::From,
        HeaderValue::from_string(format!("\"A\" <{from}>;tag={tag}")),
    );
    h.push(HeaderName::To, HeaderValue::from_string(format!("<{to}>")));
    h.push(
        HeaderName::CallId,
        HeaderValue::from_string(format!("{tag}@host")),
    );
    h.push(
        HeaderName::CSeq,
        HeaderValue::from_string(format!("{seq} {method}")),
    );
}

use switchboard_actors::sip::HeaderValue;

fn request() -> impl Strategy<Value = Request> {
    (
        method(),
        request_uri(),
        sip_uri(),
        sip_uri(),
        "[a-zA-Z0-9]{1,12}",
        0u32..(1 << 31),
        0u8..=255,
        extra_headers(),
        prop::collection::vec(any::<u8>(), 0..300),
        prop::option::of(sip_uri()),
    )
        .prop_map(|(m, uri, from, to, tag, seq, mf, extra, body, contact)| {
            let mut r = Request::new(m.clone(), uri);
            common(&mut r.headers, &m, seq, &from, &to, &tag);
            r.headers.push(
                HeaderName::MaxForwards,
                HeaderValue::from_string(mf.to_string()),
            );
            if let Some(c) = contact {
                r.headers.push(
                    HeaderName::Contact,
                    HeaderValue::from_string(format!("<{c}>;expires=60")),
                );
            }
            for (n, v) in extra {
                r.headers.push(n, HeaderValue::from_string(v));
            }
            r.set_body("application/octet-stream", Bytes::from(body));
            r
        })
}

fn response() -> impl Strategy<Value = Response> {
    (
        100u16..=699,
        "[ -~\u{a0}-\u{2ff}]{0,20}",
        method(),
        sip_uri(),
        "[a-zA-Z0-9]{1,12}",
        0u32..(1 << 31),
        extra_headers(),
        prop::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(|(code, reason, m, uri, tag, seq, extra, body)| {
            let mut r = Response::new(StatusCode::new(code).unwrap());
            r.reason = reason.into();
            common(&mut r.headers, &m, seq, &uri, &uri, &tag);
            for (n, v) in extra {
                r.headers.push(n, HeaderValue::from_string(v));
            }
            r.set_body("application/octet-stream", Bytes::from(body));
            r
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn requests_round_trip(r in request()) {
        let built = Message::Request(r);
        let wire = built.to_bytes();
        let limits = ParseLimits::default();
        prop_assert_eq!(&parse_datagram(wire.clone(), &limits).unwrap(), &built);
        prop_assert_eq!(&parse_stream_message(wire, &limits).unwrap(), &built);
    }

    #[test]
    fn responses_round_trip(r in response()) {
        let built = Message::Response(r);
        let wire = built.to_bytes();
        let limits = ParseLimits::default();
        prop_assert_eq!(&parse_datagram(wire.clone(), &limits).unwrap(), &built);
        prop_assert_eq!(&parse_stream_message(wire, &limits).unwrap(), &built);
    }

    #[test]
    fn random_bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..600)) {
        let limits = ParseLimits::default();
        let _ = parse_datagram(Bytes::from(b.clone()), &limits);
        let _ = parse_stream_message(Bytes::from(b), &limits);
    }

    #[test]
    fn sip_like_junk_never_panics(
        b in prop::collection::vec(
            prop::sample::select(b"SIP/2.0 INVITE sip:@;=<>\",:\r\n \t%[]?1a".to_vec()),
            0..300,
        )
    ) {
        let limits = ParseLimits::default();
        let _ = parse_datagram(Bytes::from(b), &limits);
    }

    #[test]
    fn truncated_and_mutated_never_panic(
        r in request(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let wire = r.to_bytes().to_vec();
        let limits = ParseLimits::default();
        let n = cut.index(wire.len() + 1);
        let _ = parse_datagram(Bytes::copy_from_slice(&wire[..n]), &limits);
        let _ = parse_stream_message(Bytes::copy_from_slice(&wire[..n]), &limits);
        let mut m = wire;
        for (i, b) in flips {
            let i = i.index(m.len());
            m[i] = b;
        }
        if let Err(e) = parse_datagram(Bytes::from(m), &limits) {
            // Whatever is salvaged must print without panicking.
            if let Some(s) = e.salvage {
                let _ = s.to_bytes();
            }
        }
    }
}
