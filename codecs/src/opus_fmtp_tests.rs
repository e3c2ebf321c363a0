use super::*;
use proptest::prelude::*;

#[test]
fn parses_the_rfc_7587_example() {
    // RFC 7587 §7, the offer's a=fmtp line.
    let f = OpusFmtp::parse(
        "maxplaybackrate=16000; sprop-maxcapturerate=16000; maxaveragebitrate=20000; stereo=1; useinbandfec=1; usedtx=0",
    );
    assert_eq!(f.maxplaybackrate, Some(16_000));
    assert_eq!(f.maxaveragebitrate, Some(20_000));
    assert!(f.stereo && f.useinbandfec && !f.usedtx && !f.sprop_stereo && !f.cbr);
    assert_eq!(f.ptime, None);
}

#[test]
fn defaults_and_lenient_values() {
    assert_eq!(OpusFmtp::parse(""), OpusFmtp::default());
    let f = OpusFmtp::parse(
        "useinbandfec=yes;stereo=2;maxaveragebitrate=lots;x-foo=1;;junk;minptime=10",
    );
    assert!(!f.useinbandfec && !f.stereo);
    assert_eq!(f.maxaveragebitrate, None);
    assert_eq!(f.minptime, Some(10));
    let f = OpusFmtp::parse("MaxAverageBitrate=600000;maxplaybackrate=4000;ptime=0;USEDTX = 1");
    assert_eq!(f.maxaveragebitrate, Some(510_000));
    assert_eq!(f.maxplaybackrate, Some(8_000));
    assert_eq!(f.ptime, Some(3));
    assert!(f.usedtx);
}

#[test]
fn prints_a_parameter_list_that_parses_back() {
    let f = OpusFmtp::parse("useinbandfec=1;maxaveragebitrate=24000;minptime=10;cbr=1");
    let text = f.to_string();
    assert_eq!(
        text,
        "useinbandfec=1;usedtx=0;stereo=0;sprop-stereo=0;cbr=1;maxaveragebitrate=24000;minptime=10"
    );
    assert_eq!(OpusFmtp::parse(&text), f);
}

#[test]
fn their_parameters_shape_our_encoder() {
    let base = OpusConfig {
        channels: 2,
        bitrate_bps: 64_000,
        ..OpusConfig::default()
    };
    let c = OpusFmtp::parse("maxaveragebitrate=20000;useinbandfec=1;stereo=1;ptime=40")
        .to_config(&base);
    assert_eq!(
        (c.bitrate_bps, c.fec, c.channels, c.frame_ms, c.dtx),
        (20_000, true, 2, 40, false)
    );
    // Absent parameters: no FEC (useinbandfec defaults to 0), mono, our bitrate.
    let c = OpusFmtp::parse("").to_config(&base);
    assert_eq!(
        (c.bitrate_bps, c.fec, c.channels, c.frame_ms),
        (64_000, false, 1, 20)
    );
    // Their maxptime wins over our 60 ms; usedtx=1 turns DTX on.
    let long = OpusConfig {
        frame_ms: 60,
        ..OpusConfig::default()
    };
    let c = OpusFmtp::parse("maxptime=30;usedtx=1").to_config(&long);
    assert_eq!((c.frame_ms, c.dtx), (20, true));
    // A ptime Opus cannot do (30) is ignored; minptime=40 moves us up.
    let c = OpusFmtp::parse("ptime=30;minptime=40").to_config(&OpusConfig::default());
    assert_eq!(c.frame_ms, 40);
    assert!(c.validate().is_ok());
}

proptest! {
    #[test]
    fn any_text_parses_to_a_valid_config(text in ".{0,200}", channels in 1u16..=2) {
        let fmtp = OpusFmtp::parse(&text);
        let base = OpusConfig { channels, ..OpusConfig::default() };
        prop_assert!(fmtp.to_config(&base).validate().is_ok());
        prop_assert_eq!(OpusFmtp::parse(&fmtp.to_string()), fmtp);
    }
}
