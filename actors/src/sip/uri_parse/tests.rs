//! Tests of [`super`].
use super::*;

fn sip(s: &str) -> SipUri {
    match Uri::parse(s).unwrap() {
        Uri::Sip(u) => u,
        other => panic!("not sip: {other:?}"),
    }
}

#[test]
fn full_sip_uri() {
    let u = sip("sips:alice:secret@[2001:db8::1]:5061;transport=tls;lr?subject=x&h=%20");
    assert_eq!(u.scheme, Scheme::Sips);
    assert_eq!(u.user.as_deref(), Some("alice"));
    assert_eq!(u.password.as_deref(), Some("secret"));
    assert_eq!(u.host, Host::V6("2001:db8::1".parse().unwrap()));
    assert_eq!(u.port, Some(5061));
    assert_eq!(
        u.params,
        [Param::new("transport", Some("tls")), Param::new("lr", None)]
    );
    assert_eq!(u.headers.as_deref(), Some("subject=x&h=%20"));
}

#[test]
fn torture_users() {
    let u = sip("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
    assert_eq!(
        u.user.as_deref(),
        Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
    );
    assert_eq!(u.host, Host::Domain("example.com".into()));
    let u = sip("sip:user;par=u%40example.net@example.com");
    assert_eq!(u.user.as_deref(), Some("user;par=u%40example.net"));
    let u = sip("sip:null-%00-null@10.0.0.1");
    assert_eq!(u.host, Host::V4("10.0.0.1".parse().unwrap()));
    let u = sip("SIP:cal%6Cer@192.168.0.2:5060;%6C%72;n%61me=v%61lue%25%34%31");
    assert_eq!(u.params.len(), 2);
}

#[test]
fn other_schemes_opaque() {
    assert_eq!(
        Uri::parse("tel:+1-201-555-0123;phone-context=x").unwrap(),
        Uri::Absolute(AbsoluteUri("tel:+1-201-555-0123;phone-context=x".into()))
    );
    assert!(Uri::parse("urn:service:sos").unwrap().scheme_is("URN"));
    assert!(Uri::parse("http://a.b/c?d#e").is_ok());
}

#[test]
fn rejects() {
    for bad in [
        "sip:",
        "sip:@host",
        "sip:user@",
        "sip:host:",
        "sip:host:65536",
        "sip:host:+5",
        "sip:host;",
        "sip:host;a=",
        "sip:us er@host",
        "sip:user@host name",
        "sip:[::1",
        "sip:[zz]",
        "sip:host?x",
        "sip:a%2@host",
        "<sip:host>",
        "nocolon",
        "1x:abc",
        "tel:",
        "tel:12 34",
    ] {
        assert!(Uri::parse(bad).is_err(), "{bad} accepted");
    }
}

#[test]
fn prints_back() {
    for s in ["sip:a@b.c:1;x;y=z?h=v", "sips:[::1]", "sip:u:p@1.2.3.4"] {
        assert_eq!(Uri::parse(s).unwrap().to_string(), s);
    }
}
