//! Tests of [`super`].
use super::*;

fn na(s: &str) -> NameAddr {
    NameAddr::parse_as(&HeaderName::To, s).unwrap()
}

#[test]
fn forms() {
    let a = na(
        "\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\n;\n tag = 98asjd8"
            .replace('\n', " ")
            .as_str(),
    );
    assert_eq!(a.display.as_deref(), Some("\"J Rosenberg \\\\\\\"\""));
    assert_eq!(a.display_text().unwrap(), "J Rosenberg \\\"");
    assert_eq!(a.tag(), Some("98asjd8"));
    let b = na("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
    assert_eq!(b.tag(), Some("1918181833n"));
    assert_eq!(b.uri.to_string(), "sip:vivekg@chair-dnrc.example.com");
    let c = na("caller<sip:caller@example.com>;tag=323");
    assert_eq!(c.display.as_deref(), Some("caller"));
    let d = na("token1~` token2'+_ token3*%!.- <sip:mundane@example.com> ;fromParam''~+*_!.-%=\"\u{0440}\";tag=_token~1'+`*%!-.");
    assert_eq!(d.tag(), Some("_token~1'+`*%!-."));
    let e = na("<tel:+1234>");
    assert!(e.uri.scheme_is("tel"));
    assert_eq!(na("sip:a@b;tag=x").params, [Param::new("tag", Some("x"))]);
}

#[test]
fn contact_params() {
    let Contact::Addr(c) = Contact::parse(
        "<sip:a@b>;expires=60;q=0.5;+sip.instance=\"<urn:uuid:1>\";reg-id=1;pn-provider=apns",
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(c.expires(), Some(60));
    assert_eq!(c.q(), Some("0.5"));
    assert_eq!(c.instance(), Some("<urn:uuid:1>"));
    assert_eq!(c.reg_id(), Some(1));
    assert_eq!(c.pn_provider(), Some("apns"));
    assert_eq!(Contact::parse(" * ").unwrap(), Contact::Wildcard);
}

#[test]
fn rejects() {
    for bad in [
        "\"unterminated <sip:a@b>",
        "Bell, Alexander <sip:a.g.bell@example.com>;tag=43",
        "sip: user@example.com",
        "< sip:user@example.com >",
        "<sip:user@example.com",
        "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
        "<sip:a@b>;;tag",
        "<sip:a@b> junk",
        "",
    ] {
        assert!(NameAddrRef::parse(bad).is_err(), "{bad:?} accepted");
    }
}

#[test]
fn display_round_trip() {
    let a = NameAddr::new(Uri::parse("sip:a@b").unwrap()).with_display("Al \"x\" \\");
    assert_eq!(a.display_text().unwrap(), "Al \"x\" \\");
    let s = a.to_string();
    assert_eq!(na(&s), a);
}
