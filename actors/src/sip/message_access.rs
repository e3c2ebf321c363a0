//! Typed accessors on messages, parsed on demand from the header list, and body
//! builders.
//!
//! Mandatory headers (Via, From, To, Call-ID, CSeq) give `Err(Fault::MissingHeader)`
//! when absent; optional ones give `Ok(None)`. A value that does not parse gives the
//! same fault the parser's validation would.

use super::error::Fault;
use super::header::{HeaderName, HeaderValue, Headers};
use super::headers::name_addr::{Contact, NameAddr};
use super::headers::simple::{call_id, content_length, max_forwards};
use super::headers::{CSeq, Via};
use super::message::{Message, Request, Response};
use bytes::Bytes;

fn required(h: &Headers, name: HeaderName) -> Result<&HeaderValue, Fault> {
    h.get(&name).ok_or(Fault::MissingHeader(name))
}

fn name_addrs(h: &Headers, name: HeaderName) -> Result<Vec<NameAddr>, Fault> {
    h.get_all(&name)
        .map(|v| NameAddr::parse_as(&name, v.as_str()))
        .collect()
}

fn set_body(h: &mut Headers, body: &mut Bytes, content_type: HeaderValue, new: Bytes) {
    h.set(HeaderName::ContentType, content_type);
    h.set(
        HeaderName::ContentLength,
        HeaderValue::from_string(new.len().to_string()),
    );
    *body = new;
}

macro_rules! accessors {
    ($ty:ty) => {
        impl $ty {
            /// The topmost Via.
            pub fn top_via(&self) -> Result<Via<'_>, Fault> {
                Via::parse(required(HasHeaders::hdrs(self), HeaderName::Via)?.as_str())
            }

            /// Every Via, top first, each parsed.
            pub fn vias(&self) -> impl Iterator<Item = Result<Via<'_>, Fault>> + '_ {
                HasHeaders::hdrs(self)
                    .iter()
                    .filter(|h| h.name == HeaderName::Via)
                    .map(|h| Via::parse(h.value.as_str()))
            }

            /// CSeq.
            pub fn cseq(&self) -> Result<CSeq, Fault> {
                CSeq::parse(required(HasHeaders::hdrs(self), HeaderName::CSeq)?.as_str())
            }

            /// Call-ID, trimmed.
            pub fn call_id(&self) -> Result<&str, Fault> {
                call_id(required(HasHeaders::hdrs(self), HeaderName::CallId)?.as_str())
            }

            /// From (use `.tag()` for the tag).
            pub fn from(&self) -> Result<NameAddr, Fault> {
                let v = required(HasHeaders::hdrs(self), HeaderName::From)?;
                NameAddr::parse_as(&HeaderName::From, v.as_str())
            }

            /// To (use `.tag()` for the tag).
            pub fn to(&self) -> Result<NameAddr, Fault> {
                let v = required(HasHeaders::hdrs(self), HeaderName::To)?;
                NameAddr::parse_as(&HeaderName::To, v.as_str())
            }

            /// Every Contact value in order (empty when there is none).
            pub fn contacts(&self) -> Result<Vec<Contact>, Fault> {
                HasHeaders::hdrs(self)
                    .get_all(&HeaderName::Contact)
                    .map(|v| Contact::parse(v.as_str()))
                    .collect()
            }

            /// Max-Forwards, if present.
            pub fn max_forwards(&self) -> Result<Option<u8>, Fault> {
                HasHeaders::hdrs(self)
                    .get(&HeaderName::MaxForwards)
                    .map(|v| max_forwards(v.as_str()))
                    .transpose()
            }

            /// Content-Length, if present.
            pub fn content_length(&self) -> Result<Option<usize>, Fault> {
                HasHeaders::hdrs(self)
                    .get(&HeaderName::ContentLength)
                    .map(|v| content_length(v.as_str()))
                    .transpose()
            }

            /// Content-Type as written (`application/sdp`, parameters included), if present.
            pub fn content_type(&self) -> Result<Option<&str>, Fault> {
                Ok(HasHeaders::hdrs(self)
                    .get(&HeaderName::ContentType)
                    .map(|v| v.as_str()))
            }

            /// Route values in order.
            pub fn routes(&self) -> Result<Vec<NameAddr>, Fault> {
                name_addrs(HasHeaders::hdrs(self), HeaderName::Route)
            }

            /// Record-Route values in order.
            pub fn record_routes(&self) -> Result<Vec<NameAddr>, Fault> {
                name_addrs(HasHeaders::hdrs(self), HeaderName::RecordRoute)
            }
        }
    };
}

trait HasHeaders {
    fn hdrs(&self) -> &Headers;
}

impl HasHeaders for Request {
    fn hdrs(&self) -> &Headers {
        &self.headers
    }
}

impl HasHeaders for Response {
    fn hdrs(&self) -> &Headers {
        &self.headers
    }
}

impl HasHeaders for Message {
    fn hdrs(&self) -> &Headers {
        self.headers()
    }
}

accessors!(Request);
accessors!(Response);
accessors!(Message);

impl Request {
    /// Sets the body, with Content-Type and Content-Length to match (each replacing
    /// any earlier one).
    pub fn set_body(&mut self, content_type: impl Into<HeaderValue>, body: Bytes) {
        set_body(&mut self.headers, &mut self.body, content_type.into(), body);
    }
}

impl Response {
    /// Sets the body, with Content-Type and Content-Length to match (each replacing
    /// any earlier one).
    pub fn set_body(&mut self, content_type: impl Into<HeaderValue>, body: Bytes) {
        set_body(&mut self.headers, &mut self.body, content_type.into(), body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::{parse_datagram, Method, ParseLimits, StatusCode, Uri};

    const MSG: &[u8] = b"INVITE sip:bob@biloxi.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds, SIP/2.0/TCP h2;branch=z9hG4bK2\r\n\
Max-Forwards: 70\r\nTo: Bob <sip:bob@biloxi.com>\r\nFrom: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.com\r\nCSeq: 314159 INVITE\r\n\
Contact: <sip:alice@pc33.atlanta.com>;expires=60, *\r\nRoute: <sip:p1;lr>\r\nRecord-Route: <sip:p2;lr>\r\n\
Content-Type: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\n";

    #[test]
    fn typed_views() {
        let m = parse_datagram(Bytes::from_static(MSG), &ParseLimits::default()).unwrap();
        assert_eq!(m.top_via().unwrap().branch, Some("z9hG4bK776asdhds"));
        assert_eq!(m.vias().count(), 2);
        assert_eq!(
            m.cseq().unwrap(),
            CSeq {
                seq: 314159,
                method: Method::Invite
            }
        );
        assert_eq!(m.call_id().unwrap(), "a84b4c76e66710@pc33.atlanta.com");
        assert_eq!(m.from().unwrap().tag(), Some("1928301774"));
        assert_eq!(m.to().unwrap().tag(), None);
        let c = m.contacts().unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[1], Contact::Wildcard);
        assert!(matches!(&c[0], Contact::Addr(a) if a.expires() == Some(60)));
        assert_eq!(m.max_forwards().unwrap(), Some(70));
        assert_eq!(m.content_length().unwrap(), Some(4));
        assert_eq!(m.content_type().unwrap(), Some("application/sdp"));
        assert_eq!(m.routes().unwrap()[0].uri.to_string(), "sip:p1;lr");
        assert_eq!(m.record_routes().unwrap().len(), 1);
    }

    #[test]
    fn missing_and_builders() {
        let mut r = Request::new(Method::Message, Uri::parse("sip:a@b").unwrap());
        assert_eq!(r.cseq(), Err(Fault::MissingHeader(HeaderName::CSeq)));
        assert_eq!(r.max_forwards(), Ok(None));
        r.set_body("text/plain", Bytes::from_static(b"hi"));
        r.set_body("text/plain", Bytes::from_static(b"hello"));
        assert_eq!(r.content_length(), Ok(Some(5)));
        assert_eq!(r.headers.count(&HeaderName::ContentType), 1);
        let mut resp = Response::new(StatusCode::OK);
        resp.set_body("application/sdp", Bytes::from_static(b"v=0"));
        assert_eq!(resp.content_length(), Ok(Some(3)));
        assert_eq!(&resp.body[..], b"v=0");
    }
}
