//! Offer/answer with real-world offers and the RFC 3264 §10 examples.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::tests::{BARESIP_OFFER, SIPP_OFFER};
use super::*;

const ME: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 99));

pub(super) fn local(direction: Direction) -> LocalMedia {
    LocalMedia {
        codecs: vec![
            PayloadFormat::new(0, "PCMU", 8000, None),
            PayloadFormat::new(8, "PCMA", 8000, None),
            PayloadFormat::new(101, "telephone-event", 8000, None).with_fmtp("0-16"),
        ],
        address: ME,
        port: 20000,
        direction,
        attributes: vec![Attribute::new("ptime", "20")],
    }
}

fn origin() -> Origin {
    Origin::new_session(&mut ChaCha8Rng::seed_from_u64(7), "switchboard", ME)
}

fn parse(t: &str) -> SessionDescription {
    SessionDescription::parse(t.as_bytes()).unwrap()
}

/// RFC 3264 §10.1, with the example host names replaced by addresses.
const ALICE_OFFER: &str = "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.1\r\ns=-\r\n\
c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 8 97\r\na=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\na=rtpmap:97 iLBC/8000\r\nm=video 51372 RTP/AVP 31 32\r\n\
a=rtpmap:31 H261/90000\r\na=rtpmap:32 MPV/90000\r\n";
const BOB_ANSWER: &str = "v=0\r\no=bob 2808844564 2808844564 IN IP4 192.0.2.2\r\ns=-\r\n\
c=IN IP4 192.0.2.2\r\nt=0 0\r\nm=audio 49174 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n\
m=video 49170 RTP/AVP 32\r\na=rtpmap:32 MPV/90000\r\n";

#[test]
fn answers_baresip_keeping_its_payload_types() {
    let mut me = local(Direction::SendRecv);
    me.codecs
        .push(PayloadFormat::new(111, "OPUS", 48000, Some(2)).with_fmtp("useinbandfec=1"));
    let ans = answer(&origin(), &parse(BARESIP_OFFER), &me, None);
    let m = &ans.sdp.media[0];
    let pts: Vec<u8> = m.formats.iter().map(|f| f.pt).collect();
    // The offer's order and numbers (opus is 96 there, 111 in our config), our fmtp.
    assert_eq!(pts, [96, 0, 8, 101]);
    assert_eq!(m.formats[0].fmtp.as_deref(), Some("useinbandfec=1"));
    assert_eq!(m.formats[3].fmtp.as_deref(), Some("0-16"));
    assert_eq!((m.port, m.direction), (20000, Direction::SendRecv));
    assert_eq!(ans.sdp.connection, Some(ME));
    let n = ans.negotiated.unwrap();
    assert_eq!(n.codec.pt, 96);
    assert_eq!(n.telephone_event, Some(101));
    assert_eq!(
        n.remote,
        SocketAddr::new("192.0.2.10".parse().unwrap(), 10000)
    );
    assert!(!n.remote_hold);
}

#[test]
fn answers_sipp_with_pcmu_only() {
    let ans = answer(
        &origin(),
        &parse(SIPP_OFFER),
        &local(Direction::SendRecv),
        None,
    );
    let printed = ans.sdp.to_string();
    assert!(
        printed.contains(
            "m=audio 20000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n"
        ),
        "{printed}"
    );
    let n = ans.negotiated.unwrap();
    assert_eq!(
        (n.codec.encoding.as_str(), n.telephone_event),
        ("PCMU", None)
    );
}

#[test]
fn rfc3264_example_answer_rejects_video_with_port_zero() {
    let ans = answer(
        &origin(),
        &parse(ALICE_OFFER),
        &local(Direction::SendRecv),
        None,
    );
    assert_eq!(ans.sdp.media.len(), 2);
    let pts: Vec<u8> = ans.sdp.media[0].formats.iter().map(|f| f.pt).collect();
    assert_eq!(pts, [0, 8]);
    let video = &ans.sdp.media[1];
    assert_eq!((video.port, video.kind.clone()), (0, MediaKind::Video));
    let pts: Vec<u8> = video.formats.iter().map(|f| f.pt).collect();
    assert_eq!(
        pts,
        [31, 32],
        "a rejected stream repeats the offered formats"
    );
    // Alice's side: Bob's answer from the RFC is valid.
    let n = accept_answer(&parse(ALICE_OFFER), &parse(BOB_ANSWER)).unwrap();
    assert_eq!(n.codec, PayloadFormat::new(0, "PCMU", 8000, None));
    assert_eq!(n.remote, "192.0.2.2:49174".parse().unwrap());
    assert_eq!(n.media_index, 0);
}

#[test]
fn no_common_codec_rejects_the_stream() {
    let offer = parse(&SIPP_OFFER.replace(
        "RTP/AVP 0\r\na=rtpmap:0 PCMU/8000",
        "RTP/AVP 18 101\r\na=rtpmap:101 telephone-event/8000",
    ));
    let ans = answer(&origin(), &offer, &local(Direction::SendRecv), None);
    assert!(ans.negotiated.is_none());
    let m = &ans.sdp.media[0];
    assert_eq!(m.port, 0);
    assert_eq!(
        m.formats.iter().map(|f| f.pt).collect::<Vec<_>>(),
        [18, 101]
    );
}

#[test]
fn answer_direction_mirrors_the_offer_and_our_hold() {
    let cases = [
        (
            Direction::SendOnly,
            Direction::SendRecv,
            Direction::RecvOnly,
        ),
        (
            Direction::RecvOnly,
            Direction::SendRecv,
            Direction::SendOnly,
        ),
        (
            Direction::Inactive,
            Direction::SendRecv,
            Direction::Inactive,
        ),
        (
            Direction::SendRecv,
            Direction::SendOnly,
            Direction::SendOnly,
        ),
        (
            Direction::SendOnly,
            Direction::SendOnly,
            Direction::Inactive,
        ),
    ];
    for (offered, ours, expected) in cases {
        let mut offer = parse(SIPP_OFFER);
        offer.media[0].direction = offered;
        let ans = answer(&origin(), &offer, &local(ours), None);
        assert_eq!(ans.sdp.media[0].direction, expected, "{offered} / {ours}");
        assert_eq!(is_hold(&offer), !offered.receives());
        assert_eq!(ans.negotiated.unwrap().remote_hold, !offered.receives());
    }
}

#[test]
fn legacy_zero_address_is_a_hold() {
    let offer = parse(&SIPP_OFFER.replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0"));
    assert!(is_hold(&offer));
    let n = answer(&origin(), &offer, &local(Direction::SendRecv), None)
        .negotiated
        .unwrap();
    assert!(n.remote_hold);
    assert_eq!(
        n.local_direction,
        Direction::RecvOnly,
        "nothing is sent to 0.0.0.0"
    );
}

#[test]
fn accept_answer_rejects_bad_answers() {
    let offer = parse(ALICE_OFFER);
    let one_line = parse(SIPP_OFFER);
    assert_eq!(
        accept_answer(&offer, &one_line),
        Err(NegotiationError::MediaCountMismatch {
            offered: 2,
            answered: 1
        })
    );
    let not_offered = parse(&BOB_ANSWER.replace("RTP/AVP 0\r\na=rtpmap:0 PCMU/8000", "RTP/AVP 18"));
    assert_eq!(
        accept_answer(&offer, &not_offered),
        Err(NegotiationError::CodecNotOffered { media: 1, pt: 18 })
    );
    let renumbered = parse(&BOB_ANSWER.replace(
        "RTP/AVP 0\r\na=rtpmap:0 PCMU/8000",
        "RTP/AVP 97\r\na=rtpmap:97 opus/48000/2",
    ));
    assert_eq!(
        accept_answer(&offer, &renumbered),
        Err(NegotiationError::CodecNotOffered { media: 1, pt: 97 })
    );
    let swapped = parse(&BOB_ANSWER.replace("m=audio", "m=text"));
    assert_eq!(
        accept_answer(&offer, &swapped),
        Err(NegotiationError::MediaMismatch { media: 1 })
    );
    let rejected = parse(&BOB_ANSWER.replace("m=audio 49174", "m=audio 0"));
    assert_eq!(
        accept_answer(&offer, &rejected),
        Err(NegotiationError::NoAudio)
    );
}

#[test]
fn our_offer_accepts_our_own_answer() {
    let me = local(Direction::SendRecv);
    let offer = offer(&origin(), &me);
    assert_eq!(offer.media[0].formats, me.codecs);
    let ans = answer(&origin(), &offer, &local(Direction::SendRecv), None);
    let n = accept_answer(&offer, &ans.sdp).unwrap();
    let theirs = ans.negotiated.unwrap();
    assert_eq!(theirs.codec, n.codec, "both sides agree on the codec");
    assert_eq!((n.codec.pt, n.telephone_event), (0, Some(101)));
    assert_eq!(n.remote, SocketAddr::new(ME, 20000));
}

#[test]
fn new_sessions_draw_ids_from_the_rng() {
    let a = Origin::new_session(&mut ChaCha8Rng::seed_from_u64(1), "", ME);
    let b = Origin::new_session(&mut ChaCha8Rng::seed_from_u64(1), "", ME);
    let c = Origin::new_session(&mut ChaCha8Rng::seed_from_u64(2), "", ME);
    assert_eq!(a, b);
    assert_ne!(a.session_id, c.session_id);
    assert_eq!(a.username, "-");
    assert!(a.session_id.bytes().all(|b| b.is_ascii_digit()));
}
