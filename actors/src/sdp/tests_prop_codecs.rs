//! Property: answering any mix of known codecs never panics, and the chosen codec and
//! telephone-event are ones both sides listed.

use proptest::prelude::*;

use super::tests_codecs::{origin, parse, ME};
use super::*;

/// The codecs peers commonly offer, with assorted fmtp.
fn known() -> Vec<PayloadFormat> {
    vec![
        PayloadFormat::new(0, "opus", 48000, Some(2)).with_fmtp("stereo=1;sprop-stereo=1"),
        PayloadFormat::new(0, "OPUS", 48000, None),
        PayloadFormat::new(0, "PCMU", 8000, None),
        PayloadFormat::new(0, "pcma", 8000, None),
        PayloadFormat::new(0, "G722", 8000, None),
        PayloadFormat::new(0, "speex", 16000, None).with_fmtp("vbr=on"),
        PayloadFormat::new(0, "telephone-event", 8000, None).with_fmtp("0-15"),
        PayloadFormat::new(0, "telephone-event", 48000, None),
        PayloadFormat::new(0, "telephone-event", 16000, None),
        PayloadFormat::new(0, "CN", 8000, None),
    ]
}

/// A subset of `known()` in random order with distinct payload types.
fn offered() -> impl Strategy<Value = Vec<PayloadFormat>> {
    (
        Just(known()).prop_shuffle(),
        0usize..=10,
        proptest::sample::subsequence((0u8..=127).collect::<Vec<_>>(), 10).prop_shuffle(),
    )
        .prop_map(|(formats, n, pts)| {
            formats
                .into_iter()
                .take(n)
                .zip(pts)
                .map(|(f, pt)| PayloadFormat { pt, ..f })
                .collect()
        })
}

/// Our side: a non-empty subset of the default codecs, in any order.
fn local() -> impl Strategy<Value = (LocalMedia, bool)> {
    (
        Just(default_codecs()).prop_shuffle(),
        1usize..=3,
        any::<bool>(),
    )
        .prop_map(|(codecs, n, mux)| {
            let l = LocalMedia::audio(ME, 20000, codecs.into_iter().take(n).collect());
            (if mux { l.clone().with_rtcp_mux() } else { l }, mux)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn answers_choose_a_codec_both_sides_listed(
        formats in offered(),
        (me, mux) in local(),
        their_mux in any::<bool>(),
        ptime in proptest::option::of(10u32..=60),
    ) {
        let mut text = format!(
            "v=0\r\no=- 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n\
             m=audio 4000 RTP/AVP {}\r\n",
            formats.iter().map(|f| f.pt.to_string()).collect::<Vec<_>>().join(" ")
        );
        for f in &formats {
            text.push_str(&format!("a=rtpmap:{} {}\r\n", f.pt, f.rtpmap()));
            if let Some(p) = &f.fmtp {
                text.push_str(&format!("a=fmtp:{} {p}\r\n", f.pt));
            }
        }
        if their_mux { text.push_str("a=rtcp-mux\r\n"); }
        if let Some(ms) = ptime { text.push_str(&format!("a=ptime:{ms}\r\n")); }
        if formats.is_empty() { text = text.replace("RTP/AVP \r\n", "RTP/AVP 0\r\n"); }
        let offer = parse(&text);
        let offered = &offer.media[0].formats;
        let ans = answer(&origin(), &offer, &me, None);
        let common = offered.iter().any(|o| o.is_media_codec() && me.codecs.iter().any(|l| l.same_codec(o)));
        prop_assert_eq!(ans.negotiated.is_some(), common);
        let Some(n) = ans.negotiated else { return Ok(()); };
        let theirs = offered.iter().find(|o| o.pt == n.codec.pt).unwrap();
        prop_assert!(theirs.same_codec(&n.codec) && n.codec.is_media_codec());
        prop_assert!(me.codecs.iter().any(|l| l.same_codec(&n.codec)));
        prop_assert_eq!(&n.remote_fmtp, &theirs.fmtp);
        // The offerer's first codec we support is chosen.
        let first = offered.iter().find(|o| o.is_media_codec() && me.codecs.iter().any(|l| l.same_codec(o)));
        prop_assert_eq!(first.map(|f| f.pt), Some(n.codec.pt));
        if let Some(te) = n.telephone_event {
            let e = offered.iter().find(|o| o.pt == te).unwrap();
            prop_assert!(e.is_telephone_event());
            prop_assert!(me.codecs.iter().any(|l| l.same_codec(e)));
            let same_rate = offered.iter().any(|o| o.is_telephone_event()
                && o.clock_rate == n.codec.clock_rate && me.codecs.iter().any(|l| l.same_codec(o)));
            prop_assert!(!same_rate || e.clock_rate == n.codec.clock_rate);
        }
        prop_assert_eq!(n.rtcp_mux, mux && their_mux);
        prop_assert_eq!(ans.sdp.media[0].rtcp_mux(), n.rtcp_mux);
        prop_assert_eq!(n.ptime, ptime);
        prop_assert_eq!(n.remote_rtcp.port(), if n.rtcp_mux { 4000 } else { 4001 });
        // The offerer reads the same agreement from our answer.
        let back = accept_answer(&offer, &parse(&ans.sdp.to_string())).unwrap();
        prop_assert_eq!(&back.codec, &n.codec);
        prop_assert_eq!(back.telephone_event, n.telephone_event);
        prop_assert_eq!(back.rtcp_mux, n.rtcp_mux);
        prop_assert_eq!(back.remote_fmtp, n.codec.fmtp);
    }
}
