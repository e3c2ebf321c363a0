//! Properties: parsing never panics, print → parse round-trips, answers stay inside offers.

use std::net::IpAddr;

use proptest::prelude::*;

use super::tests::BARESIP_OFFER;
use super::tests_negotiation::local;
use super::*;

fn ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(IpAddr::from),
        any::<[u8; 16]>().prop_map(IpAddr::from)
    ]
}

fn attribute() -> impl Strategy<Value = Attribute> {
    let name = "[a-z][a-z0-9-]{0,10}".prop_filter("typed attribute", |n| {
        !matches!(
            n.as_str(),
            "rtpmap" | "fmtp" | "sendrecv" | "sendonly" | "recvonly" | "inactive"
        )
    });
    (name, proptest::option::of("[!-~]([ -~]{0,18}[!-~])?"))
        .prop_map(|(name, value)| Attribute { name, value })
}

fn format(pt: u8) -> impl Strategy<Value = PayloadFormat> {
    // Half of the formats are codecs `local()` knows (any case), so that answers accept some.
    let known = prop_oneof![
        Just("PCMU"),
        Just("pcma"),
        Just("telephone-event"),
        Just("CN")
    ]
    .prop_map(|e| (e.to_owned(), 8000u32, None));
    let random = (
        "[A-Za-z][A-Za-z0-9-]{0,9}",
        1u32..200_000,
        proptest::option::of(1u16..8),
    );
    (
        prop_oneof![known, random],
        proptest::option::of("[a-z0-9=;-]{1,20}"),
    )
        .prop_map(
            move |((encoding, clock_rate, channels), fmtp)| PayloadFormat {
                pt,
                encoding,
                clock_rate,
                channels,
                fmtp,
            },
        )
}

fn formats() -> impl Strategy<Value = Vec<PayloadFormat>> {
    proptest::sample::subsequence((0u8..=127).collect::<Vec<_>>(), 1..6)
        .prop_flat_map(|pts| pts.into_iter().map(format).collect::<Vec<_>>())
}

fn bandwidths() -> impl Strategy<Value = Vec<Bandwidth>> {
    proptest::collection::vec(
        (prop_oneof![Just("AS"), Just("TIAS")], any::<u32>()).prop_map(|(k, v)| Bandwidth {
            kind: k.into(),
            value: v.into(),
        }),
        0..2,
    )
}

fn direction() -> impl Strategy<Value = Direction> {
    prop_oneof![
        Just(Direction::SendRecv),
        Just(Direction::SendOnly),
        Just(Direction::RecvOnly),
        Just(Direction::Inactive)
    ]
}

fn media() -> impl Strategy<Value = MediaSection> {
    let kind = prop_oneof![
        Just(MediaKind::Audio),
        Just(MediaKind::Video),
        "x-[a-z]{1,5}".prop_map(MediaKind::Other)
    ];
    let rtp = (prop_oneof![Just("RTP/AVP"), Just("RTP/SAVP")], formats())
        .prop_map(|(p, f)| (p.to_owned(), f, Vec::new()));
    let other = Just(("TCP/MSRP".to_owned(), Vec::new(), vec!["*".to_owned()]));
    let port_count = proptest::option::of(1u16..4);
    let attrs = proptest::collection::vec(attribute(), 0..4);
    (
        kind,
        any::<u16>(),
        port_count,
        prop_oneof![3 => rtp, 1 => other],
        direction(),
        proptest::option::of(ip()),
        bandwidths(),
        attrs,
    )
        .prop_map(
            |(
                kind,
                port,
                port_count,
                (proto, formats, other_formats),
                direction,
                connection,
                bandwidths,
                attributes,
            )| MediaSection {
                kind,
                port,
                port_count,
                proto,
                formats,
                other_formats,
                direction,
                connection,
                bandwidths,
                attributes,
            },
        )
}

fn description() -> impl Strategy<Value = SessionDescription> {
    let origin = ("[a-z]{1,8}|-", "[1-9][0-9]{0,18}", any::<u64>(), ip()).prop_map(
        |(username, session_id, session_version, a)| Origin {
            username,
            session_id,
            session_version,
            address: a.to_string(),
        },
    );
    (
        origin,
        "[A-Za-z0-9-]{1,12}",
        proptest::option::of(ip()),
        bandwidths(),
        proptest::collection::vec(attribute(), 0..3),
        proptest::collection::vec(media(), 0..4),
    )
        .prop_map(
            |(origin, session_name, connection, bandwidths, attributes, media)| {
                SessionDescription {
                    origin,
                    session_name,
                    connection,
                    bandwidths,
                    attributes,
                    media,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = SessionDescription::parse(&bytes);
    }

    #[test]
    fn mutated_offers_never_panic(cuts in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12)) {
        let mut bytes = BARESIP_OFFER.as_bytes().to_vec();
        for (at, byte) in cuts {
            let i = at.index(bytes.len());
            if byte % 3 == 0 { bytes.remove(i); } else { bytes.insert(i, byte); }
        }
        if let Ok(sdp) = SessionDescription::parse(&bytes) {
            let _ = answer(&sdp.origin, &sdp, &local(Direction::SendRecv), None);
            let _ = accept_answer(&sdp, &sdp);
            let _ = is_hold(&sdp);
        }
    }

    #[test]
    fn print_then_parse_round_trips(sdp in description()) {
        let printed = sdp.to_bytes();
        let parsed = SessionDescription::parse(&printed);
        prop_assert_eq!(parsed, Ok(sdp), "{}", String::from_utf8_lossy(&printed));
    }

    #[test]
    fn answers_stay_inside_the_offer(offer in description(), ours in direction()) {
        let me = local(ours);
        let ans = answer(&offer.origin, &offer, &me, None);
        prop_assert_eq!(ans.sdp.media.len(), offer.media.len());
        for (o, a) in offer.media.iter().zip(&ans.sdp.media) {
            prop_assert_eq!(&o.kind, &a.kind);
            for f in a.formats.iter().filter(|_| a.is_enabled()) {
                prop_assert!(o.formats.iter().any(|of| of.pt == f.pt && of.same_codec(f)));
                prop_assert!(me.codecs.iter().any(|l| l.same_codec(f)));
            }
            if !a.is_enabled() {
                prop_assert_eq!(a.formats.iter().map(|f| f.pt).collect::<Vec<_>>(), o.formats.iter().map(|f| f.pt).collect::<Vec<_>>());
            }
        }
        // The answer, printed and read back, is accepted by the offerer with the same result.
        let reread = SessionDescription::parse(&ans.sdp.to_bytes()).unwrap();
        match (&ans.negotiated, accept_answer(&offer, &reread)) {
            (Some(n), Ok(m)) => {
                prop_assert_eq!(&n.codec, &m.codec);
                prop_assert_eq!(n.telephone_event, m.telephone_event);
                prop_assert!(!n.local_direction.sends() || ours.sends());
            }
            (None, Err(NegotiationError::NoAudio)) => {}
            (n, m) => prop_assert!(false, "answer {:?} but accept {:?}", n, m),
        }
    }
}
