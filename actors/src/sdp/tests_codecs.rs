//! Our formats (Opus, G.711, telephone-event per clock rate) and our offer on the wire.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::*;

pub(super) const ME: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 99));

/// Our default audio on port 20000.
pub(super) fn ours() -> LocalMedia {
    LocalMedia::audio(ME, 20000, default_codecs())
}

pub(super) fn origin() -> Origin {
    Origin::new_session(&mut ChaCha8Rng::seed_from_u64(11), "switchboard", ME)
}

pub(super) fn parse(t: &str) -> SessionDescription {
    SessionDescription::parse(t.as_bytes()).unwrap()
}

#[test]
fn opus_and_event_formats() {
    assert_eq!(opus_fmtp(None, false), "minptime=10;useinbandfec=1");
    assert_eq!(
        opus_fmtp(Some(32000), true),
        "minptime=10;useinbandfec=1;maxaveragebitrate=32000;stereo=0;sprop-stereo=0"
    );
    let opus = PayloadFormat::opus(111, "useinbandfec=1");
    assert_eq!(
        (opus.rtpmap(), opus.fmtp.as_deref()),
        ("opus/48000/2".into(), Some("useinbandfec=1"))
    );
    assert_eq!(PayloadFormat::opus(96, "").fmtp, None);
    let te = PayloadFormat::telephone_event(102, 48000);
    assert_eq!(
        (te.rtpmap(), te.fmtp.as_deref()),
        ("telephone-event/48000".into(), Some("0-16"))
    );
    assert_eq!(PayloadFormat::static_pt(8).unwrap().rtpmap(), "PCMA/8000");
    // RFC 7587 says opus/48000/2, but "opus/48000" and "OPUS" are seen: the same codec.
    assert!(opus.same_codec(&PayloadFormat::new(96, "OPUS", 48000, None)));
    assert!(!opus.same_codec(&PayloadFormat::new(96, "opus", 16000, Some(2))));
}

#[test]
fn fmtp_parameters_are_read_by_name() {
    let f = PayloadFormat::opus(96, "stereo=1; sprop-stereo=1;MaxAverageBitrate=64000;cbr");
    assert_eq!(f.fmtp_param("stereo"), Some("1"));
    assert_eq!(f.fmtp_param("maxaveragebitrate"), Some("64000"));
    assert_eq!(f.fmtp_param("cbr"), Some(""));
    assert_eq!(f.fmtp_param("useinbandfec"), None);
    assert_eq!(PayloadFormat::static_pt(0).unwrap().fmtp_param("x"), None);
}

#[test]
fn one_telephone_event_per_clock_rate() {
    let pts = |fs: &[PayloadFormat]| fs.iter().map(|f| (f.pt, f.rtpmap())).collect::<Vec<_>>();
    let all = with_telephone_events(default_codecs());
    assert_eq!(
        pts(&all),
        [
            (96, "opus/48000/2".into()),
            (0, "PCMU/8000".into()),
            (8, "PCMA/8000".into()),
            (101, "telephone-event/8000".into()),
            (102, "telephone-event/48000".into()),
        ]
    );
    let pcma = with_telephone_events(vec![PayloadFormat::static_pt(8).unwrap()]);
    assert_eq!(
        pts(&pcma),
        [
            (8, "PCMA/8000".into()),
            (101, "telephone-event/8000".into())
        ]
    );
    // Payload types in use are skipped; an existing event is not duplicated.
    let taken = with_telephone_events(vec![
        PayloadFormat::opus(101, ""),
        PayloadFormat::static_pt(0).unwrap(),
        PayloadFormat::telephone_event(110, 8000),
    ]);
    assert_eq!(
        taken.iter().map(|f| f.pt).collect::<Vec<_>>(),
        [101, 0, 110, 102]
    );
    assert_eq!(taken[3].clock_rate, 48000);
    assert_eq!(with_telephone_events(all.clone()), all, "idempotent");
}

#[test]
fn our_default_offer_on_the_wire() {
    let local = ours().with_rtcp_mux();
    assert_eq!((local.ptime(), local.rtcp_mux()), (Some(20), true));
    let sdp = offer(&origin(), &local);
    let text = sdp.to_string();
    let expected = "m=audio 20000 RTP/AVP 96 0 8 101 102\r\n\
        a=rtpmap:96 opus/48000/2\r\na=fmtp:96 minptime=10;useinbandfec=1\r\n\
        a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n\
        a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n\
        a=rtpmap:102 telephone-event/48000\r\na=fmtp:102 0-16\r\n\
        a=ptime:20\r\na=rtcp-mux\r\na=sendrecv\r\n";
    assert!(text.ends_with(expected), "{text}");
    assert!(text.contains("c=IN IP4 192.0.2.99\r\n"), "{text}");
    let again = parse(&text);
    assert_eq!(again, sdp, "our offer round-trips through the parser");
    assert_eq!(again.media[0].ptime(), Some(20));
    assert!(again.media[0].rtcp_mux());
    // A ptime change replaces the attribute.
    let p30 = ours().with_ptime(30);
    assert_eq!(p30.ptime(), Some(30));
    assert_eq!(p30.attributes.iter().filter(|a| a.name == PTIME).count(), 1);
}

#[test]
fn we_accept_our_own_answer_to_our_offer() {
    let offer = offer(&origin(), &ours().with_rtcp_mux());
    let mut them = LocalMedia::audio("192.0.2.7".parse().unwrap(), 30000, default_codecs());
    them.codecs[0] = PayloadFormat::opus(96, &opus_fmtp(Some(24000), true));
    let ans = answer(&origin(), &offer, &them.with_rtcp_mux(), None);
    let theirs = ans.negotiated.clone().unwrap();
    let n = accept_answer(&offer, &parse(&ans.sdp.to_string())).unwrap();
    assert_eq!(
        (n.codec.pt, n.telephone_event),
        (96, Some(102)),
        "events at 48000 with Opus"
    );
    assert_eq!(n.codec, theirs.codec);
    assert_eq!(
        n.remote_fmtp.as_deref(),
        Some(opus_fmtp(Some(24000), true).as_str())
    );
    assert_eq!(
        theirs.remote_fmtp.as_deref(),
        Some("minptime=10;useinbandfec=1")
    );
    assert_eq!((n.rtcp_mux, theirs.rtcp_mux), (true, true));
    assert_eq!(n.remote, "192.0.2.7:30000".parse::<SocketAddr>().unwrap());
    assert_eq!(n.remote_rtcp, n.remote, "muxed: RTCP on the RTP port");
    assert_eq!((n.ptime, theirs.ptime), (Some(20), Some(20)));
}

#[test]
fn an_answer_with_a_codec_we_did_not_offer_is_refused() {
    let offer = offer(&origin(), &ours());
    let text = offer
        .to_string()
        .replace("RTP/AVP 96 0 8 101 102", "RTP/AVP 9")
        .replace("a=rtpmap:96 opus/48000/2", "a=rtpmap:9 G722/8000");
    assert_eq!(
        accept_answer(&offer, &parse(&text)),
        Err(NegotiationError::CodecNotOffered { media: 1, pt: 9 })
    );
    // The same codec under another payload type is not what we offered either.
    let renumbered = offer
        .to_string()
        .replace("RTP/AVP 96 0 8 101 102", "RTP/AVP 97")
        .replace("a=rtpmap:96 opus", "a=rtpmap:97 opus");
    assert_eq!(
        accept_answer(&offer, &parse(&renumbered)),
        Err(NegotiationError::CodecNotOffered { media: 1, pt: 97 })
    );
}
