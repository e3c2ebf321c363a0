//! Stamping `received` and `rport` on the top Via of a received request (RFC 3261
//! §18.2.1, RFC 3581 §4).

use super::key::{first_via_parm, KeyError};
use crate::sip::{HeaderName, HeaderValue, Request, Via};
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};

/// Rewrites the top Via of `request` received from `source`: adds `received=<ip>` when
/// the sent-by host is not that address, or when `rport` asks for it (RFC 3581
/// requires `received` then), and fills an empty `rport` with the source port.
/// Other parameters keep their order; any further via-parms in the same header value
/// are kept after the rewritten one.
pub fn stamp_received(request: &mut Request, source: SocketAddr) -> Result<(), KeyError> {
    let Some(header) = request.headers.get(&HeaderName::Via) else {
        return Err(KeyError::Missing(HeaderName::Via));
    };
    let full = header.as_str();
    let first = first_via_parm(full);
    let via = Via::parse(first)?;
    let rewritten = rewrite(&via, source);
    let Some(rewritten) = rewritten else {
        return Ok(());
    };
    let value = format!("{rewritten}{}", &full[first.len()..]);
    set_top_via(request, HeaderValue::from_string(value));
    Ok(())
}

fn rewrite(via: &Via<'_>, source: SocketAddr) -> Option<String> {
    let host_ip: Option<IpAddr> = via
        .host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok();
    let wants_rport = via.rport == Some(None);
    let needs_received = wants_rport || host_ip != Some(source.ip());
    if !needs_received && !wants_rport {
        return None;
    }
    let mut out = format!("SIP/2.0/{} {}", via.transport, via.host);
    if let Some(port) = via.port {
        let _ = write!(out, ":{port}");
    }
    for (name, value) in via.params() {
        if name.eq_ignore_ascii_case("received") && needs_received {
            continue;
        }
        if name.eq_ignore_ascii_case("rport") && wants_rport {
            let _ = write!(out, ";rport={}", source.port());
            continue;
        }
        out.push(';');
        out.push_str(name);
        if let Some(v) = value {
            out.push('=');
            out.push_str(v);
        }
    }
    if needs_received {
        // RFC 3261 grammar: IPv6address without brackets.
        let _ = write!(out, ";received={}", source.ip());
    }
    Some(out)
}

/// Replaces the first Via header field of `request` by `value`, keeping its place.
pub(crate) fn set_top_via(request: &mut Request, value: HeaderValue) {
    let mut headers = crate::sip::Headers::with_capacity(request.headers.len());
    let mut done = false;
    for h in request.headers.iter() {
        if !done && h.name == HeaderName::Via {
            headers.push(HeaderName::Via, value.clone());
            done = true;
        } else {
            headers.push(h.name.clone(), h.value.clone());
        }
    }
    request.headers = headers;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::{Host, Method, SipUri, Uri};

    fn req(via: &'static str) -> Request {
        let mut r = Request::new(
            Method::Options,
            Uri::Sip(SipUri::new(None, Host::Domain("example.com".into()), None)),
        );
        r.headers.push(HeaderName::Via, via);
        r.headers
            .push(HeaderName::Via, "SIP/2.0/UDP proxy;branch=z9hG4bKp");
        r
    }

    fn top(r: &Request) -> &str {
        r.headers.get(&HeaderName::Via).unwrap().as_str()
    }

    #[test]
    fn same_address_no_rport_untouched() {
        let mut r = req("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1");
        stamp_received(&mut r, "10.0.0.1:5060".parse().unwrap()).unwrap();
        assert_eq!(top(&r), "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1");
    }

    #[test]
    fn domain_gets_received() {
        let mut r = req("SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1");
        stamp_received(&mut r, "192.0.2.4:5060".parse().unwrap()).unwrap();
        assert_eq!(
            top(&r),
            "SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1;received=192.0.2.4"
        );
        assert_eq!(r.headers.count(&HeaderName::Via), 2);
    }

    #[test]
    fn rport_filled_and_received_forced_keeping_order() {
        let mut r = req("SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bK1, SIP/2.0/UDP x");
        stamp_received(&mut r, "10.0.0.1:40000".parse().unwrap()).unwrap();
        assert_eq!(
            top(&r),
            "SIP/2.0/UDP 10.0.0.1:5060;rport=40000;branch=z9hG4bK1;received=10.0.0.1, SIP/2.0/UDP x"
        );
        let v = Via::parse(first_via_parm(top(&r))).unwrap();
        assert_eq!(v.rport, Some(Some(40000)));
    }

    #[test]
    fn ipv6_source_and_stale_received_replaced() {
        let mut r = req("SIP/2.0/TCP [2001:db8::1]:5060;received=1.2.3.4;branch=z9hG4bK1");
        stamp_received(&mut r, "[2001:db8::2]:5060".parse().unwrap()).unwrap();
        assert_eq!(
            top(&r),
            "SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bK1;received=2001:db8::2"
        );
        assert!(Via::parse(top(&r)).is_ok());
    }

    #[test]
    fn missing_or_bad_via_is_an_error() {
        let mut r = Request::new(Method::Options, req("SIP/2.0/UDP a").uri);
        assert!(stamp_received(&mut r, "10.0.0.1:1".parse().unwrap()).is_err());
        let mut r = req("garbage");
        assert!(stamp_received(&mut r, "10.0.0.1:1".parse().unwrap()).is_err());
    }
}
