//! Answering real-world offers: baresip, Linphone, PJSIP, a PCMA-only gateway.

use std::net::SocketAddr;

use super::tests_codecs::{origin, ours, parse};
use super::*;

/// baresip 3.x: opus stereo with a bitrate cap, G.711, telephone-event/8000 only.
const BARESIP: &str = "v=0\r\n\
o=- 2890844526 2890844527 IN IP4 192.168.1.20\r\n\
s=-\r\n\
c=IN IP4 192.168.1.20\r\n\
t=0 0\r\n\
m=audio 19474 RTP/AVP 96 0 8 101\r\n\
b=AS:106\r\n\
a=rtpmap:96 opus/48000/2\r\n\
a=fmtp:96 stereo=1;sprop-stereo=1;maxaveragebitrate=64000\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-15\r\n\
a=sendrecv\r\n\
a=label:1\r\n\
a=rtcp-rsize\r\n\
a=ssrc:1263513591 cname:4f3c9a1e-0f5e-4d77-9a3b-9d7e6c1c2b11\r\n\
a=ptime:20\r\n";

/// Linphone 5: opus, speex, G.711, G.729, one telephone-event per rate, rtcp-mux.
const LINPHONE: &str = "v=0\r\n\
o=bob 3102 1398 IN IP4 192.168.1.33\r\n\
s=Talk\r\n\
c=IN IP4 192.168.1.33\r\n\
t=0 0\r\n\
a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics\r\n\
a=record:off\r\n\
m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100\r\n\
a=rtpmap:96 opus/48000/2\r\n\
a=fmtp:96 useinbandfec=1\r\n\
a=rtpmap:97 speex/16000\r\n\
a=fmtp:97 vbr=on\r\n\
a=rtpmap:98 speex/8000\r\n\
a=fmtp:98 vbr=on\r\n\
a=fmtp:18 annexb=yes\r\n\
a=rtpmap:101 telephone-event/48000\r\n\
a=rtpmap:99 telephone-event/16000\r\n\
a=rtpmap:100 telephone-event/8000\r\n\
a=rtcp:7079\r\n\
a=rtcp-mux\r\n\
a=rtcp-fb:* trr-int 1000\r\n\
a=rtcp-fb:* ccm tmmbr\r\n";

/// PJSIP (pjmedia): media-level c=, a=rtcp with an address, PCMA first, no ptime.
const PJSIP: &str = "v=0\r\n\
o=- 3870000000 3870000000 IN IP4 10.0.0.5\r\n\
s=pjmedia\r\n\
b=AS:117\r\n\
t=0 0\r\n\
a=X-nat:0\r\n\
m=audio 4000 RTP/AVP 8 0 101\r\n\
c=IN IP4 10.0.0.5\r\n\
b=TIAS:96000\r\n\
a=rtcp:4005 IN IP4 10.0.0.6\r\n\
a=sendrecv\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=ssrc:1234567 cname:2e4f7a1b3c5d6e7f\r\n";

/// A European gateway: PCMA only, 30 ms packets.
const PCMA_GATEWAY: &str = "v=0\r\n\
o=gw 1 1 IN IP4 203.0.113.5\r\n\
s=-\r\n\
c=IN IP4 203.0.113.5\r\n\
t=0 0\r\n\
m=audio 16384 RTP/AVP 8\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=ptime:30\r\n";

fn pts(m: &MediaSection) -> Vec<u8> {
    m.formats.iter().map(|f| f.pt).collect()
}

#[test]
fn baresip_opus_with_its_fmtp_for_our_encoder() {
    let ans = answer(&origin(), &parse(BARESIP), &ours().with_rtcp_mux(), None);
    let m = &ans.sdp.media[0];
    assert_eq!(pts(m), [96, 0, 8, 101]);
    assert_eq!(
        m.formats[0].fmtp.as_deref(),
        Some("minptime=10;useinbandfec=1")
    );
    assert!(!m.rtcp_mux(), "not answered: the offer did not have it");
    assert_eq!(m.ptime(), Some(20));
    let n = ans.negotiated.unwrap();
    assert_eq!(n.codec.rtpmap(), "opus/48000/2");
    assert_eq!(n.codec.pt, 96);
    assert_eq!(
        n.remote_fmtp.as_deref(),
        Some("stereo=1;sprop-stereo=1;maxaveragebitrate=64000")
    );
    assert_eq!(
        fmtp_param(n.remote_fmtp.as_deref().unwrap(), "maxaveragebitrate"),
        Some("64000")
    );
    // Only telephone-event/8000 is offered: used with Opus anyway (RFC 4733 wants the
    // rates to match; the peer gave no choice).
    assert_eq!(n.telephone_event, Some(101));
    assert_eq!((n.ptime, n.rtcp_mux), (Some(20), false));
    assert_eq!(
        n.remote,
        "192.168.1.20:19474".parse::<SocketAddr>().unwrap()
    );
    assert_eq!(
        n.remote_rtcp,
        "192.168.1.20:19475".parse::<SocketAddr>().unwrap()
    );
}

#[test]
fn linphone_rtcp_mux_and_events_at_the_opus_rate() {
    let offer = parse(LINPHONE);
    let ans = answer(&origin(), &offer, &ours().with_rtcp_mux(), None);
    let m = &ans.sdp.media[0];
    assert_eq!(
        pts(m),
        [96, 0, 8, 101, 100],
        "speex, G.729, events at 16 kHz dropped"
    );
    assert!(m.rtcp_mux());
    let n = ans.negotiated.unwrap();
    assert_eq!(
        (n.codec.pt, n.telephone_event),
        (96, Some(101)),
        "101 is 48000 here"
    );
    assert_eq!(n.remote_fmtp.as_deref(), Some("useinbandfec=1"));
    assert!(n.rtcp_mux);
    assert_eq!(n.remote_rtcp, n.remote);
    assert_eq!(n.ptime, None);
    // Without rtcp-mux on our side: RTCP goes to its a=rtcp port.
    let n = answer(&origin(), &offer, &ours(), None).negotiated.unwrap();
    assert!(!n.rtcp_mux);
    assert_eq!(
        n.remote_rtcp,
        "192.168.1.33:7079".parse::<SocketAddr>().unwrap()
    );
    // G.711 only on our side: PCMU, with telephone-event/8000 (100).
    let g711 = LocalMedia::audio(ours().address, 20000, default_codecs().split_off(1));
    let n = answer(&origin(), &offer, &g711, None).negotiated.unwrap();
    assert_eq!(
        (n.codec.rtpmap().as_str(), n.telephone_event),
        ("PCMU/8000", Some(100))
    );
}

#[test]
fn pjsip_media_level_address_and_rtcp_attribute() {
    let n = answer(&origin(), &parse(PJSIP), &ours(), None)
        .negotiated
        .unwrap();
    assert_eq!(n.codec.rtpmap(), "PCMA/8000", "the offerer's first choice");
    assert_eq!(n.telephone_event, Some(101));
    assert_eq!(n.remote, "10.0.0.5:4000".parse::<SocketAddr>().unwrap());
    assert_eq!(
        n.remote_rtcp,
        "10.0.0.6:4005".parse::<SocketAddr>().unwrap()
    );
    assert_eq!((n.ptime, n.remote_fmtp.as_deref()), (None, None));
}

#[test]
fn pcma_only_gateway_with_30ms_packets() {
    let ans = answer(&origin(), &parse(PCMA_GATEWAY), &ours(), None);
    let printed = ans.sdp.to_string();
    assert!(
        printed.contains("m=audio 20000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=ptime:20\r\n"),
        "{printed}"
    );
    let n = ans.negotiated.unwrap();
    assert_eq!(
        (n.codec.pt, n.telephone_event, n.ptime),
        (8, None, Some(30))
    );
}

#[test]
fn telephone_event_at_48000_only() {
    let offer = parse(&PCMA_GATEWAY.replace(
        "RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n",
        "RTP/AVP 8 110\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:110 telephone-event/48000\r\n",
    ));
    let n = answer(&origin(), &offer, &ours(), None).negotiated.unwrap();
    assert_eq!(
        (n.codec.pt, n.telephone_event),
        (8, Some(110)),
        "the only one offered"
    );
    // With our G.711-only list (no 48 kHz event) it is not common: no events.
    let g711 = LocalMedia::audio(ours().address, 20000, default_codecs().split_off(1));
    let n = answer(&origin(), &offer, &g711, None).negotiated.unwrap();
    assert_eq!(n.telephone_event, None);
}

#[test]
fn rtcp_attribute_edge_cases() {
    let m = |attr: &str| parse(&(PCMA_GATEWAY.to_owned() + attr)).media.remove(0);
    let ip = "203.0.113.5".parse().unwrap();
    let at = |s: &str| s.parse::<SocketAddr>().unwrap();
    assert_eq!(
        m("a=rtcp:0\r\n").rtcp_address(ip, false),
        at("203.0.113.5:16385")
    );
    assert_eq!(
        m("a=rtcp:junk\r\n").rtcp_address(ip, false),
        at("203.0.113.5:16385")
    );
    assert_eq!(
        m("a=rtcp:9 IN IP4 bad\r\n").rtcp_address(ip, false),
        at("203.0.113.5:9")
    );
    assert_eq!(
        m("a=rtcp:9 IN IP6 ::1\r\n").rtcp_address(ip, false),
        at("[::1]:9")
    );
    let mut top = m("");
    top.port = u16::MAX;
    assert_eq!(top.rtcp_address(ip, false).port(), u16::MAX, "no overflow");
    assert_eq!(
        m("a=ptime:20.0\r\n").ptime(),
        Some(30),
        "the first ptime wins"
    );
    let fractional = parse(&PCMA_GATEWAY.replace("a=ptime:30", "a=ptime:20.0"));
    assert_eq!(fractional.media[0].ptime(), Some(20));
    assert_eq!(
        parse(&PCMA_GATEWAY.replace("a=ptime:30", "a=ptime:0")).media[0].ptime(),
        None
    );
}
