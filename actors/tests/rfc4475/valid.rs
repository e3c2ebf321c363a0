//! RFC 4475 §3.1.1: valid messages. Each must parse, with the values the RFC describes.

use crate::{msg, parse, request, response};
use switchboard_actors::sip::{
    Contact, HeaderName, Host, Message, Method, ParseLimits, StatusCode, Uri,
};

fn sip(u: &Uri) -> &switchboard_actors::sip::SipUri {
    match u {
        Uri::Sip(s) => s,
        Uri::Absolute(a) => panic!("not a SIP URI: {a:?}"),
    }
}

fn other(r: &switchboard_actors::sip::Request, name: &str) -> String {
    r.headers
        .get(&HeaderName::from_wire(name))
        .unwrap_or_else(|| panic!("no {name}"))
        .as_str()
        .to_owned()
}

#[test]
fn wsinv_short_tortuous_invite() {
    let r = request(msg!("wsinv"));
    assert_eq!(r.method, Method::Invite);
    let u = sip(&r.uri);
    assert_eq!(u.user.as_deref(), Some("vivekg"));
    assert_eq!(u.host, Host::Domain("chair-dnrc.example.com".into()));
    assert_eq!(u.param("unknownparam"), Some(""));
    assert_eq!(r.to().unwrap().tag(), Some("1918181833n"));
    let from = r.from().unwrap();
    assert_eq!(from.display.as_deref(), Some(r#""J Rosenberg \\\"""#));
    assert_eq!(from.display_text().as_deref(), Some(r#"J Rosenberg \""#));
    assert_eq!(from.tag(), Some("98asjd8"));
    assert_eq!(r.max_forwards().unwrap(), Some(68));
    let cseq = r.cseq().unwrap();
    assert_eq!((cseq.seq, cseq.method), (9, Method::Invite));
    assert_eq!(r.call_id().unwrap(), "wsinv.ndaksdj@192.0.2.1");
    let vias: Vec<_> = r.vias().map(Result::unwrap).collect();
    let got: Vec<_> = vias
        .iter()
        .map(|v| (v.transport, v.host, v.branch))
        .collect();
    assert_eq!(
        got,
        [
            ("UDP", "192.0.2.2", Some("390skdjuw")),
            ("TCP", "spindle.example.com", Some("z9hG4bK9ikj8")),
            ("UDP", "192.168.255.111", Some("z9hG4bK30239")),
        ]
    );
    assert!(!vias[0].is_rfc3261_branch());
    assert_eq!(r.headers.get(&HeaderName::Subject).unwrap().as_str(), "");
    assert_eq!(
        other(&r, "NewFangledHeader"),
        "newfangled value continued newfangled value"
    );
    assert_eq!(other(&r, "UnknownHeaderWithUnusualValue"), ";;,,;;,;");
    let routes = r.routes().unwrap();
    assert_eq!(
        routes[0].uri.to_string(),
        "sip:services.example.com;lr;unknownwith=value;unknown-no-value"
    );
    let Contact::Addr(c) = &r.contacts().unwrap()[0] else {
        panic!("wildcard")
    };
    assert_eq!(c.display.as_deref(), Some(r#""Quoted string \"\"""#));
    assert_eq!(c.param("newparam"), Some("newvalue"));
    assert_eq!(c.param("secondparam"), Some(""));
    assert_eq!(c.q(), Some("0.33"));
    assert_eq!(r.content_type().unwrap(), Some("application/sdp"));
    assert_eq!(r.body.len(), 150);
    assert!(r.body.starts_with(b"v=0\r\n") && r.body.ends_with(b"LPC\r\n"));
}

#[test]
fn intmeth_wide_range_of_characters() {
    let r = request(msg!("intmeth"));
    let method = "!interesting-Method0123456789_*+`.%indeed'~";
    assert_eq!(r.method.as_str(), method);
    assert_eq!(r.method, Method::from_token(method));
    assert_ne!(r.method, Method::Invite);
    let u = sip(&r.uri);
    assert_eq!(
        u.user.as_deref(),
        Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
    );
    assert_eq!(
        u.password.as_deref(),
        Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
    );
    assert_eq!(r.top_via().unwrap().branch, Some("z9hG4bK-.!%66*_+`'~"));
    let to = r.to().unwrap();
    assert_eq!(
        to.display_text().as_deref(),
        Some("BEL:\x07 NUL:\0 DEL:\x7f")
    );
    let from = r.from().unwrap();
    assert_eq!(
        from.display.as_deref(),
        Some("token1~` token2'+_ token3*%!.-")
    );
    assert_eq!(from.param("fromParam''~+*_!.-%"), Some("\"работающий\""));
    assert_eq!(from.tag(), Some("_token~1'+`*%!-."));
    assert_eq!(
        r.call_id().unwrap(),
        "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"
    );
    let cseq = r.cseq().unwrap();
    assert_eq!((cseq.seq, cseq.method.as_str()), (139122385, method));
    assert_eq!(r.max_forwards().unwrap(), Some(255));
    assert_eq!(other(&r, "extensionHeader-!.%*+_`'~"), "\u{feff}大停電");
}

#[test]
fn esc01_percent_escapes_kept_as_written() {
    let r = request(msg!("esc01"));
    let u = sip(&r.uri);
    assert_eq!(u.user.as_deref(), Some("sips%3Auser%40example.com"));
    assert_eq!(u.host, Host::Domain("example.net".into()));
    assert_eq!(sip(&r.to().unwrap().uri).user.as_deref(), Some("%75se%72"));
    let from = r.from().unwrap();
    assert_eq!(sip(&from.uri).user.as_deref(), Some("I%20have%20spaces"));
    assert_eq!(from.tag(), Some("938"));
    assert_eq!(r.call_id().unwrap(), "esc01.239409asdfakjkn23onasd0-3234");
    assert_eq!(r.content_type().unwrap(), Some("application/sdp"));
    let Contact::Addr(c) = &r.contacts().unwrap()[0] else {
        panic!("wildcard")
    };
    let cu = sip(&c.uri);
    assert_eq!(cu.user.as_deref(), Some("cal%6Cer"));
    assert_eq!(cu.param("%6C%72"), Some(""));
    // "value%41" after one unescaping, never "valueA".
    assert_eq!(cu.param("n%61me"), Some("v%61lue%25%34%31"));
    assert_eq!(r.body.len(), 150);
}

#[test]
fn escnull_escaped_nulls() {
    let r = request(msg!("escnull"));
    assert_eq!(
        sip(&r.to().unwrap().uri).user.as_deref(),
        Some("null-%00-null")
    );
    let users: Vec<_> = r
        .contacts()
        .unwrap()
        .into_iter()
        .map(|c| match c {
            Contact::Addr(a) => sip(&a.uri).user.as_deref().unwrap().to_owned(),
            Contact::Wildcard => panic!("wildcard"),
        })
        .collect();
    assert_eq!(users, ["%00", "%00%00"]);
    assert_eq!(r.content_length().unwrap(), Some(0));
}

#[test]
fn esc02_percent_that_is_not_an_escape() {
    let r = request(msg!("esc02"));
    assert_eq!(r.method.as_str(), "RE%47IST%45R");
    assert_ne!(r.method, Method::Register);
    assert_eq!(r.to().unwrap().display.as_deref(), Some("\"%Z%45\""));
    assert_eq!(r.contacts().unwrap().len(), 2);
    assert_eq!(other(&r, "C%6Fntact"), "<sip:alias2@host2.example.com>");
    assert_eq!(r.top_via().unwrap().branch, Some("z9hG4bK209%fzsnel234"));
    assert_eq!(r.cseq().unwrap().method, r.method);
}

#[test]
fn lwsdisp_no_space_before_angle() {
    let from = request(msg!("lwsdisp")).from().unwrap();
    assert_eq!(from.display.as_deref(), Some("caller"));
    assert_eq!(from.uri.to_string(), "sip:caller@example.com");
    assert_eq!(from.tag(), Some("323"));
}

#[test]
fn longreq_long_values() {
    let r = request(msg!("longreq"));
    let to = r.to().unwrap();
    let display = format!("I have a user name of {} proportion", "extreme".repeat(10));
    assert_eq!(to.display_text().as_deref(), Some(display.as_str()));
    let tu = sip(&to.uri);
    assert_eq!(tu.port, Some(6000));
    let long20 = format!("very{}value", "long".repeat(20));
    assert_eq!(tu.param("unknownparam1"), Some(long20.as_str()));
    assert_eq!(
        tu.param(&format!("longparam{}", "name".repeat(25))),
        Some("shortvalue")
    );
    let valueless = format!("very{}ParameterNameWithNoValue", "long".repeat(25));
    assert_eq!(tu.param(&valueless), Some(""));
    let from = r.from().unwrap();
    let caller = "amazinglylongcallername".repeat(5);
    assert_eq!(sip(&from.uri).user.as_deref(), Some(caller.as_str()));
    let tag = format!("12{}424", "982".repeat(50));
    assert_eq!(from.tag(), Some(tag.as_str()));
    let call_id = format!("longreq.one{}longcallid", "really".repeat(20));
    assert_eq!(r.call_id().unwrap(), call_id);
    let vias: Vec<_> = r.vias().map(Result::unwrap).collect();
    assert_eq!(vias.len(), 34);
    assert_eq!(vias[0].host, "sip33.example.com");
    let branch = format!("very{}branchvalue", "long".repeat(50));
    assert_eq!(vias[33].branch, Some(branch.as_str()));
    assert_eq!(vias[33].received, Some("192.0.2.5"));
    assert!(other(&r, &format!("Unknown-{}-Name", "Long".repeat(20))).starts_with("unknown-long"));
    assert_eq!(r.body.len(), 150);
}

#[test]
fn dblreq_trailing_octets_ignored() {
    let r = request(msg!("dblreq"));
    assert_eq!(r.method, Method::Register);
    assert_eq!(r.content_length().unwrap(), Some(0));
    assert!(
        r.body.is_empty(),
        "the INVITE octets are not part of the message"
    );
    assert_eq!(
        r.call_id().unwrap(),
        "dblreq.0ha0isndaksdj99sdfafnl3lk233412"
    );
}

#[test]
fn semiuri_semicolon_in_user_part() {
    let r = request(msg!("semiuri"));
    let u = sip(&r.uri);
    assert_eq!(u.user.as_deref(), Some("user;par=u%40example.net"));
    assert_eq!(u.host, Host::Domain("example.com".into()));
    assert!(u.params.is_empty());
}

#[test]
fn transports_varied_and_unknown() {
    let r = request(msg!("transports"));
    let t: Vec<_> = r.vias().map(|v| v.unwrap().transport).collect();
    assert_eq!(t, ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]);
}

#[test]
fn mpart01_binary_body_kept_byte_exact() {
    let raw = msg!("mpart01");
    let start = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let r = request(raw.clone());
    assert_eq!(r.method, Method::Message);
    assert_eq!(r.body, raw.slice(start..));
    assert_eq!(r.body.len(), 553);
    assert!(r.body.contains(&0));
    assert!(r
        .content_type()
        .unwrap()
        .unwrap()
        .starts_with("multipart/mixed"));
    let via = r.top_via().unwrap();
    assert_eq!((via.port, via.rport), (Some(5070), Some(None)));
}

#[test]
fn response_reason_phrases() {
    let r = response(msg!("unreason"));
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        &*r.reason,
        "= 2**3 * 5**2 но сто девяносто девять - простое"
    );
    assert_eq!(r.body.len(), 154);
    let r = response(msg!("noreason"));
    assert_eq!(r.status, StatusCode::TRYING);
    assert_eq!(&*r.reason, "");
}

#[test]
fn valid_messages_also_parse_from_a_stream() {
    // Content-Length is right in all of these, so stream framing gives the same result.
    for buf in [
        msg!("wsinv"),
        msg!("intmeth"),
        msg!("esc01"),
        msg!("escnull"),
        msg!("esc02"),
        msg!("lwsdisp"),
        msg!("longreq"),
        msg!("semiuri"),
        msg!("transports"),
        msg!("mpart01"),
        msg!("unreason"),
        msg!("noreason"),
    ] {
        let dgram: Message = parse(buf.clone()).unwrap();
        let stream =
            switchboard_actors::sip::parse_stream_message(buf, &ParseLimits::default()).unwrap();
        assert_eq!(stream, dgram);
    }
}
