//! Parsing and printing real-world descriptions.

use std::net::{IpAddr, Ipv4Addr};

use super::*;

/// baresip's offer: opus stereo, PCMU, PCMA, telephone-event, extra attributes.
pub(super) const BARESIP_OFFER: &str = "v=0\r\n\
o=- 1294498443 3862463716 IN IP4 192.0.2.10\r\n\
s=-\r\n\
c=IN IP4 192.0.2.10\r\n\
t=0 0\r\n\
m=audio 10000 RTP/AVP 96 0 8 101\r\n\
b=AS:96\r\n\
a=rtpmap:96 opus/48000/2\r\n\
a=fmtp:96 stereo=1;sprop-stereo=1\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-15\r\n\
a=sendrecv\r\n\
a=label:1\r\n\
a=rtcp-rsize\r\n\
a=ptime:20\r\n";

/// SIPp's uac scenario body: PCMU only, static payload type.
pub(super) const SIPP_OFFER: &str = "v=0\r\n\
o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n\
s=-\r\n\
c=IN IP4 127.0.0.1\r\n\
t=0 0\r\n\
m=audio 6000 RTP/AVP 0\r\n\
a=rtpmap:0 PCMU/8000\r\n";

#[test]
fn parses_baresip_offer() {
    let sdp = SessionDescription::parse(BARESIP_OFFER.as_bytes()).unwrap();
    assert_eq!(sdp.origin.username, "-");
    assert_eq!(sdp.origin.session_id, "1294498443");
    assert_eq!(sdp.origin.session_version, 3862463716);
    assert_eq!(
        sdp.connection,
        Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10)))
    );
    let m = &sdp.media[0];
    assert_eq!(
        (m.kind.clone(), m.port, m.proto.as_str()),
        (MediaKind::Audio, 10000, "RTP/AVP")
    );
    let pts: Vec<u8> = m.formats.iter().map(|f| f.pt).collect();
    assert_eq!(pts, [96, 0, 8, 101]);
    assert_eq!(
        m.formats[0],
        PayloadFormat::new(96, "opus", 48000, Some(2)).with_fmtp("stereo=1;sprop-stereo=1")
    );
    assert!(m.formats[3].is_telephone_event());
    assert_eq!(m.formats[3].fmtp.as_deref(), Some("0-15"));
    assert_eq!(m.direction, Direction::SendRecv);
    assert_eq!(
        m.bandwidths,
        [Bandwidth {
            kind: "AS".into(),
            value: 96
        }]
    );
    // Unknown and untyped attributes are kept, in order.
    let names: Vec<&str> = m.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["label", "rtcp-rsize", "ptime"]);
    assert_eq!(m.attribute("ptime"), Some(Some("20")));
    assert_eq!(m.attribute("rtcp-rsize"), Some(None));
}

#[test]
fn print_then_parse_keeps_everything() {
    for text in [BARESIP_OFFER, SIPP_OFFER] {
        let sdp = SessionDescription::parse(text.as_bytes()).unwrap();
        let printed = sdp.to_bytes();
        assert_eq!(SessionDescription::parse(&printed).unwrap(), sdp);
    }
    let printed = SessionDescription::parse(BARESIP_OFFER.as_bytes())
        .unwrap()
        .to_string();
    assert!(
        printed.contains("a=fmtp:96 stereo=1;sprop-stereo=1\r\n"),
        "{printed}"
    );
    assert!(
        printed.contains("a=label:1\r\na=rtcp-rsize\r\na=ptime:20\r\na=sendrecv\r\n"),
        "{printed}"
    );
}

#[test]
fn static_payload_types_need_no_rtpmap() {
    let text = SIPP_OFFER.replace(
        "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
        "m=audio 6000 RTP/AVP 0 8 18\r\n",
    );
    let sdp = SessionDescription::parse(text.as_bytes()).unwrap();
    let names: Vec<&str> = sdp.media[0]
        .formats
        .iter()
        .map(|f| f.encoding.as_str())
        .collect();
    assert_eq!(names, ["PCMU", "PCMA", "G729"]);
}

#[test]
fn session_level_direction_applies_to_media_without_one() {
    let text = SIPP_OFFER.replace("t=0 0\r\n", "t=0 0\r\na=sendonly\r\n")
        + "m=video 0 RTP/AVP 31\r\na=rtpmap:31 H261/90000\r\na=inactive\r\n";
    let sdp = SessionDescription::parse(text.as_bytes()).unwrap();
    assert_eq!(sdp.media[0].direction, Direction::SendOnly);
    assert_eq!(sdp.media[1].direction, Direction::Inactive);
    assert!(sdp.attributes.is_empty());
}

#[test]
fn non_rtp_media_keep_their_format_tokens() {
    let text = SIPP_OFFER.to_owned()
        + "m=message 7394 TCP/MSRP *\r\na=path:msrp://192.0.2.1:7394/s;tcp\r\n";
    let sdp = SessionDescription::parse(text.as_bytes()).unwrap();
    assert_eq!(sdp.media[1].other_formats, ["*"]);
    assert!(sdp.media[1].formats.is_empty());
    assert_eq!(SessionDescription::parse(&sdp.to_bytes()).unwrap(), sdp);
}

#[test]
fn typed_errors_name_the_place() {
    let parse = |t: &str| SessionDescription::parse(t.as_bytes()).unwrap_err();
    assert_eq!(parse("o=- 1 1 IN IP4 1.2.3.4\r\n"), SdpError::NoVersion);
    assert_eq!(parse(""), SdpError::NoVersion);
    assert!(matches!(
        parse(&SIPP_OFFER.replace("m=audio 6000", "m=audio 99999")),
        SdpError::Syntax { line: 6, .. }
    ));
    assert_eq!(
        parse(&SIPP_OFFER.replace("RTP/AVP 0", "RTP/AVP 0 200")),
        SdpError::PayloadType {
            media: 1,
            value: "200".into()
        }
    );
    assert_eq!(
        parse(&SIPP_OFFER.replace("RTP/AVP 0", "RTP/AVP 0 97")),
        SdpError::MissingRtpmap { media: 1, pt: 97 }
    );
    assert_eq!(
        parse(&SIPP_OFFER.replace("c=IN IP4 127.0.0.1", "c=IN IP4 host.example.com")),
        SdpError::Connection {
            media: None,
            value: "host.example.com".into()
        }
    );
    let bad_map = SIPP_OFFER.replace("RTP/AVP 0", "RTP/AVP 0 96") + "a=rtpmap:96 opus\r\n";
    assert_eq!(
        parse(&bad_map),
        SdpError::MissingRtpmap { media: 1, pt: 96 }
    );
}

#[test]
fn multicast_ttl_and_ipv6_addresses() {
    let v4 = SIPP_OFFER.replace("c=IN IP4 127.0.0.1", "c=IN IP4 233.252.0.1/127");
    let sdp = SessionDescription::parse(v4.as_bytes()).unwrap();
    assert_eq!(sdp.connection, Some("233.252.0.1".parse().unwrap()));
    let v6 = SIPP_OFFER.replace("c=IN IP4 127.0.0.1", "c=IN IP6 2001:db8::1");
    let sdp = SessionDescription::parse(v6.as_bytes()).unwrap();
    assert_eq!(sdp.connection, Some("2001:db8::1".parse().unwrap()));
    assert!(sdp.to_string().contains("c=IN IP6 2001:db8::1\r\n"));
}

#[test]
fn printing_cannot_inject_lines() {
    let mut sdp = SessionDescription::parse(SIPP_OFFER.as_bytes()).unwrap();
    sdp.media[0]
        .attributes
        .push(Attribute::new("x-evil", "a\r\nm=video 1 RTP/AVP 0"));
    let again = SessionDescription::parse(&sdp.to_bytes()).unwrap();
    assert_eq!(again.media.len(), 1);
}
