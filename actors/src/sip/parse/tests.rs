//! Parser tests: the PJSIP benchmark messages (RFC 4475 §3.1.1.1–5 among them) and the
//! RFC 4475 §3.1.2 invalid messages that concern the parser.

use super::*;
use crate::sip::{HeaderName, Method, Uri};

const PJSIP: [&[u8]; 7] = [
    include_bytes!("testdata/msg0.sip"),
    include_bytes!("testdata/msg1.sip"),
    include_bytes!("testdata/msg2.sip"),
    include_bytes!("testdata/msg3.sip"),
    include_bytes!("testdata/msg4.sip"),
    include_bytes!("testdata/msg5.sip"),
    include_bytes!("testdata/msg6.sip"),
];

fn dgram(b: &[u8]) -> Result<Message, ParseError> {
    parse_datagram(Bytes::copy_from_slice(b), &ParseLimits::default())
}

fn fault(b: &str) -> Fault {
    dgram(b.as_bytes()).unwrap_err().fault
}

const GOOD: &str = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\
To: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n";

#[test]
fn pjsip_messages_all_parse() {
    for (i, m) in PJSIP.iter().enumerate() {
        let msg = dgram(m).unwrap_or_else(|e| panic!("msg{i}: {e} {:?}", e.salvage));
        let again = parse_datagram(msg.to_bytes(), &ParseLimits::default()).unwrap();
        assert_eq!(again, msg, "msg{i} reprint");
    }
}

#[test]
fn pjsip_msg0_details() {
    let Message::Request(r) = dgram(PJSIP[0]).unwrap() else {
        panic!()
    };
    assert_eq!(r.headers.count(&HeaderName::Contact), 3);
    assert_eq!(r.headers.count(&HeaderName::Route), 2);
    assert_eq!(r.headers.count(&HeaderName::RecordRoute), 2);
    assert_eq!(r.headers.count(&HeaderName::Via), 4);
    let vias: Vec<_> = r.vias().map(|v| v.unwrap().host.to_owned()).collect();
    assert_eq!(
        vias,
        [
            "bigbox3.site3.atlanta.com",
            "pc33.atlanta.com",
            "10.2.1.1",
            "192.168.1.1"
        ]
    );
    assert_eq!(r.top_via().unwrap().transport, "SCTP");
    let v2 = r.vias().nth(1).unwrap().unwrap();
    assert_eq!(v2.received, Some("192.0.2.1"));
    assert_eq!(r.from().unwrap().display.as_deref(), Some("Hi I'm Joe"));
    assert_eq!(r.max_forwards(), Ok(Some(70)));
}

#[test]
fn torture_valid_details() {
    let Message::Request(r) = dgram(PJSIP[2]).unwrap() else {
        panic!()
    };
    assert_eq!(r.max_forwards(), Ok(Some(68)));
    assert_eq!(r.cseq().unwrap().seq, 9);
    assert_eq!(r.to().unwrap().tag(), Some("1918181833n"));
    assert_eq!(r.from().unwrap().tag(), Some("98asjd8"));
    assert_eq!(r.body.len(), 150);
    assert_eq!(
        r.headers
            .get(&HeaderName::from_wire("NewFangledHeader"))
            .unwrap()
            .as_str(),
        "newfangled value continued newfangled value"
    );
    assert_eq!(r.headers.get(&HeaderName::Subject).unwrap().as_str(), "");
    let Message::Request(r) = dgram(PJSIP[3]).unwrap() else {
        panic!()
    };
    assert_eq!(
        r.method.as_str(),
        "!interesting-Method0123456789_*+`.%indeed'~"
    );
    let Message::Request(r) = dgram(PJSIP[5]).unwrap() else {
        panic!()
    };
    assert_eq!(r.contacts().unwrap().len(), 2);
    let Message::Request(r) = dgram(PJSIP[6]).unwrap() else {
        panic!()
    };
    assert_eq!(r.method, Method::Other("RE%47IST%45R".into()));
    assert_eq!(r.headers.count(&HeaderName::Contact), 2);
}

#[test]
fn leading_crlf_and_framing() {
    let m = format!("\r\n\r\n{GOOD}\r\nabc");
    assert_eq!(dgram(m.as_bytes()).unwrap().body(), "abc");
    let m = format!("{GOOD}Content-Length: 1\r\n\r\nabc");
    assert_eq!(dgram(m.as_bytes()).unwrap().body(), "a");
    let m = format!("{GOOD}Content-Length: 4\r\n\r\nabc");
    assert_eq!(fault(&m), Fault::ContentLengthMismatch);
    let s = |m: String| parse_stream_message(Bytes::from(m), &ParseLimits::default());
    assert_eq!(
        s(format!("{GOOD}\r\nabc")).unwrap_err().fault,
        Fault::MissingContentLength
    );
    assert_eq!(
        s(format!("{GOOD}l: 2\r\n\r\nabc")).unwrap_err().fault,
        Fault::ContentLengthMismatch
    );
    assert_eq!(s(format!("{GOOD}l: 3\r\n\r\nabc")).unwrap().body(), "abc");
}

#[test]
fn rfc4475_invalid_requests_get_400_with_salvage() {
    let cases = [
        // §3.1.2.2 Content-Length larger than the datagram.
        format!("{GOOD}Content-Length: 9999\r\n\r\nabc"),
        // §3.1.2.3 negative Content-Length.
        format!("{GOOD}Content-Length: -999\r\n\r\n"),
        // §3.1.2.4 overlarge scalars.
        format!("{GOOD}Max-Forwards: 300\r\n\r\n"),
        format!("{GOOD}Expires: 10000000000000000000000\r\n\r\n"),
        format!("{GOOD}Contact: <sip:a@b>;expires=280297596632815\r\n\r\n"),
        // §3.1.2.6 unterminated quote in a display name.
        format!("{GOOD}Contact: \"Mr J. User <sip:j.user@example.com>\r\n\r\n"),
        // §3.1.2.13 an escaped header in an addr-spec Contact.
        format!("{GOOD}Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E\r\n\r\n"),
        // §3.1.2.15 non-token characters in a display name.
        GOOD.replace(
            "From: <sip:c@d>",
            "From: Bell, Alexander <sip:a.g.bell@example.com>",
        ) + "\r\n",
        // §3.1.2.1 extraneous separators.
        format!("{GOOD}Via: SIP/2.0/UDP 192.0.2.15;;,;,,\r\n\r\n"),
        // Duplicates.
        format!("{GOOD}Call-ID: y\r\n\r\n"),
        format!("{GOOD}l: 0\r\nContent-Length: 0\r\n\r\n"),
        // §3.1.2.17 CSeq method mismatch.
        GOOD.replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE") + "\r\n",
        // §3.1.3.1 missing headers.
        GOOD.replace("Call-ID: x\r\n", "") + "\r\n",
        // Request-line problems (§3.1.2.7–3.1.2.11).
        GOOD.replace("OPTIONS sip:a@b SIP/2.0", "OPTIONS <sip:a@b> SIP/2.0") + "\r\n",
        GOOD.replace("OPTIONS sip:a@b SIP/2.0", "OPTIONS sip:a@b; lr SIP/2.0") + "\r\n",
        GOOD.replace("OPTIONS sip:a@b SIP/2.0", "OPTIONS  sip:a@b  SIP/2.0") + "\r\n",
        GOOD.replace("OPTIONS sip:a@b SIP/2.0", "OPTIONS sip:a@b SIP/2.0 ") + "\r\n",
        GOOD.replace(
            "OPTIONS sip:a@b SIP/2.0",
            "OPTIONS sip:a@b?Route=%3Csip:e.com%3E SIP/2.0",
        ) + "\r\n",
        // Header-line problems.
        format!("{GOOD}Bad Header: x\r\n\r\n"),
        format!("{GOOD}NoColon\r\n\r\n"),
        GOOD.to_string(),
    ];
    for m in &cases {
        let e = dgram(m.as_bytes()).unwrap_err();
        assert_eq!(
            e.fault.status().map(|s| s.as_u16()),
            Some(400),
            "{m}: {}",
            e.fault
        );
        let s = e.salvage.unwrap_or_else(|| panic!("no salvage for {m}"));
        assert!(!s.headers.is_empty());
    }
}

#[test]
fn version_scheme_and_encoding() {
    let e = dgram(GOOD.replace("SIP/2.0\r\n", "SIP/7.0\r\n").as_bytes()).unwrap_err();
    assert_eq!(e.fault, Fault::BadVersion);
    assert_eq!(e.fault.status().unwrap().as_u16(), 505);
    assert!(e.salvage.is_some());
    let e = dgram((GOOD.replace("sip:a@b SIP", "http://a/b SIP") + "\r\n").as_bytes()).unwrap_err();
    assert_eq!(e.fault, Fault::UnsupportedUriScheme);
    assert!(matches!(e.salvage.unwrap().uri, Uri::Absolute(_)));
    assert!(dgram((GOOD.replace("sip:a@b SIP", "tel:+1-555 SIP") + "\r\n").as_bytes()).is_ok());
    let mut m = GOOD.as_bytes().to_vec();
    m.extend_from_slice(b"X: \xff\xfe\r\n\r\n\xff\x00");
    assert_eq!(
        dgram(&m).unwrap_err().fault,
        Fault::BadEncoding("header section")
    );
    let mut m = format!("{GOOD}\r\n").into_bytes();
    m.extend_from_slice(b"\xff\x00\x80");
    assert_eq!(&dgram(&m).unwrap().body()[..], b"\xff\x00\x80");
}

#[test]
fn responses() {
    let r = "SIP/2.0 100 \r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\n\
From: <sip:c@d>;tag=1\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    let Message::Response(resp) = dgram(r.as_bytes()).unwrap() else {
        panic!()
    };
    assert_eq!((resp.status.as_u16(), &*resp.reason), (100, ""));
    let e = dgram(r.replace("100 ", "4294967301 x").as_bytes()).unwrap_err();
    assert!(e.salvage.is_none() && e.fault.status().is_some());
    assert!(dgram(r.replace("Call-ID: x\r\n", "").as_bytes()).is_err());
}

#[test]
fn junk_and_limits() {
    for junk in [
        "",
        "\r\n\r\n",
        "hello",
        "hello world\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n",
    ] {
        let e = dgram(junk.as_bytes()).unwrap_err();
        assert!(matches!(e.fault, Fault::NotSip(_)), "{junk:?}: {e}");
        assert!(e.salvage.is_none());
    }
    let small = ParseLimits {
        max_message_size: 100,
        ..Default::default()
    };
    let big = format!("{GOOD}\r\n{}", "x".repeat(200));
    let e = parse_datagram(Bytes::from(big), &small).unwrap_err();
    assert_eq!(e.fault, Fault::TooLarge);
    let many = format!("{GOOD}{}\r\n", "X: y\r\n".repeat(300));
    assert_eq!(fault(&many), Fault::TooManyHeaders);
    let long = format!("{GOOD}X: {}\r\n\r\n", "y".repeat(9000));
    assert_eq!(fault(&long), Fault::HeaderTooLong);
}
